"""Snapshots are a cache, never evidence: each one must equal the aggregate replayed from its events.

A snapshot is not sealed in the chain or the tree (it is derived from events that are), so an edited
snapshot would change what a later command loads — a decision number, a state — without touching
the log. `verify` replays every aggregate that has a snapshot, up to the snapshot's version, and
compares the state with the stored one (all but the moment the snapshot was taken).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.store import Store


@dataclass(frozen=True)
class SnapshotCheck:
    checked: int
    aggregate_id: str | None = None  # the first snapshot that differs from its replay
    version: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def snapshot_table(store: Store) -> str | None:
    snapshots = store.app.snapshots
    return None if snapshots is None else str(snapshots.recorder.events_table_name)  # type: ignore[attr-defined]


def _state(raw: bytes) -> Any:
    state = json.loads(raw)
    if isinstance(state, dict):
        state.pop("timestamp", None)  # when the snapshot was taken: not part of the aggregate's state
    return state


def check_snapshots(store: Store, rows: Iterable[dict[str, Any]]) -> SnapshotCheck:
    """Compare each stored snapshot (originator_id, originator_version, topic, state) with a replay."""
    app = store.app
    checked = 0
    for row in rows:
        version = int(row["originator_version"])
        try:
            aggregate_id = str(UUID(str(row["originator_id"])))  # SQLite stores the id without dashes
        except ValueError:
            aggregate_id = str(row["originator_id"])
        where = f"Ảnh chụp (snapshot) của đối tượng {aggregate_id} ở phiên bản {version}"
        try:
            stored = StoredEvent(originator_id=UUID(aggregate_id), originator_version=version, topic=row["topic"],
                                 state=bytes(row["state"]))
            snapshot = app.mapper.to_domain_event(stored)
            stored_state = _state(bytes(row["state"]))
        except Exception as e:  # noqa: BLE001 - whatever an edited row breaks, it is not to be trusted
            return SnapshotCheck(checked, aggregate_id, version, f"{where} không đọc được ({type(e).__name__}): "
                                                                "bị sửa.")
        aggregate = None
        count = 0
        for event in app.events.get(UUID(aggregate_id), lte=version):
            aggregate = event.mutate(aggregate)
            count += 1
        if aggregate is None or count != version:
            return SnapshotCheck(checked, aggregate_id, version,
                                 f"{where} không ứng với sự kiện nào của nhật ký (có {count} sự kiện đến phiên bản đó).")
        replayed = type(snapshot).take(aggregate)  # type: ignore[attr-defined]
        if _state(bytes(app.mapper.to_stored_event(replayed).state)) != stored_state:
            return SnapshotCheck(checked, aggregate_id, version,
                                 f"{where} khác với trạng thái dựng lại từ các sự kiện của nó: ảnh chụp bị sửa "
                                 "(các lệnh sau có thể đã đọc dữ liệu sai).")
        checked += 1
    return SnapshotCheck(checked)
