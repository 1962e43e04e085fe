"""A thin SQL layer for the read models, over SQLite or PostgreSQL.

Read models live beside the event store (same SQLite file, same PostgreSQL database and schema).
SQL is written once with `?` placeholders; PostgreSQL gets them translated to `%s`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


class ReadDB:
    """One connection to the read-model database; `transaction()` commits rows and tracking together."""

    kind: str

    def transaction(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class _PerThread:
    """One connection per thread (the API serves reads from a thread pool)."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    @property
    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._factory()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class SQLiteDB(_PerThread, ReadDB):
    kind = "sqlite"

    def __init__(self, path: str) -> None:
        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn

        super().__init__(connect)

    @contextmanager
    def transaction(self) -> Iterator[_SQLiteCursor]:
        cursor = self.conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield _SQLiteCursor(cursor)
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        else:
            cursor.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self.conn.execute(sql, tuple(params)).fetchall()]


class _SQLiteCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor.execute(sql, tuple(params))

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.cursor.executemany(sql, params)

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.cursor.fetchall()]

    def fetchone(self) -> dict[str, Any] | None:
        row = self.cursor.fetchone()
        return None if row is None else dict(row)


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDB(_PerThread, ReadDB):
    kind = "postgresql"

    def __init__(self, conninfo: dict[str, str], schema: str | None) -> None:
        def connect() -> psycopg.Connection[Any]:
            conn = psycopg.connect(**conninfo, row_factory=dict_row, autocommit=True)
            if schema:
                conn.execute(psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema)))
            return conn

        super().__init__(connect)

    @contextmanager
    def transaction(self) -> Iterator[_PgCursor]:
        with self.conn.transaction(), self.conn.cursor() as cursor:
            yield _PgCursor(cursor)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.conn.cursor() as cursor:
            cursor.execute(_pg(sql), tuple(params))
            return list(cursor.fetchall())


class _PgCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor.execute(_pg(sql), tuple(params))

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.cursor.executemany(_pg(sql), params)

    def fetchall(self) -> list[dict[str, Any]]:
        return list(self.cursor.fetchall())

    def fetchone(self) -> dict[str, Any] | None:
        return self.cursor.fetchone()


def connect(env: dict[str, str]) -> ReadDB:
    """Open the read-model database named by the event store's settings."""
    if env["PERSISTENCE_MODULE"].endswith("sqlite"):
        return SQLiteDB(env["SQLITE_DBNAME"])
    conninfo = {
        "dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"], "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"], "connect_timeout": env.get("POSTGRES_CONNECT_TIMEOUT", "10"),
    }
    if env.get("POSTGRES_PASSWORD"):
        conninfo["password"] = env["POSTGRES_PASSWORD"]
    return PostgresDB(conninfo, env.get("POSTGRES_SCHEMA") or None)
