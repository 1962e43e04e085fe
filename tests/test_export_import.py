"""Export and import of the log: a store moves to another one, on either backend, and stays the same.

What a user notices: `tracker export` (or GET /api/v1/audit/export) writes the log as NDJSON with the
chain's digests; `tracker import FILE` loads it into an empty store — SQLite or PostgreSQL, from
either — and the imported store has the same chain head, the same read-model rows (positions and
versions included) and accepts new writes after the last imported position. A file that is
truncated, altered, out of order, miscounted or not JSON is refused naming the line and the reason,
and the target store stays empty. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from domain.errors import Conflict, InvalidInput
from projections.runner import all_views
from tests.api_support import api_client, headers_for
from tracker.bootstrap import Tracker
from tracker.cli import app
from tracker.demo import ADMIN, seed_demo
from projections.export import FORMAT, export_header, export_lines
from tracker.transfer import import_file

runner = CliRunner()


# -- helpers ---------------------------------------------------------------------------------------

def new_store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL naming a new, empty store: a SQLite file, or a new schema in the session database."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'target-{uuid.uuid4().hex[:8]}.db'}"
    base = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}{'&' if '?' in base else '?'}schema={schema}"


def kind_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def dump(tracker: Tracker) -> dict[str, list[dict[str, Any]]]:
    """Every read-model table and the chain (all rows, all columns, sorted) and rm_tracking."""
    out: dict[str, list[dict[str, Any]]] = {}
    for view in all_views():
        for table in view.table_names():
            out[table] = sorted(tracker.db.query(f"SELECT * FROM {table}"), key=_row_key)
    out["rm_tracking"] = sorted(tracker.db.query("SELECT * FROM rm_tracking"), key=_row_key)
    return out


def _row_key(row: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((k, repr(v)) for k, v in row.items())


def chain_head(tracker: Tracker) -> str:
    rows = tracker.db.query("SELECT digest FROM tracker_chain ORDER BY position DESC LIMIT 1")
    return rows[0]["digest"] if rows else ""


def extra_writes(tracker: Tracker) -> None:
    """A few writes beyond the demo: a unit and two officials in it."""
    unit = tracker.services.organisation.register_unit(ADMIN, code="XK-01", name="Ban Xuất Khẩu Thử",
                                                       kind="department")
    for i in (1, 2):
        tracker.services.organisation.register_official(
            ADMIN, personnel_code=f"XK-00{i}", full_name=f"Cán Bộ Thử {i}", category="civil_servant",
            unit_id=unit.id, is_leader=i == 1)


@pytest.fixture
def source(database_url: str) -> Iterator[Tracker]:
    """The demo plus a few writes, read models and chain up to date, on the parametrised backend."""
    tracker = Tracker(database_url)
    seed_demo(tracker.services)
    extra_writes(tracker)
    tracker.projector.catch_up()
    yield tracker
    tracker.close()


@pytest.fixture
def exported(source: Tracker) -> list[bytes]:
    return list(export_lines(source))


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return new_store_url(request.param, request, tmp_path)


def position_of(url: str) -> int:
    with Tracker(url) as tracker:
        return tracker.store.position()


# -- the round trip ----------------------------------------------------------------------------------

def test_export_has_a_header_and_one_line_per_event_with_the_chain_digests(source: Tracker,
                                                                             exported: list[bytes]) -> None:
    header = json.loads(exported[0])
    position = source.store.position()
    assert header == {"format": FORMAT, "version": 1, "count": position, "position": position,
                      "head": chain_head(source)}
    assert len(exported) == position + 1
    assert all(line.endswith(b"\n") for line in exported)
    events = [json.loads(line) for line in exported[1:]]
    assert [e["position"] for e in events] == list(range(1, position + 1))
    digests = {int(r["position"]): r["digest"] for r in source.db.query("SELECT * FROM tracker_chain")}
    assert [e["digest"] for e in events] == [digests[p] for p in range(1, position + 1)]
    first = source.store.app.recorder.select_notifications(start=1, limit=1)[0]
    assert events[0] == {"position": 1, "originatorId": str(first.originator_id),
                         "originatorVersion": first.originator_version, "topic": first.topic,
                         "state": base64.b64encode(first.state).decode(), "digest": digests[1]}


def test_import_into_an_empty_store_on_either_backend_gives_the_same_read_models_and_chain(
        source: Tracker, exported: list[bytes], target_url: str) -> None:
    """SQLite → SQLite, SQLite → PostgreSQL, PostgreSQL → SQLite, PostgreSQL → PostgreSQL."""
    expected = dump(source)
    last = source.store.position()
    seen: list[tuple[str, int, int]] = []
    with Tracker(target_url) as target:
        result = import_file(target, iter(exported), on_progress=lambda *a: seen.append(a))
        assert (result.count, result.position, result.head) == (last, last, chain_head(source))
        assert target.store.position() == last
        assert chain_head(target) == chain_head(source)
        assert target.projector.position() == last
        got = dump(target)
        assert got.keys() == expected.keys()
        for table in expected:
            assert got[table] == expected[table], f"{table} differs after import into {kind_of(target_url)}"
        assert {phase for phase, _, _ in seen} == {"check", "write", "project"}
        assert target.verify().ok

        # The imported store goes on: the next write lands right after the last imported position.
        written = target.services.organisation.register_unit(ADMIN, code="SAU-NHAP", name="Ban Sau Nhập",
                                                             kind="department")
        assert target.store.position() == last + 1
        target.projector.catch_up()
        assert target.projector.position() == last + 1
        assert target.db.query("SELECT aggregate_id FROM rm_log WHERE position = ?",
                               (last + 1,))[0]["aggregate_id"] == str(written.id)
        check = target.verify()
        assert check.ok and check.checked == last + 1


def test_an_exported_import_exports_the_same_file(source: Tracker, exported: list[bytes], target_url: str) -> None:
    with Tracker(target_url) as target:
        import_file(target, io.BytesIO(b"".join(exported)))
        assert list(export_lines(target)) == exported


def test_an_empty_store_exports_and_imports(database_url: str, target_url: str) -> None:
    with Tracker(database_url) as empty:
        lines = list(export_lines(empty))
    assert len(lines) == 1 and json.loads(lines[0])["count"] == 0
    with Tracker(target_url) as target:
        assert import_file(target, lines).count == 0
        assert target.store.position() == 0


def test_import_refuses_a_store_that_is_not_empty(source: Tracker, exported: list[bytes]) -> None:
    before = source.store.position()
    with pytest.raises(Conflict, match="kho trống"):
        import_file(source, exported)
    assert source.store.position() == before


# -- bad input -----------------------------------------------------------------------------------------

Mutation = Callable[[list[bytes]], tuple[list[bytes], int, str]]


def truncated(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    return lines[:-1], len(lines), "cắt cụt"


def cut_mid_line(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    return [*lines[:-1], lines[-1][: len(lines[-1]) // 2]], len(lines), "JSON"


def altered_byte(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = 40  # line 40: the 39th event
    event = json.loads(lines[n - 1])
    state = bytearray(base64.b64decode(event["state"]))
    state[len(state) // 2] ^= 0x01
    event["state"] = base64.b64encode(bytes(state)).decode()
    return [*lines[:n - 1], json.dumps(event).encode() + b"\n", *lines[n:]], n, "mã băm"


def swapped(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = 30
    out = list(lines)
    out[n - 1], out[n] = out[n], out[n - 1]
    return out, n, "mã băm"


def repeated(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = 20
    return [*lines[:n], lines[n - 1], *lines[n:]], n + 1, "không lớn hơn"


def count_too_high(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    header = json.loads(lines[0])
    header["count"] += 1
    return [json.dumps(header).encode() + b"\n", *lines[1:]], len(lines) + 1, "cắt cụt"


def count_too_low(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    header = json.loads(lines[0])
    header["count"] -= 1
    return [json.dumps(header).encode() + b"\n", *lines[1:]], len(lines), "thừa dòng"


def garbage_json(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = 10
    return [*lines[:n - 1], b'{"position": 9, "originatorId": \n', *lines[n:]], n, "JSON"


def wrong_type(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = 12
    event = json.loads(lines[n - 1])
    event["originatorVersion"] = "một"
    return [*lines[:n - 1], json.dumps(event).encode() + b"\n", *lines[n:]], n, "sai kiểu"


def position_out_of_range(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    n = len(lines)
    event = json.loads(lines[n - 1])
    event["position"] = 2**63
    return [*lines[:n - 1], json.dumps(event).encode() + b"\n"], n, "ngoài khoảng"


def wrong_head(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    header = json.loads(lines[0])
    header["head"] = "0" * 64
    return [json.dumps(header).encode() + b"\n", *lines[1:]], 1, "mã băm cuối"


def not_an_export(lines: list[bytes]) -> tuple[list[bytes], int, str]:
    return [b'{"hello": "world"}\n', *lines[1:]], 1, "tiêu đề"


BAD = [truncated, cut_mid_line, altered_byte, swapped, repeated, count_too_high, count_too_low, garbage_json,
       wrong_type, position_out_of_range, wrong_head, not_an_export]


def test_bad_files_are_refused_naming_the_line_and_the_store_stays_empty(
        exported: list[bytes], request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> None:
    target_url = new_store_url(kind_of(database_url), request, tmp_path)
    with Tracker(target_url) as target:
        for mutate in BAD:
            lines, line, reason = mutate(exported)
            with pytest.raises(InvalidInput) as refused:
                import_file(target, iter(lines))
            e = refused.value
            assert (e.field, e.value) == ("line", line), f"{mutate.__name__}: {e.message}"
            assert e.message.startswith(f"Dòng {line}: ") and reason in e.message, f"{mutate.__name__}: {e.message}"
            assert target.store.position() == 0, mutate.__name__
            assert target.db.query("SELECT * FROM tracker_chain") == [], mutate.__name__
            assert target.projector.position() == 0, mutate.__name__
        # Still empty and usable: the good file goes in.
        assert import_file(target, exported).count == len(exported) - 1


# -- the command line and the HTTP API ---------------------------------------------------------------

def test_cli_round_trip(source: Tracker, target_url: str, tmp_path: Path) -> None:
    url = source.store.config.env.get("SQLITE_DBNAME")
    source_url = f"sqlite:///{url}" if url else _pg_url(source)
    file = tmp_path / "log.ndjson"
    result = runner.invoke(app, ["export", "--output", str(file), "--database-url", source_url])
    assert result.exit_code == 0, result.output
    assert f"Đã xuất {source.store.position()} sự kiện" in result.output
    assert file.read_bytes() == b"".join(export_lines(source))

    to_stdout = runner.invoke(app, ["export", "--database-url", source_url])
    assert to_stdout.exit_code == 0, to_stdout.output
    assert to_stdout.stdout_bytes == file.read_bytes()

    result = runner.invoke(app, ["import", str(file), "--database-url", target_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"Đã nhập {source.store.position()} sự kiện" in result.output and "sự kiện/giây" in result.output
    assert chain_head(source) in result.output
    with Tracker(target_url) as target:
        assert chain_head(target) == chain_head(source)
        assert dump(target) == dump(source)

    again = runner.invoke(app, ["import", str(file), "--database-url", target_url])
    assert again.exit_code == 2 and "kho trống" in again.output


def test_cli_refuses_a_bad_file_in_vietnamese(exported: list[bytes], database_url: str, tmp_path: Path,
                                              request: pytest.FixtureRequest) -> None:
    target_url = new_store_url(kind_of(database_url), request, tmp_path)
    lines, line, _ = swapped(exported)
    file = tmp_path / "swapped.ndjson"
    file.write_bytes(b"".join(lines))
    result = runner.invoke(app, ["import", str(file), "--database-url", target_url], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"Dòng {line}:" in result.output and "trường: line" in result.output
    assert position_of(target_url) == 0

    missing = runner.invoke(app, ["import", str(tmp_path / "none.ndjson"), "--database-url", target_url])
    assert missing.exit_code == 2 and "không mở được" in missing.output


def _pg_url(tracker: Tracker) -> str:
    env = tracker.store.config.env
    return (f"postgresql://{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/"
            f"{env['POSTGRES_DBNAME']}?schema={env['POSTGRES_SCHEMA']}")


def test_http_export_for_auditors_imports_into_another_store(database_url: str, target_url: str) -> None:
    with api_client(database_url) as client:
        response = client.get("/api/v1/audit/export", headers=headers_for(client, "auditor"))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert "attachment" in response.headers["content-disposition"]
        lines = response.content.splitlines(keepends=True)
        header = json.loads(lines[0])
        assert header["count"] == len(lines) - 1 > 200

        inspector = client.get("/api/v1/audit/export", headers=headers_for(client, "inspector"))
        assert inspector.status_code == 403
        assert client.get("/api/v1/audit/export").status_code == 401

    with Tracker(target_url) as target:
        result = import_file(target, lines)
        assert result.head == header["head"] == chain_head(target)
        with Tracker(database_url) as original:
            assert export_header(original, catch_up=False).head == header["head"]
            assert dump(target) == dump(original)
