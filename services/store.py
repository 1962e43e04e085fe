"""The one event store: a single eventsourcing Application holding every aggregate.

One notification log means one total order of every fact — the auditors' history. SQLite is the
embedded default (`./var/tracker.db`); `TRACKER_DATABASE_URL=postgresql://…` selects PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg.conninfo import conninfo_to_dict

from domain.accountability import AccountabilityDecision
from domain.discipline import DisciplineCase
from domain.inspections import Inspection
from domain.kpi import UnitKpiReport
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from domain.errors import InvalidInput
import services.idempotency as idempotency
from services.group_commit import GroupCommitRecorder
from services.serialisation import MsgspecMapper, MsgspecTranscoder

DEFAULT_SQLITE_PATH = Path("var") / "tracker.db"


class KeyedSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite's application recorder, storing a command's Idempotency-Key in the events' transaction
    (PostgreSQL's is services/group_commit.py)."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), idempotency.DDL]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        record: idempotency.KeyRecord | None = kwargs.get("command_key")
        if record is not None and ids:
            # a key already taken fails the whole transaction (IntegrityError): nothing is recorded twice
            c.execute(idempotency.INSERT.format("?"), record.row(max(ids), datetime.now(UTC).isoformat()))
        return ids


class TrackerApplication(Application[UUID]):
    """Every aggregate of the product, in one event store with one notification log."""

    name = "Tracker"
    # Long-lived aggregates get snapshots so loading them stays fast as their history grows.
    snapshotting_intervals: ClassVar[dict[type, int]] = {
        Unit: 50, Official: 50, Inspection: 50, DisciplineCase: 50, AssignedTask: 50,
        UnitKpiReport: 20, AccountabilityDecision: 50,
    }


@dataclass(frozen=True)
class StoreConfig:
    """Where the store lives: `kind` is "sqlite" or "postgresql"; `env` is eventsourcing's settings."""

    kind: str
    env: dict[str, str]
    description: str


def config_from_url(database_url: str | None, *, schema: str | None = None) -> StoreConfig:
    """Translate `TRACKER_DATABASE_URL` into eventsourcing settings (it wants parts, not a DSN)."""
    common = {
        "MAPPER_TOPIC": get_topic(MsgspecMapper),
        "TRANSCODER_TOPIC": get_topic(MsgspecTranscoder),
        "IS_SNAPSHOTTING_ENABLED": "y",
        "CREATE_TABLE": "y",
    }
    url = (database_url or "").strip()
    if not url or url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///").removeprefix("sqlite:")) if url else DEFAULT_SQLITE_PATH
        if str(path) in ("", ":memory:"):
            raise InvalidInput("Cơ sở dữ liệu SQLite cần một đường dẫn tệp.", field="database_url", value=url)
        private_sqlite_file(path)
        env = {**common, "PERSISTENCE_MODULE": "eventsourcing.sqlite",
               "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30",
               "APPLICATION_RECORDER_TOPIC": get_topic(KeyedSQLiteRecorder)}
        return StoreConfig("sqlite", env, f"SQLite {path}")
    if url.startswith(("postgresql://", "postgres://")):
        # `?schema=` is ours (eventsourcing's POSTGRES_SCHEMA), not a libpq parameter.
        split = urlsplit(url)
        query = parse_qs(split.query)
        schema = schema or (query.pop("schema", None) or [""])[0]
        libpq_url = urlunsplit(split._replace(query=urlencode(query, doseq=True)))
        try:
            parts = conninfo_to_dict(libpq_url)
        except Exception as e:  # psycopg raises ProgrammingError for a malformed DSN
            raise InvalidInput(f"TRACKER_DATABASE_URL không hợp lệ: {e}", field="database_url") from None
        env = {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": str(parts.get("dbname") or "postgres"),
            "POSTGRES_HOST": str(parts.get("host") or "127.0.0.1"),
            "POSTGRES_PORT": str(parts.get("port") or "5432"),
            "POSTGRES_USER": str(parts.get("user") or "postgres"),
            "POSTGRES_PASSWORD": str(parts.get("password") or ""),
            "POSTGRES_POOL_SIZE": "8",
            "POSTGRES_MAX_OVERFLOW": "8",
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_CONNECT_TIMEOUT": "10",
            # concurrent saves of a process share one transaction (services/group_commit.py)
            "APPLICATION_RECORDER_TOPIC": get_topic(GroupCommitRecorder),
        }
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
        return StoreConfig("postgresql", env, f"PostgreSQL {where}" + (f" ({schema})" if schema else ""))
    raise InvalidInput(
        "TRACKER_DATABASE_URL phải là postgresql://… hoặc sqlite:///đường/dẫn.db (hoặc để trống).",
        field="database_url", value=url)


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file (and the folders it lives in) readable by its owner alone: it holds every
    event and the users' password hashes. SQLite gives its -wal and -shm files the database file's mode."""
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
    if path.exists():
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            os.chmod(path, 0o600)  # a file an older version left readable by others
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)


def open_store(database_url: str | None = None, **options: Any) -> Store:
    """Open the event store named by the URL (default: `TRACKER_DATABASE_URL`, else SQLite)."""
    if database_url is None:
        database_url = os.environ.get("TRACKER_DATABASE_URL")
    return Store(config_from_url(database_url, **options))


class Store:
    """The application plus what it was opened with; close it when done."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.app = TrackerApplication(env=config.env)

    @property
    def kind(self) -> str:
        return self.config.kind

    def position(self) -> int:
        """The notification log's last position (0 when empty)."""
        return self.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
