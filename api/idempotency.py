"""Idempotency-Key on writes, read side: the key's stored row (written with the command's events, see
services/idempotency.py) answers a retry with the first answer."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import msgspec

from domain.errors import RuleViolated
from projections.db import ReadDB
from services import Written
from services.idempotency import DDL, TABLE, CommandKey


class IdempotencyStore:
    def __init__(self, db: ReadDB) -> None:
        self.db = db
        with db.transaction() as cur:
            cur.execute(DDL)

    @staticmethod
    def key_for(username: str, key: str | None, method: str, path: str, data: Any) -> CommandKey | None:
        """The command's key, with the fingerprint of the request (method, path, body); None without one."""
        if key is None:
            return None
        key = key.strip()
        if not 1 <= len(key) <= 200 or not key.isprintable():
            raise RuleViolated("Idempotency-Key phải có từ 1 đến 200 ký tự in được.", rule="idempotency_key_invalid",
                               field="Idempotency-Key", value=key[:50])
        fingerprint = hashlib.sha256(method.encode() + b" " + path.encode() + b"\n"
                                     + msgspec.json.encode(data, order="deterministic")).hexdigest()
        return CommandKey(username, key, fingerprint)

    def recorded(self, key: CommandKey) -> Written | None:
        """The answer of the command this key already recorded (None: it recorded none); the same key with
        another request is refused."""
        rows = self.db.query(f"SELECT fingerprint, written, position FROM {TABLE} WHERE username = ? AND key = ?",
                             (key.username, key.key))
        if not rows:
            return None
        if rows[0]["fingerprint"] != key.fingerprint:
            raise RuleViolated("Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                               rule="idempotency_key_reused", field="Idempotency-Key", value=key.key)
        written = msgspec.json.decode(rows[0]["written"], type=Written)
        return replace(written, position=int(rows[0]["position"]))
