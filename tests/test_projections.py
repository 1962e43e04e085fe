"""Read models fed from the log: exactly once, rebuildable row for row, readable as of the past.

What a user notices: `tracker projections rebuild` gives the same rows as the read models built bit by
bit while people wrote; a read model that cannot process an event stops there alone, says where and
why (`projections status`, `/health` degraded) while every other read model, the hash chain and the
log index go on, and resumes from that event once fixed; a rebuild that fails keeps the old rows
readable; a worker killed in the middle loses nothing and applies nothing twice; a scorecard, a case or the deadlines can be read as they stood at a past log position
or record time without disturbing the live read. Every storage test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from domain.discipline import DisciplineCase
from domain.errors import InvalidInput, NotFound
from domain.inspections import Inspection
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from projections.db import ReadDB, connect
from projections.queries import ReadModel
from projections.runner import Projector, ProjectionFailed
from projections.runner import all_views
from projections.views import DisciplineView, View
from tracker.bootstrap import LogListener, StoreLog, Tracker
from tracker.cli import app
from tracker.demo import ADMIN, seed_demo

from tests.api_support import api_client, headers_for, items

REPO = Path(__file__).resolve().parents[1]
TRACKER_BIN = Path(sys.executable).with_name("tracker")
VIEW_NAMES = [v.name for v in all_views()]
DINH_QUAN_HEAD = "DQ-0001"  # Hà Văn Lực, Chủ tịch UBND xã Định Quán, reprimanded on 14/10/2026

cli_runner = CliRunner()


# -- helpers ---------------------------------------------------------------------------------------

def dump(db: ReadDB) -> dict[str, list[dict[str, Any]]]:
    """Every read-model table (all rows, history included, all columns, sorted) and rm_tracking."""
    out: dict[str, list[dict[str, Any]]] = {}
    for view in all_views():
        for table in view.table_names():
            out[table] = sorted(db.query(f"SELECT * FROM {table}"), key=_row_key)
    out["rm_tracking"] = sorted(db.query("SELECT * FROM rm_tracking"), key=_row_key)
    return out


def _row_key(row: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((k, repr(v)) for k, v in row.items())


def position_column(table: str) -> str:
    return "position" if table in ("rm_log", "tracker_chain", "tracker_leaves", "tracker_nodes") else "pos_from"


def truncated(rows: dict[str, list[dict[str, Any]]], positions: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """A full dump cut back to what each view should hold at its own tracking position."""
    out: dict[str, list[dict[str, Any]]] = {}
    for view in all_views():
        at = positions[view.name]
        for table in view.table_names():
            kept = []
            for row in rows[table]:
                if int(row[position_column(table)]) > at:
                    continue
                row = dict(row)
                if "pos_to" in row and row["pos_to"] is not None and int(row["pos_to"]) > at:
                    row["pos_to"] = None
                kept.append(row)
            out[table] = sorted(kept, key=_row_key)
    return out


def rows_beyond(db: ReadDB, positions: dict[str, int]) -> dict[str, int]:
    """Rows a view holds from events after its own tracking position (must be none)."""
    found = {}
    for view in all_views():
        for table in view.table_names():
            col = position_column(table)
            n = db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {col} > ?", (positions[view.name],))[0]["n"]
            if n:
                found[table] = int(n)
    return found


def log_events(tracker: Tracker) -> list[tuple[int, Any]]:
    """(position, domain event) for the whole log, straight from the event store."""
    return [(p, ev) for p, ev, _ in StoreLog(tracker.store).read(0, tracker.store.position() + 1)]


def decided_event_positions(tracker: Tracker) -> list[int]:
    return [p for p, ev in log_events(tracker) if isinstance(ev, DisciplineCase.Decided)]


def head_case(tracker: Tracker) -> dict[str, Any]:
    """The current row of the Định Quán head's own discipline case."""
    head = str(Official.id_for(DINH_QUAN_HEAD))
    rows = tracker.db.query("SELECT * FROM rm_cases WHERE official_id = ? AND pos_to IS NULL", (head,))
    assert len(rows) == 1, rows
    return rows[0]


def wait_until(condition: Callable[[], bool], timeout: float, what: str,
               worker: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before: {what}\n{worker_output(worker)}")
        time.sleep(0.005)
    pytest.fail(f"timed out after {timeout} s waiting for: {what}"
                + (f"\n{worker_output(worker)}" if worker is not None else ""))


def start_worker(database_url: str, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    """`tracker projections run` as its own process (PostgreSQL: LISTEN/NOTIFY; SQLite: polling)."""
    out = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed with the process
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("TRACKER_DATABASE_URL", None)
    process = subprocess.Popen([str(TRACKER_BIN), "projections", "run", *args, "--database-url", database_url],
                               cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env)
    process.log_path = tmp_path / "worker.log"  # type: ignore[attr-defined]
    out.close()
    return process


def worker_output(worker: subprocess.Popen[bytes]) -> str:
    try:
        return Path(worker.log_path).read_text(errors="replace")  # type: ignore[attr-defined]
    except OSError:
        return ""


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.kill()
        worker.wait(10)


def add_unit_renames(tracker: Tracker, units: int, renames: int) -> None:
    """Many more events (units renamed again and again), written in a few large saves."""
    for u in range(units):
        unit = Unit.register(code=f"TEST-{u:03d}", name=f"Đơn vị thử {u}", kind="department", recorded_by=ADMIN)
        for r in range(renames):
            unit.rename(name=f"Đơn vị thử {u} (tên {r + 1})", renamed_on=date(2026, 1, 1) + timedelta(days=r),
                        reason=f"Đổi tên lần {r + 1}", recorded_by=ADMIN)
        tracker.services.organisation.save(unit)


def cli(database_url: str, *args: str):
    return cli_runner.invoke(app, [*args, "--database-url", database_url], env={"COLUMNS": "220"})


def status_table(output: str) -> dict[str, dict[str, str]]:
    """Rows of the `tracker projections status` table: view -> position, lag, error."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 5 and cells[1] in VIEW_NAMES:
            rows[cells[1]] = {"position": cells[2], "lag": cells[3], "error": cells[4]}
    return rows


class FaultyDisciplineView(DisciplineView):
    """The discipline read model with a fault injected at one log position (a `Decided` event).

    The fault strikes after the view has written its rows for the event into the open
    transaction, so the test also shows that those rows never reach the read model.
    """

    def __init__(self, fail_at: int | None) -> None:
        self.fail_at = fail_at

    def handlers(self) -> dict[type, Any]:
        handlers = super().handlers()
        decided = handlers[DisciplineCase.Decided]

        def faulty(batch: Any, e: Any) -> None:
            decided(batch, e)
            if e.position == self.fail_at:
                batch.flush()
                raise RuntimeError(f"lỗi giả lập khi xử lý quyết định tại vị trí {e.position}")

        handlers[DisciplineCase.Decided] = faulty
        return handlers


def with_view(view: View) -> list[View]:
    return [view if v.name == view.name else v for v in all_views()]


# -- 1. rebuild equals incremental -----------------------------------------------------------------

def test_rebuild_gives_the_same_rows_as_the_read_models_built_while_writing(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        projector = Projector(tracker.db, StoreLog(tracker.store), batch_size=7)
        catch_ups = []

        def on_step(done: int, total: int) -> None:
            # Writers and the projector interleave; sometimes it stops short of the log's end,
            # e.g. between a decision and the note of it on the official's record.
            if done % 9 == 0:
                catch_ups.append(projector.catch_up())
            elif done % 13 == 0:
                catch_ups.append(projector.catch_up(until=max(0, tracker.store.position() - 2)))

        seed_demo(tracker.services, on_step=on_step)
        projector.catch_up()
        head = tracker.store.position()
        assert len(catch_ups) > 10 and sum(catch_ups) <= head
        assert projector.positions() == {name: head for name in VIEW_NAMES}

        incremental = dump(tracker.db)
        assert len(incremental["rm_log"]) == head
        assert [r["position"] for r in sorted(incremental["rm_log"], key=lambda r: r["position"])] == \
            list(range(1, head + 1))
        # history is kept: replaced rows are there with the position that replaced them
        assert any(r["pos_to"] is not None for r in incremental["rm_cases"])
        assert any(r["pos_to"] is not None for r in incremental["rm_units"])

        assert projector.rebuild() == head
        rebuilt = dump(tracker.db)
        for table in incremental:
            assert rebuilt[table] == incremental[table], f"{table} differs after rebuild"

        # a different batch size builds the same rows too
        Projector(tracker.db, StoreLog(tracker.store), batch_size=1000).rebuild()
        assert dump(tracker.db) == incremental


def test_a_read_model_whose_shape_changed_is_rebuilt_when_the_projector_starts(database_url: str) -> None:
    """A new column or a new meaning in one view (its DDL or `revision`) rebuilds that view only."""
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        tracker.projector.catch_up()
        before = dump(tracker.db)
        with tracker.db.transaction() as cur:  # as a store built by an older release would look
            cur.execute("ALTER TABLE rm_tasks DROP COLUMN deadline_text")
            cur.execute("UPDATE rm_shapes SET shape = 'older' WHERE view = 'tasks'")
        projector = Projector(tracker.db, StoreLog(tracker.store))
        positions = projector.positions()
        assert positions["tasks"] == 0 and all(p == tracker.store.position()
                                               for name, p in positions.items() if name != "tasks")
        projector.catch_up()
        assert dump(tracker.db) == before


# -- 2. an injected fault in one read model ----------------------------------------------------------

def test_a_read_model_that_cannot_process_an_event_stops_there_alone_and_resumes_once_fixed(
        database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # Until issue 14 the whole runner stopped at such an event (ProjectionFailed was raised, every view
    # waited); now only the failing view stops, the others reach the end of the log.
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        fail_at = decided_event_positions(tracker)[2]  # earlier decisions project normally
        before = max(p for p, _ in log_events(tracker) if p < fail_at)

        faulty = FaultyDisciplineView(fail_at)
        projector = Projector(tracker.db, StoreLog(tracker.store), views=with_view(faulty), batch_size=10)
        with caplog.at_level(logging.ERROR, logger="tracker.projections"):
            assert projector.catch_up() > 0  # no exception: the world goes on
        failed = projector.failures["discipline"]
        assert list(projector.failures) == ["discipline"]
        assert failed.view == "discipline" and failed.position == fail_at
        assert "'discipline'" in str(failed) and str(fail_at) in str(failed)
        assert "lỗi giả lập" in failed.reason
        assert any(str(fail_at) in r.getMessage() and "discipline" in r.getMessage() for r in caplog.records)

        status = {s.view: s for s in projector.status()}
        assert status["discipline"].position == before and status["discipline"].failed
        assert status["discipline"].lag == head - before
        assert status["discipline"].error_position == fail_at
        assert "RuntimeError" in status["discipline"].error and "lỗi giả lập" in status["discipline"].error
        for name in VIEW_NAMES:
            if name != "discipline":  # the chain and the log index included
                assert (status[name].position, status[name].error, status[name].error_position) == \
                    (head, None, None), name
        assert projector.position() == before  # consistent reads stay before the failing event

        # the events before it are applied, nothing from it on (not even the rows it had written)
        positions = projector.positions()
        assert rows_beyond(tracker.db, positions) == {}
        decided_rows = tracker.db.query("SELECT pos_from FROM rm_cases WHERE state = 'decided'")
        assert sorted(int(r["pos_from"]) for r in decided_rows) == decided_event_positions(tracker)[:2]
        stopped = dump(tracker.db)

        # within its back-off it is not tried again (a write's catch-up does not pay for it) ...
        assert projector.catch_up() == 0 and projector.failures == {}
        # ... then it is, and still broken it stops at the same event: it is never skipped
        projector.retry_now()
        projector.catch_up()
        assert projector.failures["discipline"].position == fail_at
        status = {s.view: s for s in projector.status()}
        assert status["discipline"].position == before and status["discipline"].error_position == fail_at
        assert rows_beyond(tracker.db, projector.positions()) == {}

        # fixed: once its back-off is over it resumes from that event and ends where a clean rebuild ends
        faulty.fail_at = None
        projector.retry_seconds = 0.0
        projector.retry_now()
        projector.catch_up()
        assert projector.failures == {}
        status = {s.view: s for s in projector.status()}
        assert all(s.position == head and s.lag == 0 and s.error is None and s.error_position is None
                   for s in status.values()), status
        resumed = dump(tracker.db)
        projector.rebuild()
        clean = dump(tracker.db)
        assert resumed == clean
        # and what was there while stopped was exactly the clean rows up to each view's position
        stopped.pop("rm_tracking")
        assert stopped == truncated(clean, positions)


def test_a_failed_view_is_retried_after_a_back_off_that_grows(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        fail_at = decided_event_positions(tracker)[0]
        projector = Projector(tracker.db, StoreLog(tracker.store), views=with_view(FaultyDisciplineView(fail_at)),
                              retry_seconds=0.05, max_retry_seconds=0.1)
        projector.catch_up()
        assert projector.failures["discipline"].position == fail_at
        assert projector.catch_up() == 0  # waiting out 0.05 s
        time.sleep(0.06)
        projector.catch_up()
        assert projector.failures["discipline"].position == fail_at  # tried again: 0.1 s now
        time.sleep(0.06)
        assert projector.catch_up() == 0
        time.sleep(0.05)
        projector.catch_up()
        assert "discipline" in projector.failures


def break_decisions(monkeypatch: pytest.MonkeyPatch, broken: dict[str, bool]) -> None:
    """Every DisciplineView made from now on fails on `Decided` events while `broken["on"]`."""
    original = DisciplineView.handlers

    def handlers(self: DisciplineView) -> dict[type, Any]:
        found = original(self)
        decided = found[DisciplineCase.Decided]

        def maybe_refuse(batch: Any, e: Any) -> None:
            if broken["on"]:
                raise ValueError("hình thức kỷ luật không đọc được")
            decided(batch, e)

        found[DisciplineCase.Decided] = maybe_refuse
        return found

    monkeypatch.setattr(DisciplineView, "handlers", handlers)


def test_the_worker_command_stops_only_the_failing_view_and_resumes_it_once_fixed(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Until issue 14 `projections run` stopped altogether at the event (exit 4, every view behind);
    # now the other views reach the log's end, `--once` still exits 4 naming the view, and
    # `projections status` shows it and exits 4.
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        fail_at = decided_event_positions(tracker)[0]
        before = max(p for p, _ in log_events(tracker) if p < fail_at)

    break_decisions(monkeypatch, {"on": True})
    for _ in range(2):  # run twice: the second run stops at the same event, it does not skip it
        result = cli(database_url, "projections", "run", "--once", "--batch-size", "25")
        assert result.exit_code == 4, result.output
        assert f"'discipline' tại vị trí {fail_at}" in result.output
        assert "hình thức kỷ luật không đọc được" in result.output
        assert "các dữ liệu đọc khác vẫn được cập nhật" in result.output
        status = cli(database_url, "projections", "status")
        assert status.exit_code == 4, status.output
        assert f"1 dữ liệu đọc bị dừng vì lỗi: 'discipline' tại vị trí {fail_at}" in status.output
        rows = status_table(status.output)
        assert rows["discipline"]["position"] == str(before)
        assert rows["discipline"]["lag"] == str(head - before)
        assert f"tại vị trí {fail_at}" in rows["discipline"]["error"]
        assert {name: (r["position"], r["lag"], r["error"]) for name, r in rows.items() if name != "discipline"} \
            == {name: (str(head), "0", "") for name in VIEW_NAMES if name != "discipline"}
        verified = cli(database_url, "verify")  # the chain went on: the whole log is verified
        assert verified.exit_code == 0, verified.output
        assert f"đã kiểm {head} sự kiện (đến vị trí {head})" in verified.output

    monkeypatch.undo()  # the bug is fixed, and the worker restarted
    result = cli(database_url, "projections", "run", "--once")
    assert result.exit_code == 0, result.output
    status = cli(database_url, "projections", "status")
    assert status.exit_code == 0, status.output
    rows = status_table(status.output)
    assert {name: (r["position"], r["lag"], r["error"]) for name, r in rows.items()} == \
        {name: (str(head), "0", "") for name in VIEW_NAMES}
    with Tracker(database_url) as tracker:
        resumed = dump(tracker.db)
        tracker.projector.rebuild()
        assert dump(tracker.db) == resumed


def test_through_http_a_failed_view_makes_health_degraded_and_verify_keeps_answering(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {"on": True}
    break_decisions(monkeypatch, broken)
    with api_client(database_url) as client:
        tracker = client.app.state.tracker
        fail_at = decided_event_positions(tracker)[0]
        auditor = headers_for(client, "auditor")

        health = client.get("/health")
        assert health.status_code == 200, health.text
        body = health.json()
        assert body["status"] == "degraded"
        assert [(f["view"], f["position"]) for f in body["failedViews"]] == [("discipline", fail_at)]
        assert "hình thức kỷ luật không đọc được" in body["failedViews"][0]["error"]
        assert body["projectionsPosition"] == fail_at - 1 and body["projectionsLag"] == body["position"] - fail_at + 1

        verified = client.get("/api/v1/audit/verify", headers=auditor)
        assert verified.status_code == 200, verified.text
        assert verified.json()["ok"] is True and verified.json()["sealedPosition"] == body["position"]

        # a write goes through, and the chain and the log index follow it
        unit = items(client, "/api/v1/units")[0]["id"]
        written = client.post("/api/v1/inspections", headers=headers_for(client, "inspector"),
                              json={"kind": "surprise", "decisionNo": "900/QĐ-TTTP", "decidedOn": "2026-11-20",
                                    "targetUnitId": unit, "scope": "Tiếp nhận hồ sơ.", "team": ["Nguyễn Văn A"]})
        assert written.status_code == 201, written.text
        head = tracker.store.position()
        # commands do not run projections; a read waits for the read models to reach the log's head
        assert client.get("/api/v1/units", headers=auditor).status_code == 200
        positions = tracker.projector.positions()
        assert positions["discipline"] == fail_at - 1
        assert all(positions[name] == head for name in VIEW_NAMES if name != "discipline"), positions
        verified = client.get("/api/v1/audit/verify", headers=auditor)
        assert verified.status_code == 200 and verified.json()["ok"] is True
        assert verified.json()["sealedPosition"] == verified.json()["logPosition"] == head
        # reads stay consistent across views: they answer as of the position before the failing event
        log = client.get("/api/v1/audit/events", params={"limit": 1}, headers=auditor)
        assert log.status_code == 200 and log.json()["position"] == fail_at - 1, log.text

        # fixed (here, in place; or by a restart): after its back-off the next catch-up takes it on
        broken["on"] = False
        tracker.projector.retry_now()
        verified = client.get("/api/v1/audit/verify", headers=auditor)  # catches up before verifying
        assert verified.status_code == 200 and verified.json()["ok"] is True
        health = client.get("/health").json()
        assert (health["status"], health["failedViews"], health["projectionsLag"]) == ("ok", [], 0)


# -- 2b. rebuilding in bulk: big batches, COPY, indexes at the end, a writer thread on PostgreSQL ----

def index_names(db: ReadDB) -> set[str]:
    if db.kind == "postgresql":
        rows = db.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {r["indexname"] for r in rows}
    return {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_rebuild_in_many_small_bulk_batches_gives_the_rows_built_while_following(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        add_unit_renames(tracker, units=4, renames=15)  # entities that change in batch after batch
        head = tracker.store.position()
        tracker.projector.catch_up()
        live = dump(tracker.db)
        indexes = index_names(tracker.db)
        assert {"rm_log_recorded_at", "rm_units_current"} <= indexes
        for size in (13, 100_000):
            projector = Projector(tracker.db, StoreLog(tracker.store), batch_size=size, rebuild_batch_size=size)
            assert projector.rebuild() == head
            assert dump(tracker.db) == live, f"rebuilt in batches of {size}"
            assert index_names(tracker.db) == indexes  # built at the end of the rebuild


def test_rows_copied_in_bulk_are_the_rows_an_insert_writes(database_url: str) -> None:
    """`insert_many` (COPY on PostgreSQL from 50 rows, executemany on SQLite) stores what INSERT stores."""
    columns = ("k", "i", "b", "f", "t")
    awkward = [("tab\there", 0, 2**62, 0.1, None), ("new\nline\r\n", -1, -(2**62), 1e300, ""),
               ("back\\slash \\N", 2**31 - 1, 0, -2.5, "\\N"), ("Tiếng Việt 🎉", None, None, None, "NULL"),
               ("", 7, 1, 3.0, "a\tb\\c\nd"), ("'quote' \"double\"", 8, 2, float(12), "x" * 10_000)]
    rows = [(f"{k}{n}", *rest) for n in range(10) for k, *rest in awkward]  # enough rows for COPY
    with Tracker(database_url) as tracker:
        with tracker.db.transaction() as cur:
            for table in ("t_copied", "t_inserted"):
                cur.execute(f"CREATE TABLE {table} (k TEXT, i INTEGER, b BIGINT, f DOUBLE PRECISION, t TEXT)")
            cur.insert_many("t_copied", columns, iter(rows))
            cur.executemany("INSERT INTO t_inserted (k, i, b, f, t) VALUES (?, ?, ?, ?, ?)", rows)
        copied = tracker.db.query("SELECT * FROM t_copied ORDER BY k")
        inserted = tracker.db.query("SELECT * FROM t_inserted ORDER BY k")
        assert copied == inserted
        assert sorted(tuple(r.values()) for r in copied) == sorted(rows)


def test_a_rebuild_that_fails_on_an_event_keeps_the_old_rows_readable_and_says_why(
        database_url: str) -> None:
    # Until issue 14 a rebuild dropped the read models first, so a failure left them empty up to the
    # event; now the rows are built aside and swapped in per view, only once the view is complete.
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        tracker.projector.catch_up()
        old = dump(tracker.db)
        old_case = head_case(tracker)
        indexes = index_names(tracker.db)
        fail_at = decided_event_positions(tracker)[2]
        seen_meanwhile: list[int] = []

        class Watching(FaultyDisciplineView):
            def handlers(self) -> dict[type, Any]:
                found = super().handlers()
                faulty = found[DisciplineCase.Decided]

                def watch(batch: Any, e: Any) -> None:
                    if e.position == self.fail_at:  # while the rebuild is under way: the old rows are read
                        seen_meanwhile.append(len(tracker.db.query("SELECT * FROM rm_cases")))
                    faulty(batch, e)

                found[DisciplineCase.Decided] = watch
                return found

        faulty = Watching(fail_at)
        projector = Projector(tracker.db, StoreLog(tracker.store), views=with_view(faulty), batch_size=10,
                              rebuild_batch_size=10)
        with pytest.raises(ProjectionFailed) as failed:
            projector.rebuild()
        assert failed.value.view == "discipline" and failed.value.position == fail_at
        assert seen_meanwhile and set(seen_meanwhile) == {len(old["rm_cases"])}

        # every read model as before: the old discipline rows, the others rebuilt equal
        after = dump(tracker.db)
        tracking = {r["view"]: r for r in after.pop("rm_tracking")}
        old_tracking = {r["view"]: r for r in old.pop("rm_tracking")}
        assert after == old
        assert head_case(tracker) == old_case
        assert ReadModel(tracker.db, projector).case(old_case["case_id"], ReadModel(tracker.db, projector).as_of())
        assert {name: int(r["position"]) for name, r in tracking.items()} == \
            {name: int(r["position"]) for name, r in old_tracking.items()}
        status = {s.view: s for s in projector.status()}
        assert status["discipline"].failed and status["discipline"].error_position == fail_at
        assert "khi dựng lại" in status["discipline"].error and "lỗi giả lập" in status["discipline"].error
        assert all(status[name].error is None for name in VIEW_NAMES if name != "discipline")
        assert index_names(tracker.db) == indexes  # nothing left aside, every index in place
        assert not [t for t in table_names(tracker.db) if t.startswith("rmnew_")]
        result = cli(database_url, "projections", "status")
        assert result.exit_code == 4 and "'discipline' tại vị trí" in result.output, result.output

        faulty.fail_at = None
        assert projector.rebuild() == head
        assert projector.positions() == {name: head for name in VIEW_NAMES}
        assert all(s.error is None for s in projector.status())
        rebuilt = dump(tracker.db)
        rebuilt.pop("rm_tracking")
        assert rebuilt == old


def test_projections_rebuild_on_the_command_line_fails_in_vietnamese_and_keeps_the_old_rows(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        tracker.projector.catch_up()
        old = dump(tracker.db)
        old.pop("rm_tracking")
        fail_at = decided_event_positions(tracker)[0]
    break_decisions(monkeypatch, {"on": True})
    result = cli(database_url, "projections", "rebuild")
    assert result.exit_code == 4, result.output
    assert f"Không dựng lại được dữ liệu đọc 'discipline' tại vị trí {fail_at}" in result.output
    assert "Dữ liệu đọc cũ của nó được giữ nguyên" in result.output
    with Tracker(database_url) as tracker:
        after = dump(tracker.db)
        after.pop("rm_tracking")
        assert after == old


def table_names(db: ReadDB) -> set[str]:
    if db.kind == "postgresql":
        return {r["tablename"] for r in db.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    return {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_rebuild_whose_writer_thread_fails_goes_on_without_it(
        database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes in the projector's own thread")
    import projections.tables as tables

    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        add_unit_renames(tracker, units=4, renames=15)
        head = tracker.store.position()
        tracker.projector.catch_up()
        live = dump(tracker.db)

        flush = tables.Batch.flush
        calls = []

        def failing_flush(batch: Any, cursor: Any = None) -> None:
            calls.append(cursor)
            if cursor is not None and len(calls) == 9:  # a batch the writer thread writes
                raise RuntimeError("mất kết nối giả lập")
            flush(batch, cursor)

        monkeypatch.setattr(tables.Batch, "flush", failing_flush)
        projector = Projector(tracker.db, StoreLog(tracker.store), batch_size=40, rebuild_batch_size=40)
        with caplog.at_level(logging.WARNING, logger="tracker.projections"):
            assert projector.rebuild() >= head
        assert any("mất kết nối giả lập" in r.getMessage() for r in caplog.records)
        assert projector.positions() == {name: head for name in VIEW_NAMES}
        assert dump(tracker.db) == live


# -- 3. a worker process: killed in the middle, and following new writes ----------------------------

def test_a_worker_killed_in_the_middle_resumes_with_every_event_applied_exactly_once(
        database_url: str, tmp_path: Path) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        add_unit_renames(tracker, units=40, renames=25)  # ~1000 more events, so the run lasts
        head = tracker.store.position()
        assert head > 1200
        postgres = tracker.store.kind == "postgresql"

        worker = start_worker(database_url, tmp_path, "--batch-size", "3")
        locker = connect(tracker.store.config.env)
        try:
            wait_until(lambda: tracker.projector.positions()["organisation"] >= 30, 60,
                       "the worker to make progress", worker)
            # Freeze the worker in the middle: on PostgreSQL keep the units' table from being written,
            # so the worker blocks inside a batch's transaction after the views before `organisation`
            # (the chain, the log) wrote their rows in it; on SQLite hold the database's write lock,
            # so it blocks between two transactions.
            with locker.transaction() as cursor:
                if postgres:
                    cursor.execute("LOCK TABLE rm_units IN SHARE MODE")
                    wait_until(lambda: bool(tracker.db.query(
                        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE '%rm_units%'")), 30, "the worker to wait for the lock", worker)
                else:
                    time.sleep(0.3)
                frozen = tracker.projector.positions()
                worker.send_signal(signal.SIGKILL)
                assert worker.wait(15) == -signal.SIGKILL
        finally:
            stop(worker)
            locker.close()

        assert 0 < min(frozen.values()) and min(frozen.values()) < head, frozen
        time.sleep(0.2)
        assert tracker.projector.positions() == frozen  # the killed transaction committed nothing
        assert rows_beyond(tracker.db, frozen) == {}
        stopped = dump(tracker.db)
        stopped.pop("rm_tracking")

    # restart (a new process would do the same): it resumes from each view's own position
    with Tracker(database_url) as tracker:
        read = tracker.projector.catch_up()
        assert read == head - min(frozen.values())
        assert tracker.projector.positions() == {name: head for name in VIEW_NAMES}
        resumed = dump(tracker.db)
        assert len(resumed["rm_log"]) == head
        tracker.projector.rebuild()
        clean = dump(tracker.db)
        assert resumed == clean
        assert stopped == truncated(clean, frozen)


def test_the_worker_follows_new_writes_and_stops_cleanly_on_sigterm(database_url: str, tmp_path: Path) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        worker = start_worker(database_url, tmp_path)
        try:
            wait_until(lambda: tracker.projector.position() == head, 30, "the worker to catch up", worker)
            unit_id = Unit.id_for("X-DINHQUAN")
            tracker.services.organisation.rename_unit(
                ADMIN, unit_id, name="Xã Định Quán (sau sáp nhập)", renamed_on=date(2026, 11, 20),
                reason="Đổi tên theo nghị quyết sắp xếp đơn vị hành chính")
            new = tracker.store.position()
            assert new == head + 1
            wait_until(lambda: bool(tracker.db.query("SELECT 1 FROM rm_log WHERE position = ?", (new,))), 15,
                       "the worker to project the new event", worker)
            wait_until(lambda: tracker.projector.position() == new, 15, "every view to reach it", worker)
            live = tracker.db.query("SELECT name FROM rm_units WHERE unit_id = ? AND pos_to IS NULL",
                                    (str(unit_id),))
            assert live == [{"name": "Xã Định Quán (sau sáp nhập)"}]
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(15) == 0, worker_output(worker)
        finally:
            stop(worker)
        assert "Đang theo dõi nhật ký" in worker_output(worker)


def test_on_postgresql_a_write_wakes_the_log_listener(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite is polled")
    with Tracker(database_url) as tracker:
        tracker.services.organisation.register_unit(ADMIN, code="STP", name="Sở Tư pháp", kind="department")
        listener = LogListener(tracker.store)
        try:
            def write() -> None:
                time.sleep(0.3)
                tracker.services.organisation.rename_unit(
                    ADMIN, Unit.id_for("STP"), name="Sở Tư pháp thành phố", renamed_on=date(2026, 11, 1),
                    reason="Thống nhất tên gọi")

            writer = threading.Thread(target=write)
            started = time.monotonic()
            writer.start()
            listener.wait(20.0)
            waited = time.monotonic() - started
            writer.join()
        finally:
            listener.close()
        assert waited < 10, f"no NOTIFY: the listener waited {waited:.1f} s"


# -- 4. as of a past position or record time -------------------------------------------------------

def test_a_case_and_a_scorecard_read_as_of_the_past_without_touching_the_live_read(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        head = tracker.store.position()
        live_before = dump(tracker.db)

        case = head_case(tracker)
        assert case["state"] == "decided" and case["form"] == "reprimand"
        decided_at = int(case["pos_from"])
        case_id = case["case_id"]

        earlier = reads.case(case_id, reads.as_of(position=decided_at - 1))
        assert earlier["state"] in ("open", "deferred") and earlier["form"] is None
        assert int(earlier["pos_to"]) == decided_at  # the row the decision replaced
        at_decision = reads.case(case_id, reads.as_of(position=decided_at))
        assert at_decision["state"] == "decided" and at_decision["decision_no"] == "1250/QĐ-UBND"
        assert reads.case(case_id, reads.as_of())["state"] == "decided"
        opened_at = int(tracker.db.query("SELECT MIN(pos_from) AS p FROM rm_cases WHERE case_id = ?",
                                         (case_id,))[0]["p"])
        with pytest.raises(NotFound):
            reads.case(case_id, reads.as_of(position=opened_at - 1))

        # by record time: a moment between the two events resolves to the earlier one
        times = {r["position"]: r["recorded_at"] for r in tracker.db.query(
            "SELECT position, recorded_at FROM rm_log WHERE position IN (?, ?)", (decided_at - 1, decided_at))}
        t_before = datetime.fromisoformat(times[decided_at - 1].replace("Z", "+00:00"))
        t_decided = datetime.fromisoformat(times[decided_at].replace("Z", "+00:00"))
        assert t_before < t_decided
        between = t_before + (t_decided - t_before) / 2
        assert reads.as_of(moment=t_before).position == decided_at - 1
        assert reads.as_of(moment=between).position == decided_at - 1
        assert reads.as_of(moment=between.astimezone(UTC).isoformat().replace("+00:00", "Z")).position == \
            decided_at - 1
        in_hanoi = between.astimezone(datetime.fromisoformat("2026-01-01T00:00:00+07:00").tzinfo)
        assert reads.as_of(moment=in_hanoi.isoformat()).position == decided_at - 1
        assert reads.as_of(moment=t_decided).position == decided_at
        assert reads.case(case_id, reads.as_of(moment=between))["state"] in ("open", "deferred")
        assert reads.case(case_id, reads.as_of(moment=t_decided))["state"] == "decided"
        assert reads.as_of(moment="2020-01-01T00:00:00Z").position == 0
        assert reads.as_of(moment=datetime.now(UTC) + timedelta(days=1)).position == head

        # the head's scorecard for 2026: line A (personally disciplined) appears with the decision
        official_id = str(Official.id_for(DINH_QUAN_HEAD))

        def card(at: Any) -> Any:
            cards = reads.scorecard(official_id, "2026", at)
            assert len(cards) == 1 and cards[0].unit_name == "Xã Định Quán"
            return cards[0]

        old, now = card(reads.as_of(position=decided_at - 1)), card(reads.as_of())
        assert [line for line in old.lines if line.rule == "A"] == []
        a_lines = [line for line in now.lines if line.rule == "A"]
        assert len(a_lines) == 1 and a_lines[0].points == -20
        assert [(e.position, e.aggregate_id) for e in a_lines[0].evidence] == [(decided_at, case_id)]
        assert now.rating_ceiling == "not_completed" and old.rating_ceiling != "not_completed"
        assert old.position == decided_at - 1 and now.position == head
        assert [line.rule for line in card(reads.as_of(position=decided_at)).lines].count("A") == 1

        # as-of reads change nothing
        assert dump(tracker.db) == live_before
        assert tracker.projector.positions() == {name: head for name in VIEW_NAMES}

        # a position the read models have not reached is refused, naming the field
        with pytest.raises(InvalidInput) as refused:
            reads.as_of(position=head + 1)
        assert refused.value.field == "asOfPosition"
        with pytest.raises(InvalidInput) as refused:
            reads.as_of(moment="hôm qua")
        assert refused.value.field == "asOf"


def test_a_period_that_does_not_parse_is_refused_naming_the_field(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        reads = ReadModel(tracker.db, tracker.projector)
        for bad in ("2026-Q3", "26", "2026-H3", ""):
            with pytest.raises(InvalidInput) as refused:
                reads.scorecards(bad, reads.as_of())
            assert refused.value.field == "period"
            assert "Kỳ báo cáo không hợp lệ" in refused.value.message


# -- 5. the command line -----------------------------------------------------------------------------

def test_projections_status_rebuild_and_scorecards_on_the_command_line(database_url: str) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        decided_at = None
        for p, ev in log_events(tracker):
            if isinstance(ev, DisciplineCase.Decided) and ev.decision_no == "1250/QĐ-UBND":
                decided_at = p
        assert decided_at is not None

    result = cli(database_url, "projections", "status")
    assert result.exit_code == 0, result.output
    assert f"nhật ký ở vị trí {head}" in result.output
    rows = status_table(result.output)
    assert {name: (r["position"], r["lag"]) for name, r in rows.items()} == \
        {name: ("0", str(head)) for name in VIEW_NAMES}

    result = cli(database_url, "projections", "run", "--once", "--batch-size", "40")
    assert result.exit_code == 0, result.output
    assert f"Đã cập nhật {head} sự kiện; vị trí {head}" in result.output
    rows = status_table(cli(database_url, "projections", "status").output)
    assert {name: (r["position"], r["lag"]) for name, r in rows.items()} == \
        {name: (str(head), "0") for name in VIEW_NAMES}

    with Tracker(database_url) as tracker:
        built = dump(tracker.db)
    result = cli(database_url, "projections", "rebuild")
    assert result.exit_code == 0, result.output
    assert f"Đã dựng lại {len(VIEW_NAMES)} dữ liệu đọc từ {head} sự kiện" in result.output
    with Tracker(database_url) as tracker:
        assert dump(tracker.db) == built

    def lines_of_head(*extra: str) -> str:
        result = cli(database_url, "scorecards", "--period", "2026", "--official", DINH_QUAN_HEAD, "--lines",
                     *extra)
        assert result.exit_code == 0, result.output
        assert "Xã Định Quán" in result.output
        return result.output

    assert "1250/QĐ-UBND" in lines_of_head()
    assert "1250/QĐ-UBND" in lines_of_head("--as-of-position", str(decided_at))
    assert "1250/QĐ-UBND" not in lines_of_head("--as-of-position", str(decided_at - 1))


def test_a_period_that_does_not_parse_on_the_command_line_is_refused_naming_the_field(database_url: str) -> None:
    result = cli(database_url, "scorecards", "--period", "2026-Q3")
    assert result.exit_code == 2
    assert "Kỳ báo cáo không hợp lệ" in result.output and "'2026-Q3'" in result.output
    assert "period" in result.output, f"the message does not name the field: {result.output!r}"


# -- 6. deadlines -----------------------------------------------------------------------------------

def expected_case_deadlines(tracker: Tracker, today: date, up_to: int | None = None) -> dict[str, date]:
    """Handling deadlines of the open or deferred cases, computed from their events by the rules:
    90 days from detection (150 once extended), deferred days not counted (an open deferral runs to today)."""
    cases: dict[str, dict[str, Any]] = {}
    for position, ev in log_events(tracker):
        if up_to is not None and position > up_to:
            break
        if not type(ev).__qualname__.startswith("DisciplineCase."):
            continue
        case = cases.setdefault(str(ev.originator_id), {"deferred": 0, "since": None, "extended": False})
        if isinstance(ev, DisciplineCase.Opened):
            case.update(detected=ev.detected_on, closed=False)
        elif isinstance(ev, DisciplineCase.Deferred):
            case["since"] = ev.on
        elif isinstance(ev, DisciplineCase.Resumed):
            case["deferred"] += (ev.on - case["since"]).days
            case["since"] = None
        elif isinstance(ev, DisciplineCase.Extended):
            case["extended"] = True
        elif isinstance(ev, (DisciplineCase.Decided, DisciplineCase.Exempted, DisciplineCase.TimeBarred,
                             DisciplineCase.Withdrawn)):
            case["closed"] = True
    out = {}
    for case_id, c in cases.items():
        if c["closed"]:
            continue
        days = (150 if c["extended"] else 90) + c["deferred"]
        if c["since"] is not None:
            days += max(0, (today - c["since"]).days)
        out[case_id] = c["detected"] + timedelta(days=days)
    return out


def test_deadlines_list_cases_by_their_legal_clock_and_overdue_recommendations_and_tasks(
        database_url: str) -> None:
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        live = reads.as_of()
        today = live.today

        everything = reads.deadlines(3650, live)
        handling = {d.id: d for d in everything if d.kind == "handling_deadline"}
        expected = expected_case_deadlines(tracker, today)
        assert {k: v.due_on for k, v in handling.items()} == expected
        assert any(c["state"] == "deferred" for c in tracker.db.query(
            "SELECT state FROM rm_cases WHERE pos_to IS NULL"))  # an open deferral is in the sample
        for d in handling.values():
            assert d.days_left == (d.due_on - today).days

        # recommendations not implemented and tasks not completed, due by the horizon
        soon = reads.deadlines(30, live)
        horizon = today + timedelta(days=30)
        assert all(d.due_on <= horizon for d in soon)
        assert sorted(soon, key=lambda d: (d.due_on, d.kind, d.id)) == soon
        recs: dict[str, dict[str, Any]] = {}
        tasks: dict[str, dict[str, Any]] = {}
        for _, ev in log_events(tracker):
            if isinstance(ev, Inspection.Concluded):
                for r in ev.recommendations:
                    recs[str(r.recommendation_id)] = {"due": r.due_on, "done": False}
            elif isinstance(ev, Inspection.RecommendationImplemented):
                recs[str(ev.recommendation_id)]["done"] = True
            elif isinstance(ev, AssignedTask.Assigned):
                tasks[str(ev.originator_id)] = {"due": ev.due_on, "done": False}
            elif isinstance(ev, AssignedTask.Reassigned):
                tasks[str(ev.originator_id)]["due"] = ev.due_on
            elif isinstance(ev, AssignedTask.Completed):
                tasks[str(ev.originator_id)]["done"] = True
        for kind, source in (("recommendation", recs), ("task", tasks)):
            listed = {d.id: d for d in soon if d.kind == kind}
            assert set(listed) == {k for k, v in source.items() if not v["done"] and v["due"] <= horizon}, kind
            assert any(d.days_left < 0 for d in listed.values()), f"no overdue {kind} in the sample"
            for k, d in listed.items():
                assert d.due_on == source[k]["due"] and d.days_left == (d.due_on - today).days

        # as of a position before a late implementation, that recommendation is still listed
        implemented = [(p, ev) for p, ev in log_events(tracker) if isinstance(ev, Inspection.RecommendationImplemented)
                       and recs[str(ev.recommendation_id)]["due"] >= today - timedelta(days=300)]
        position, ev = implemented[-1]
        rec_id = str(ev.recommendation_id)
        assert rec_id not in {d.id for d in everything}
        earlier = reads.as_of(position=position - 1)
        past = {d.id: d for d in reads.deadlines(3650, earlier) if d.kind == "recommendation"}
        assert rec_id in past and past[rec_id].due_on == recs[rec_id]["due"]
        past_cases = {d.id: d.due_on for d in reads.deadlines(3650, earlier) if d.kind == "handling_deadline"}
        assert past_cases == expected_case_deadlines(tracker, earlier.today, up_to=position - 1)

        with pytest.raises(InvalidInput) as refused:
            reads.deadlines(-1, live)
        assert refused.value.field == "withinDays"


def test_as_of_a_time_is_the_longest_prefix_recorded_by_then_even_with_record_times_out_of_order(
        database_url: str) -> None:
    """Concurrent writers can commit an event created earlier after one created later; reading "as of T"
    never shows a later position while leaving out an earlier one."""
    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
        head = tracker.store.position()
        early = Unit.register(code="SOM", name="Đơn vị tạo trước", kind="commune", recorded_by=ADMIN)
        time.sleep(0.01)
        late = Unit.register(code="MUON", name="Đơn vị tạo sau", kind="commune", recorded_by=ADMIN)
        tracker.services.organisation.save(late)   # position head + 1, recorded later
        tracker.services.organisation.save(early)  # position head + 2, recorded earlier
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        rows = {r["position"]: r["recorded_at"] for r in tracker.db.query(
            "SELECT position, recorded_at FROM rm_log WHERE position > ?", (head,))}
        assert rows[head + 2] < rows[head + 1]  # out of order, as with concurrent writers
        between = datetime.fromisoformat(rows[head + 2].replace("Z", "+00:00")) + timedelta(microseconds=1)
        assert reads.as_of(moment=between).position == head  # not head + 2 without head + 1
        assert reads.as_of(moment=rows[head + 1]).position == head + 2
