"""What if: the rebuild with the suggested changes to projections/, measured without editing it.

    .venv/bin/python -m bench.whatif sqlite:///var/bench.db
    .venv/bin/python -m bench.whatif postgresql://postgres@127.0.0.1:5432/bench --repeat 2

The store must already hold events (see `bench.generate`; `bench.rebuild --keep` keeps its
stores). Each variant runs in a fresh process that subclasses `projections.tables.Batch` (as the
runner's `Batch`) and wraps `Projector._write` so the batch knows its view and events (written
against commit af1321d; if `Batch` changes, this script may need to follow), rebuilds the read
models, and prints wall and CPU time, events/s, peak RSS and a digest of every read-model row: a
variant that changes the read models shows a different digest.

The changes (cumulative, in this order):

* closes    - `Batch.flush` closes the previous rows (`UPDATE … SET pos_to`) with one executemany
              per table instead of one execute per row (psycopg pipelines executemany);
* prefetch  - before the handlers of a view run, its single-key tables' current rows for the whole
              batch are loaded with one `SELECT … WHERE key IN (…) AND pos_to IS NULL` per table
              (the key is the event's attribute named like the key column, else the aggregate id),
              so `Batch.current` stops issuing one SELECT per entity;
* python    - `db_value` returns str/int/float/None (by exact type) and UUID/date without the
              isinstance chain; `Batch.update` converts only the changes (the copied row is already
              in database form) and `Batch.put` checks the column names against a cached frozenset
              instead of building two sets per row; `Event.id` is computed once per event, not once
              per view;
* copy      - on PostgreSQL, `Batch.flush` inserts the new rows with COPY … FROM STDIN instead of
              executemany (no change on SQLite; needs `closes`, which rewrites `flush`);
* batch5000 - the rebuild reads and writes 5,000 events per transaction instead of 1,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

STEPS = ("closes", "prefetch", "python", "copy", "batch5000")
TABLES = ("rm_log", "rm_units", "rm_head_terms", "rm_officials", "rm_inspections", "rm_findings",
          "rm_recommendations", "rm_cases", "rm_decisions", "rm_tasks", "rm_kpi")


def patch(steps: set[str]) -> None:
    import projections.runner as runner
    import projections.tables as tables
    import projections.views as views

    if "python" in steps:
        slow = tables.db_value
        same = {str, int, float, type(None)}

        def db_value(value: Any) -> Any:
            kind = type(value)
            if kind in same:
                return value
            if kind is UUID:
                return str(value)
            if kind is date:
                return value.isoformat()
            return slow(value)

        tables.db_value = db_value

        def event_id(self: Any) -> str:
            cached = self.__dict__.get("_id")
            if cached is None:
                cached = str(self.domain_event.originator_id)
                object.__setattr__(self, "_id", cached)
            return cached

        views.Event.id = property(event_id)  # type: ignore[assignment]

    allowed: dict[str, frozenset[str]] = {}
    context: dict[str, Any] = {}

    class Batch(tables.Batch):
        def __init__(self, cursor: Any) -> None:
            super().__init__(cursor)
            if "prefetch" in steps and context:
                prefetch(self, context["view"], context["events"])

        if steps & {"closes", "copy"}:
            def flush(self) -> None:
                if "closes" not in steps:
                    super().flush()
                    return
                closes: dict[str, tuple[Any, list[tuple[Any, ...]]]] = {}
                for (name, key_values), (table, position) in self._close.items():
                    closes.setdefault(name, (table, []))[1].append((position, *key_values))
                for table, params in closes.values():
                    where = " AND ".join(f"{c} = ?" for c in table.key)
                    self.cursor.executemany(
                        f"UPDATE {table.name} SET pos_to = ? WHERE {where} AND pos_to IS NULL", params)
                raw = getattr(self.cursor, "cursor", None)
                copy = "copy" in steps and hasattr(raw, "copy")  # a psycopg cursor: PostgreSQL
                for table, rows in self._inserts.values():
                    cols = table.all_columns
                    insert(self.cursor, raw, copy, table.name, cols, [tuple(r[c] for c in cols) for r in rows])
                for name, cols, rows in self._appends.values():
                    insert(self.cursor, raw, copy, name, cols, rows)

        if "python" in steps:
            def put(self, table: Any, key: tuple[Any, ...], values: dict[str, Any], *, position: int,
                    version: int, new: bool = False, converted: bool = False) -> None:
                db_value = tables.db_value
                k = (table.name, tuple(db_value(v) for v in key))
                names = allowed.get(table.name)
                if names is None:
                    names = allowed[table.name] = frozenset(table.all_columns)
                if not values.keys() <= names:
                    raise KeyError(f"{table.name}: unknown columns {sorted(values.keys() - names)}")
                row = dict.fromkeys(table.columns)
                row.update(values if converted else {c: db_value(v) for c, v in values.items()})
                row.update(zip(table.key, k[1], strict=True))
                row.update(pos_from=position, pos_to=None, version=version)
                pending = self._pending[k]
                if pending:
                    pending[-1]["pos_to"] = position
                elif not new and self.current(table, key) is not None:
                    self._close[k] = (table, position)
                pending.append(row)
                self._inserts.setdefault(table.name, (table, []))[1].append(row)

            def update(self, table: Any, key: tuple[Any, ...], changes: dict[str, Any], *, position: int,
                       version: int) -> dict[str, Any]:
                row = self.require(table, key)
                values = {c: row[c] for c in table.columns}
                values.update({c: tables.db_value(v) for c, v in changes.items()})
                self.put(table, key, values, position=position, version=version, converted=True)
                return values

    def insert(cursor: Any, raw: Any, copy: bool, table: str, cols: Sequence[str],
               rows: Sequence[tuple[Any, ...]]) -> None:
        if copy:
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as pipe:
                for row in rows:
                    pipe.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                               rows)

    def prefetch(batch: Any, view: Any, events: Sequence[Any]) -> None:
        for table in view.tables:
            if len(table.key) != 1:
                continue
            column = table.key[0]
            keys: set[str] = set()
            for e in events:
                if view.handler_for(type(e.domain_event)) is not None:
                    value = getattr(e.domain_event, column, None)
                    keys.add(str(value) if value is not None else e.id)
            ordered = sorted(keys)
            for i in range(0, len(ordered), 500):
                chunk = ordered[i:i + 500]
                batch.cursor.execute(f"SELECT * FROM {table.name} WHERE {column} IN "
                                     f"({', '.join('?' for _ in chunk)}) AND pos_to IS NULL", chunk)
                found = {row[column]: row for row in batch.cursor.fetchall()}
                for k in chunk:
                    batch._loaded[(table.name, (k,))] = found.get(k)

    write = runner.Projector._write

    def _write(self: Any, view: Any, events: list[Any]) -> None:
        """The projector's own `_write`, with the view and events known to the Batch it makes."""
        context.update(view=view, events=events)
        try:
            write(self, view, events)
        finally:
            context.clear()

    runner.Batch = Batch  # type: ignore[misc]
    runner.Projector._write = _write  # type: ignore[method-assign]


def digest(db: Any) -> str:
    h = hashlib.sha256()
    for table in TABLES:
        rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in db.query(f"SELECT * FROM {table}"))
        h.update(table.encode())
        h.update("\n".join(rows).encode())
    return h.hexdigest()[:16]


def one(url: str, steps: set[str]) -> dict[str, Any]:
    patch(steps)
    from bench.rebuild import peak_rss_mb
    from tracker.bootstrap import Tracker

    with Tracker(url) as tracker:
        if "batch5000" in steps:
            tracker.projector.batch_size = 5000
        wall, cpu = time.perf_counter(), time.process_time()
        events = tracker.projector.rebuild()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = peak_rss_mb()
        return {"events": events, "wall": wall, "cpu": cpu, "peak_mb": peak, "digest": digest(tracker.db)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the best counts")
    parser.add_argument("--variants", default="baseline," + ",".join(
        "+".join(STEPS[:i + 1]) for i in range(len(STEPS))),
        help="comma-separated variants, each a +-joined set of: " + ", ".join(STEPS) + " (or baseline)")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        steps = set() if args.one == "baseline" else set(args.one.split("+"))
        print(json.dumps(one(args.url, steps)))
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    print(f"{'variant':<40} {'events':>8} {'wall s':>8} {'CPU s':>7} {'events/s':>9} {'peak MB':>8}  digest")
    for variant in args.variants.split(","):
        unknown = set(variant.split("+")) - set(STEPS) - {"baseline"}
        if unknown:
            parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
        runs = []
        for _ in range(args.repeat):
            done = subprocess.run([sys.executable, "-m", "bench.whatif", args.url, "--one", variant], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["wall"])
        digests = {r["digest"] for r in runs}
        print(f"{variant:<40} {best['events']:>8,} {best['wall']:>8.2f} {min(r['cpu'] for r in runs):>7.2f} "
              f"{best['events'] / best['wall']:>9,.0f} {max(r['peak_mb'] for r in runs):>8.0f}  "
              f"{','.join(sorted(digests))}", flush=True)


if __name__ == "__main__":
    main()
