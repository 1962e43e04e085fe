"""Group commit for PostgreSQL: concurrent saves of one process share one transaction.

eventsourcing's PostgreSQL recorder takes an EXCLUSIVE lock on the events table in every saving
transaction, so that notification ids are issued in commit order (a reader following the log never
skips an id committed later). That serialises writers: one lock, insert and commit at a time, each
a few round trips. Here the saves that arrive while a transaction is under way wait in a queue,
and the next transaction takes them all: one lock, one check of every (aggregate, version) they
write, one INSERT of all the accepted events, one commit. The log's total order is kept (the lock
is still held from the ids' issue to the commit), and so is optimistic concurrency per aggregate:
a save whose (aggregate, version) is already stored, or taken by an earlier save of the same group,
fails alone with the library's IntegrityError (which the services turn into a 409), and the others
commit.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from services.idempotency import DDL as KEYS_DDL
from services.idempotency import INSERT as KEYS_INSERT
from services.idempotency import TABLE as KEYS_TABLE
from services.idempotency import KeyRecord

log = logging.getLogger("tracker.store")


@dataclass(eq=False)
class _Save:
    events: Sequence[StoredEvent]
    key: KeyRecord | None = None  # the command's Idempotency-Key, stored in the events' transaction
    done: threading.Event = field(default_factory=threading.Event)
    ids: list[int] = field(default_factory=list)
    error: BaseException | None = None


class GroupCommitRecorder(PostgresApplicationRecorder):
    """The application recorder with saves committed in groups by one committer thread per process."""

    max_group = 500  # saves per transaction at most
    attempts = 3  # a group that fails on a lost connection is tried again (nothing of it was committed)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: list[_Save] = []
        self._wake = threading.Condition()
        self._committer: threading.Thread | None = None
        self._closing = False
        self.groups = 0  # transactions committed, and saves in them: how much grouping happens
        self.saves = 0
        id_type = self.datastore.originator_id_type
        self._taken_statement = SQL(
            "SELECT originator_id, originator_version FROM {schema}.{table} "
            "WHERE (originator_id, originator_version) IN "
            "(SELECT * FROM unnest(%s::{id_type}[], %s::int[]))"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name),
                 id_type=SQL(id_type))
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(SQL(KEYS_DDL.replace(KEYS_TABLE, "{schema}." + KEYS_TABLE)).format(
            schema=schema))
        self._keys_taken = SQL(f"SELECT username, key FROM {{schema}}.{KEYS_TABLE} WHERE (username, key) IN "
                               "(SELECT * FROM unnest(%s::text[], %s::text[]))").format(schema=schema)
        self._keys_insert = SQL(KEYS_INSERT.format("%s").replace(KEYS_TABLE, "{schema}." + KEYS_TABLE)).format(
            schema=schema)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        save = _Save(stored_events, kwargs.get("command_key"))
        with self._wake:
            if self._closing:
                raise OperationalError("the event store is closing")
            self._queue.append(save)
            if self._committer is None:
                self._committer = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._committer.start()
            self._wake.notify()
        save.done.wait()
        if save.error is not None:
            raise save.error
        return save.ids

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._committer is not None:
            self._committer.join(timeout=10)
        super().close()

    # -- the committer thread ------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closing:
                    self._wake.wait()
                if not self._queue:
                    return
                group = self._queue[:self.max_group]
                del self._queue[:len(group)]
            self._commit_with_retries(group)

    def _commit_with_retries(self, group: list[_Save]) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                self._commit(group)
                break
            except (InterfaceError, OperationalError) as e:
                if attempt == self.attempts:
                    for save in group:
                        save.error = save.error or e
                else:
                    log.warning("group commit failed (%s); trying again", e)
                    for save in group:
                        save.error, save.ids = None, []
                    time.sleep(0.05 * attempt)
            except BaseException as e:  # noqa: BLE001 - every waiting save must hear of it
                for save in group:
                    save.error = save.error or e
                break
        for save in group:
            save.done.set()

    def _commit(self, group: list[_Save]) -> None:
        keys = [(e.originator_id, e.originator_version) for save in group for e in save.events]
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(self._taken_statement, ([k[0] for k in keys], [k[1] for k in keys]), prepare=True)
            taken = {(row["originator_id"], row["originator_version"]) for row in curs.fetchall()}
            keyed = [save.key.key for save in group if save.key is not None]
            keys_taken: set[tuple[str, str]] = set()
            if keyed:
                curs.execute(self._keys_taken, ([k.username for k in keyed], [k.key for k in keyed]))
                keys_taken = {(row["username"], row["key"]) for row in curs.fetchall()}
            accepted: list[_Save] = []
            for save in group:
                mine = [(e.originator_id, e.originator_version) for e in save.events]
                if len(set(mine)) < len(mine) or any(k in taken for k in mine):
                    save.error = IntegrityError("an event of this aggregate version is already recorded")
                    continue
                if save.key is not None:
                    who = (save.key.key.username, save.key.key.key)
                    if who in keys_taken:
                        save.error = IntegrityError("this Idempotency-Key has already recorded its command")
                        continue
                    keys_taken.add(who)
                taken.update(mine)
                accepted.append(save)
            if not accepted:
                return
            events = [e for save in accepted for e in save.events]
            PostgresAggregateRecorder._insert_stored_events(self, curs, events)
            ids = list(self._fetch_ids_after_insert_events(curs, events) or [])
            if len(ids) == len(events):
                now, start, rows = datetime.now(UTC).isoformat(), 0, []
                for save in accepted:
                    start += len(save.events)
                    if save.key is not None:
                        rows.append(save.key.row(ids[start - 1], now))
                if rows:
                    curs.executemany(self._keys_insert, rows)
        if len(ids) != len(events):
            raise OperationalError(f"expected {len(events)} notification ids, got {len(ids)}")
        start = 0
        for save in accepted:
            save.ids = ids[start:start + len(save.events)]
            start += len(save.events)
        self.groups += 1
        self.saves += len(accepted)
