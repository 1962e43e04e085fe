"""Steps of `make bench` that run inside a fresh child process (clean heap, own peak RSS).

    .venv/bin/python -m bench.steps raw URL --seconds 3          # bench.raw on a new database
    .venv/bin/python -m bench.steps import URL FILE              # tracker.transfer.import_file
    .venv/bin/python -m bench.steps rebuild URL                  # bench.rebuild.measure
    .venv/bin/python -m bench.steps reads URL --period 2026      # ReadModel latencies + verify

Each prints one JSON line (the last line of stdout); progress goes to stderr.

* `rebuild`: `bench.rebuild.measure` (bench/rebuild.py's code: `projector.rebuild()` with RSS
  sampled during it, and the raw and decoded read of the log as the ceiling).
* `import`: `tracker.transfer.import_file` into the (empty) store — what `tracker import` does —
  with its phases: check the file, write the events, build the read models and the chain.
* `reads`: through `projections.queries.ReadModel` in this process, on varied ids:
  - one scorecard (`ReadModel.scorecard`, live: `as_of()` is part of each call, as in a request);
  - the city ranking of every head (`ReadModel.ranking`);
  - a case as of a past moment: half by log position (`as_of(position=…)`), half by record time
    (`as_of(moment=…)`), at a random point between the case's first event and now;
  - a scorecard as of a past moment (positions at 50%, 70% and 90% of the log; position and time);
  - `Tracker.verify()` (the hash chain recomputed from the stored log), events/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench.rebuild import peak_rss_mb  # noqa: E402
from bench.report import latency_summary  # noqa: E402


def say(msg: str) -> None:
    print(f"    {msg}", file=sys.stderr, flush=True)


# -- raw limits ------------------------------------------------------------------------------------

def raw_limits(url: str, *, seconds: float, copy_rows: int) -> dict[str, Any]:
    from bench.raw import pg_raw_limits, sqlite_raw_limits, store_sqlite_settings

    def log(msg: str) -> None:
        say(f"raw: {msg}")

    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        return sqlite_raw_limits(path, seconds=seconds, copy_rows=copy_rows,
                                 settings=store_sqlite_settings(path.parent), log=log)
    return pg_raw_limits(url, seconds=seconds, copy_rows=copy_rows, log=log)


# -- rebuild (bench/rebuild.py's measuring code) ---------------------------------------------------

def rebuild_step(url: str) -> dict[str, Any]:
    """`bench.rebuild.measure` (owned by bench/rebuild.py): rebuild events/s, RSS during it, the read
    ceiling. If its per-view timing (`instrument`) does not fit the projector of the day, measure
    once more without it rather than not at all."""
    from dataclasses import asdict

    from bench import rebuild as rb

    page = getattr(rb, "PAGE", 1000)
    note = None
    try:
        m = rb.measure(url, page=page, repeat=1, reads=1, profile=0)
    except Exception as e:  # noqa: BLE001 - retried below, and recorded
        note = f"measured without bench/rebuild.py's per-view breakdown, which failed: {type(e).__name__}: {e}"
        say(f"rebuild: {note}")
        rb.instrument = lambda projector, breakdown: None  # type: ignore[assignment]
        m = rb.measure(url, page=page, repeat=1, reads=1, profile=0)
    data = {k: v for k, v in asdict(m).items() if k != "profile"}
    seconds = min(m.rebuild_s) if m.rebuild_s else None
    events = m.rebuild_events or m.events
    data.update(seconds=seconds, events_s=events / seconds if seconds else None,
                peak_rss_mb=m.peak_after_rebuild_mb,
                read_raw_events_s=m.events / m.read_raw_s if m.read_raw_s else None,
                read_decode_events_s=m.events / m.read_decode_s if m.read_decode_s else None,
                rm_log_matches=m.rm_log_rows == events)
    if note:
        data["note"] = note
    say(f"rebuild: {events:,} events in {seconds or 0:.2f} s")
    return data


# -- import ----------------------------------------------------------------------------------------

def import_store(url: str, file: str) -> dict[str, Any]:
    from tracker.bootstrap import Tracker
    from tracker.transfer import import_file

    last = {"phase": "", "t": 0.0}

    def progress(phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase != last["phase"] or now - last["t"] > 10:
            say(f"import {phase}: {done:,}/{total:,}")
            last.update(phase=phase, t=now)

    with Tracker(url) as tracker, open(file, "rb") as f:
        started, cpu = time.perf_counter(), time.process_time()
        result = import_file(tracker, f, on_progress=progress)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        position = tracker.store.position()
    c = result.count

    def rate(seconds: float) -> float | None:
        return c / seconds if seconds > 0 else None

    return {"count": c, "position": position, "head": result.head, "seconds": result.seconds, "wall_s": wall,
            "cpu_s": cpu, "events_s": rate(result.seconds), "check_s": result.check_seconds,
            "write_s": result.write_seconds, "project_s": result.project_seconds,
            "check_events_s": rate(result.check_seconds), "write_events_s": rate(result.write_seconds),
            "project_events_s": rate(result.project_seconds), "peak_rss_mb": peak_rss_mb()}


# -- reads -----------------------------------------------------------------------------------------

def _timed(calls: list[Callable[[], Any]], budget_s: float, expected: tuple[type[BaseException], ...] = ()
           ) -> dict[str, Any]:
    """Run the calls in order (within a time budget); latency summary plus errors."""
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + budget_s
    for call in calls:
        if latencies and time.perf_counter() > deadline:
            break
        t = time.perf_counter()
        try:
            call()
        except expected as e:
            errors.append(f"{type(e).__name__}: {e}")
            continue
        latencies.append(time.perf_counter() - t)
    out = latency_summary(latencies)
    out["errors"] = len(errors)
    if errors:
        out["first_error"] = errors[0][:300]
    return out


def measure_reads(url: str, *, period: str, scorecards: int, rankings: int, as_ofs: int, budget_s: float,
                  seed: int = 7) -> dict[str, Any]:
    from domain.errors import NotFound
    from projections.queries import ReadModel
    from tracker.bootstrap import Tracker

    rng = random.Random(seed)
    out: dict[str, Any] = {"period": period}
    with Tracker(url) as tracker:
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        db = tracker.db
        at = reads.as_of()
        out["position"] = at.position
        heads = heads_at(db, period, at.position)
        out["distinct_head_officials"] = len(heads)
        say(f"reads: {len(heads)} heads in {period} at position {at.position:,}")

        # one scorecard, live (this also warms the caches the ranking reads)
        if heads:
            picks = [rng.choice(heads) for _ in range(scorecards)]
            out["scorecard"] = _timed([lambda o=o: reads.scorecard(o, period, reads.as_of()) for o in picks],
                                      budget_s, (NotFound,))
            say(f"reads: scorecard p99 {out['scorecard']['p99_ms']} ms")

        # the ranking of every head, live; `heads` = the scorecards in it (one per head and unit)
        sizes: list[int] = []
        out["ranking"] = _timed([lambda: sizes.append(len(reads.ranking(period, reads.as_of())[0]))] * rankings,
                                budget_s)
        out["heads"] = sizes[0] if sizes else None
        say(f"reads: ranking of {out['heads']} scorecards, p99 {out['ranking']['p99_ms']} ms")

        # a case as of a past position or record time
        cases = db.query("SELECT case_id, MIN(pos_from) AS p FROM rm_cases GROUP BY case_id")
        calls: list[Callable[[], Any]] = []
        if cases and at.position:
            for k in range(as_ofs):
                case = rng.choice(cases)
                p = rng.randint(int(case["p"]), at.position)
                if k % 2 == 0:
                    calls.append(lambda c=case["case_id"], p=p: reads.case(c, reads.as_of(position=p)))
                else:
                    moment = _moment_at(db, p)
                    calls.append(lambda c=case["case_id"], m=moment: reads.case(c, reads.as_of(moment=m)))
            out["case_as_of"] = _timed(calls, budget_s, (NotFound,))
            out["cases"] = len(cases)
            say(f"reads: case asOf p99 {out['case_as_of']['p99_ms']} ms")

        # a scorecard as of a past position or record time (heads found with SQL: a ranking per
        # point would cost as much as the figure measured)
        calls = []
        fractions = (0.5, 0.7, 0.9)
        for k in range(as_ofs):
            p = max(1, int(at.position * fractions[k % len(fractions)]))
            by_time = k % 2 == 1
            moment = _moment_at(db, p) if by_time else None
            key = (p, by_time)
            if key not in _heads_at:
                past = reads.as_of(moment=moment) if by_time else reads.as_of(position=p)
                _heads_at[key] = heads_at(db, period, past.position)
            if not _heads_at[key]:
                continue
            official = rng.choice(_heads_at[key])
            if by_time:
                calls.append(lambda o=official, m=moment: reads.scorecard(o, period, reads.as_of(moment=m)))
            else:
                calls.append(lambda o=official, p=p: reads.scorecard(o, period, reads.as_of(position=p)))
        if calls:
            out["scorecard_as_of"] = _timed(calls, budget_s, (NotFound,))
            say(f"reads: scorecard asOf p99 {out['scorecard_as_of']['p99_ms']} ms")

        # verify
        started = time.perf_counter()
        v = tracker.verify()
        elapsed = time.perf_counter() - started
        out["verify"] = {"checked": v.checked, "seconds": elapsed, "events_s": v.checked / elapsed if elapsed else None,
                         "ok": v.ok, "first_mismatch": v.first_mismatch}
        say(f"reads: verify {v.checked:,} events in {elapsed:.2f} s")
    out["peak_rss_mb"] = peak_rss_mb()
    return out


_heads_at: dict[tuple[int, bool], list[str]] = {}


def heads_at(db: Any, period: str, position: int) -> list[str]:
    """The officials with a head term overlapping the period, as the read models stood at `position`
    (the terms `projections.scorecards.load_facts` makes scorecards of)."""
    from domain.periods import Period
    from projections.tables import visible

    p = Period.parse(period)
    pos = (position, position)
    rows = db.query(
        "SELECT DISTINCT t.official_id FROM rm_head_terms t "
        f"JOIN rm_officials o ON o.official_id = t.official_id AND {visible('o')} "
        f"JOIN rm_units u ON u.unit_id = t.unit_id AND {visible('u')} "
        f"WHERE {visible('t')} AND t.since <= ? AND (t.until IS NULL OR t.until >= ?) ORDER BY t.official_id",
        (*pos, *pos, *pos, p.end.isoformat(), p.start.isoformat()))
    return [str(r["official_id"]) for r in rows]


def _moment_at(db: Any, position: int) -> str:
    rows = db.query("SELECT recorded_at FROM rm_log WHERE position <= ? ORDER BY position DESC LIMIT 1", (position,))
    return rows[0]["recorded_at"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("raw")
    p.add_argument("url", help="a new PostgreSQL database, or sqlite:///scratch.db")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--copy-rows", type=int, default=200_000)
    p = sub.add_parser("import")
    p.add_argument("url")
    p.add_argument("file")
    p = sub.add_parser("rebuild")
    p.add_argument("url")
    p = sub.add_parser("reads")
    p.add_argument("url")
    p.add_argument("--period", default="2026")
    p.add_argument("--scorecards", type=int, default=200)
    p.add_argument("--rankings", type=int, default=20)
    p.add_argument("--as-ofs", type=int, default=100)
    p.add_argument("--budget", type=float, default=60.0, help="seconds per measurement at most")
    args = parser.parse_args(argv)
    if args.step == "raw":
        result = raw_limits(args.url, seconds=args.seconds, copy_rows=args.copy_rows)
    elif args.step == "import":
        result = import_store(args.url, args.file)
    elif args.step == "rebuild":
        result = rebuild_step(args.url)
    else:
        result = measure_reads(args.url, period=args.period, scorecards=args.scorecards, rankings=args.rankings,
                               as_ofs=args.as_ofs, budget_s=args.budget)
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip slow interpreter teardown of big heaps; everything is flushed


if __name__ == "__main__":
    main()
