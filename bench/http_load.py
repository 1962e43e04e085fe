"""HTTP load against `tracker serve`: the load generator of `make bench`, and a quick demo benchmark.

The load generator (what `make bench` runs, as a separate process, against a server it started):

    .venv/bin/python -m bench.http_load --plan var/bench/plan.json --mode closed --clients 32 --seconds 20
    .venv/bin/python -m bench.http_load --plan plan.json --mode open --rate 200 --seconds 20 --lag
    .venv/bin/python -m bench.http_load --plan plan.json --mode mixed --rate 50 --seconds 180

* `closed`: `--clients` concurrent clients, each sending its next command as soon as the last one
  is answered: commands/s, latency, errors.
* `open`: commands sent on a fixed schedule (`--rate` per second, whatever the answers do);
  latency counts from the *scheduled* time, so a server (or client) that falls behind shows it.
  With `--lag`, for every `--lag-every`-th acknowledged write, the time until the read models
  have reached its log position (the position comes from the answer if it carries one, else from
  the event table by aggregate id and version; `MIN(position)` of `rm_tracking` is what
  `/health` calls `projectionsPosition`), polled directly in the database every millisecond or so.
* `mixed`: a steady open-loop rate of reads (scorecards, inspections, cases, tasks, ranking page,
  /health) and writes (30%): requests, errors, latency per kind. At most one ranking is in flight
  (one dashboard refreshing), so a slow ranking cannot pile up in the server.

Commands are real and succeed: findings on many different open inspections, progress reports on
open tasks, corrections of KPI reports (figures changed each time). Two requests never target the
same aggregate at once, so no command loses an optimistic-concurrency race (a 409 would be an error).
The plan (a JSON file) names the server, two accounts (inspector and home_affairs), the ids to
use and where the read models live; `bench/run.py` writes it from the store's read models.
The client is a small HTTP/1.1 keep-alive client on asyncio (uvloop when present), to leave the
2 cores to the server. It prints one JSON line with the results.

The demo benchmark (older, self-contained: seeds the demo, starts its own server, one read and
one write endpoint):

    .venv/bin/python bench/http_load.py --backend sqlite --seconds 10 --clients 16
    .venv/bin/python bench/http_load.py --backend postgresql

Bounded in time and count; sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import queue
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
TRACKER = str(ROOT / ".venv" / "bin" / "tracker")

from bench.report import latency_summary  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- a small HTTP/1.1 keep-alive client ------------------------------------------------------------

class HttpError(Exception):
    pass


class Connection:
    """One keep-alive connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request and read its answer. A reused connection that the server had closed
        (keep-alive timeout) before answering a single byte is reopened and the request sent once more:
        the server never saw it."""
        reused = self.writer is not None
        try:
            return await self._request(method, path, body, headers)
        except _Stale:
            if not reused:
                raise HttpError("connection closed by the server before answering") from None
            return await self._request(method, path, body, headers)

    async def _request(self, method: str, path: str, body: bytes | None,
                       headers: dict[str, str] | None) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        if body is not None:
            lines.append("Content-Type: application/json")
            lines.append(f"Content-Length: {len(body)}")
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
            status_line = await self.reader.readline()
        except (ConnectionResetError, BrokenPipeError):
            self.close()
            raise _Stale from None
        if not status_line:
            self.close()
            raise _Stale
        try:
            status = int(status_line.split(b" ", 2)[1])
            length, chunked, close = None, False, False
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip())
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
                elif name == b"connection" and b"close" in value.lower():
                    close = True
            if chunked:
                parts = []
                while True:
                    size = int((await self.reader.readline()).split(b";")[0].strip(), 16)
                    if size == 0:
                        await self.reader.readline()
                        break
                    parts.append(await self.reader.readexactly(size))
                    await self.reader.readline()
                data = b"".join(parts)
            elif length is not None:
                data = await self.reader.readexactly(length) if length else b""
            else:
                data = await self.reader.read()
                close = True
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        self.last_used = time.perf_counter()
        return status, data


class _Stale(Exception):
    """The server closed the connection before answering a byte."""


class Pool:
    """Idle connections to reuse (the most recent first); a new one when none is idle: the open loop
    needs as many as there are requests in flight. Connections idle for longer than `max_idle` are
    closed, before the server's keep-alive timeout (uvicorn: 5 s) does it."""

    def __init__(self, host: str, port: int, max_idle: float = 3.0, max_open: int = 256) -> None:
        self.host, self.port = host, port
        self.idle: list[Connection] = []
        self.opened = 0
        self.max_idle = max_idle
        # At most this many requests in flight: beyond it a request waits for a connection (its
        # latency still counts from its scheduled time), rather than exhausting file descriptors.
        self.slots = asyncio.Semaphore(max_open)

    def take(self) -> Connection:
        now = time.perf_counter()
        while self.idle:
            conn = self.idle.pop()
            if now - conn.last_used < self.max_idle:
                return conn
            conn.close()
        self.opened += 1
        return Connection(self.host, self.port)

    def give(self, conn: Connection) -> None:
        if conn.writer is not None:
            self.idle.append(conn)

    def close(self) -> None:
        for c in self.idle:
            c.close()
        self.idle.clear()


# -- what to send ----------------------------------------------------------------------------------

CATEGORIES = ("late_handling", "procedure_rules", "document_rules", "meeting_rules", "shirking", "harassment", "other")
SEVERITIES = ("less_serious", "serious", "very_serious")
EVIDENCE = [{"name": "bien-ban.pdf", "sha256": hashlib.sha256(b"bench evidence").hexdigest()}]


@dataclass
class Request:
    kind: str
    method: str
    path: str
    role: str
    body: bytes | None = None
    aggregate: str | None = None  # held busy while in flight
    write: bool = False


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(p.capitalize() for p in rest)


class Workload:
    """Round-robin over the plan's aggregates; never two requests on one aggregate at once."""

    WRITE_WEIGHTS = {"finding": 0.5, "progress": 0.35, "kpi": 0.15}
    READ_WEIGHTS = {"scorecard": 0.30, "inspection": 0.20, "case": 0.20, "tasks": 0.15, "health": 0.14,
                    "ranking": 0.01}

    def __init__(self, plan: dict[str, Any], seed: int = 1, salt: int | None = None) -> None:
        self.rng = random.Random(seed)
        # KPI corrections must change the figures: documents issued = plan's figure + salt + n. Each
        # load process gets its own salt (`--salt`; bench/run.py gives each phase its own range),
        # so the first correction of a process never repeats the last one of the process before.
        self.salt = salt if salt is not None else random.SystemRandom().randrange(1, 10**8)
        self.today = plan.get("today") or date.today().isoformat()
        self.period = plan.get("period", "2026")
        self.lists: dict[str, list[Any]] = {
            "finding": list(plan.get("inspections") or []),
            "progress": list(plan.get("tasks") or []),
            "kpi": list(plan.get("kpi") or []),
        }
        self.reads: dict[str, list[Any]] = {
            "scorecard": list(plan.get("heads") or []),
            "inspection": list(plan.get("all_inspections") or plan.get("inspections") or []),
            "case": list(plan.get("cases") or []),
            "tasks": [0],
            "health": [0],
            "ranking": [0] if plan.get("heads") else [],
        }
        self.cursor: dict[str, int] = defaultdict(int)
        self.busy: set[str] = set()
        self.kpi_bump: Counter[str] = Counter()
        self.sent = 0

    def _weights(self, weights: dict[str, float], lists: dict[str, list[Any]]) -> tuple[list[str], list[float]]:
        kinds = [k for k in weights if lists.get(k)]
        return kinds, [weights[k] for k in kinds]

    def next_write(self) -> Request | None:
        kinds, weights = self._weights(self.WRITE_WEIGHTS, self.lists)
        if not kinds:
            return None
        first = self.rng.choices(kinds, weights)[0]
        for kind in [first, *[k for k in kinds if k != first]]:
            items = self.lists[kind]
            for _ in range(len(items)):
                i = self.cursor[kind] % len(items)
                self.cursor[kind] += 1
                item = items[i]
                key = item["report_key"] if kind == "kpi" else item
                if key in self.busy:
                    continue
                return self._write(kind, item)
        return None

    def _write(self, kind: str, item: Any) -> Request:
        self.sent += 1
        n = self.sent
        if kind == "finding":
            body = {"category": CATEGORIES[n % len(CATEGORIES)], "severity": SEVERITIES[n % len(SEVERITIES)],
                    "description": f"Phát hiện kiểm thử tải số {n}: chậm trả kết quả hồ sơ.",
                    "occurredOn": self.today, "officialIds": [], "evidence": EVIDENCE}
            return Request(kind, "POST", f"/api/v1/inspections/{item}/findings", "inspector",
                           json.dumps(body).encode(), item, True)
        if kind == "progress":
            body = {"on": self.today, "percent": 1 + n % 99, "note": f"Tiến độ kiểm thử tải {n}"}
            return Request(kind, "POST", f"/api/v1/tasks/{item}/progress", "home_affairs",
                           json.dumps(body).encode(), item, True)
        key = item["report_key"]
        self.kpi_bump[key] += 1
        figures = dict(item["figures"])
        figures["documentsIssued"] = int(figures["documentsIssued"]) + self.salt + self.kpi_bump[key]
        body = {"reportedOn": self.today, "figures": figures, "reason": f"Sửa số liệu (kiểm thử tải {n})"}
        return Request(kind, "PUT", f"/api/v1/units/{item['unit_id']}/kpi-reports/{item['period']}", "home_affairs",
                       json.dumps(body).encode(), key, True)

    def next_read(self) -> Request | None:
        kinds, weights = self._weights(self.READ_WEIGHTS, self.reads)
        if not kinds:
            return None
        kind = self.rng.choices(kinds, weights)[0]
        if kind == "ranking" and "ranking" in self.busy:  # one ranking in flight at most, as one dashboard
            kind = "health"
        items = self.reads[kind]
        item = items[self.cursor["r-" + kind] % len(items)]
        self.cursor["r-" + kind] += 1
        path = {
            "scorecard": f"/api/v1/scorecards/{item}?period={self.period}",
            "inspection": f"/api/v1/inspections/{item}",
            "case": f"/api/v1/discipline-cases/{item}",
            "tasks": f"/api/v1/tasks?limit=20&offset={self.rng.randrange(0, 200)}",
            "health": "/health",
            "ranking": f"/api/v1/scorecards?period={self.period}&limit=50",
        }[kind]
        return Request(kind, "GET", path, "home_affairs", aggregate="ranking" if kind == "ranking" else None)

    def next_mixed(self, write_share: float = 0.3) -> Request | None:
        if self.rng.random() < write_share:
            return self.next_write() or self.next_read()
        return self.next_read()


# -- the projection lag watcher --------------------------------------------------------------------

@dataclass
class Sample:
    acked: float  # perf_counter when the answer was complete
    aggregate: str
    version: int
    position: int | None = None
    looks: int = 0


class LagWatcher(threading.Thread):
    """Resolves each sampled write's log position and notes when the read models reach it."""

    def __init__(self, lag: dict[str, Any], grace_s: float = 10.0) -> None:
        super().__init__(name="lag-watcher", daemon=True)
        self.kind = lag["kind"]
        self.target = lag["url"] if self.kind == "postgresql" else lag["path"]
        self.table = lag.get("events_table", "tracker_events")
        self.inbox: queue.SimpleQueue[Sample] = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.grace_s = grace_s
        self.lags: list[float] = []
        self.already = 0
        self.unresolved = 0
        self.polls = 0
        self.error: str | None = None

    def submit(self, sample: Sample) -> None:
        self.inbox.put(sample)

    def stop(self) -> None:
        self.stopping.set()

    def _connect(self) -> Any:
        if self.kind == "postgresql":
            return psycopg.connect(self.target, autocommit=True)
        conn = sqlite3.connect(f"file:{self.target}?mode=ro", uri=True, isolation_level=None, timeout=30)
        return conn

    def run(self) -> None:
        try:
            self._run()
        except Exception as e:  # noqa: BLE001 - reported in the results
            self.error = f"{type(e).__name__}: {e}"

    def _run(self) -> None:
        conn = self._connect()
        pg = self.kind == "postgresql"
        if pg:
            find = f"SELECT notification_id FROM {self.table} WHERE originator_id = %s AND originator_version = %s"
        else:
            find = f"SELECT rowid FROM {self.table} WHERE originator_id IN (?, ?) AND originator_version = ?"
        pending: list[Sample] = []
        stop_at: float | None = None
        try:
            while True:
                while True:
                    try:
                        pending.append(self.inbox.get_nowait())
                    except queue.Empty:
                        break
                if self.stopping.is_set():
                    stop_at = stop_at or time.perf_counter()
                    if not pending or time.perf_counter() - stop_at > self.grace_s:
                        break
                if not pending:
                    time.sleep(0.002)
                    continue
                for s in pending:
                    if s.position is None:
                        u = uuid.UUID(s.aggregate)
                        row = (conn.execute(find, (u, s.version)).fetchone() if pg else
                               conn.execute(find, (u.hex, str(u), s.version)).fetchone())
                        if row:
                            s.position = int(row[0])
                row = conn.execute("SELECT MIN(position) FROM rm_tracking").fetchone()
                projected = int(row[0] or 0)
                now = time.perf_counter()
                self.polls += 1
                still = []
                for s in pending:
                    if s.position is not None and s.position <= projected:
                        self.lags.append(max(0.0, now - s.acked))
                        if s.looks == 0:
                            self.already += 1
                    else:
                        s.looks += 1
                        still.append(s)
                pending = still
                if pending:
                    time.sleep(0.001)
            self.unresolved = len(pending)
        finally:
            conn.close()

    def summary(self) -> dict[str, Any]:
        out = latency_summary(self.lags)
        out.update(unresolved=self.unresolved, already=self.already, polls=self.polls)
        if self.error:
            out["error"] = self.error
        return out


# -- running a load --------------------------------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.by_kind: dict[str, list[float]] = defaultdict(list)
        self.status: Counter[str] = Counter()
        self.errors_by_kind: Counter[str] = Counter()
        self.first_errors: list[str] = []
        self.ok = 0
        self.errors = 0
        self.writes = 0

    def record(self, req: Request, status: int | None, latency: float, detail: str = "") -> None:
        self.latencies.append(latency)
        self.by_kind[req.kind].append(latency)
        self.status[str(status) if status is not None else "exception"] += 1
        if status is not None and status < 400:
            self.ok += 1
            self.writes += req.write
        else:
            self.errors += 1
            self.errors_by_kind[req.kind] += 1
            if len(self.first_errors) < 5:
                self.first_errors.append(f"{req.method} {req.path} → {status}: {detail[:300]}")

    def result(self) -> dict[str, Any]:
        return {"requests": len(self.latencies), "ok": self.ok, "errors": self.errors, "writes": self.writes,
                "status": dict(self.status), "latency": latency_summary(self.latencies),
                "by_kind": {k: {**latency_summary(v), "errors": self.errors_by_kind.get(k, 0)}
                            for k, v in sorted(self.by_kind.items())},
                "first_errors": self.first_errors}


class Load:
    def __init__(self, plan: dict[str, Any], timeout: float = 30.0, salt: int | None = None) -> None:
        self.plan = plan
        base = urlsplit(plan["base"])
        self.host, self.port = base.hostname or "127.0.0.1", base.port or 80
        self.pool = Pool(self.host, self.port)
        self.timeout = timeout
        self.tokens: dict[str, str] = {}
        self.workload = Workload(plan, salt=salt)

    async def login(self) -> None:
        for role, account in self.plan["accounts"].items():
            conn = Connection(self.host, self.port)
            body = json.dumps({"username": account["username"], "password": account["password"]}).encode()
            status, data = await conn.request("POST", "/api/v1/auth/token", body)
            conn.close()
            if status != 200:
                raise HttpError(f"login as {account['username']} failed: {status} {data[:200]!r}")
            self.tokens[role] = json.loads(data)["accessToken"]

    async def send(self, req: Request, conn: Connection) -> tuple[int | None, bytes, str]:
        headers = {"Authorization": f"Bearer {self.tokens[req.role]}"} if req.role in self.tokens else {}
        try:
            status, data = await asyncio.wait_for(conn.request(req.method, req.path, req.body, headers), self.timeout)
            return status, data, "" if status < 400 else data.decode("utf-8", "replace")
        except Exception as e:  # noqa: BLE001 - counted as an error
            conn.close()
            return None, b"", f"{type(e).__name__}: {e}"

    async def closed_loop(self, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
        rec = Recorder()
        w = self.workload
        start = time.perf_counter()
        measure_from = start + warmup
        deadline = measure_from + seconds
        counted = [0]

        async def client() -> None:
            conn = Connection(self.host, self.port)
            try:
                while time.perf_counter() < deadline:
                    req = w.next_write()
                    if req is None:
                        await asyncio.sleep(0.001)
                        continue
                    w.busy.add(req.aggregate or "")
                    t = time.perf_counter()
                    status, _, detail = await self.send(req, conn)
                    done = time.perf_counter()
                    w.busy.discard(req.aggregate or "")
                    if t >= measure_from and done <= deadline:
                        rec.record(req, status, done - t, detail)
                        counted[0] += 1
            finally:
                conn.close()

        await asyncio.gather(*(client() for _ in range(clients)))
        out = rec.result()
        out.update(mode="closed", clients=clients, seconds=seconds, warmup_s=warmup,
                   rate=rec.ok / seconds, request_rate=len(rec.latencies) / seconds)
        return out

    async def open_loop(self, rate: float, seconds: float, mix: str, lag: LagWatcher | None, lag_every: int,
                        warmup: float) -> dict[str, Any]:
        rec = Recorder()
        w = self.workload
        total = int(rate * seconds)
        warm = int(rate * warmup)
        tasks: set[asyncio.Task[None]] = set()
        skipped = [0]
        acked_writes = [0]
        late = [0.0]

        async def one(req: Request, scheduled: float, counted: bool) -> None:
            try:
                await asyncio.wait_for(self.pool.slots.acquire(), self.timeout)
            except TimeoutError:
                if req.aggregate:
                    w.busy.discard(req.aggregate)
                if counted:
                    rec.record(req, None, time.perf_counter() - scheduled, "no free connection within the timeout")
                return
            try:
                conn = self.pool.take()
                status, data, detail = await self.send(req, conn)
                done = time.perf_counter()
                self.pool.give(conn)
            finally:
                self.pool.slots.release()
            if req.aggregate:
                w.busy.discard(req.aggregate)
            if not counted:
                return
            rec.record(req, status, done - scheduled, detail)
            if lag is not None and req.write and status is not None and status < 400:
                acked_writes[0] += 1
                if acked_writes[0] % lag_every == 0:
                    try:
                        answer = json.loads(data)
                        lag.submit(Sample(done, str(answer["id"]), int(answer["version"]),
                                          int(answer["position"]) if answer.get("position") else None))
                    except (ValueError, KeyError, TypeError):
                        pass

        t0 = time.perf_counter() + 0.05
        for i in range(warm + total):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late[0] = max(late[0], -delay)
            req = w.next_write() if mix == "writes" else w.next_mixed()
            if req is None:
                skipped[0] += 1
                continue
            if req.aggregate:
                w.busy.add(req.aggregate)
            task = asyncio.ensure_future(one(req, scheduled, i >= warm))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        unfinished = 0
        if tasks:
            _, pending = await asyncio.wait(set(tasks), timeout=2 * self.timeout + 5)
            unfinished = len(pending)  # cannot happen with the timeouts above; counted as errors if it does
            rec.errors += unfinished
        elapsed = time.perf_counter() - (t0 + warm / rate)
        out = rec.result()
        out["unfinished"] = unfinished
        out.update(mode="open" if mix == "writes" else "mixed", target_rate=rate, seconds=seconds, warmup_s=warmup,
                   rate=len(rec.latencies) / elapsed if elapsed > 0 else None, skipped=skipped[0],
                   connections_opened=self.pool.opened, max_send_delay_ms=round(late[0] * 1000, 3))
        return out


def run_load(plan: dict[str, Any], mode: str, *, seconds: float, clients: int = 32, rate: float = 200.0,
             lag: bool = False, lag_every: int = 2, warmup: float = 1.0, salt: int | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass

    async def main() -> dict[str, Any]:
        cpu = time.process_time()
        load = Load(plan, timeout=timeout, salt=salt)
        await load.login()
        watcher = None
        if lag and plan.get("lag"):
            watcher = LagWatcher(plan["lag"])
            watcher.start()
        try:
            if mode == "closed":
                out = await load.closed_loop(clients, seconds, warmup)
            else:
                out = await load.open_loop(rate, seconds, "writes" if mode == "open" else "mixed", watcher,
                                           lag_every, warmup)
        finally:
            load.pool.close()
            if watcher is not None:
                watcher.stop()
                await asyncio.get_running_loop().run_in_executor(None, watcher.join)
        if watcher is not None:
            out["lag"] = watcher.summary()
            out["lag"]["every"] = lag_every
        out["client_cpu_s"] = round(time.process_time() - cpu, 3)  # the load generator's own CPU
        return out

    return asyncio.run(main())


def load_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="the load generator of make bench (see the module docstring)")
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--mode", choices=["closed", "open", "mixed"], required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds sent but not counted (default 1)")
    parser.add_argument("--lag", action="store_true", help="measure the live projection lag (open mode)")
    parser.add_argument("--lag-every", type=int, default=2, help="sample every n-th acknowledged write")
    parser.add_argument("--salt", type=int, default=None, help="added to KPI figures so corrections change them "
                                                                "(default: random)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as failed")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    result = run_load(plan, args.mode, seconds=args.seconds, clients=args.clients, rate=args.rate, lag=args.lag,
                      lag_every=max(1, args.lag_every), warmup=args.warmup, salt=args.salt,
                      timeout=args.timeout)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# -- the demo benchmark (self-contained) -----------------------------------------------------------

def run(backend: str, seconds: float, clients: int) -> dict[str, float]:
    tmp = tempfile.mkdtemp()
    dbname = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp}/load.db"
    else:
        server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        dbname = f"bench_http_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        url = server.rsplit("/", 1)[0] + "/" + dbname
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": "b" * 40}
    subprocess.run([TRACKER, "seed-demo", "--users"], env=env, check=True, capture_output=True)
    port = free_port()
    server_proc = subprocess.Popen([TRACKER, "serve", "--port", str(port)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    if backend == "postgresql":
        worker = subprocess.Popen([TRACKER, "projections", "run"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = httpx.post(base + "/api/v1/auth/token",
                           json={"username": "thanhtra.lan", "password": "demo-2026"}).json()["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        inspection = httpx.get(base + "/api/v1/inspections?status=open&limit=1", headers=headers).json()["items"][0]
        read_path = f"/api/v1/inspections/{inspection['id']}"
        write_path = f"/api/v1/inspections/{inspection['id']}/findings"
        body = {"category": "late_handling", "severity": "less_serious", "description": "Chậm trả kết quả",
                "occurredOn": "2026-10-01", "officialIds": [],
                "evidence": [{"name": "a.pdf", "sha256": hashlib.sha256(b"a").hexdigest()}]}
        results = {}
        for name, method, path, payload in (("read", "GET", read_path, None),
                                            ("write", "POST", write_path, body)):
            counts, latencies, errors = [0] * clients, [], [0]
            deadline = time.perf_counter() + seconds
            lock = threading.Lock()

            def client(i: int) -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
                    while time.perf_counter() < deadline:
                        t0 = time.perf_counter()
                        r = c.request(method, path, json=payload)
                        dt = time.perf_counter() - t0
                        with lock:
                            latencies.append(dt)
                        if r.status_code >= 400 and r.status_code != 409:
                            errors[0] += 1
                        counts[i] += 1

            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            latencies.sort()
            p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
            results[name] = {"rps": sum(counts) / elapsed, "p99_ms": p99 * 1000, "errors": errors[0]}
        return results
    finally:
        server_proc.terminate()
        server_proc.wait(timeout=10)
        if worker:
            worker.terminate()
            worker.wait(timeout=10)
        if dbname:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def main() -> None:
    argv = sys.argv[1:]
    if "--plan" in argv or any(a.startswith("--plan=") for a in argv):
        load_main(argv)
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<12}{'endpoint':<8}{'req/s':>10}{'p99 ms':>10}{'errors':>8}")
    for backend in backends:
        for name, r in run(backend, args.seconds, args.clients).items():
            print(f"{backend:<12}{name:<8}{r['rps']:>10.0f}{r['p99_ms']:>10.1f}{r['errors']:>8}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
