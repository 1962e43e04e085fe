"""`make bench`: every quality bar of DESIGN.md §9 measured in one run, beside the raw limits of this machine.

    .venv/bin/python -m bench                                   # both backends, 100k and 1M events
    .venv/bin/python -m bench --quick                           # 20k events, a few seconds a step (~1–2 min)
    .venv/bin/python -m bench --backends postgresql --sizes 100000 --soak-minutes 1

Per backend (SQLite in a temporary directory or `--workdir`; PostgreSQL in a new database per store
on `--pg-url`'s server, dropped at the end):

1. raw limits of the database on an event-shaped table (`bench/raw.py`);
2. for each size: the generated dataset as an NDJSON export (made once, cached under
   `var/bench/cache/`, `bench/dataset.py`), imported into a new store with
   `tracker.transfer.import_file` (`bench/steps.py import`);
3. the projection rebuild, measured by `bench/rebuild.py`'s `measure` in a child process;
4. reads through `ReadModel` and `verify` (`bench/steps.py reads`);
5. on the largest size (`--http-sizes`): `tracker serve` (plus `tracker projections run` on
   PostgreSQL) on a free port, and the load generator `bench/http_load.py` as a separate process:
   (a) closed loop with 32 clients, (b) 200 commands/s open loop with (6) the live projection lag,
   (7) the sustained mixed load.

Every figure is printed beside its bar in one table; the table and all raw figures go to
`bench/results/<YYYY-MM-DD>.json` (a new file per run; saved after every step). A failing step
is recorded in the JSON and the run goes on. Servers and databases are cleaned up on exit and on
Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench.report import render_table, results_path, table_rows, write_results  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "var" / "bench" / "cache"
STEPS = ("raw", "import", "rebuild", "reads", "http")
PASSWORD = "bench-" + secrets.token_urlsafe(12)
ACCOUNTS = {"inspector": "bench.thanhtra", "home_affairs": "bench.noivu"}

STARTED = time.perf_counter()


def log(msg: str) -> None:
    elapsed = time.perf_counter() - STARTED
    print(f"[{int(elapsed // 60):02d}:{elapsed % 60:04.1f}] {msg}", file=sys.stderr, flush=True)


class StepFailed(Exception):
    pass


# -- cleanup ---------------------------------------------------------------------------------------

class Cleanup:
    """What to undo at the end, last first; each action runs once, even after Ctrl+C."""

    def __init__(self) -> None:
        self.actions: list[tuple[str, Callable[[], None]]] = []

    def push(self, name: str, action: Callable[[], None]) -> Callable[[], None]:
        entry = (name, action)
        self.actions.append(entry)

        def run_now() -> None:
            if entry in self.actions:
                self.actions.remove(entry)
                _quietly(name, action)

        return run_now

    def run(self) -> None:
        while self.actions:
            name, action = self.actions.pop()
            _quietly(name, action)


def _quietly(name: str, action: Callable[[], None]) -> None:
    try:
        action()
    except Exception as e:  # noqa: BLE001 - cleanup goes on
        log(f"cleanup of {name} failed: {type(e).__name__}: {e}")


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


# -- stores ----------------------------------------------------------------------------------------

class Stores:
    """New, empty stores: SQLite files in the work directory, PostgreSQL databases on the server."""

    def __init__(self, backend: str, pg_url: str, workdir: Path, cleanup: Cleanup, keep: bool) -> None:
        self.backend, self.pg_url, self.workdir, self.cleanup, self.keep = backend, pg_url, workdir, cleanup, keep

    def create(self, label: str) -> tuple[str, Callable[[], None]]:
        """A new store's URL, and the action that drops it (also registered for the end)."""
        if self.backend == "sqlite":
            path = self.workdir / f"{label}.db"
            _unlink_sqlite(path)
            drop = (lambda: None) if self.keep else (lambda: _unlink_sqlite(path))
            return f"sqlite:///{path}", self.cleanup.push(f"SQLite {path}", drop)
        import psycopg
        from psycopg import sql

        name = f"bench_{label}_{os.getpid()}"
        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

        def drop() -> None:
            if self.keep:
                return
            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

        split = urlsplit(self.pg_url)
        return urlunsplit(split._replace(path=f"/{name}")), self.cleanup.push(f"database {name}", drop)


def _unlink_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- child processes -------------------------------------------------------------------------------

def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **(extra or {})}


def run_child(module_args: list[str], cleanup: Cleanup, timeout: float | None = None) -> dict[str, Any]:
    """Run `python -m <module> …` (stderr shown as it goes); its last stdout line is the JSON result."""
    proc = subprocess.Popen([sys.executable, "-m", *module_args], cwd=ROOT, env=child_env(),
                            stdout=subprocess.PIPE, text=True)
    done = cleanup.push(f"process {module_args[0]} {proc.pid}", lambda: stop_process(proc))
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        raise StepFailed(f"{module_args[0]} took more than {timeout:.0f} s") from None
    finally:
        done()
    if proc.returncode != 0:
        raise StepFailed(f"{' '.join(module_args[:2])} exited with status {proc.returncode}")
    lines = [line for line in out.splitlines() if line.strip()]
    if not lines:
        raise StepFailed(f"{module_args[0]} printed no result")
    return json.loads(lines[-1])


# -- the HTTP server -------------------------------------------------------------------------------

class Server:
    """`tracker serve` on a free port (and `tracker projections run` beside it on PostgreSQL)."""

    def __init__(self, url: str, kind: str, workdir: Path, cleanup: Cleanup, label: str, workers: int = 1) -> None:
        from bench.http_load import free_port

        self.workers = workers if kind == "postgresql" else 1
        self.url, self.kind, self.cleanup = url, kind, cleanup
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = child_env({"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": secrets.token_urlsafe(32),
                              # PostgreSQL: the projector is the worker beside the server, not a thread in it
                              **({"TRACKER_PROJECTIONS": "worker"} if kind == "postgresql" else {})})
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.label = label
        self.procs: list[tuple[str, subprocess.Popen[Any], Path]] = []

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far, with its children (uvicorn workers)."""
        out: dict[str, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for name, proc, _ in self.procs:
            pids = [proc.pid, *_children(proc.pid)]
            total = 0.0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            out[name] = total
        return out

    def _spawn(self, name: str, args: list[str]) -> None:
        logfile = self.logs / f"{self.label}-{name}.log"
        with open(logfile, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "tracker.cli", *args], cwd=ROOT, env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc, logfile))
        self.cleanup.push(f"{name} (pid {proc.pid})", lambda: stop_process(proc))

    def start(self, timeout: float = 300.0) -> None:
        import httpx

        self._spawn("serve", ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)])
        if self.kind == "postgresql":
            self._spawn("projections", ["projections", "run"])
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.check()
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StepFailed(f"the server did not answer /health within {timeout:.0f} s: {self.tail()}")

    def check(self) -> None:
        for name, proc, _ in self.procs:
            if proc.poll() is not None:
                raise StepFailed(f"{name} exited with status {proc.returncode}: {self.tail(name)}")

    def tail(self, name: str | None = None, lines: int = 15) -> str:
        out = []
        for n, _, logfile in self.procs:
            if name in (None, n):
                try:
                    text = logfile.read_text(errors="replace").splitlines()[-lines:]
                except OSError:
                    text = []
                out.append(f"[{n}] " + " ⏎ ".join(text))
        return " ".join(out)

    def health(self, timeout: float = 10.0) -> dict[str, Any]:
        import httpx

        return httpx.get(self.base + "/health", timeout=timeout).json()

    def safe_health(self, timeout: float = 30.0) -> dict[str, Any]:
        """/health, or why not (a saturated server must not cost the figures already measured)."""
        try:
            return self.health(timeout)
        except Exception as e:  # noqa: BLE001 - recorded
            return {"error": f"{type(e).__name__}: {e}"}

    def wait_caught_up(self, timeout: float = 120.0) -> dict[str, Any]:
        """Wait (at most `timeout`) until /health shows no projection lag; the last answer."""
        deadline = time.perf_counter() + timeout
        h = self.safe_health()
        while (h.get("error") or h.get("projectionsLag", 0) > 0) and time.perf_counter() < deadline:
            time.sleep(0.5)
            h = self.safe_health()
        return h

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            stop_process(proc)


def prepare_accounts(url: str) -> None:
    from api.users import Users
    from projections.db import connect
    from services.store import config_from_url

    db = connect(config_from_url(url).env)
    try:
        users = Users(db)
        for role, username in ACCOUNTS.items():
            if users.get(username) is None:
                users.add(username, role, PASSWORD, f"Bench {role}")
    finally:
        db.close()


def build_plan(url: str, kind: str, server: Server, period: str, cap: int = 5000) -> dict[str, Any]:
    """What the load generator sends, from the store's read models."""
    import random

    from bench.steps import heads_at
    from domain.kpi import KpiFigures
    from projections.db import connect
    from services.store import config_from_url, open_store

    rng = random.Random(11)
    config = config_from_url(url)
    with open_store(url) as store:
        events_table = store.app.recorder.events_table_name  # type: ignore[attr-defined]
    db = connect(config.env)
    try:
        def ids(sql: str) -> list[str]:
            values = [str(next(iter(r.values()))) for r in db.query(sql)]
            rng.shuffle(values)
            return values[:cap]

        inspections = ids("SELECT inspection_id FROM rm_inspections WHERE pos_to IS NULL AND status = 'open'")
        all_inspections = ids("SELECT inspection_id FROM rm_inspections WHERE pos_to IS NULL")
        tasks = ids("SELECT task_id FROM rm_tasks WHERE pos_to IS NULL AND completed_on IS NULL")
        cases = ids("SELECT case_id FROM rm_cases WHERE pos_to IS NULL")
        names = list(KpiFigures.__dataclass_fields__)
        kpi = []
        for r in db.query("SELECT * FROM rm_kpi WHERE pos_to IS NULL"):
            figures = {_camel(n): r[n] for n in names}
            kpi.append({"report_key": str(r["report_id"]), "unit_id": str(r["unit_id"]), "period": r["period"],
                        "figures": figures})
        rng.shuffle(kpi)
        position = int(server.health()["projectionsPosition"])
        heads = heads_at(db, period, position)
    finally:
        db.close()
    lag: dict[str, Any] = {"kind": kind, "events_table": events_table}
    if kind == "postgresql":
        lag["url"] = url
    else:
        lag["path"] = config.env["SQLITE_DBNAME"]
    return {"base": server.base, "period": period, "today": date.today().isoformat(),
            "accounts": {role: {"username": u, "password": PASSWORD} for role, u in ACCOUNTS.items()},
            "inspections": inspections, "all_inspections": all_inspections, "tasks": tasks, "kpi": kpi,
            "cases": cases[:cap], "heads": heads, "lag": lag}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(p.capitalize() for p in rest)


# -- the run ---------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cleanup = Cleanup()
        self.path = args.json or results_path(RESULTS, quick=args.quick)
        self.results: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, "-m", "bench", *sys.argv[1:]]),
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "host": host_info(),
            "datasets": {},
            "backends": {},
            "errors": [],
        }
        self.failed = False

    def save(self) -> None:
        try:
            write_results(self.path, self.results)
        except Exception as e:  # noqa: BLE001 - never lose the run for the file
            log(f"could not write {self.path}: {e}")

    def step(self, where: dict[str, Any], key: str, label: str, fn: Callable[[], Any]) -> Any:
        log(f"{label} …")
        started = time.perf_counter()
        try:
            value = fn()
        except KeyboardInterrupt:
            where[key] = {"error": "interrupted"}
            raise
        except Exception as e:  # noqa: BLE001 - recorded, the run goes on
            self.failed = True
            message = f"{type(e).__name__}: {e}"
            where[key] = {"error": message, "traceback": traceback.format_exc(limit=8)}
            self.results["errors"].append({"step": label, "error": message})
            log(f"{label} FAILED: {message}")
            self.save()
            return None
        if isinstance(value, dict):
            value.setdefault("step_s", round(time.perf_counter() - started, 3))
        where[key] = value
        log(f"{label} done in {time.perf_counter() - started:.1f} s")
        self.save()
        return value

    def run(self) -> int:
        a = self.args
        workdir = a.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        if a.workdir is None and not a.keep:
            self.cleanup.push(f"work directory {workdir}", lambda: shutil.rmtree(workdir, ignore_errors=True))
        log(f"results → {self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path}; "
            f"work directory {workdir}")
        interrupted = False
        try:
            datasets = self.prepare_datasets()
            for backend in a.backends:
                self.run_backend(backend, workdir, datasets)
        except KeyboardInterrupt:
            interrupted = True
            self.results["interrupted"] = True
            log("interrupted: cleaning up")
        finally:
            self.cleanup.run()
            self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.results["duration_s"] = round(time.perf_counter() - STARTED, 1)
            self.results["host"]["load_at_end"] = _load()
            self.save()
        table = render_table(table_rows(self.results))
        print(table)
        rows = table_rows(self.results)
        misses = [r for r in rows if r.verdict == "MISS"]
        errors = [r for r in rows if r.verdict == "ERROR"]
        print(f"\n{sum(r.verdict == 'ok' for r in rows)} bars met, {len(misses)} missed, {len(errors)} errors; "
              "a verdict in parentheses compares with a bar set for another backend or size.")
        print(f"Results: {self.path}")
        if interrupted:
            return 130
        return 1 if self.failed else 0

    def prepare_datasets(self) -> dict[int, str]:
        a = self.args
        out: dict[int, str] = {}
        if not set(a.steps) - {"raw"}:
            return out
        for size in a.sizes:
            args = ["bench.dataset", "--events", str(size), "--seed", str(a.seed), "--cache", str(a.cache)]
            if a.refresh_cache:
                args.append("--refresh")
            figures = self.step(self.results["datasets"], str(size), f"dataset {size:,} events (generate + export, cached)",
                                lambda args=args: run_child(args, self.cleanup))
            if figures and not figures.get("error"):
                out[size] = figures["path"]
        return out

    def run_backend(self, backend: str, workdir: Path, datasets: dict[int, str]) -> None:
        a = self.args
        b = self.results["backends"].setdefault(backend, {"raw": {}, "sizes": {}})
        stores = Stores(backend, a.pg_url, workdir, self.cleanup, a.keep)
        if "raw" in a.steps:
            def raw() -> dict[str, Any]:
                url, drop = stores.create("raw")
                try:
                    return run_child(["bench.steps", "raw", url, "--seconds", str(a.raw_seconds),
                                      "--copy-rows", str(a.copy_rows)], self.cleanup)
                finally:
                    drop()
            b["raw"] = self.step(b, "raw", f"{backend}: raw limits", raw) or b.get("raw") or {}
        for size in a.sizes:
            s = b["sizes"].setdefault(str(size), {})
            if not set(a.steps) - {"raw"}:
                break
            if size not in datasets:
                s["dataset"] = {"error": "no dataset (see datasets)"}
                continue
            http_here = size in a.http_sizes or (a.http_largest and size == max(datasets))
            self.run_store(backend, stores, size, datasets[size], s, workdir, http_here)

    def run_store(self, backend: str, stores: Stores, size: int, file: str, s: dict[str, Any], workdir: Path,
                  http_here: bool) -> None:
        a = self.args
        label = f"s{size}"
        where = f"{backend} {size:,}"
        try:
            url, drop = stores.create(label)
        except Exception as e:  # noqa: BLE001
            s["import"] = {"error": f"could not create the store: {type(e).__name__}: {e}"}
            self.results["errors"].append({"step": f"{where}: store", "error": s["import"]["error"]})
            self.failed = True
            return
        try:
            imported = self.step(s, "import", f"{where}: bulk import",
                                 lambda: run_child(["bench.steps", "import", url, file], self.cleanup))
            if not imported:
                return
            if "rebuild" in a.steps:
                self.step(s, "rebuild", f"{where}: projection rebuild",
                          lambda: run_child(["bench.steps", "rebuild", url], self.cleanup))
            if "reads" in a.steps:
                self.step(s, "reads", f"{where}: reads and verify", lambda: run_child(
                    ["bench.steps", "reads", url, "--period", a.period, "--scorecards", str(a.scorecards),
                     "--rankings", str(a.rankings), "--as-ofs", str(a.as_ofs), "--budget", str(a.read_budget)],
                    self.cleanup))
            if "http" in a.steps and http_here:
                self.run_http(backend, url, size, s, workdir)
        finally:
            drop()

    def run_http(self, backend: str, url: str, size: int, s: dict[str, Any], workdir: Path) -> None:
        a = self.args
        where = f"{backend} {size:,}"
        http: dict[str, Any] = s.setdefault("http", {})
        server = Server(url, backend, workdir, self.cleanup, f"{backend}-{size}", a.server_workers)
        plan_file = workdir / f"plan-{backend}-{size}.json"

        def setup() -> dict[str, Any]:
            prepare_accounts(url)
            server.start()
            plan = build_plan(url, backend, server, a.period)
            plan_file.write_text(json.dumps(plan))
            return {"base": server.base, "open_inspections": len(plan["inspections"]), "open_tasks": len(plan["tasks"]),
                    "kpi_reports": len(plan["kpi"]), "heads": len(plan["heads"]), "cases": len(plan["cases"]),
                    "health": server.safe_health()}

        try:
            if not self.step(http, "setup", f"{where}: start the server, accounts, plan", setup):
                http["error"] = http["setup"]["error"]
                return
            loads = [
                ("closed", f"{where}: HTTP commands, {a.clients} clients, {a.closed_seconds:g} s",
                 ["--mode", "closed", "--clients", str(a.clients), "--seconds", str(a.closed_seconds)]),
                ("open", f"{where}: HTTP commands at {a.open_rate:g}/s for {a.open_seconds:g} s, with the lag",
                 ["--mode", "open", "--rate", str(a.open_rate), "--seconds", str(a.open_seconds), "--lag",
                  "--lag-every", str(a.lag_every)]),
                ("soak", f"{where}: sustained mixed load, {a.soak_minutes:g} min at {a.soak_rate:g}/s",
                 ["--mode", "mixed", "--rate", str(a.soak_rate), "--seconds", str(a.soak_minutes * 60)]),
            ]
            for phase, (key, label, extra) in enumerate(loads, start=1):
                def load(extra: list[str] = extra, salt: int = phase * 10_000_000) -> dict[str, Any]:
                    server.check()
                    before = server.wait_caught_up()
                    cpu_before = server.cpu_seconds()
                    out = run_child(["bench.http_load", "--plan", str(plan_file), "--salt", str(salt), *extra],
                                    self.cleanup)
                    server.check()
                    cpu_after = server.cpu_seconds()
                    done = max(1, int(out.get("requests") or 0))
                    out["cpu_ms_per_request"] = {name: round(1000 * (cpu_after[name] - cpu_before.get(name, 0.0)) / done, 2)
                                                 for name in cpu_after}
                    out["health_before"] = before
                    out["health_after"] = server.safe_health()
                    log(f"  {summary_line(out)}")
                    return out

                self.step(http, key, label, load)
        finally:
            server.stop()


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(c) for c in found]
    return kids + [g for k in kids for g in _children(k)]


def summary_line(out: dict[str, Any]) -> str:
    lat = out.get("latency") or {}
    text = (f"{out.get('requests', 0):,} requests, {out.get('errors', 0)} errors, {out.get('rate') or 0:,.0f}/s, "
            f"p50 {lat.get('p50_ms')} ms, p99 {lat.get('p99_ms')} ms")
    if out.get("cpu_ms_per_request"):
        text += "; CPU ms/request " + ", ".join(f"{k} {v}" for k, v in out["cpu_ms_per_request"].items())
    if out.get("lag"):
        text += f"; lag p50 {out['lag'].get('p50_ms')} ms, p99 {out['lag'].get('p99_ms')} ms (n={out['lag'].get('count')})"
    if out.get("first_errors"):
        text += f"; first error: {out['first_errors'][0]}"
    return text


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def host_info() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                            "load_at_start": _load()}
    try:
        info["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, check=False,
                                  text=True, timeout=30).stdout.strip()

        info["commit"] = git("rev-parse", "--short", "HEAD")
        info["dirty"] = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        pass
    return info


# -- options ---------------------------------------------------------------------------------------

QUICK = {"sizes": [20_000], "raw_seconds": 1.0, "copy_rows": 50_000, "closed_seconds": 5.0, "open_seconds": 5.0,
         "soak_minutes": 0.25, "scorecards": 40, "rankings": 5, "as_ofs": 30, "read_budget": 10.0}
FULL = {"sizes": [100_000, 1_000_000], "raw_seconds": 3.0, "copy_rows": 300_000, "closed_seconds": 20.0,
        "open_seconds": 20.0, "soak_minutes": 3.0, "scorecards": 300, "rankings": 20, "as_ofs": 100,
        "read_budget": 60.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated (default %(default)s)")
    parser.add_argument("--sizes", default=None, help="events per store, comma-separated (default 100000,1000000; "
                                                      "--quick: 20000)")
    parser.add_argument("--quick", action="store_true", help="the short form: 20k events, a few seconds a step")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="server and database to create the benchmark "
                                                                 "databases from (default %(default)s)")
    parser.add_argument("--workdir", type=Path, default=None, help="SQLite stores, plans, server logs "
                                                                   "(default: a temporary directory, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the stores and the work directory")
    parser.add_argument("--json", type=Path, default=None, help="results file (default bench/results/<date>.json)")
    parser.add_argument("--steps", default=",".join(STEPS), help="any of %(default)s (import always runs before "
                                                                 "the store steps)")
    parser.add_argument("--http-sizes", default="largest", help="sizes to run the HTTP steps on: largest (default), "
                                                                "all, or a list")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed (default %(default)s)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the exports are cached (default var/bench/cache)")
    parser.add_argument("--refresh-cache", action="store_true", help="generate and export again")
    parser.add_argument("--period", default="2026", help="scorecard period (default %(default)s)")
    parser.add_argument("--raw-seconds", type=float, default=None, help="seconds per raw figure (3; quick 1)")
    parser.add_argument("--copy-rows", type=int, default=None, help="rows of the COPY figure (300,000; quick 50,000)")
    parser.add_argument("--server-workers", type=int, default=1, help="`tracker serve --workers` on PostgreSQL "
                                                                      "(default %(default)s)")
    parser.add_argument("--clients", type=int, default=32, help="closed-loop clients (default %(default)s)")
    parser.add_argument("--closed-seconds", type=float, default=None, help="closed-loop duration (20; quick 5)")
    parser.add_argument("--open-rate", type=float, default=200.0, help="open-loop commands/s (default %(default)s)")
    parser.add_argument("--open-seconds", type=float, default=None, help="open-loop duration (20; quick 5)")
    parser.add_argument("--lag-every", type=int, default=2, help="lag sample: every n-th write (default %(default)s)")
    parser.add_argument("--soak-minutes", type=float, default=None, help="sustained mixed load (3; quick 0.25)")
    parser.add_argument("--soak-rate", type=float, default=50.0, help="sustained requests/s (default %(default)s)")
    parser.add_argument("--scorecards", type=int, default=None, help="scorecard reads (300; quick 40)")
    parser.add_argument("--rankings", type=int, default=None, help="ranking reads (20; quick 5)")
    parser.add_argument("--as-ofs", type=int, default=None, help="asOf reads of each kind (100; quick 30)")
    parser.add_argument("--read-budget", type=float, default=None, help="seconds per read figure at most (60; quick 10)")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for key, value in defaults.items():
        if key != "sizes" and getattr(args, key) is None:
            setattr(args, key, value)
    args.sizes = sorted({int(x.replace("_", "")) for x in args.sizes.split(",")}) if args.sizes else defaults["sizes"]
    args.backends = [x.strip() for x in args.backends.split(",") if x.strip()]
    args.steps = [x.strip() for x in args.steps.split(",") if x.strip()]
    unknown = (set(args.backends) - {"sqlite", "postgresql"}) | (set(args.steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown backend or step: {', '.join(sorted(unknown))}")
    args.http_largest = args.http_sizes == "largest"  # the largest size whose dataset could be made
    if args.http_largest:
        args.http_sizes = [max(args.sizes)]
    elif args.http_sizes == "all":
        args.http_sizes = list(args.sizes)
    else:
        args.http_sizes = [int(x) for x in args.http_sizes.split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored
    sys.exit(Bench(args).run())


if __name__ == "__main__":
    main()
