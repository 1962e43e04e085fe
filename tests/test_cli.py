"""The `tracker` command line: it prints the log, and refuses bad input in Vietnamese with a
non-zero exit, storing nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.security import WeakSigningKey
from services import open_store
from tracker.bootstrap import Tracker
from tracker.cli import app

runner = CliRunner()


def tracker(database_url: str, *args: str):
    return runner.invoke(app, [*args, "--database-url", database_url])


def position(database_url: str) -> int:
    with open_store(database_url) as store:
        return store.position()


def test_operator_registers_a_unit_and_an_official_and_reads_the_log(database_url: str) -> None:
    result = tracker(database_url, "unit", "add", "SKHCN", "Sở Khoa học và Công nghệ", "--kind", "department",
                     "--as", "quantri.an")
    assert result.exit_code == 0, result.output
    unit_id = result.output.strip().rsplit(" ", 1)[-1]
    result = tracker(database_url, "official", "add", "KH-002", "Võ Thị Hạnh", "--category", "civil_servant",
                     "--unit-id", unit_id, "--leader", "--as", "quantri.an")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["events", "--database-url", database_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Registered" in result.output and "quantri.an (admin)" in result.output
    assert position(database_url) == 2


def test_summary_counts_aggregates(database_url: str) -> None:
    tracker(database_url, "unit", "add", "STC", "Sở Tài chính", "--kind", "department")
    result = runner.invoke(app, ["summary", "--database-url", database_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "vị trí cuối nhật ký: 1" in result.output
    assert "Unit" in result.output


def test_an_unknown_enum_value_is_refused_in_vietnamese(database_url: str) -> None:
    result = tracker(database_url, "unit", "add", "X1", "Ban X", "--kind", "ministry")
    assert result.exit_code == 2
    assert "không hợp lệ" in result.output and "kind" in result.output
    assert position(database_url) == 0


def test_an_unknown_case_is_refused_in_vietnamese(database_url: str) -> None:
    result = tracker(database_url, "case", "decide", str(uuid4()), "--form", "warning",
                     "--decision-no", "1/QĐ", "--decided-on", "2026-05-01")
    assert result.exit_code == 2
    assert "Không tìm thấy vụ việc kỷ luật" in result.output


def test_a_duplicate_unit_is_a_conflict_and_stores_nothing(database_url: str) -> None:
    assert tracker(database_url, "unit", "add", "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch",
                   "--kind", "department").exit_code == 0
    result = tracker(database_url, "unit", "add", "SVHTTDL", "Sở Văn hóa", "--kind", "department")
    assert result.exit_code == 2
    assert "already_exists" in result.output and "Đã có đơn vị" in result.output
    assert position(database_url) == 1


def test_a_bad_database_url_is_refused(tmp_path) -> None:
    result = runner.invoke(app, ["events", "--database-url", "mysql://nowhere"])
    assert result.exit_code == 2
    assert "TRACKER_DATABASE_URL" in result.output


def test_user_add_reads_the_password_from_stdin_and_hashes_it(database_url: str) -> None:
    from api.users import Users
    from projections.db import connect
    from services.store import config_from_url

    result = runner.invoke(app, ["user", "add", "thanhtra.moi", "--role", "inspector", "--password-stdin",
                                 "--database-url", database_url], input="mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    db = connect(config_from_url(database_url).env)
    try:
        users = Users(db)
        assert users.authenticate("thanhtra.moi", "mat-khau-dai").role == "inspector"
        assert users.authenticate("thanhtra.moi", "sai") is None
        stored = db.query("SELECT password_hash FROM tracker_users WHERE username = ?", ("thanhtra.moi",))
        assert stored[0]["password_hash"].startswith("$argon2")
    finally:
        db.close()
    again = runner.invoke(app, ["user", "add", "thanhtra.moi", "--role", "admin", "--password-stdin",
                                "--database-url", database_url], input="mat-khau-dai\n")
    assert again.exit_code == 2 and "Đã có người dùng" in again.output


def test_events_filter_by_actor_and_type_and_show_backdated_business_dates(database_url: str) -> None:
    from tracker.bootstrap import Tracker
    from tracker.demo import seed_demo

    with Tracker(database_url) as tracker:
        seed_demo(tracker.services)
    result = runner.invoke(app, ["events", "--type", "Decided", "--limit", "500", "--database-url", database_url],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "DisciplineCase" in line]
    assert lines and all("Decided" in line for line in lines)
    # recorded today, about a decision of 24/06/2025: the business date says when it happened
    assert any("2025-06-24" in line for line in lines)
    only_minh = runner.invoke(app, ["events", "--actor", "noivu.minh", "--limit", "500", "--database-url",
                                    database_url], env={"COLUMNS": "250"})
    rows = [line for line in only_minh.output.splitlines() if "(home_affairs)" in line or "(admin)" in line
            or "(inspector)" in line]
    assert rows and all("noivu.minh" in line for line in rows)
    bad = runner.invoke(app, ["events", "--from", "hôm qua", "--database-url", database_url])
    assert bad.exit_code == 2 and "from" in bad.output


# -- the signing key -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(tmp_path: Path, key: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_SECRET_KEY", "TRACKER_DEMO")}
    env["TRACKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'tracker.db'}"
    if key is not None:
        env["TRACKER_SECRET_KEY"] = key
    tracker_cli = Path(sys.executable).parent / "tracker"
    return subprocess.run([str(tracker_cli), "serve", "--port", str(_free_port()), *args], env=env,
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.parametrize("key", ["a", "x" * 31, "khóa-ngắn-quá-🔑"])
def test_a_short_signing_key_refuses_to_start(tmp_path: Path, key: str) -> None:
    result = _serve(tmp_path, key)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "TRACKER_SECRET_KEY quá ngắn" in result.stderr and "ít nhất 32 byte" in result.stderr
    with Tracker(f"sqlite:///{tmp_path / 'tracker.db'}") as tracker, pytest.raises(WeakSigningKey):
        create_app(tracker, secret_key=key)


def test_no_signing_key_refuses_to_start_unless_it_is_the_demo(tmp_path: Path) -> None:
    result = _serve(tmp_path, None)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "TRACKER_SECRET_KEY chưa đặt" in result.stderr and "--demo" in result.stderr
