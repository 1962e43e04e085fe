"""The composition root: the event store, the read models and the services, from configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from projections.chain import APPEND_ONLY_FUNCTION, Verification, append_only_ddl, record_bytes, verify
from projections.db import ReadDB, connect
from projections.runner import Projector
from services import Services, Store, open_store


class StoreLog:
    """The event store's notification log as the projections read it: (position, event) pairs."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def position(self) -> int:
        return self.store.position()

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any, bytes]]:
        app = self.store.app
        notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
        return [(n.id, app.mapper.to_domain_event(n),
                 record_bytes(n.originator_id, n.originator_version, n.topic, n.state)) for n in notifications]

    def read_raw(self, after: int, limit: int) -> Sequence[tuple[int, bytes]]:
        notifications = self.store.app.recorder.select_notifications(start=after + 1, limit=limit)
        return [(n.id, record_bytes(n.originator_id, n.originator_version, n.topic, n.state))
                for n in notifications]


class Tracker:
    """Everything one process needs: store, services, read-model database and projector."""

    def __init__(self, database_url: str | None = None) -> None:
        self.store = open_store(database_url)
        self.services = Services(self.store)
        self.db: ReadDB = connect(self.store.config.env)
        self.log = StoreLog(self.store)
        self.projector = Projector(self.db, self.log)
        if self.store.kind == "postgresql":
            protect_append_only(self.db, ("tracker_events", "tracker_chain"))

    def verify(self, on_progress: Any = None) -> Verification:
        """Seal what is not sealed yet, then recompute the chain from the stored log."""
        return verify(self.db, self.log, on_progress=on_progress)

    def close(self) -> None:
        self.db.close()
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def protect_append_only(db: ReadDB, tables: Sequence[str]) -> None:
    """PostgreSQL triggers that refuse UPDATE, DELETE and TRUNCATE on the event and chain tables."""
    with db.transaction() as cur:
        cur.execute(APPEND_ONLY_FUNCTION)
        for table in tables:
            for statement in append_only_ddl(table):
                cur.execute(statement)


class LogListener:
    """Waits for PostgreSQL NOTIFY on the event table's channel (the library NOTIFYs on insert)."""

    def __init__(self, store: Store) -> None:
        env = store.config.env
        self.conn = psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                                    port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                                    password=env.get("POSTGRES_PASSWORD") or None, autocommit=True)
        channel = store.app.recorder.channel_name  # type: ignore[attr-defined]
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def wait(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()
