"""The composition root: the event store, the read models and the services, from configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from projections.db import ReadDB, connect
from projections.runner import Projector
from services import Services, Store, open_store


class StoreLog:
    """The event store's notification log as the projections read it: (position, event) pairs."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def position(self) -> int:
        return self.store.position()

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]:
        app = self.store.app
        notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
        return [(n.id, app.mapper.to_domain_event(n)) for n in notifications]


class Tracker:
    """Everything one process needs: store, services, read-model database and projector."""

    def __init__(self, database_url: str | None = None) -> None:
        self.store = open_store(database_url)
        self.services = Services(self.store)
        self.db: ReadDB = connect(self.store.config.env)
        self.projector = Projector(self.db, StoreLog(self.store))

    def close(self) -> None:
        self.db.close()
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
