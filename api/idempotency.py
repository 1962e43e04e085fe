"""Idempotency-Key on writes: a retry with the same key and body returns the first answer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec

from domain.errors import Conflict, RuleViolated
from projections.db import ReadDB

DDL = ("CREATE TABLE IF NOT EXISTS tracker_idempotency (username TEXT NOT NULL, key TEXT NOT NULL, "
       "fingerprint TEXT NOT NULL, status INTEGER, body TEXT, created_at TEXT NOT NULL, "
       "PRIMARY KEY (username, key))")

R = TypeVar("R")
PENDING_SECONDS = 120  # a claim older than this without an answer belongs to a request that died


class IdempotencyStore:
    def __init__(self, db: ReadDB) -> None:
        self.db = db
        with db.transaction() as cur:
            cur.execute(DDL)

    def run(self, username: str, key: str | None, method: str, path: str, data: Any,
            response_type: type[R], action: Callable[[], R]) -> R:
        """Run `action` once per (user, key); replay its answer for the same request."""
        if not key:
            return action()
        key = key.strip()
        if not 1 <= len(key) <= 200:
            raise RuleViolated("Idempotency-Key phải có từ 1 đến 200 ký tự.", rule="idempotency_key_invalid",
                               field="Idempotency-Key", value=key[:50])
        fingerprint = hashlib.sha256(method.encode() + b" " + path.encode() + b"\n"
                                     + msgspec.json.encode(data, order="deterministic")).hexdigest()
        claimed = self._claim(username, key, fingerprint)
        if not claimed:
            row = self.db.query("SELECT * FROM tracker_idempotency WHERE username = ? AND key = ?",
                                (username, key))[0]
            if row["fingerprint"] != fingerprint:
                raise RuleViolated("Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                                   rule="idempotency_key_reused", field="Idempotency-Key", value=key)
            if row["body"] is None and self._stale(row):  # its process died mid-request: nothing to replay
                with self.db.transaction() as cur:
                    cur.execute("DELETE FROM tracker_idempotency WHERE username = ? AND key = ? AND body IS NULL",
                                (username, key))
                return self.run(username, key, method, path, data, response_type, action)
            if row["body"] is None:
                raise Conflict("Yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát.",
                               rule="idempotency_in_progress", field="Idempotency-Key", value=key)
            return msgspec.json.decode(row["body"], type=response_type)
        try:
            result = action()
        except BaseException:
            with self.db.transaction() as cur:  # nothing was recorded: a retry may run again
                cur.execute("DELETE FROM tracker_idempotency WHERE username = ? AND key = ? AND body IS NULL",
                            (username, key))
            raise
        with self.db.transaction() as cur:
            cur.execute("UPDATE tracker_idempotency SET body = ?, status = 200 WHERE username = ? AND key = ?",
                        (msgspec.json.encode(result).decode(), username, key))
        return result

    @staticmethod
    def _stale(row: dict[str, Any]) -> bool:
        started = datetime.fromisoformat(row["created_at"])
        return (datetime.now(UTC) - started).total_seconds() > PENDING_SECONDS

    def _claim(self, username: str, key: str, fingerprint: str) -> bool:
        """Insert the pending row; only the request whose insert took effect runs the action."""
        with self.db.transaction() as cur:
            done = cur.execute("INSERT INTO tracker_idempotency (username, key, fingerprint, created_at) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                               (username, key, fingerprint, datetime.now(UTC).isoformat()))
            return done.rowcount == 1
