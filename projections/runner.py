"""Feeding the read models from the log: catch up, follow, rebuild, report status.

Each view writes its rows and its tracking position in the same transaction, so every event is
applied exactly once. Following the log, one transaction takes every view's part of a batch; a
rebuild commits each view's batches on their own. A view that cannot process an event stops there,
alone: the events before it are committed, the position and the reason are recorded in
`rm_tracking`, and every other view (the hash chain and the log index included) goes on. The failed
view is tried again after a back-off (at once in a new process), from that event: nothing is skipped.

A rebuild builds the rebuildable views' rows aside (tables `rmnew_…`, tracked as `<view>~rebuild`)
and swaps each view in, in one transaction, once it has reached the end: a rebuild that fails
leaves the old rows of the views it could not build readable, and records why.
"""

from __future__ import annotations

import copy
import gc
import logging
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Protocol

from projections.chain import ChainView
from projections.db import Cursor, ReadDB
from projections.tables import Batch
from projections.tree import TreeView
from projections.views import (
    AccountabilityView,
    DisciplineView,
    Event,
    InspectionsView,
    KpiView,
    LogView,
    OrganisationView,
    TasksView,
    View,
)


def all_views(tree: TreeView | None = None) -> list[View]:
    """Every read model, in the order they are built (the hash chain and the Merkle tree seal first);
    `tree` is the tree view with the log's signing key, if the composition root has one."""
    return [ChainView(), tree or TreeView(), LogView(), OrganisationView(), InspectionsView(), DisciplineView(),
            AccountabilityView(), TasksView(), KpiView()]


log = logging.getLogger("tracker.projections")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking (view TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "error_position BIGINT, error TEXT)"
)
SHAPES_DDL = "CREATE TABLE IF NOT EXISTS rm_shapes (view TEXT PRIMARY KEY, shape TEXT NOT NULL)"


class LogSource(Protocol):
    """What the runner needs from the event store (the composition root passes the store)."""

    def position(self) -> int: ...
    def read(self, after: int, limit: int, *, records: bool = True) -> Sequence[tuple[int, Any, bytes]]: ...


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

    @property
    def failed(self) -> bool:
        """The view stopped at `error_position` (it is retried; the other views go on)."""
        return self.error is not None


REBUILD_BATCH = 10_000  # events per transaction when rebuilding or importing (not latency-sensitive)
RETRY_SECONDS = 2.0  # a failed view is tried again after this, doubling up to MAX_RETRY_SECONDS
MAX_RETRY_SECONDS = 120.0


class Projector:
    """Runs the views over one read-model database."""

    def __init__(self, db: ReadDB, source: LogSource, views: list[View] | None = None,
                 batch_size: int = 1000, rebuild_batch_size: int = REBUILD_BATCH, *,
                 retry_seconds: float = RETRY_SECONDS, max_retry_seconds: float = MAX_RETRY_SECONDS,
                 create: bool = True) -> None:
        self.db = db
        self.source = source
        self.views = views if views is not None else all_views()
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.failures: dict[str, ProjectionFailed] = {}  # what the last catch-up found failing
        self._retry: dict[str, tuple[float, float]] = {}  # failed view -> (monotonic retry time, delay)
        self._lock_clause = " FOR UPDATE" if db.kind == "postgresql" else ""  # SQLite: BEGIN IMMEDIATE
        if create:
            self.create_tables()

    def create_tables(self, *, indexes: bool = True) -> None:
        """Create what is missing; a view whose stored shape differs from the code's (new columns, new
        meaning) is dropped and starts again from position 0, so the next catch-up rebuilds it.

        Without `indexes`, the secondary indexes are left out (a rebuild builds them at the end, see
        `rebuild`); the primary keys, which the projection itself looks rows up by, are always there.
        """
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
                    if indexes or not _is_index(statement):
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
        """The position every view has reached: reads at it are consistent across views (while a
        view is failed, reads stay at the position before its failing event; see `status`)."""
        return min(self.positions().values(), default=0)

    def retry_now(self) -> None:
        """Forget the back-off: the next catch-up tries the failed views again at once."""
        self._retry.clear()

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
                 on_progress: Callable[[int, int], None] | None = None, *, bulk: bool = False) -> int:
        """Apply every event not yet applied (up to `until`); return how many events were read.

        `bulk` (a rebuild, an import) uses batches of `rebuild_batch_size` events, the database's
        bulk-load settings (`ReadDB.bulk`) and, on a database server, a writer thread (`_Writer`);
        following the log uses `batch_size` and one transaction per batch for all views (falling back
        to one per view when a view fails), in this thread.
        """
        if not bulk:
            return self._catch_up(until, on_progress, self.batch_size, together=True)
        with self.db.bulk(), _bulk_process():
            return self._bulk_catch_up(until, on_progress)

    def _bulk_catch_up(self, until: int | None, on_progress: Callable[[int, int], None] | None) -> int:
        size = max(self.batch_size, self.rebuild_batch_size)
        if not self.db.separate_writer:
            return self._catch_up(until, on_progress, size)
        try:
            with _Writer(self.db) as writer:
                return self._catch_up(until, on_progress, size, writer)
        except _WriterFailed as failed:
            # Nothing half-written: each view's batches are committed or not, with its position.
            # Go on in this thread from where each view is; a genuine error shows again there.
            log.warning("read-model writer stopped (%s): going on without it", failed.__cause__)
            before = self.failures  # views that failed meanwhile wait out their back-off below
            read = failed.read + self._catch_up(until, on_progress, size)
            self.failures = {**before, **self.failures}
            return read

    def _catch_up(self, until: int | None, on_progress: Callable[[int, int], None] | None, size: int,
                  writer: _Writer | None = None, *, together: bool = False) -> int:
        """Every view that is not waiting out a back-off, from its own position to `until`.

        A view that fails on an event stops there (see `_apply`) and is left out of the rest of
        this catch-up; the others go on. Its failure is in `self.failures` and in `rm_tracking`.
        """
        now = time.monotonic()
        views = [v for v in self.views if self._retry.get(v.name, (0.0, 0.0))[0] <= now]
        known = self.positions()
        positions = {v.name: known[v.name] for v in views}
        failed: dict[str, ProjectionFailed] = {}
        target = self.source.position() if until is None else until
        read = 0
        record_views = [v.name for v in views if v.needs_record]
        try:
            while True:
                going = [name for name in positions if name not in failed]
                start = min((positions[name] for name in going), default=target)
                if start >= target:
                    break
                # The stored records only if a view that seals them is behind (never in a rebuild).
                records = any(positions[name] < target for name in record_views if name not in failed)
                batch = self.source.read(start, min(size, target - start), records=records)
                if not batch:
                    break
                events = [Event(position, _recorded_at(ev), ev, record) for position, ev, record in batch]
                pending = []
                for view in views:
                    if view.name in failed:
                        continue
                    done = positions[view.name]
                    if done >= events[-1].position:
                        continue
                    todo = events if done < events[0].position else [e for e in events if e.position > done]
                    pending.append((view, todo, done))
                    positions[view.name] = todo[-1].position
                stopped: list[ProjectionFailed | None] = []
                if writer is not None:
                    for view, todo, done in pending:
                        stopped.append(self._hand_over(writer, view, todo, done))
                elif not together or not self._write_together([(view, todo) for view, todo, _ in pending]):
                    for view, todo, _ in pending:
                        stopped.append(self._apply(view, todo))
                for failure in stopped:
                    if failure is not None:
                        failed[failure.view] = failure
                read += len(events)
                if on_progress:
                    on_progress(events[-1].position, target)
            if writer is not None:
                writer.wait_all()
        except _WriterFailed as e:
            e.read = read
            self._note(views, failed)
            raise
        self._note(views, failed)
        return read

    def _note(self, tried: list[View], failed: dict[str, ProjectionFailed]) -> None:
        """Remember which views failed (and when to try them again) and which went through."""
        self.failures = failed
        now = time.monotonic()
        for view in tried:
            failure = failed.get(view.name)
            if failure is None:
                self._retry.pop(view.name, None)
                continue
            delay = self._retry.get(view.name, (0.0, 0.0))[1]
            delay = min(self.max_retry_seconds, delay * 2) if delay else self.retry_seconds
            self._retry[view.name] = (now + delay, delay)

    def _hand_over(self, writer: _Writer, view: View, events: list[Event], done: int) -> ProjectionFailed | None:
        """Compute the view's batch here and have the writer write it (see `_Writer`)."""
        writer.wait(view.name)  # its previous batch is committed: what it reads is in the database
        try:
            with self.db.reader() as cur:  # read-only, rolled back: handlers cannot write through it
                computed = self._compute(cur, view, events)
        except Exception:
            # As when following the log: the view's batch again in this thread, one transaction
            # per event from the failing one, which stops the view there with the reason recorded.
            writer.wait_all()
            return self._apply(view, events)
        writer.write(view.name, computed, done, events[-1].position)
        return None

    def _apply(self, view: View, events: list[Event]) -> ProjectionFailed | None:
        """Write the view's batch; if it fails, find the event that fails (one event per transaction
        up to it), record it and return the failure: the view stays at the event before."""
        try:
            self._write(view, events)
            return None
        except Exception:
            for event in events:
                try:
                    self._write(view, [event])
                except Exception as e:
                    reason = f"{type(e).__name__}: {e}"
                    self._record_error(view.name, event.position, reason)
                    log.error("projection %s stopped at position %s (the other views go on): %s",
                              view.name, event.position, reason)
                    return ProjectionFailed(view.name, event.position, reason)
            return None  # each event alone went through (the batch failed for a passing reason)

    def _write_together(self, pending: list[tuple[View, list[Event]]]) -> bool:
        """Following the log: every view's part of a batch in one transaction, committed without
        waiting for the WAL flush on PostgreSQL. Each view's rows still commit with its position,
        so a commit lost in a database crash is only redone. False (nothing written) when a view
        fails: the caller then goes view by view, which stops the failing view at its event."""
        if len(pending) < 2:
            return False
        try:
            self._write_views(pending, relaxed=True)
        except Exception as e:  # noqa: BLE001 - redone view by view, where the error is recorded
            log.info("catch-up of %d views together failed (%s): going view by view", len(pending), e)
            return False
        return True

    def _write(self, view: View, events: list[Event]) -> None:
        self._write_views([(view, events)])

    def _write_views(self, pending: list[tuple[View, list[Event]]], *, relaxed: bool = False) -> None:
        """The views' rows and positions in one transaction (`relaxed`: without waiting for the WAL
        flush on PostgreSQL)."""
        names = sorted(view.name for view, _ in pending)  # one lock order for every process
        with self.db.transaction() as cur:
            if relaxed and self.db.kind == "postgresql":
                cur.execute("SET LOCAL synchronous_commit = off")
            # Several processes may catch up at once (the worker, and API processes wanting to
            # read their own writes): lock the views' tracking rows, then skip what another did.
            cur.execute(f"SELECT view, position FROM rm_tracking WHERE view IN ({', '.join('?' * len(names))}) "
                        f"ORDER BY view{self._lock_clause}", names)
            done = {row["view"]: int(row["position"]) for row in cur.fetchall()}
            moved = []
            for view, events in pending:
                events = [e for e in events if e.position > done.get(view.name, 0)]
                if events:
                    self._project(cur, view, events)
                    moved.append((events[-1].position, view.name))
            if moved:
                cur.executemany("UPDATE rm_tracking SET position = ?, error_position = NULL, error = NULL "
                                "WHERE view = ?", moved)

    def _project(self, cur: Cursor, view: View, events: list[Event]) -> None:
        """Apply the events to one view's rows, in the open transaction."""
        self._compute(cur, view, events).flush()

    def _compute(self, cur: Cursor, view: View, events: list[Event]) -> Batch:
        """The view's rows for these events, buffered (`cur` reads the rows they replace)."""
        batch = Batch(cur)
        selected = view.select(events)
        view.prefetch(batch, [event for _, event in selected])
        for handler, event in selected:
            handler(batch, event)
        return batch

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
        """Build every rebuildable read model again from position 0, aside, and swap each one in once
        it has reached the end (in bulk, see `catch_up`); return how many events were read.

        Until the swap the old rows stay where they are, readable (and followed by any other
        process). A view whose rebuild fails keeps its old rows; the failure is recorded in its
        tracking row and raised (ProjectionFailed) once the other views are swapped in. The hash
        chain is never rebuilt: it catches up as when following the log.

        The secondary indexes are created once the rows are in: building an index from the rows is
        several times cheaper than maintaining it for every row inserted in random key order.
        """
        aside_db = _Aside(self.db)
        views = [_rebuilding(view) if view.rebuildable else view for view in self.views]
        builder = Projector(aside_db, self.source, views, self.batch_size, self.rebuild_batch_size, create=False)
        with self.db.bulk(), _bulk_process():
            builder.drop()  # what an interrupted rebuild left aside
            builder.create_tables(indexes=False)
            try:
                read = builder._bulk_catch_up(None, on_progress)
                reached = builder.positions()
                failed = {_real_name(name): ProjectionFailed(_real_name(name), f.position, f.reason)
                          for name, f in builder.failures.items()}
                built = [view for view in self.views if view.rebuildable and view.name not in failed]
                self._swap(built, {view.name: reached[_rebuilding_name(view.name)] for view in built})
                for name, failure in failed.items():
                    self._record_error(name, failure.position, f"{REBUILD_FAILED}{failure.reason}")
            finally:
                builder.drop()
                with self.db.transaction() as cur:
                    cur.execute("DELETE FROM rm_shapes WHERE view LIKE ?", (f"%{REBUILDING}",))
                self.create_tables()
                self.analyze()
        self.failures = failed
        if failed:
            raise min(failed.values(), key=lambda f: f.position)
        return read

    def _swap(self, views: list[View], positions: dict[str, int]) -> None:
        """Put the rows built aside in place of the views' rows, with their positions, in one transaction."""
        if not views:
            return
        names = sorted(view.name for view in views)
        with self.db.transaction() as cur:
            cur.execute(f"SELECT view FROM rm_tracking WHERE view IN ({', '.join('?' * len(names))}) "
                        f"ORDER BY view{self._lock_clause}", names)
            for view in views:
                for table in view.table_names():
                    aside = aside_name(table)
                    cur.execute(f"DROP TABLE IF EXISTS {table}")
                    cur.execute(f"ALTER TABLE {aside} RENAME TO {table}")
                    if self.db.kind == "postgresql":  # the primary key's index keeps the name it was built with
                        cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                                    "AND tablename = ?", (table,))
                        for row in cur.fetchall():
                            if row["indexname"].startswith(ASIDE_PREFIX):
                                cur.execute(f"ALTER INDEX {row['indexname']} RENAME TO "
                                            f"rm_{row['indexname'][len(ASIDE_PREFIX):]}")
            cur.executemany("UPDATE rm_tracking SET position = ?, error_position = NULL, error = NULL WHERE view = ?",
                            [(positions[view.name], view.name) for view in views])

    def analyze(self) -> None:
        """Fresh statistics for the query planner after a bulk load (PostgreSQL samples each table;
        without them a store built in one go reads with plans made for empty tables until autovacuum)."""
        if self.db.kind != "postgresql":
            return
        with self.db.transaction() as cur:
            for view in self.views:
                for table in view.table_names():
                    cur.execute(f"ANALYZE {table}")

    def run(self, stop: threading.Event, wait_for_new: Callable[[float], None] | None = None,
            poll_seconds: float = 0.2,
            on_failures: Callable[[list[ProjectionFailed]], None] | None = None) -> None:
        """Follow the log until `stop` is set: catch up, then wait for news (NOTIFY) or poll.

        A failed view does not stop it: the others go on, and the failed one is tried again after
        its back-off (`on_failures` hears of each failure found)."""
        while not stop.is_set():
            self.catch_up()
            if self.failures and on_failures is not None:
                on_failures(list(self.failures.values()))
            if wait_for_new is not None:
                wait_for_new(1.0)
            else:
                stop.wait(poll_seconds)


class _WriterFailed(Exception):
    """The writer thread could not write a batch (the batch was rolled back)."""

    read = 0  # events the catch-up had read when it found out


class _Writer:
    """Writes the views' computed batches, in order, on a connection of its own, in a thread.

    While the database server stores one view's batch, the projector's thread computes the next
    view's (the waiting is done by the writer thread, with the GIL released). Each batch is written as
    `Projector._write` writes it: in one transaction with the view's position, after checking that
    the position is still the one the batch was computed from (another process may have moved
    it). A view's next batch is computed only once its previous one is committed, so everything a
    view reads (its current rows, the chain's head) is in the database. If a write fails, the
    writer writes nothing more and the next `wait` raises _WriterFailed.
    """

    def __init__(self, db: ReadDB) -> None:
        self._db = db
        self._jobs: queue.SimpleQueue[tuple[str, Batch, int, int] | None] = queue.SimpleQueue()
        self._busy: set[str] = set()  # views with a batch not yet committed
        self._failure: BaseException | None = None
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="projector-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        """Write what was handed over (the caller has waited for it, unless it is failing), stop."""
        self._jobs.put(None)
        self._thread.join()
        if kind is None and self._failure is not None:
            raise _WriterFailed() from self._failure

    def write(self, view: str, batch: Batch, start: int, end: int) -> None:
        """Write the batch computed from position `start`; the view is then at `end`."""
        with self._ready:
            self._busy.add(view)
        self._jobs.put((view, batch, start, end))

    def wait(self, view: str) -> None:
        """Until the view's last batch is committed."""
        with self._ready:
            while view in self._busy and self._failure is None:
                self._ready.wait()
            if self._failure is not None:
                raise _WriterFailed() from self._failure

    def wait_all(self) -> None:
        with self._ready:
            while self._busy and self._failure is None:
                self._ready.wait()
            if self._failure is not None:
                raise _WriterFailed() from self._failure

    def _run(self) -> None:
        stopped = False
        try:
            with self._db.session() as session, session.bulk():
                while not stopped:
                    job = self._jobs.get()
                    if job is None:
                        stopped = True
                    elif self._failure is None:
                        self._write(session, *job)
        except BaseException as e:  # the connection: nothing more can be written
            self._failed(e)
        while not stopped:  # take the jobs until __exit__ says stop
            stopped = self._jobs.get() is None

    def _write(self, session: Any, view: str, batch: Batch, start: int, end: int) -> None:
        try:
            with session.transaction() as cur:
                cur.execute("SELECT position FROM rm_tracking WHERE view = ? FOR UPDATE", (view,))
                row = cur.fetchone()
                if (int(row["position"]) if row else 0) != start:
                    raise RuntimeError(f"read model {view} moved on from position {start} meanwhile")
                batch.flush(cur)
                cur.execute("UPDATE rm_tracking SET position = ?, error_position = NULL, error = NULL "
                            "WHERE view = ?", (end, view))
        except BaseException as e:
            self._failed(e)
            return
        with self._ready:
            self._busy.discard(view)
            self._ready.notify_all()

    def _failed(self, error: BaseException) -> None:
        with self._ready:
            if self._failure is None:
                self._failure = error
            self._ready.notify_all()


# -- building aside ---------------------------------------------------------------------------------

ASIDE_PREFIX = "rmnew_"
REBUILDING = "~rebuild"  # the tracking name of a view being built aside
REBUILD_FAILED = "khi dựng lại (dữ liệu cũ được giữ): "
_VIEW_TABLE = re.compile(r"\brm_(?!tracking\b|shapes\b)(\w+)")


def aside_name(sql: str) -> str:
    """The statement with every read-model table (and index) renamed to its aside twin, `rmnew_…`
    (the tracking and shape tables and the hash chain keep their names)."""
    return _VIEW_TABLE.sub(ASIDE_PREFIX + r"\1", sql)


def _rebuilding_name(name: str) -> str:
    return name + REBUILDING


def _real_name(name: str) -> str:
    return name[:-len(REBUILDING)] if name.endswith(REBUILDING) else name


def _rebuilding(view: View) -> View:
    """The same view, tracked under another name (its tables are renamed by `_Aside`)."""
    twin = copy.copy(view)
    twin.name = _rebuilding_name(view.name)  # type: ignore[misc]
    return twin


class _AsideCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.kind = cursor.kind

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(aside_name(sql), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self._cursor.executemany(aside_name(sql), params)

    def insert_many(self, table: str, columns: Sequence[str], rows: Any) -> None:
        self._cursor.insert_many(aside_name(table), columns, rows)

    def by_key(self) -> None:
        self._cursor.by_key()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def fetchone(self) -> Any:
        return self._cursor.fetchone()


class _AsideSession:
    def __init__(self, session: Any) -> None:
        self._session = session

    @contextmanager
    def transaction(self) -> Iterator[_AsideCursor]:
        with self._session.transaction() as cur:
            yield _AsideCursor(cur)

    def bulk(self) -> Any:
        return self._session.bulk()


class _Aside(ReadDB):
    """The read-model database as a rebuild sees it: every read-model table under its aside name."""

    def __init__(self, db: ReadDB) -> None:
        self._db = db
        self.kind = db.kind
        self.separate_writer = db.separate_writer

    @contextmanager
    def transaction(self) -> Iterator[_AsideCursor]:
        with self._db.transaction() as cur:
            yield _AsideCursor(cur)

    @contextmanager
    def reader(self) -> Iterator[_AsideCursor]:
        with self._db.reader() as cur:
            yield _AsideCursor(cur)

    @contextmanager
    def session(self) -> Iterator[_AsideSession]:
        with self._db.session() as session:
            yield _AsideSession(session)

    def bulk(self) -> Any:
        return self._db.bulk()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self._db.query(aside_name(sql), params)

    def close(self) -> None:
        """(The database is the projector's.)"""


_bulk_lock = threading.Lock()
_bulk_runs = 0
_bulk_saved: tuple[tuple[int, ...], float] = ((), 0.0)


@contextmanager
def _bulk_process() -> Iterator[None]:
    """Process-wide settings while a bulk catch-up runs (restored when the last one in the process ends).

    * The cyclic garbage collector runs less often. A batch's events and rows (thousands of dicts,
      none in a reference cycle) live until the batch is written, so collections every 700
      allocations would scan them again and again: about a tenth of a rebuild's CPU time.
      Collections still run, so memory stays bounded.
    * A thread waiting for the GIL gets it after 0.5 ms instead of 5 ms: the writer thread
      (`_Writer`) takes it back after each answer of the database, while the projector's thread
      computes.
    """
    global _bulk_runs, _bulk_saved
    with _bulk_lock:
        if _bulk_runs == 0:
            _bulk_saved = (gc.get_threshold(), sys.getswitchinterval())
            thresholds, switch = _bulk_saved
            gc.set_threshold(max(thresholds[0], 100_000), *thresholds[1:])
            sys.setswitchinterval(min(switch, 0.0005))
        _bulk_runs += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_runs -= 1
            if _bulk_runs == 0:
                gc.set_threshold(*_bulk_saved[0])
                sys.setswitchinterval(_bulk_saved[1])


def _is_index(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))


def _recorded_at(domain_event: Any) -> str:
    return record_time(domain_event.timestamp)


def record_time(moment: Any) -> str:
    """Record times as fixed-width UTC text, so they compare correctly as strings in SQL."""
    moment = moment.astimezone(UTC)
    if moment.year >= 1000:  # the same text as the strftime below ("+00:00" becomes "Z"), but faster
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
