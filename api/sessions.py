"""Open sessions: every token names one (its `jti`), and a token whose session is not open is refused.

Kept in the database beside the users (SQLite file or PostgreSQL schema), so that signing out in one
API process closes the session in all of them. Signing out closes one session; a password change
closes all of the user's. A session row lives until its token would have expired anyway.
"""

from __future__ import annotations

import secrets
import time

from api.users import User
from projections.db import ReadDB

DDL = ("CREATE TABLE IF NOT EXISTS tracker_sessions (jti TEXT PRIMARY KEY, username TEXT NOT NULL, "
       "issued_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
       "CREATE INDEX IF NOT EXISTS tracker_sessions_by_user ON tracker_sessions (username)")


class Sessions:
    def __init__(self, db: ReadDB) -> None:
        self.db = db
        with db.transaction() as cur:
            for statement in DDL:
                cur.execute(statement)

    def open(self, username: str, seconds: float) -> str:
        """A new session for the user, open for `seconds`: its id, to be the token's `jti`."""
        jti = secrets.token_urlsafe(24)
        now = time.time()
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM tracker_sessions WHERE expires_at < ?", (now,))
            cur.execute("INSERT INTO tracker_sessions (jti, username, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                        (jti, username, now, now + seconds))
        return jti

    def user_of(self, jti: str | None, username: str) -> User | None:
        """The user whose open session this is (one query: the session and the user as they stand now)."""
        if not jti:
            return None
        rows = self.db.query(
            "SELECT u.username, u.role, u.full_name FROM tracker_sessions s JOIN tracker_users u "
            "ON u.username = s.username WHERE s.jti = ? AND s.username = ? AND s.expires_at >= ?",
            (jti, username, time.time()))
        return User(rows[0]["username"], rows[0]["role"], rows[0]["full_name"] or "") if rows else None

    def close(self, jti: str | None) -> None:
        if jti:
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM tracker_sessions WHERE jti = ?", (jti,))

    def close_all(self, username: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM tracker_sessions WHERE username = ?", (username,))
