"""Group commit on PostgreSQL: concurrent saves share transactions, yet each aggregate's versions stay
one writer's — the loser of a race gets a conflict, nothing is lost or recorded twice, and the log
keeps one total order without gaps."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest

from domain.errors import Conflict
from services import Services, Store
from services.group_commit import GroupCommitRecorder
from tests.conftest import ADMIN


@pytest.fixture
def pg_services(store: Store) -> Services:
    if store.kind != "postgresql":
        pytest.skip("group commit is the PostgreSQL write path; SQLite has one writer at a time")
    assert isinstance(store.app.recorder, GroupCommitRecorder)
    return Services(store)


def test_racing_writers_on_shared_aggregates_one_wins_each_version_and_others_commit(pg_services: Services) -> None:
    org = pg_services.organisation
    units = [org.register_unit(ADMIN, code=f"GC-{n}", name=f"Đơn vị {n}", kind="department").id for n in range(10)]
    start = threading.Barrier(40)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def rename(n: int) -> None:
        unit_id = units[n % 10]
        start.wait()
        try:
            org.rename_unit(ADMIN, unit_id, name=f"Tên mới {n}", renamed_on=date(2026, 11, 1), reason="Sáp nhập",
                            expected_version=1)
            result = "saved"
        except Conflict:
            result = "conflict"
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=rename, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == {"saved": 10, "conflict": 30}  # one winner per unit, the rest told so
    store = pg_services.store
    recorder = store.app.recorder
    for unit_id in units:
        versions = [e.originator_version for e in recorder.select_events(unit_id)]
        assert versions == [1, 2]  # nothing lost, nothing twice
    notifications = recorder.select_notifications(start=1, limit=1000)
    assert [n.id for n in notifications] == list(range(1, 21))  # one order, no gaps


def test_many_concurrent_saves_are_committed_together(pg_services: Services) -> None:
    org = pg_services.organisation
    start = threading.Barrier(24)
    ids: list[object] = []

    def register(n: int) -> None:
        start.wait()
        for k in range(10):
            ids.append(org.register_unit(ADMIN, code=f"MANY-{n}-{k}", name="Đơn vị", kind="commune").id)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recorder = pg_services.store.app.recorder
    assert len(set(ids)) == 240 and pg_services.store.position() == 240
    assert recorder.saves == 240 and recorder.groups < 240  # several saves shared a transaction
