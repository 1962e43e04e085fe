"""Issue 14, item 1: one boundary for text. A control character or an over-long text is refused with a
400 naming the field, before any event exists, whatever route sent it; history that already holds
such text (from an older store) is projected and reported safely. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import msgspec
import pytest
from docx import Document
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from litestar.testing import TestClient
from openpyxl import load_workbook

from domain.organisation import Unit
from tests.api_support import api_client, assert_problem, headers_for, position

HOSTILE = ["a\u0000b", "Phường A\u000bB", "x\u001by", "\u0007chuông"]


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient[Any]]:
    with api_client(database_url, seed=False) as test_client:
        yield test_client


def new_unit(client: TestClient[Any], code: str, name: str) -> Any:
    return client.post("/api/v1/units", json={"code": code, "name": name, "kind": "department"},
                       headers=headers_for(client, "admin"))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_control_character_is_refused_naming_the_field_and_nothing_is_stored(client, text: str) -> None:
    unit = new_unit(client, "S-OK", "Sở Ổn định").json()["id"]
    before = position(client)
    assert_problem(new_unit(client, "S-BAD", text), 400, field="name")
    inspection = client.post("/api/v1/inspections", headers=headers_for(client, "inspector"), json={
        "kind": "planned", "decisionNo": "1/QĐ", "decidedOn": "2026-03-02", "targetUnitId": unit,
        "scope": text, "team": ["Lê Văn Hùng"]})
    body = assert_problem(inspection, 400, field="scope")
    assert "ký tự điều khiển" in body["detail"]
    team = client.post("/api/v1/inspections", headers=headers_for(client, "inspector"), json={
        "kind": "planned", "decisionNo": "2/QĐ", "decidedOn": "2026-03-02", "targetUnitId": unit,
        "scope": "Thu chi", "team": ["Lê Văn Hùng", text]})
    assert_problem(team, 400, field="team[1]")
    assert position(client) == before
    # the read side keeps moving: the next write is read back at once
    assert new_unit(client, "S-NEXT", "Sở Tiếp theo").status_code == 201
    names = [u["name"] for u in client.get("/api/v1/units", headers=headers_for(client, "auditor")).json()["items"]]
    assert "Sở Tiếp theo" in names


def test_tab_and_newline_are_text(client) -> None:
    answer = new_unit(client, "S-TAB", "Sở\tKế hoạch\nvà Đầu tư")
    assert answer.status_code == 201, answer.text


def test_no_text_is_longer_than_the_limit(client) -> None:
    unit = new_unit(client, "S-LONG", "Sở Dài").json()["id"]
    official = client.post("/api/v1/officials", headers=headers_for(client, "admin"), json={
        "personnelCode": "L-1", "fullName": "Cán bộ L", "category": "civil_servant", "unitId": unit}).json()["id"]
    task = client.post("/api/v1/tasks", headers=headers_for(client, "home_affairs"), json={
        "planRef": "83/KH-UBND", "rowNo": "1", "title": "Nhiệm vụ", "leadUnitId": unit,
        "responsibleOfficialId": official, "responsibility": "Chủ trì", "coordinatingUnitIds": [],
        "expectedResult": "Kết quả", "assignedOn": "2026-01-10", "dueOn": "2026-12-31"})
    assert task.status_code == 201, task.text
    before = position(client)
    progress = client.post(f"/api/v1/tasks/{task.json()['id']}/progress", headers=headers_for(client, "home_affairs"),
                           json={"on": "2026-03-01", "percent": 10, "note": "x" * 9_000_000})
    assert progress.status_code in (400, 413), progress.text[:300]
    assert position(client) == before


def _raw_unit(client: TestClient[Any], code: str, name: str) -> None:
    """A unit as an older store could hold it (its text was not checked then)."""
    tracker = client.app.state.tracker
    state = msgspec.json.encode({
        "timestamp": "2025-01-15T08:00:00Z", "originator_topic": get_topic(Unit),
        "recorded_by": {"user_id": "admin", "role": "admin"}, "code": code, "name": name, "kind": "department"})
    tracker.store.app.recorder.insert_events([StoredEvent(
        originator_id=Unit.id_for(code), originator_version=1, topic=get_topic(Unit.Registered), state=state)])
    tracker.projector.catch_up()


def test_history_holding_control_characters_is_projected_and_reported_safely(client) -> None:
    _raw_unit(client, "S-OLD", "Sở\u0000Cũ\u000b")
    _raw_unit(client, "S-EQ", '=HYPERLINK("http://x","bấm")')
    admin = headers_for(client, "admin")
    names = {u["code"]: u["name"] for u in client.get("/api/v1/units", headers=admin).json()["items"]}
    assert names["S-OLD"] == "Sở␀Cũ␋"  # each control character shown as its picture
    # the log itself is untouched: it still verifies
    assert client.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True
    # and both report files download and open
    year = str(date.today().year if date.today().year <= 2100 else 2026)
    for fmt in ("xlsx", "docx"):
        answer = client.get("/api/v1/reports/conclusion-226", headers=admin, params={"period": year, "format": fmt})
        assert answer.status_code == 200, answer.text[:300]
        if fmt == "xlsx":
            book = load_workbook(io.BytesIO(answer.content))
            cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
            formula = [c for c in cells if c.value.startswith("=HYPERLINK")]
            assert formula and all(c.data_type == "s" for c in formula)  # text, never a formula
            assert any("Sở␀Cũ␋" == c.value for c in cells)
        else:
            text = "\n".join(cell.text for table in Document(io.BytesIO(answer.content)).tables
                             for row in table.rows for cell in row.cells)
            assert "Sở␀Cũ␋" in text


FORMULA_LIKE = ["=1+1", '=HYPERLINK("http://x","bấm")', "+84 251 382 2222", "-2+3", "@SUM(A1:A9)",
                "=cmd|' /C calc'!A0"]


def test_formula_like_names_are_text_in_every_sheet_of_the_workbook(client) -> None:
    """A unit named like a formula (typed through the API: such text is legal) is text in the .xlsx, never a
    formula, and marked quoted so that editing the cell in Excel or LibreOffice does not make it one."""
    admin = headers_for(client, "admin")
    for n, name in enumerate(FORMULA_LIKE):
        assert new_unit(client, f"S-F{n}", name).status_code == 201
    year = str(date.today().year if date.today().year <= 2100 else 2026)
    answer = client.get("/api/v1/reports/conclusion-226", headers=admin, params={"period": year, "format": "xlsx"})
    assert answer.status_code == 200, answer.text[:300]
    book = load_workbook(io.BytesIO(answer.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    found = [c for c in cells if c.value in FORMULA_LIKE]
    assert {c.value for c in found} == set(FORMULA_LIKE)
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)
    assert len({c.parent.title for c in found}) > 1  # the units' names appear in several sheets


def test_a_cell_starting_with_a_tab_or_carriage_return_is_quoted_text_too() -> None:
    """(Names are trimmed at the boundary, so a leading tab or CR reaches a cell only from other text.)"""
    from openpyxl import Workbook

    from projections.report_files import _put
    sheet = Workbook().active
    for row, text in enumerate(["\t=1+1", "\r=1+1", "Sở Nội vụ", "1+1"], start=1):
        _put(sheet, row, 1, text)
    out = io.BytesIO()
    sheet.parent.save(out)
    cells = [row[0] for row in load_workbook(io.BytesIO(out.getvalue())).active.iter_rows()]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ("\t=1+1", "s", True), ("\r=1+1", "s", True), ("Sở Nội vụ", "s", False), ("1+1", "s", False)]


def test_an_older_store_with_a_nul_exports_and_imports_whole(database_url: str, tmp_path) -> None:
    """An older SQLite store kept a NUL in a name: its export imports into either backend in full, the
    read models show the picture, and the log and its chain are the same as the source's."""
    from tracker.bootstrap import Tracker
    from projections.export import export_lines
    from tracker.transfer import import_file

    with api_client(f"sqlite:///{tmp_path / 'old.db'}", seed=False) as old:
        _raw_unit(old, "S-NUL", "Sở\u0000Cũ")
        new_unit(old, "S-AFTER", "Sở Sau")
        exported = list(export_lines(old.app.state.tracker))
    with Tracker(database_url) as target:
        import_file(target, iter(exported))
        assert target.verify().ok
        assert list(export_lines(target)) == exported
        names = {r["code"]: r["name"] for r in target.db.query("SELECT code, name FROM rm_units WHERE pos_to IS NULL")}
        assert names == {"S-NUL": "Sở␀Cũ", "S-AFTER": "Sở Sau"}


@pytest.mark.parametrize("body", ["[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000,
                                  "\xff\xfe", "code=a&name=b"])
def test_hostile_bodies_answer_400_in_vietnamese(client, body: str) -> None:
    before = position(client)
    answer = client.post("/api/v1/units", content=body.encode("utf-8", "surrogateescape"),
                         headers={**headers_for(client, "admin"), "content-type": "application/json"})
    problem = assert_problem(answer, 400)
    assert "JSON" in problem["detail"] and ("không" in problem["detail"] or "lồng" in problem["detail"])
    assert position(client) == before


@pytest.mark.parametrize("header", ["9" * 5000, "1" * 19, "-1", "abc"])
def test_an_implausible_if_match_is_400(client, header: str) -> None:
    unit = new_unit(client, "S-IM", "Sở If-Match").json()["id"]
    answer = client.post(f"/api/v1/units/{unit}/heads", json={"officialId": unit, "since": "2026-01-01"},
                         headers={**headers_for(client, "admin"), "If-Match": header})
    assert_problem(answer, 400, field="If-Match")


@pytest.mark.parametrize("path", ["/su-kien/" + "9" * 30, "/nhat-ky?sau=" + "9" * 30, "/vu-viec/" + "9" * 30,
                                  "/khong-co-trang-nay", "/can-bo/xyz"])
def test_a_hostile_page_address_answers_a_vietnamese_page_never_json_or_5xx(client, path: str) -> None:
    from tests.test_web_inspector import sign_in

    sign_in(client, "auditor")
    answer = client.get(path)
    # a page for an address no record has (4xx), or the log from after its end (200, empty): never 5xx
    assert answer.status_code < 500 and (answer.status_code >= 400 or "sau=" in path), (path, answer.status_code)
    assert answer.headers["content-type"].startswith("text/html"), answer.headers["content-type"]
    assert '<html lang="vi">' in answer.text


def test_a_huge_number_in_an_api_query_or_path_is_400(client) -> None:
    auditor = headers_for(client, "auditor")
    for path in ("/api/v1/audit/events?after=" + "9" * 30, "/api/v1/audit/streams/" + "9" * 30):
        answer = client.get(path, headers=auditor)
        assert 400 <= answer.status_code < 500 and answer.headers["content-type"].startswith(
            "application/problem+json"), (path, answer.status_code)
