"""Failure and load, on SQLite and on PostgreSQL (short forms here; `make bench` runs the long ones):

- the server killed with SIGKILL under write load loses no acknowledged write, and after a restart its
  read models equal a clean rebuild;
- the projection worker killed with SIGKILL again and again during a rebuild ends with read models equal
  to a clean rebuild;
- sustained mixed load (reads and writes of every role) answers without a single error.

`TRACKER_SOAK_SECONDS` lengthens the mixed load (default 8 s).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.organisation import Unit
from tests.browser_support import seed, serving, store_url
from tests.test_projections import VIEW_NAMES, dump, start_worker, stop, wait_until
from tracker.bootstrap import Tracker
from tracker.demo import ADMIN, DEMO_PASSWORD

pytestmark = pytest.mark.reliability

SOAK_SECONDS = float(os.environ.get("TRACKER_SOAK_SECONDS", "8"))


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store with the demo city and its demo users."""
    url = store_url(request.param, request, tmp_path)
    seed(url)
    return url


def token(base: str, username: str) -> dict[str, str]:
    answer = httpx.post(base + "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['accessToken']}"}


def test_the_server_killed_under_write_load_loses_no_acknowledged_write(demo_url: str, tmp_path: Path) -> None:
    acknowledged: list[str] = []
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    stop_writing = threading.Event()
    with serving(demo_url, tmp_path / "server.log") as (base, server):
        admin = token(base, "quantri.hung")

        def write(worker: int) -> None:
            with httpx.Client(base_url=base, headers=admin, timeout=10) as client:
                n = 0
                while not stop_writing.is_set():
                    n += 1
                    try:
                        answer = client.post("/api/v1/units", json={"code": f"KILL-{worker}-{n}",
                                                                    "name": f"Đơn vị {worker}-{n}", "kind": "commune"})
                    except httpx.HTTPError as e:
                        with lock:
                            failures[type(e).__name__] += 1
                        if server.poll() is not None:
                            return
                        continue
                    if answer.status_code == 201:
                        with lock:
                            acknowledged.append(answer.json()["id"])

        writers = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for w in writers:
            w.start()
        wait_until(lambda: len(acknowledged) >= 40, 60, "40 acknowledged writes")
        server.send_signal(signal.SIGKILL)
        assert server.wait(15) == -signal.SIGKILL
        stop_writing.set()
        for w in writers:
            w.join(30)
    assert failures  # the kill did cut writes off in the middle

    with Tracker(demo_url) as tracker:
        missing = [i for i in acknowledged if not tracker.services.organisation.exists(UUID(i))]
        assert missing == [], f"{len(missing)} acknowledged writes lost"

    # a restarted server catches its read models up; they equal a clean rebuild
    with serving(demo_url, tmp_path / "server.log") as (base, _):
        admin = token(base, "quantri.hung")
        for unit_id in acknowledged[:20]:
            assert httpx.get(f"{base}/api/v1/units/{unit_id}", headers=admin).status_code == 200
    with Tracker(demo_url) as tracker:
        tracker.projector.catch_up()
        after_restart = dump(tracker.db)
        tracker.projector.rebuild()
        assert dump(tracker.db) == after_restart


def test_the_projection_worker_killed_again_and_again_during_a_rebuild_ends_equal_to_a_clean_rebuild(
        demo_url: str, tmp_path: Path) -> None:
    with Tracker(demo_url) as tracker:
        for u in range(60):  # several thousand more events, so the rebuild lasts
            unit = Unit.register(code=f"REB-{u:03d}", name=f"Đơn vị {u}", kind="department", recorded_by=ADMIN)
            for r in range(80):
                unit.rename(name=f"Đơn vị {u} ({r})", renamed_on=date(2026, 1, 1) + timedelta(days=r),
                            reason="Đổi tên", recorded_by=ADMIN)
            tracker.services.organisation.save(unit)
        head = tracker.store.position()
        tracker.projector.rebuild()
        clean = dump(tracker.db)
        tracker.projector.drop()  # as a rebuild's first step does; the workers below build it again
        tracker.projector.create_tables()

        kills, reached = 0, 0
        while kills < 4:
            worker = start_worker(demo_url, tmp_path, "--batch-size", "25")
            try:
                floor = reached + 300
                wait_until(lambda: min(tracker.projector.positions().values()) >= floor
                           or worker.poll() is not None, 120, "the worker to make progress", None)
                if worker.poll() is not None:
                    break  # it finished before this kill: the machine is fast, fewer kills happen
                worker.send_signal(signal.SIGKILL)
                assert worker.wait(15) == -signal.SIGKILL
                kills += 1
                reached = min(tracker.projector.positions().values())
                assert reached < head
            finally:
                stop(worker)
        assert kills >= 2, "the worker was never killed mid-rebuild"
        tracker.projector.catch_up()
        assert tracker.projector.positions() == {name: head for name in VIEW_NAMES}
        assert dump(tracker.db) == clean


def test_sustained_mixed_load_answers_without_errors(demo_url: str, tmp_path: Path) -> None:
    answers: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    with serving(demo_url, tmp_path / "server.log") as (base, _):
        headers = {role: token(base, user) for role, user in (("inspector", "thanhtra.lan"),
                                                              ("home_affairs", "noivu.minh"),
                                                              ("auditor", "kiemtoan.ha"))}
        inspections = [i["id"] for i in httpx.get(f"{base}/api/v1/inspections", params={"status": "open"},
                                                  headers=headers["inspector"]).json()["items"]]
        assert inspections
        deadline = time.monotonic() + SOAK_SECONDS

        def record(kind: str, answer: httpx.Response, ok: tuple[int, ...]) -> None:
            with lock:
                answers[kind] += 1
                if answer.status_code not in ok:
                    errors.append(f"{kind}: {answer.status_code} {answer.text[:200]}")

        def inspector(n: int) -> None:
            with httpx.Client(base_url=base, headers=headers["inspector"], timeout=30) as client:
                k = 0
                while time.monotonic() < deadline:
                    k += 1
                    body = {"category": "late_handling", "severity": "less_serious", "occurredOn": "2026-11-01",
                            "description": f"Chậm giải quyết hồ sơ {n}-{k}", "officialIds": [], "evidence": []}
                    record("finding", client.post(f"/api/v1/inspections/{inspections[(n + k) % len(inspections)]}"
                                                  "/findings", json=body), (201,))

        def reader(role: str, paths: list[tuple[str, dict[str, Any]]]) -> None:
            with httpx.Client(base_url=base, headers=headers[role], timeout=30) as client:
                k = 0
                while time.monotonic() < deadline:
                    path, params = paths[k % len(paths)]
                    k += 1
                    record(path, client.get(path, params=params), (200,))

        threads = [threading.Thread(target=inspector, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=reader, args=("home_affairs", [
            ("/api/v1/scorecards", {"period": "2026-H1"}), ("/api/v1/deadlines", {}),
            ("/api/v1/discipline-cases", {"state": "open"})])),
            threading.Thread(target=reader, args=("auditor", [
                ("/api/v1/audit/events", {"limit": 50}), ("/api/v1/scorecards", {"period": "2026"})]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert answers["finding"] >= 10 and sum(answers.values()) >= 50, answers



def test_keyed_writes_survive_kill_9_at_random_points_exactly_once(demo_url: str, tmp_path: Path) -> None:
    """Keyed findings sent by 6 clients while the server is killed three times at random instants; every
    key is retried (across restarts) until it is answered. Each key's finding is recorded exactly once,
    and a retry of an answered key gets its first answer (the same finding id), never a 409 to wait out."""
    import random

    from domain.inspections import Inspection

    rng = random.Random(13)
    answers: dict[str, str] = {}  # key → the finding id of its first 2xx answer
    lock = threading.Lock()
    keys = [f"k-{w}-{n}" for w in range(6) for n in range(40)]
    pending = list(keys)

    with Tracker(demo_url) as tracker:
        rows = tracker.db.query("SELECT inspection_id FROM rm_inspections WHERE pos_to IS NULL AND status = 'open'")
        inspection = rows[0]["inspection_id"]

    def send(base: str, headers: dict[str, str], server: Any, mine: list[str]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            for key in mine:
                while server.poll() is None:
                    try:
                        answer = client.post(f"/api/v1/inspections/{inspection}/findings",
                                             headers={"Idempotency-Key": key}, json={
                                                 "category": "shirking", "severity": "serious",
                                                 "description": f"Phát hiện {key}", "occurredOn": "2026-03-01"})
                    except httpx.HTTPError:
                        continue
                    assert answer.status_code in (200, 201, 503), answer.text
                    if answer.status_code in (200, 201):
                        with lock:
                            first = answers.setdefault(key, answer.json()["findingId"])
                        assert first == answer.json()["findingId"]  # a retry answers the first finding
                        break

    for round_no in range(4):
        with serving(demo_url, tmp_path / "server.log") as (base, server):
            headers = token(base, "thanhtra.lan")
            todo = [k for k in pending if k not in answers]
            if round_no < 3:  # the killed rounds also re-send some answered keys
                todo += rng.sample(sorted(answers), min(10, len(answers)))
            chunks = [todo[i::6] for i in range(6)]
            clients = [threading.Thread(target=send, args=(base, headers, server, c)) for c in chunks]
            for c in clients:
                c.start()
            if round_no < 3:
                time.sleep(rng.uniform(0.3, 2.0))
                server.send_signal(signal.SIGKILL)
                server.wait(15)
            for c in clients:
                c.join(120)
    assert sorted(answers) == sorted(keys)

    with Tracker(demo_url) as tracker:
        recorded = Counter()
        for finding in tracker.services.store.app.repository.get(UUID(inspection)).findings.values():
            if finding.description.startswith("Phát hiện k-"):
                recorded[finding.description.removeprefix("Phát hiện ")] += 1
        assert isinstance(tracker.services.store.app.repository.get(UUID(inspection)), Inspection)
    assert set(recorded) == set(keys)
    assert [k for k, n in recorded.items() if n != 1] == []
