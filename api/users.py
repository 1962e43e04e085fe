"""API users: usernames, roles and argon2 password hashes (kept beside the read models)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actor import Actor
from domain.errors import Conflict, InvalidInput
from projections.db import ReadDB

ROLES = ("inspector", "home_affairs", "auditor", "admin")
ROLE_LABELS = {"inspector": "Thanh tra", "home_affairs": "Sở Nội vụ", "auditor": "Kiểm toán, giám sát",
               "admin": "Quản trị"}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_hasher = PasswordHasher()

DDL = ("CREATE TABLE IF NOT EXISTS tracker_users (username TEXT PRIMARY KEY, role TEXT NOT NULL, "
       "password_hash TEXT NOT NULL, full_name TEXT, created_at TEXT NOT NULL)")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    full_name: str

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role)


class Users:
    def __init__(self, db: ReadDB) -> None:
        self.db = db
        with db.transaction() as cur:
            cur.execute(DDL)

    def add(self, username: str, role: str, password: str, full_name: str = "") -> User:
        username = (username or "").strip().lower()
        if not _USERNAME.match(username):
            raise InvalidInput("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (2–63 ký tự).",
                               field="username", value=username)
        if role not in ROLES:
            raise InvalidInput(f"Vai trò phải là một trong: {', '.join(ROLES)}.", field="role", value=role)
        if len(password or "") < 8:
            raise InvalidInput("Mật khẩu cần ít nhất 8 ký tự.", field="password")
        if self.get(username) is not None:
            raise Conflict(f"Đã có người dùng '{username}'.", rule="already_exists", value=username)
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO tracker_users (username, role, password_hash, full_name, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", (username, role, _hasher.hash(password), full_name,
                                                   datetime.now(UTC).isoformat()))
        return User(username, role, full_name)

    def get(self, username: str) -> User | None:
        rows = self.db.query("SELECT username, role, full_name FROM tracker_users WHERE username = ?",
                             ((username or "").strip().lower(),))
        return User(rows[0]["username"], rows[0]["role"], rows[0]["full_name"] or "") if rows else None

    def authenticate(self, username: str, password: str) -> User | None:
        rows = self.db.query("SELECT * FROM tracker_users WHERE username = ?", ((username or "").strip().lower(),))
        if not rows:
            _hasher.hash(password or "x")  # spend the same time whether or not the user exists
            return None
        try:
            _hasher.verify(rows[0]["password_hash"], password or "")
        except (VerificationError, InvalidHashError):
            return None
        return User(rows[0]["username"], rows[0]["role"], rows[0]["full_name"] or "")

    def all(self) -> list[User]:
        return [User(r["username"], r["role"], r["full_name"] or "")
                for r in self.db.query("SELECT username, role, full_name FROM tracker_users ORDER BY username")]
