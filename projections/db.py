"""A thin SQL layer for the read models, over SQLite or PostgreSQL.

Read models live beside the event store (same SQLite file, same PostgreSQL database and schema).
SQL is written once with `?` placeholders; PostgreSQL gets them translated to `%s`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from psycopg import sql as pgsql
from psycopg.rows import dict_row, tuple_row


class Cursor(Protocol):
    kind: str  # "sqlite" or "postgresql": the dialect of the statements that differ

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None: ...
    def by_key(self) -> None: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


class ReadDB:
    """One connection to the read-model database; `transaction()` commits rows and tracking together."""

    kind: str
    # Whether another connection (`session()`) can write while this one reads, in parallel: true of
    # a database server, not of SQLite (one writer, in this process, under the GIL).
    separate_writer: bool = False

    def transaction(self) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    def scan(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:  # pragma: no cover
        """Rows as tuples, in the order of the SELECT's columns (cheaper than `query` for long ordered reads)."""
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Settings of this thread's connection for a bulk load (a rebuild, an import), restored after.

        Only what costs durability of the last commits, never consistency: every transaction still
        commits its rows and its tracking position together.
        """
        yield

    def reader(self) -> Any:  # pragma: no cover - interface (with `separate_writer`)
        """A cursor that reads what is committed and cannot write (with `separate_writer`)."""
        raise NotImplementedError

    def session(self) -> Any:  # pragma: no cover - interface (with `separate_writer`)
        """A connection of its own, with `transaction()` and `bulk()` (with `separate_writer`)."""
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

    def scan(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    # While rebuilding or importing:
    # * checkpoint the WAL every BULK_CHECKPOINT_PAGES pages instead of 1,000. Each checkpoint copies
    #   to the database the pages the commits since the last one dirtied (and fsyncs); between
    #   checkpoints, a page that many commits rewrite is copied once. Bounded: the WAL does not grow
    #   past that, whatever the number of events.
    # * secure_delete FAST instead of ON (the default of SQLite as Debian builds it): dropping the
    #   read models no longer writes every freed page again, zeroed (100 MB for 100,000 events, a
    #   tenth of the rebuild). Freed content within pages is still zeroed; what stays in free pages
    #   is read-model rows, derived from the events this file holds anyway.
    BULK_CHECKPOINT_PAGES = 25_000  # pages of 4 KiB: about 100 MB of WAL at most

    @contextmanager
    def bulk(self) -> Iterator[None]:
        conn = self.conn
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        secure_delete = conn.execute("PRAGMA secure_delete").fetchone()[0]
        conn.execute(f"PRAGMA wal_autocheckpoint = {self.BULK_CHECKPOINT_PAGES}")
        if secure_delete == 1:
            conn.execute("PRAGMA secure_delete = FAST")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
            conn.execute(f"PRAGMA secure_delete = {int(secure_delete)}")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


class _SQLiteCursor:
    kind = "sqlite"

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor.execute(sql, tuple(params))

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.cursor.executemany(sql, params)

    def by_key(self) -> None:
        """(SQLite looks rows up by key through the index: nothing to do.)"""

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """INSERT the rows (SQLite runs in this process: executemany costs no round trips)."""
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.cursor.fetchall()]

    def fetchone(self) -> dict[str, Any] | None:
        row = self.cursor.fetchone()
        return None if row is None else dict(row)


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class _PgSession:
    """Transactions and settings on one PostgreSQL connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    @contextmanager
    def transaction(self) -> Iterator[_PgCursor]:
        with self.conn.transaction(), self.conn.cursor() as cursor:
            yield _PgCursor(cursor)

    @contextmanager
    def reader(self) -> Iterator[_PgCursor]:
        """A cursor in a read-only transaction, always rolled back: it reads what is committed."""
        with self.conn.transaction(force_rollback=True), self.conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            yield _PgCursor(cursor)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """While rebuilding or importing:

        * commits do not wait for the WAL flush: a crash can lose the last commits of a rebuild (they
          are redone from the tracking positions), never mix rows and positions of different commits;
        * statements are not prepared: psycopg prepares a statement run five times, and the server
          may then keep a generic plan made while the new tables were small and without statistics
          (for the UPDATE of the rows a batch closes: a loop over the whole table for each row, 2 s
          for 3,000 rows among 30,000, and worse as the table grows).
        """
        conn = self.conn
        threshold = conn.prepare_threshold
        conn.execute("SET synchronous_commit TO off")
        conn.prepare_threshold = None
        try:
            yield
        finally:
            conn.prepare_threshold = threshold
            if not conn.closed:
                conn.execute("RESET synchronous_commit")


class PostgresDB(_PerThread, ReadDB):
    kind = "postgresql"
    separate_writer = True

    def __init__(self, conninfo: dict[str, str], schema: str | None) -> None:
        def connect() -> psycopg.Connection[Any]:
            conn = psycopg.connect(**conninfo, row_factory=dict_row, autocommit=True)
            if schema:
                conn.execute(psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema)))
            return conn

        super().__init__(connect)

    def transaction(self) -> Any:
        return _PgSession(self.conn).transaction()

    def reader(self) -> Any:
        return _PgSession(self.conn).reader()

    def bulk(self) -> Any:
        return _PgSession(self.conn).bulk()

    @contextmanager
    def session(self) -> Iterator[_PgSession]:
        """A connection of its own (for a writer thread), closed at the end."""
        conn = self._factory()
        try:
            yield _PgSession(conn)
        finally:
            conn.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.conn.cursor() as cursor:
            cursor.execute(_pg(sql), tuple(params))
            return list(cursor.fetchall())

    def scan(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        with self.conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(_pg(sql), tuple(params))
            return cursor.fetchall()


class _PgCursor:
    kind = "postgresql"

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor
        self._by_key = False

    def by_key(self) -> None:
        """For the rest of the transaction, find rows through the indexes, not by scanning tables.

        The projection looks up batches of rows by key (current rows, rows to close). On tables just
        created, as in a rebuild, the planner has no statistics and prefers reading the whole table
        for each batch (a hash join): for 3,000 rows to close among 30,000, 30 ms against 15 ms
        through the primary key, and the scan grows with the table while the lookups do not. (For a
        few keys the planner takes the index anyway: `Batch` asks for this from BY_KEY_FROM keys.)
        """
        if not self._by_key:
            self.cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; "
                                "SET LOCAL enable_mergejoin = off")
            self._by_key = True

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor.execute(_pg(sql), tuple(params))

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.cursor.executemany(_pg(sql), params)

    COPY_FROM = 50  # rows: fewer go in one pipelined executemany (COPY costs a round trip more)

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """COPY the rows in: one stream instead of one statement per row (about 5 times faster)."""
        rows = rows if isinstance(rows, list) else list(rows)
        if len(rows) < self.COPY_FROM:
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                             rows)
            return
        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table), pgsql.SQL(", ").join(map(pgsql.Identifier, columns)))
        with self.cursor.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row)

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
