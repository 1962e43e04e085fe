"""Requests per second of one read and one write endpoint, against `tracker serve` on this machine.

    .venv/bin/python bench/http_load.py --backend sqlite --seconds 10 --clients 16
    .venv/bin/python bench/http_load.py --backend postgresql

Starts its own server on a free loopback port (demo data, demo users) and stops it afterwards.
Bounded in time and count; sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
TRACKER = str(ROOT / ".venv" / "bin" / "tracker")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
