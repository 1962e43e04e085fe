"""Exactly once across crashes: a command's Idempotency-Key is recorded in the same database transaction
as the events the command produced.

The caller (the one command path, `api/writes.py`) names the key of the command it is about to run
with `keyed(...)`; the service's save hands it to the event store's recorder (`command_key=`), which
inserts one row in `tracker_command_keys` — the user, the key, the request's fingerprint and the
command's answer (`Written`, without its log position, which the recorder adds) — in the transaction
that inserts the events. So after a crash at any instant either both are stored (a retry returns the
first answer) or neither is (a retry runs the command afresh). A key already taken makes the save fail
as a conflict, and the caller then answers from the stored row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import msgspec

TABLE = "tracker_command_keys"
DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (username TEXT NOT NULL, key TEXT NOT NULL, "
       "fingerprint TEXT NOT NULL, written TEXT NOT NULL, position BIGINT NOT NULL, "
       "created_at TEXT NOT NULL, PRIMARY KEY (username, key))")
INSERT = (f"INSERT INTO {TABLE} (username, key, fingerprint, written, position, created_at) "
          "VALUES ({0}, {0}, {0}, {0}, {0}, {0})")


@dataclass(frozen=True)
class CommandKey:
    """Who sent the command, under which key, and the fingerprint of the request."""

    username: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class KeyRecord:
    """What the recorder stores beside the events: the key and the command's answer."""

    key: CommandKey
    written: bytes  # JSON of services.base.Written without its position

    def row(self, position: int, created_at: str) -> tuple[Any, ...]:
        return (self.key.username, self.key.key, self.key.fingerprint, self.written.decode(), position,
                created_at)


class _Slot:
    """The key of the command running in this context; the first save of the command takes it."""

    def __init__(self, key: CommandKey | None) -> None:
        self.key = key


_current: ContextVar[_Slot | None] = ContextVar("command_key", default=None)


@contextmanager
def keyed(key: CommandKey | None) -> Iterator[None]:
    """Run one attempt of a command under this key (None: an unkeyed command)."""
    token = _current.set(_Slot(key))
    try:
        yield
    finally:
        _current.reset(token)


def take() -> CommandKey | None:
    """The key for the save about to happen (once per command: a second save of it is not keyed)."""
    slot = _current.get()
    if slot is None or slot.key is None:
        return None
    key, slot.key = slot.key, None
    return key


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)
