"""Feeding the read models from the log: catch up, follow, rebuild, report status.

Each view writes its rows and its tracking position in one transaction per batch, so every event
is applied exactly once. A view that cannot process an event stops the runner: the batch before
that event is committed, the position and the reason are recorded, and the next run resumes there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Protocol

from projections.db import ReadDB
from projections.tables import Batch
from projections.views import Event, View, all_views

log = logging.getLogger("tracker.projections")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking (view TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "error_position BIGINT, error TEXT)"
)
SHAPES_DDL = "CREATE TABLE IF NOT EXISTS rm_shapes (view TEXT PRIMARY KEY, shape TEXT NOT NULL)"


class LogSource(Protocol):
    """What the runner needs from the event store (the composition root passes the store)."""

    def position(self) -> int: ...
    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any, bytes]]: ...


class ProjectionFailed(Exception):
    """A view could not process an event; nothing after it was applied."""

    def __init__(self, view: str, position: int, reason: str) -> None:
        super().__init__(f"Read model '{view}' stopped at position {position}: {reason}")
        self.view = view
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class ViewStatus:
    view: str
    position: int
    lag: int
    error_position: int | None
    error: str | None


class Projector:
    """Runs the views over one read-model database."""

    def __init__(self, db: ReadDB, source: LogSource, views: list[View] | None = None,
                 batch_size: int = 1000) -> None:
        self.db = db
        self.source = source
        self.views = views if views is not None else all_views()
        self.batch_size = batch_size
        self._lock_clause = " FOR UPDATE" if db.kind == "postgresql" else ""  # SQLite: BEGIN IMMEDIATE
        self.create_tables()

    def create_tables(self) -> None:
        """Create what is missing; a view whose stored shape differs from the code's (new columns, new
        meaning) is dropped and starts again from position 0, so the next catch-up rebuilds it."""
        with self.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
            cur.execute(SHAPES_DDL)
            cur.execute("SELECT view, shape FROM rm_shapes")
            stored = {r["view"]: r["shape"] for r in cur.fetchall()}
            cur.execute("SELECT view, position FROM rm_tracking")
            positions = {r["view"]: int(r["position"]) for r in cur.fetchall()}
            for view in self.views:
                shape = view.shape()
                built = positions.get(view.name, 0) > 0
                if view.rebuildable and built and stored.get(view.name) != shape:
                    log.warning("read model %s changed shape: rebuilding it from position 0", view.name)
                    for table in view.table_names():
                        cur.execute(f"DROP TABLE IF EXISTS {table}")
                    cur.execute("DELETE FROM rm_tracking WHERE view = ?", (view.name,))
                for statement in view.ddl():
                    cur.execute(statement)
                cur.execute("INSERT INTO rm_tracking (view, position) VALUES (?, 0) ON CONFLICT (view) DO NOTHING",
                            (view.name,))
                cur.execute("INSERT INTO rm_shapes (view, shape) VALUES (?, ?) ON CONFLICT (view) DO UPDATE "
                            "SET shape = excluded.shape", (view.name, shape))

    def positions(self) -> dict[str, int]:
        rows = self.db.query("SELECT view, position FROM rm_tracking")
        known = {r["view"]: int(r["position"]) for r in rows}
        return {v.name: known.get(v.name, 0) for v in self.views}

    def position(self) -> int:
        """The position every view has reached: reads at it are consistent across views."""
        return min(self.positions().values(), default=0)

    def status(self) -> list[ViewStatus]:
        head = self.source.position()
        rows = {r["view"]: r for r in self.db.query("SELECT * FROM rm_tracking")}
        out = []
        for view in self.views:
            row = rows.get(view.name, {})
            position = int(row.get("position") or 0)
            out.append(ViewStatus(view.name, position, head - position, row.get("error_position"),
                                  row.get("error")))
        return out

    # -- processing ------------------------------------------------------------------------------
    def catch_up(self, until: int | None = None,
                 on_progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every event not yet applied (up to `until`); return how many events were read."""
        positions = self.positions()
        start = min(positions.values(), default=0)
        target = self.source.position() if until is None else until
        read = 0
        while start < target:
            batch = self.source.read(start, min(self.batch_size, target - start))
            if not batch:
                break
            events = [Event(position, _recorded_at(ev), ev, record) for position, ev, record in batch]
            for view in self.views:
                todo = [e for e in events if e.position > positions[view.name]]
                if todo:
                    self._apply(view, todo)
                    positions[view.name] = todo[-1].position
            start = events[-1].position
            read += len(events)
            if on_progress:
                on_progress(start, target)
        return read

    def _apply(self, view: View, events: list[Event]) -> None:
        try:
            self._write(view, events)
        except Exception:
            # Find the event that fails: apply the batch one event per transaction up to it.
            for event in events:
                try:
                    self._write(view, [event])
                except Exception as e:
                    reason = f"{type(e).__name__}: {e}"
                    self._record_error(view.name, event.position, reason)
                    log.error("projection %s stopped at position %s: %s", view.name, event.position,
                              reason)
                    raise ProjectionFailed(view.name, event.position, reason) from e

    def _write(self, view: View, events: list[Event]) -> None:
        with self.db.transaction() as cur:
            # Several processes may catch up at once (the worker, and API processes wanting to
            # read their own writes): lock the view's tracking row, then skip what another did.
            cur.execute("SELECT position FROM rm_tracking WHERE view = ?" + self._lock_clause, (view.name,))
            row = cur.fetchone()
            done = int(row["position"]) if row else 0
            events = [e for e in events if e.position > done]
            if not events:
                return
            batch = Batch(cur)
            for event in events:
                handler = view.handler_for(type(event.domain_event))
                if handler is not None:
                    handler(batch, event)
            batch.flush()
            cur.execute("UPDATE rm_tracking SET position = ?, error_position = NULL, error = NULL "
                        "WHERE view = ?", (events[-1].position, view.name))

    def _record_error(self, view: str, position: int, reason: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE rm_tracking SET error_position = ?, error = ? WHERE view = ?",
                        (position, reason[:2000], view))

    # -- rebuild and follow ----------------------------------------------------------------------
    def drop(self) -> None:
        """Drop the read models (never the hash chain, which only ever grows)."""
        with self.db.transaction() as cur:
            for view in self.views:
                if not view.rebuildable:
                    continue
                for table in view.table_names():
                    cur.execute(f"DROP TABLE IF EXISTS {table}")
                cur.execute("DELETE FROM rm_tracking WHERE view = ?", (view.name,))

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Drop every read model and build it again from position 0."""
        self.drop()
        self.create_tables()
        return self.catch_up(on_progress=on_progress)

    def run(self, stop: threading.Event, wait_for_new: Callable[[float], None] | None = None,
            poll_seconds: float = 0.2) -> None:
        """Follow the log until `stop` is set: catch up, then wait for news (NOTIFY) or poll."""
        while not stop.is_set():
            self.catch_up()
            if wait_for_new is not None:
                wait_for_new(1.0)
            else:
                stop.wait(poll_seconds)


def _recorded_at(domain_event: Any) -> str:
    return record_time(domain_event.timestamp)


def record_time(moment: Any) -> str:
    """Record times as fixed-width UTC text, so they compare correctly as strings in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
