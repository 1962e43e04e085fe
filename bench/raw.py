"""The raw limits of this machine's database, on a table shaped like the event store's.

PostgreSQL (`pg_raw_limits`): a table like eventsourcing's `tracker_events` — uuid, bigint version,
text topic, bytea state of ~300 bytes, bigserial id; primary key (uuid, version) and a unique index
on the id — in the database it is given, then
* one INSERT per transaction (autocommit), one connection, for `seconds`;
* the same from 8 connections in parallel (8 threads);
* 100-row batches (`executemany` in one transaction each);
* COPY of `copy_rows` rows (binary) in one transaction;
* the ordered read of the whole table, `SELECT … WHERE id > ? ORDER BY id LIMIT 1000` page by page.

SQLite (`sqlite_raw_limits`): a table like eventsourcing's (rowid = the notification id; primary key
(originator_id, originator_version)), WAL and the `synchronous` setting the event store's own
connection uses (read from it, see `store_sqlite_settings`), then one row per transaction
(`BEGIN … COMMIT` as eventsourcing does), 100-row batches, one transaction of `copy_rows` rows
(the counterpart of COPY) and the ordered read.

Run alone: `.venv/bin/python -m bench.raw --backends sqlite,postgresql --seconds 2`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

TOPIC = "domain.inspections:Inspection.FindingRecorded"
STATE_BYTES = 300
PAGE = 1000


def _states(n: int = 256) -> list[bytes]:
    """Event-like states: ~300 bytes of JSON-ish text with some randomness (not all compressible)."""
    out = []
    for i in range(n):
        head = (b'{"category":"late_handling","severity":"serious","occurred_on":"2026-06-%02d",'
                b'"description":"' % (i % 28 + 1))
        out.append((head + os.urandom(STATE_BYTES).hex().encode())[:STATE_BYTES - 2] + b'"}')
    return out


def _timed_loop(seconds: float, max_ops: int | None, op: Any) -> tuple[int, float]:
    """Call op() until `seconds` pass (or max_ops calls); return (rows done, elapsed)."""
    done, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline and (max_ops is None or done < max_ops):
        done += op()
    return done, time.perf_counter() - started


# -- PostgreSQL ------------------------------------------------------------------------------------

PG_TABLE = "bench_raw_events"


def _ordered_read(page_after: Any) -> tuple[float, int]:
    """Rows/s of reading the table in id order, page by page (`page_after(last id)`), best of two
    (the first warms the cache); and the number of rows read."""
    best, n = 0.0, 0
    for _ in range(2):
        n, last, started = 0, 0, time.perf_counter()
        while page := page_after(last):
            n += len(page)
            last = page[-1][0]
        best = max(best, n / (time.perf_counter() - started))
    return best, n


def pg_raw_limits(dsn: str, *, seconds: float = 3.0, copy_rows: int = 200_000, connections: int = 8,
                  max_ops: int | None = None, log: Any = None) -> dict[str, Any]:
    import psycopg

    say = log or (lambda msg: None)
    states = _states()
    out: dict[str, Any] = {"backend": "postgresql", "seconds_per_figure": seconds, "state_bytes": STATE_BYTES}
    with psycopg.connect(dsn, autocommit=True) as conn:
        out["server_version"] = conn.execute("SHOW server_version").fetchone()[0]
        out["synchronous_commit"] = conn.execute("SHOW synchronous_commit").fetchone()[0]
        out["fsync"] = conn.execute("SHOW fsync").fetchone()[0]
        conn.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
        conn.execute(f"CREATE TABLE {PG_TABLE} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                     "topic text, state bytea, notification_id bigserial, "
                     "PRIMARY KEY (originator_id, originator_version))")
        conn.execute(f"CREATE UNIQUE INDEX {PG_TABLE}_id ON {PG_TABLE} (notification_id ASC)")
        insert = (f"INSERT INTO {PG_TABLE} (originator_id, originator_version, topic, state) "
                  "VALUES (%s, %s, %s, %s)")

        # one INSERT per transaction, one connection
        say("one INSERT per transaction, 1 connection")
        i = [0]

        def one() -> int:
            i[0] += 1
            conn.execute(insert, (uuid.uuid4(), 1, TOPIC, states[i[0] % len(states)]), prepare=True)
            return 1

        rows, elapsed = _timed_loop(seconds, max_ops, one)
        out["insert1_rows_s"] = rows / elapsed

        # the same, 8 connections in parallel
        say(f"one INSERT per transaction, {connections} connections")
        counts = [0] * connections
        barrier = threading.Barrier(connections + 1)
        errors: list[str] = []

        def worker(k: int) -> None:
            try:
                with psycopg.connect(dsn, autocommit=True) as c:
                    barrier.wait()
                    deadline = time.perf_counter() + seconds
                    n = 0
                    while time.perf_counter() < deadline and (max_ops is None or n < max_ops):
                        c.execute(insert, (uuid.uuid4(), 1, TOPIC, states[n % len(states)]), prepare=True)
                        n += 1
                    counts[k] = n
            except Exception as e:  # noqa: BLE001 - reported
                errors.append(f"{type(e).__name__}: {e}")
                try:
                    barrier.abort()
                except threading.BrokenBarrierError:
                    pass

        threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(connections)]
        for t in threads:
            t.start()
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        started = time.perf_counter()
        for t in threads:
            t.join()
        if errors:
            out["insert1_8conn_error"] = errors[0]
        else:
            out["insert1_8conn_rows_s"] = sum(counts) / (time.perf_counter() - started)
        out["connections"] = connections

        # 100-row batches
        say("100-row batches")

        def batch() -> int:
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(insert, [(uuid.uuid4(), 1, TOPIC, states[k]) for k in range(100)])
            return 100

        rows, elapsed = _timed_loop(seconds, None if max_ops is None else max(1, max_ops // 100), batch)
        out["batch100_rows_s"] = rows / elapsed

        # COPY
        say(f"COPY {copy_rows:,} rows")
        ids = [uuid.uuid4() for _ in range(copy_rows)]
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(f"COPY {PG_TABLE} (originator_id, originator_version, topic, state) "
                          "FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for k, oid in enumerate(ids):
                    copy.write_row((oid, 1, TOPIC, states[k % len(states)]))
        out["copy_rows_s"] = copy_rows / (time.perf_counter() - started)
        out["copy_rows"] = copy_rows
        conn.execute(f"ANALYZE {PG_TABLE}")

        # ordered read, best of two (the first warms the cache)
        say("ordered read")
        select = (f"SELECT notification_id, originator_id, originator_version, topic, state FROM {PG_TABLE} "
                  f"WHERE notification_id > %s ORDER BY notification_id LIMIT {PAGE}")
        with conn.cursor() as cur:
            out["read_rows_s"], out["read_rows"] = _ordered_read(
                lambda last: cur.execute(select, (last,), prepare=True).fetchall())
        conn.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
    return out


# -- SQLite ----------------------------------------------------------------------------------------

SYNC_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def store_sqlite_settings(directory: Path) -> dict[str, Any]:
    """journal_mode and synchronous of the event store's own SQLite connection (eventsourcing's, as
    `services.store` configures it), read from a throwaway store in `directory`."""
    from services.store import open_store

    path = directory / f"settings-{uuid.uuid4().hex[:8]}.db"
    try:
        with open_store(f"sqlite:///{path}") as store:
            datastore = store.app.recorder.datastore  # type: ignore[attr-defined]
            with datastore.transaction(commit=False) as cur:
                cur.execute("PRAGMA journal_mode")
                journal = str(cur.fetchone()[0]).upper()
                cur.execute("PRAGMA synchronous")
                sync = int(cur.fetchone()[0])
        return {"journal_mode": journal, "synchronous": SYNC_NAMES.get(sync, str(sync)), "synchronous_value": sync}
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def sqlite_raw_limits(path: Path, *, seconds: float = 3.0, copy_rows: int = 200_000,
                      max_ops: int | None = None, settings: dict[str, Any] | None = None,
                      log: Any = None) -> dict[str, Any]:
    say = log or (lambda msg: None)
    settings = settings or {"journal_mode": "WAL", "synchronous": "FULL", "synchronous_value": 2}
    states = _states()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    out: dict[str, Any] = {"backend": "sqlite", "seconds_per_figure": seconds, "state_bytes": STATE_BYTES,
                           "sqlite_version": sqlite3.sqlite_version, **settings}
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    try:
        conn.execute(f"PRAGMA journal_mode={settings['journal_mode']}")
        conn.execute(f"PRAGMA synchronous={int(settings['synchronous_value'])}")
        conn.execute("CREATE TABLE raw_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                     "state BLOB, PRIMARY KEY (originator_id, originator_version))")
        insert = "INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)"
        i = [0]

        say("one row per transaction")

        def one() -> int:
            i[0] += 1
            conn.execute("BEGIN")
            conn.execute(insert, (uuid.uuid4().hex, 1, TOPIC, states[i[0] % len(states)]))
            conn.execute("COMMIT")
            return 1

        rows, elapsed = _timed_loop(seconds, max_ops, one)
        out["insert1_rows_s"] = rows / elapsed

        say("100-row batches")

        def batch() -> int:
            conn.execute("BEGIN")
            conn.executemany(insert, [(uuid.uuid4().hex, 1, TOPIC, states[k]) for k in range(100)])
            conn.execute("COMMIT")
            return 100

        rows, elapsed = _timed_loop(seconds, None if max_ops is None else max(1, max_ops // 100), batch)
        out["batch100_rows_s"] = rows / elapsed

        say(f"one transaction of {copy_rows:,} rows")
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(insert, ((uuid.uuid4().hex, 1, TOPIC, states[k % len(states)]) for k in range(copy_rows)))
        conn.execute("COMMIT")
        out["copy_rows_s"] = copy_rows / (time.perf_counter() - started)
        out["copy_rows"] = copy_rows

        say("ordered read")
        select = (f"SELECT rowid, originator_id, originator_version, topic, state FROM raw_events "
                  f"WHERE rowid > ? ORDER BY rowid LIMIT {PAGE}")
        out["read_rows_s"], out["read_rows"] = _ordered_read(lambda last: conn.execute(select, (last,)).fetchall())
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-dsn", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="the database the scratch table goes in (created and dropped)")
    parser.add_argument("--dir", type=Path, default=Path("var/bench"), help="where the SQLite scratch file goes")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--copy-rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)

    def say(msg: str) -> None:
        print(f"  raw: {msg}", file=sys.stderr, flush=True)

    for backend in args.backends.split(","):
        if backend == "sqlite":
            r = sqlite_raw_limits(args.dir / "raw.db", seconds=args.seconds, copy_rows=args.copy_rows,
                                  settings=store_sqlite_settings(args.dir), log=say)
        else:
            r = pg_raw_limits(args.pg_dsn, seconds=args.seconds, copy_rows=args.copy_rows, log=say)
        print(json.dumps(r))


if __name__ == "__main__":
    main()
