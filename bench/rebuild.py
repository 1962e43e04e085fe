"""How fast do the read models rebuild? On SQLite and PostgreSQL, for the demo and a 100k store.

    .venv/bin/python -m bench.rebuild                       # both backends, demo + 100k events
    .venv/bin/python bench/rebuild.py --backends sqlite --events 20000
    .venv/bin/python -m bench.rebuild --profile 30          # and cProfile one more rebuild per store
    .venv/bin/python -m bench.rebuild --url sqlite:///var/bench/gen100000.db --repeat 5  # an existing store

For each backend and store: a new store is made (SQLite: a file in a temporary directory;
PostgreSQL: a new database on the server of `--pg-url`, dropped at the end unless `--keep`), then
seeded (the demo script, or `bench.generate` with `--events`); or `--url` names existing stores.
The measurements run in a fresh child process, so its peak RSS belongs to them and not to the
seeding:

* the raw ordered read of the notification log (`recorder.select_notifications`, pages of
  `--page`), and the decoded read a rebuild does (`StoreLog.read` without the stored records):
  the ceiling for a rebuild;
* `projector.rebuild()` (drop, create, catch up from position 0, build the indexes), `--repeat`
  times (the median counts), with the time spent reading and decoding, computing and writing each
  view, the process's and (PostgreSQL on this machine) the server's CPU time, and the RSS;
* a check that the log index (`rm_log`) has one row per event.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # `python bench/rebuild.py` from the repository root
    sys.path.insert(0, str(ROOT))

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PAGE = 10_000  # events per read of the log, as a rebuild reads it (projections.runner.REBUILD_BATCH)


# -- measurements (in the child process) -------------------------------------------------------------

def rss_now_mb() -> float:
    """Current resident set size (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    """Peak resident set size of this process image.

    Linux's VmHWM, not `getrusage().ru_maxrss`: across fork and exec, ru_maxrss keeps the parent's
    peak (here, the seeding's), which would hide the rebuild's own.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def read_log(tracker: Any, page: int, decode: bool) -> tuple[int, float]:
    """Read the whole notification log in order, in pages; return (events, seconds).

    Raw: the recorder's `select_notifications`. Decoded: `StoreLog.read` without the stored records,
    which is what a rebuild reads (the chain is not rebuilt), so it is the ceiling of a rebuild.
    `measure` runs both with the process settings of a rebuild (`_bulk_process`): with the garbage
    collector's defaults, pages of 10,000 decoded events read at half the speed.
    """
    recorder = tracker.store.app.recorder
    started = time.perf_counter()
    after, count = 0, 0
    while True:
        if decode:
            batch = tracker.log.read(after, page, records=False)
            last = batch[-1][0] if batch else 0
        else:
            batch = recorder.select_notifications(start=after + 1, limit=page)
            last = batch[-1].id if batch else 0
        if not batch:
            break
        count += len(batch)
        after = last
        if len(batch) < page:
            break
    return count, time.perf_counter() - started


@dataclass
class Measurement:
    url: str
    events: int = 0
    read_raw_s: float = 0.0
    read_decode_s: float = 0.0
    rebuild_s: list[float] = field(default_factory=list)
    rebuild_cpu_s: list[float] = field(default_factory=list)  # this process's CPU (not the server's)
    server_cpu_s: list[float] = field(default_factory=list)  # PostgreSQL backends of the database, if local
    load: list[float] = field(default_factory=list)  # 1-minute load average after each rebuild
    rebuild_events: int = 0
    rm_log_rows: int = 0
    breakdown_s: dict[str, float] = field(default_factory=dict)  # of the last rebuild
    rss_start_mb: float = 0.0
    peak_before_rebuild_mb: float = 0.0
    peak_after_rebuild_mb: float = 0.0
    rss_samples_mb: list[float] = field(default_factory=list)  # current RSS at 0%, 10%, … 100%
    profile: str = ""

    @property
    def median_rebuild_s(self) -> float:
        return statistics.median(self.rebuild_s) if self.rebuild_s else 0.0


def instrument(projector: Any, breakdown: dict[str, float]) -> None:
    """Time the reading (and decoding) of the log, each view's computing and writing, and the waits,
    on this projector (and `Batch.flush`) in this process. On PostgreSQL the writing runs in a thread
    of its own, alongside the rest: the parts add up to more than the wall time.
    """
    import projections.runner as runner
    import projections.tables as tables

    lock = threading.Lock()

    def add(part: str, seconds: float) -> None:
        with lock:
            breakdown[part] += seconds

    def timed(function: Any, part: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                add(part(*args) if callable(part) else part, time.perf_counter() - t)
        return wrapper

    projector.source.read = timed(projector.source.read, "read + decode")
    compute = projector._compute

    def timed_compute(cur: Any, view: Any, events: Any) -> Any:
        t = time.perf_counter()
        batch = compute(cur, view, events)
        add(f"compute {view.name}", time.perf_counter() - t)
        batch.bench_view = view.name
        return batch

    projector._compute = timed_compute
    if not getattr(tables.Batch.flush, "bench", False):
        flush = timed(tables.Batch.flush, lambda batch, *_: f"write {getattr(batch, 'bench_view', '?')}")
        flush.bench = True
        tables.Batch.flush = flush
        runner._Writer.wait = timed(runner._Writer.wait, "wait for the writer")
        runner._Writer.wait_all = timed(runner._Writer.wait_all, "wait for the writer")


class ServerCPU:
    """CPU time of the PostgreSQL backends serving this database (the server runs on this machine),
    sampled at each progress report: a backend that ends (the writer's) counts up to its last sample."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        if db.kind == "postgresql":
            self.sample()
            self.first = dict(self.last)

    def sample(self) -> None:
        if self.db.kind != "postgresql":
            return
        for row in self.db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"):
            try:
                with open(f"/proc/{row['pid']}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.last[row["pid"]] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float:
        self.sample()
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def measure(url: str, *, page: int, repeat: int, reads: int, profile: int) -> Measurement:
    from tracker.bootstrap import Tracker

    m = Measurement(url)
    with Tracker(url) as tracker:
        m.rss_start_mb = rss_now_mb()
        m.events = tracker.store.position()
        from projections.runner import _bulk_process

        with _bulk_process():  # the process settings of a rebuild (the garbage collector above all)
            m.read_raw_s = min(read_log(tracker, page, decode=False)[1] for _ in range(reads))
            m.read_decode_s = min(read_log(tracker, page, decode=True)[1] for _ in range(reads))
        m.peak_before_rebuild_mb = peak_rss_mb()
        breakdown: dict[str, float] = defaultdict(float)
        instrument(tracker.projector, breakdown)
        for _ in range(repeat):
            breakdown.clear()
            samples = [rss_now_mb()]
            server = ServerCPU(tracker.db)

            def on_progress(position: int, target: int, server: ServerCPU = server,
                            samples: list[float] = samples) -> None:
                server.sample()
                if position >= len(samples) * 0.1 * target:
                    samples.append(rss_now_mb())

            started, cpu = time.perf_counter(), time.process_time()
            m.rebuild_events = tracker.projector.rebuild(on_progress=on_progress)
            m.rebuild_s.append(time.perf_counter() - started)
            m.rebuild_cpu_s.append(time.process_time() - cpu)
            m.server_cpu_s.append(server.seconds())
            m.load.append(os.getloadavg()[0])
            m.breakdown_s = dict(breakdown)
            m.rss_samples_mb = samples
        m.peak_after_rebuild_mb = peak_rss_mb()
        if profile:  # one more rebuild, under the profiler (slower; not counted in the timings)
            profiler = cProfile.Profile()
            profiler.enable()
            tracker.projector.rebuild()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("tottime").print_stats(profile)
            stats.sort_stats("cumulative").print_stats(profile)
            m.profile = out.getvalue()
        m.rm_log_rows = int(tracker.db.query("SELECT COUNT(*) AS n FROM rm_log")[0]["n"])
    return m


def worker(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--page", type=int, default=PAGE)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reads", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args(argv)
    m = measure(args.url, page=args.page, repeat=args.repeat, reads=args.reads, profile=args.profile)
    print(json.dumps(asdict(m)))


# -- stores (in the parent process) -------------------------------------------------------------------

class Backend:
    name: str

    def create(self, label: str) -> str: ...
    def drop(self, url: str) -> None: ...
    def close(self) -> None: ...


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self, workdir: Path, keep: bool) -> None:
        self.dir = workdir
        self.keep = keep

    def create(self, label: str) -> str:
        path = self.dir / f"{label}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        if not self.keep:
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, admin_url: str, keep: bool) -> None:
        import psycopg

        self.admin_url = admin_url
        self.keep = keep
        self.conn = psycopg.connect(admin_url, autocommit=True)

    def create(self, label: str) -> str:
        from psycopg import sql

        name = f"bench_{label}_{os.getpid()}"
        self.conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self.conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        split = urlsplit(self.admin_url)
        return urlunsplit(split._replace(path=f"/{name}"))

    def drop(self, url: str) -> None:
        from psycopg import sql

        if not self.keep:
            name = urlsplit(url).path.lstrip("/")
            self.conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def close(self) -> None:
        self.conn.close()


@dataclass
class Row:
    backend: str
    store: str
    seed_s: float
    seed_events: int
    m: Measurement


def seed(url: str, store: str, args: argparse.Namespace) -> tuple[int, float]:
    """Fill the new store; return (events, seconds)."""
    started = time.perf_counter()
    if store == "demo":
        from services import Services, open_store
        from tracker.demo import seed_demo

        with open_store(url) as s:
            seed_demo(Services(s))
            events = s.position()
    else:
        from bench.generate import generate
        from services import open_store

        with open_store(url) as s:
            events = generate(s, args.events, seed=args.seed, batch=args.batch).events
    return events, time.perf_counter() - started


def run_worker(url: str, args: argparse.Namespace) -> Measurement:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "bench.rebuild", "--worker", url, "--page", str(args.page),
               "--repeat", str(args.repeat), "--reads", str(args.reads), "--profile", str(args.profile)]
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True, text=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(**data)


def rate(events: int, seconds: float) -> str:
    return f"{events / seconds:,.0f}" if seconds else "–"


def report(rows: list[Row], cores: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(150, shutil.get_terminal_size().columns))
    table = Table(title=f"Read-model rebuild ({cores} cores; median of the runs; CPU s = this process's CPU "
                        f"time, server = the PostgreSQL backends'; load = 1-minute load average after each run)")
    for column in ("backend", "store", "events", "rebuild s", "rebuild ev/s", "CPU s", "server CPU s",
                   "raw read ev/s", "read+decode ev/s", "rebuild/ceiling", "seed s", "seed ev/s", "load"):
        table.add_column(column, justify="left" if column in ("backend", "store") else "right")
    for r in rows:
        m = r.m
        rebuild = m.median_rebuild_s
        ceiling = m.events / m.read_decode_s if m.read_decode_s else 0
        table.add_row(r.backend, r.store, f"{m.rebuild_events:,}", f"{rebuild:.2f}", rate(m.rebuild_events, rebuild),
                      f"{statistics.median(m.rebuild_cpu_s):.2f}" if m.rebuild_cpu_s else "–",
                      f"{statistics.median(m.server_cpu_s):.2f}" if any(m.server_cpu_s) else "–",
                      rate(m.events, m.read_raw_s), rate(m.events, m.read_decode_s),
                      f"{m.rebuild_events / rebuild / ceiling:.0%}" if rebuild and ceiling else "–",
                      f"{r.seed_s:.1f}" if r.seed_s else "–", rate(r.seed_events, r.seed_s),
                      "/".join(f"{x:.1f}" for x in m.load))
    console.print(table)

    memory = Table(title="Memory of the measuring process (MB)")
    for column in ("backend", "store", "RSS at start", "peak before rebuild", "peak after rebuild",
                   "RSS during rebuild (0%, 10%, …, 100%)"):
        memory.add_column(column, justify="left" if column in ("backend", "store") else "right")
    for r in rows:
        m = r.m
        memory.add_row(r.backend, r.store, f"{m.rss_start_mb:.0f}", f"{m.peak_before_rebuild_mb:.0f}",
                       f"{m.peak_after_rebuild_mb:.0f}", " ".join(f"{s:.0f}" for s in m.rss_samples_mb))
    console.print(memory)

    split = Table(title="Where a rebuild spends its time (seconds, last run; on PostgreSQL the writing runs in "
                        "a thread of its own, alongside the rest, so the parts overlap)")
    split.add_column("part")
    for r in rows:
        split.add_column(f"{r.backend}/{r.store}", justify="right")
    order = ("read", "compute", "write", "wait")
    names = sorted({k for r in rows for k in r.m.breakdown_s},
                   key=lambda k: (next((i for i, o in enumerate(order) if k.startswith(o)), len(order)), k))
    for name in names:
        split.add_row(name, *(f"{r.m.breakdown_s.get(name, 0):.2f}" for r in rows))
    split.add_row("total (wall)", *(f"{r.m.rebuild_s[-1] if r.m.rebuild_s else 0.0:.2f}" for r in rows))
    console.print(split)
    for r in rows:
        if r.m.rm_log_rows != r.m.rebuild_events or r.m.rebuild_events != r.m.events:
            console.print(f"[red]{r.backend}/{r.store}: {r.m.events} events in the log, rebuild read "
                          f"{r.m.rebuild_events}, rm_log has {r.m.rm_log_rows} rows[/red]")


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="events of the generated store (default %(default)s)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--stores", default="demo,generated", help="comma-separated: demo,generated")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL server and a database to connect to while creating and dropping "
                             "the benchmark databases (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds per store; the median counts")
    parser.add_argument("--reads", type=int, default=3, help="log reads per mode; the best counts")
    parser.add_argument("--page", type=int, default=PAGE, help="events per page for the log reads")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated store")
    parser.add_argument("--batch", type=int, default=200, help="aggregates per save when generating")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile one more rebuild and print the top N functions (the calling thread only: "
                             "on PostgreSQL the reader and writer threads are not in it; py-spy shows them)")
    parser.add_argument("--workdir", type=Path, default=None, help="where SQLite stores go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the stores (SQLite files, PostgreSQL databases)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--url", action="append", default=[], metavar="URL",
                        help="measure this existing store (repeatable) instead of seeding new ones; its read "
                             "models are rebuilt, its events left alone")
    args = parser.parse_args(argv)
    if args.url:
        rows = []
        for url in args.url:
            name = "postgresql" if url.startswith("postgres") else "sqlite"
            print(f"[{name}] measuring {url}", file=sys.stderr)
            m = run_worker(url, args)
            rows.append(Row(name, urlsplit(url).path.rsplit("/", 1)[-1], 0.0, m.events, m))
            if m.profile:
                print(f"\n=== cProfile of the rebuild: {url} ===\n{m.profile}", file=sys.stderr)
        report(rows, os.cpu_count() or 0)
        if args.json:
            args.json.write_text(json.dumps([{"backend": r.backend, "store": r.store, **asdict(r.m)} for r in rows],
                                            indent=2))
        return

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"} | set(stores) - {"demo", "generated"}
    if unknown:
        parser.error(f"unknown backend or store: {', '.join(sorted(unknown))}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        for name in backends:
            backend: Backend = (SQLiteBackend(workdir, args.keep) if name == "sqlite"
                                else PostgresBackend(args.pg_url, args.keep))
            try:
                for store in stores:
                    label = "demo" if store == "demo" else f"gen{args.events}"
                    url = backend.create(label)
                    try:
                        print(f"[{name}/{store}] seeding {url}", file=sys.stderr)
                        events, seconds = seed(url, store, args)
                        print(f"[{name}/{store}] {events:,} events in {seconds:.1f} s; measuring",
                              file=sys.stderr)
                        m = run_worker(url, args)
                        rows.append(Row(name, store, seconds, events, m))
                        if m.profile:
                            print(f"\n=== cProfile of the rebuild: {name}/{store} ===\n{m.profile}", file=sys.stderr)
                    finally:
                        backend.drop(url)
            finally:
                backend.close()
    finally:
        if args.keep:
            print(f"stores kept in {workdir}" + (" and on the PostgreSQL server" if "postgresql" in backends else ""),
                  file=sys.stderr)
        elif args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report(rows, os.cpu_count() or 0)
    if args.json:
        args.json.write_text(json.dumps([{"backend": r.backend, "store": r.store, "seed_s": r.seed_s,
                                          "seed_events": r.seed_events, **asdict(r.m)} for r in rows],
                                         indent=2))


if __name__ == "__main__":
    main()
