"""Tamper evidence: a SHA-256 hash chain over the stored log, in its own append-only table.

Link n = SHA-256(link n−1 ‖ record n), where a record is the stored bytes of one event: its
aggregate id, version, topic and state exactly as the store holds them. The chain is sealed as the
log grows (a view the runner feeds in order, never dropped by a rebuild: rebuilding it from a
tampered log would launder the tampering). `verify` recomputes it from the log and names the first
position that does not match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from projections.db import ReadDB
from projections.tables import Batch
from projections.views import Event, View

GENESIS = bytes(32)
CHAIN_DDL = [
    "CREATE TABLE IF NOT EXISTS tracker_chain (position BIGINT PRIMARY KEY, digest TEXT NOT NULL)",
]
# On PostgreSQL the event and chain tables refuse UPDATE, DELETE and TRUNCATE.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Sổ Trách Nhiệm: bảng % chỉ được ghi thêm (%, bị từ chối)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$
"""


def append_only_ddl(table: str) -> list[str]:
    """Triggers refusing UPDATE, DELETE and TRUNCATE on a PostgreSQL table (PostgreSQL 14+)."""
    return [
        f"CREATE OR REPLACE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION tracker_append_only()",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tracker_append_only()",
    ]


def record_bytes(originator_id: Any, version: int, topic: str, state: bytes) -> bytes:
    """The bytes a link seals: the stored record, independent of its log position."""
    return f"{originator_id}\n{version}\n{topic}\n".encode() + bytes(state)


def link(previous: bytes, record: bytes) -> bytes:
    return hashlib.sha256(previous + record).digest()


class ChainView(View):
    """Seals each event into the chain, in log order, in the runner's transactions."""

    name = "chain"
    tables = ()
    log_tables = ("tracker_chain",)
    rebuildable = False
    needs_record = True

    def ddl(self) -> list[str]:
        return list(CHAIN_DDL)

    def handler_for(self, event_class: type) -> Any:
        return self.apply

    def apply(self, batch: Batch, e: Event) -> None:
        previous = getattr(batch, "_chain_head", None)
        if previous is None:
            batch.cursor.execute("SELECT digest FROM tracker_chain ORDER BY position DESC LIMIT 1")
            row = batch.cursor.fetchone()
            previous = bytes.fromhex(row["digest"]) if row else GENESIS
        digest = link(previous, e.record)
        batch._chain_head = digest  # type: ignore[attr-defined]
        batch.append("tracker_chain", ("position", "digest"), (e.position, digest.hex()))


class RawLog(Protocol):
    def position(self) -> int: ...
    def read_raw(self, after: int, limit: int) -> Sequence[tuple[int, bytes]]: ...


@dataclass(frozen=True)
class Verification:
    checked: int
    head: str
    sealed_position: int
    log_position: int
    first_mismatch: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def _chain_rows(db: ReadDB, page: int) -> Iterator[tuple[int, str]]:
    after = -1
    while True:
        rows = db.query("SELECT position, digest FROM tracker_chain WHERE position > ? ORDER BY position LIMIT ?",
                        (after, page))
        if not rows:
            return
        for row in rows:
            yield int(row["position"]), row["digest"]
        after = int(rows[-1]["position"])


def _log_records(source: RawLog, page: int) -> Iterator[tuple[int, bytes]]:
    after = 0
    while True:
        rows = source.read_raw(after, page)
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def verify(db: ReadDB, source: RawLog, page: int = 10_000,
           on_progress: Callable[[int, int], None] | None = None) -> Verification:
    """Recompute the chain from the stored log and compare it link by link with the sealed chain."""
    log_position = source.position()
    chain = _chain_rows(db, page)
    previous, checked, sealed = GENESIS, 0, 0
    for position, record in _log_records(source, page):
        sealed_row = next(chain, None)
        if sealed_row is None:  # the seal has not reached this far yet: nothing more to compare
            break
        sealed_position, digest = sealed_row
        if sealed_position < position:
            return Verification(checked, previous.hex(), sealed_position, log_position, sealed_position,
                                "Sự kiện đã được niêm phong nhưng không còn trong nhật ký (bị xóa).")
        if sealed_position > position:
            return Verification(checked, previous.hex(), sealed_position, log_position, position,
                                "Nhật ký có sự kiện không có trong chuỗi niêm phong (bị chèn thêm).")
        previous = link(previous, record)
        if previous.hex() != digest:
            return Verification(checked, previous.hex(), sealed_position, log_position, position,
                                "Nội dung sự kiện khác với lúc niêm phong (bị sửa hoặc đổi thứ tự).")
        checked += 1
        sealed = position
        if on_progress and checked % page == 0:
            on_progress(position, log_position)
    leftover = next(chain, None)
    if leftover is not None:
        return Verification(checked, previous.hex(), leftover[0], log_position, leftover[0],
                            "Sự kiện đã được niêm phong nhưng không còn trong nhật ký (bị xóa).")
    if on_progress:
        on_progress(log_position, log_position)
    return Verification(checked, previous.hex(), sealed, log_position, None, None)
