"""The Conclusion 226 report: exact figures of a scripted half-year (targets met and missed at their
boundaries), the same tables in the .xlsx and .docx opened again cell by cell, a PDF rendered by
LibreOffice, the demo city's 2026-H1 report through the API and the web UI, the CLI, and the reporting
deadlines in the deadlines view."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from domain.inspections import RecommendationInput
from domain.kpi import KpiFigures
from projections.queries import ReadModel
from projections.reports import CityReport
from services import Services
from tests.api_support import demo_client, headers_for, items  # noqa: F401 (fixture)
from tests.conftest import ADMIN, HOME_AFFAIRS, INSPECTOR
from tracker.bootstrap import Tracker
from tracker.cli import app
from tracker.report_files import report_docx, report_json, report_xlsx

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TODAY = date(2026, 11, 22)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def figures(total: int, online: int, documents: int, procedures: float = 95, digitised: float = 95,
            electronic: float = 100, trained: float = 100, days: tuple[float, float, float] = (0.5, 1, 1.5)
            ) -> KpiFigures:
    return KpiFigures(conferences_total=total, conferences_online=online, longest_indoctrination_days=days[0],
                      longest_professional_days=days[1], longest_important_days=days[2], documents_issued=documents,
                      procedures_online_pct=procedures, documents_digitised_pct=digitised,
                      electronic_sending_pct=electronic, staff_trained_pct=trained)


def write_city(s: Services) -> dict[str, Any]:
    """Three units in 2026-H1: one exactly on every target, one just past three of them, one silent."""
    o = s.organisation
    ids: dict[str, Any] = {}
    for code, name, kind in (("SA", "Sở An Bình", "department"), ("PB", "Phường Bình Minh", "commune"),
                             ("XC", "Xã Cát Tiên", "commune")):
        ids[code] = o.register_unit(ADMIN, code=code, name=name, kind=kind).id
    for code, name, unit in (("SA-1", "Lê Văn An", "SA"), ("PB-1", "Trần Thị Bích", "PB"), ("XC-1", "Hồ Văn Cát", "XC"),
                             ("PB-9", "Ngô Văn Chín", "PB")):
        ids[code] = o.register_official(ADMIN, personnel_code=code, full_name=name,
                                        category="civil_servant" if code != "XC-1" else "cadre",
                                        unit_id=ids[unit], is_leader=code.endswith("-1")).id
    for unit in ("SA", "PB", "XC"):
        o.appoint_head(ADMIN, ids[unit], official_id=ids[f"{unit}-1"], since=date(2025, 1, 1))

    # KPI: Sở An Bình on every boundary (60% online, −10% conferences, −15% documents, 95%, 100%, the caps);
    # Phường Bình Minh one step past three of them; Xã Cát Tiên sends nothing for 2026-H1.
    kpi = s.kpi
    kpi.put_report(HOME_AFFAIRS, ids["SA"], "2025-H1", reported_on=date(2025, 6, 3), figures=figures(100, 60, 1300))
    kpi.put_report(HOME_AFFAIRS, ids["SA"], "2026-H1", reported_on=date(2026, 6, 4), figures=figures(90, 54, 1105))
    kpi.put_report(HOME_AFFAIRS, ids["PB"], "2025-H1", reported_on=date(2025, 6, 3), figures=figures(20, 12, 200))
    kpi.put_report(HOME_AFFAIRS, ids["PB"], "2026-H1", reported_on=date(2026, 6, 5),
                   figures=figures(19, 11, 170, procedures=94.9))          # 57.9% online, −5% conferences, 94.9%
    kpi.put_report(HOME_AFFAIRS, ids["PB"], "2026-H1", reported_on=date(2026, 6, 20),
                   figures=figures(18, 10, 170, procedures=94.9), reason="Bớt một hội nghị trùng")  # 55.6%, −10%

    # Inspections: a planned one of the ward, concluded in the period with two findings; a surprise one of
    # the department, still open. One finding of the ward leads to a reprimand.
    insp = s.inspections
    i1 = insp.open_inspection(INSPECTOR, kind="planned", decision_no="10/QĐ-TTr", decided_on=date(2026, 2, 1),
                              target_unit_id=ids["PB"], scope="Một cửa", team=["Trần Thị Lan"]).id
    f1 = insp.record_finding(INSPECTOR, i1, category="harassment", severity="serious", description="Nhũng nhiễu",
                             occurred_on=date(2026, 1, 20), official_ids=[ids["PB-9"]]).finding_id
    insp.record_finding(INSPECTOR, i1, category="late_handling", severity="less_serious", description="Chậm",
                        occurred_on=date(2026, 1, 25), official_ids=[])
    rec = insp.conclude(INSPECTOR, i1, conclusion_no="3/KL-TTr", concluded_on=date(2026, 3, 10),
                        recommendations=[RecommendationInput("Xin lỗi người dân", date(2026, 4, 30), ids["PB"])])
    i2 = insp.open_inspection(INSPECTOR, kind="surprise", decision_no="11/QĐ-TTr", decided_on=date(2026, 5, 2),
                              target_unit_id=ids["SA"], scope="Hội họp", team=["Lương Văn Đức"]).id
    insp.record_finding(INSPECTOR, i2, category="meeting_rules", severity="less_serious", description="Họp dài",
                        occurred_on=date(2026, 4, 15), official_ids=[])
    case = s.discipline.open_case(HOME_AFFAIRS, official_id=ids["PB-9"], inspection_id=i1, finding_id=f1,
                                  category="harassment", nature="self_interest", severity="serious",
                                  occurred_on=date(2026, 1, 20), detected_on=date(2026, 2, 15)).id
    s.discipline.decide(HOME_AFFAIRS, case, form="reprimand", decision_no="20/QĐ-UBND", decided_on=date(2026, 4, 2))

    # Accountability: the department's head commended, the ward's criticised (joint responsibility).
    acc = s.accountability
    acc.make_decision(HOME_AFFAIRS, head_official_id=ids["SA-1"], unit_id=ids["SA"], responsibility="personal",
                      outcome="commendation", decided_on=date(2026, 6, 1), reason="Giảm họp đúng chỉ tiêu")
    acc.make_decision(HOME_AFFAIRS, head_official_id=ids["PB-1"], unit_id=ids["PB"], responsibility="joint",
                      outcome="criticism", decided_on=date(2026, 5, 10), reason="Để cán bộ nhũng nhiễu")

    # A task of the plan due in the period and not done.
    s.tasks.assign(HOME_AFFAIRS, plan_ref="83/KH-UBND", row_no="1", title="Ban hành kế hoạch", lead_unit_id=ids["XC"],
                   responsible_official_id=ids["XC-1"], responsibility="Chủ trì", coordinating_unit_ids=[],
                   expected_result="Kế hoạch", assigned_on=date(2026, 1, 5), deadline_text="Tháng 5 năm 2026")
    ids["recommendation"] = rec.recommendation_ids[0]
    return ids


@pytest.fixture
def city(database_url: str):
    with Tracker(database_url) as tracker:
        ids = write_city(tracker.services)
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        yield reads.city_report("2026-H1", reads.as_of(today=TODAY)), reads, ids


def rows_by_unit(report: CityReport, key: str) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in report.section(key).rows}


def test_the_scripted_half_year_in_exact_figures(city) -> None:
    report, reads, _ = city
    assert report.period.code == "2026-H1" and report.evaluated_on == date(2026, 6, 30)
    assert [d.text for d in report.deadlines] == [
        "trước ngày 10/06/2026 — Ủy ban nhân dân thành phố (báo cáo Bộ Nội vụ, Chính phủ)",
        "trước ngày 20/06/2026 — Thành ủy, Ủy ban nhân dân thành phố"]
    assert report.chain_head == reads.chain_head(report.position) and len(report.chain_head or "") == 64

    kpi = rows_by_unit(report, "kpi")
    on_target = kpi["Sở An Bình"]
    assert (on_target["met"], on_target["missed"]) == (8, 0)
    assert on_target["online_share"] == "Đạt (60%)" and on_target["documents_cut"] == "Đạt (1105 / 1300)"
    ward = kpi["Phường Bình Minh"]
    assert ward["submittedOn"] == "05/06/2026 (sửa 1 lần)"
    assert (ward["online_share"], ward["conferences_cut"], ward["procedures_online"]) == (
        "Không đạt (56%)", "Đạt (18 / 20)", "Không đạt (94,9%)")
    assert (ward["met"], ward["missed"]) == (6, 2)
    assert kpi["Xã Cát Tiên"]["submittedOn"] == "Chưa báo cáo"
    assert report.section("kpi").total["submittedOn"] == "2/3 đơn vị"
    assert report.section("kpi").total["online_share"] == "1 đơn vị đạt"

    inspections = report.section("inspections").total
    assert (inspections["planned"], inspections["surprise"], inspections["opened"], inspections["concluded"],
            inspections["findings"]) == (1, 1, 2, 1, 3)
    findings = rows_by_unit(report, "findings")
    assert (findings["Phường Bình Minh"]["harassment"], findings["Phường Bình Minh"]["late_handling"],
            findings["Sở An Bình"]["meeting_rules"], report.section("findings").total["all"]) == (1, 1, 1, 3)
    discipline = rows_by_unit(report, "discipline")["Phường Bình Minh"]
    assert (discipline["reprimand"], discipline["open"]) == (1, 0)
    accountability = rows_by_unit(report, "accountability")
    assert accountability["Sở An Bình"]["commendation"] == 1
    assert (accountability["Phường Bình Minh"]["criticism"], accountability["Phường Bình Minh"]["joint"]) == (1, 1)
    overdue = report.section("overdue").rows
    assert [(r["kind"], r["unit"], r["dueOn"], r["daysOverdue"]) for r in overdue] == [
        ("Nhiệm vụ", "Xã Cát Tiên", "31/05/2026", 30),
        ("Kiến nghị sau thanh tra", "Phường Bình Minh", "30/04/2026", 61)]


def test_the_heads_section_is_the_scorecards(city) -> None:
    report, reads, _ = city
    cards = {c.official_name: c for c in reads.scorecards("2026-H1", reads.as_of(today=TODAY))}
    heads = {r["head"]: r for r in report.section("heads").rows}
    assert set(heads) == set(cards) == {"Lê Văn An", "Trần Thị Bích", "Hồ Văn Cát"}
    for name, row in heads.items():
        assert row["score"] == cards[name].score
    # the ward's KPI misses (−3 × 2), the criticism (−5), joint responsibility for a harassment (−8),
    # the overdue recommendation (−3); the silent commune: no report (−5) and the late task (−3)
    assert (heads["Trần Thị Bích"]["score"], heads["Hồ Văn Cát"]["score"], heads["Lê Văn An"]["score"]) == (
        78, 92, 100)


def test_the_workbook_holds_the_same_tables_cell_by_cell(city) -> None:
    report, _, _ = city
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames[0] == "Thông tin chung" and len(book.sheetnames) == 1 + len(report.sections)
    info = {r[0]: r[1] for r in book["Thông tin chung"].iter_rows(values_only=True)}
    assert info["Kỳ báo cáo"] == "2026-H1" and info["Vị trí nhật ký"] == report.position
    assert info["Mã băm chuỗi"] == report.chain_head
    for sheet_name, section in zip(book.sheetnames[1:], report.sections, strict=True):
        sheet = book[sheet_name]
        assert sheet.cell(1, 1).value == section.title
        assert [c.value for c in sheet[3]] == [c.title for c in section.columns]
        expected = [[_cell(row.get(c.key)) for c in section.columns] for row in section.rows]
        if section.total is not None:
            expected.append([_cell(section.total.get(c.key)) for c in section.columns])
        got = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
        assert got == expected, section.key


def _cell(value: Any) -> Any:
    return None if value == "" else value  # an empty text is an empty cell


def test_the_word_report_has_the_heading_block_numbered_sections_and_the_same_tables(city) -> None:
    report, _, _ = city
    doc = Document(io.BytesIO(report_docx(report)))
    block = doc.tables[0]
    assert "SỞ NỘI VỤ" in block.cell(0, 0).text and "/BC-SNV" in block.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in block.cell(0, 1).text
    assert "Độc lập - Tự do - Hạnh phúc" in block.cell(0, 1).text
    text = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA KẾT LUẬN 226-KL/TW",
                            "II. CÔNG TÁC THANH TRA, KIỂM TRA CÔNG VỤ",
                            "III. PHÁT HIỆN VI PHẠM THEO NHÓM HÀNH VI (XẢY RA TRONG KỲ)"]
    assert headings[-1] == "VIII. KIẾN NGHỊ"
    assert any(report.chain_head in t for t in text)
    data_tables = doc.tables[1:1 + len(report.sections)]
    for table, section in zip(data_tables, report.sections, strict=True):
        cells = [[c.text for c in row.cells] for row in table.rows]
        assert cells[0] == ["TT", *(c.title for c in section.columns)]
        for n, row in enumerate(section.rows, start=1):
            assert cells[n] == [str(n), *(_shown(row.get(c.key)) for c in section.columns)], section.key
        if section.total is not None:
            assert cells[-1][1] == "Toàn thành phố"


def _shown(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def test_libreoffice_renders_the_word_report_to_the_expected_pages(city, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if IN_CI:
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed")
    from pypdf import PdfReader

    report, _, _ = city
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(report_docx(report))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pages = [p.extract_text() for p in PdfReader(tmp_path / "bao-cao.pdf").pages]
    assert 2 <= len(pages) <= 8  # a landscape report: heading and KPI table first, the rest after
    first = " ".join(pages[0].split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first
    everything = " ".join(" ".join(p.split()) for p in pages)
    for heading in ("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "VII. NHIỆM VỤ, KIẾN NGHỊ QUÁ HẠN", "VIII. KIẾN NGHỊ",
                    "GIÁM ĐỐC", "Xã Cát Tiên"):
        assert heading in everything, heading


# -- the demo city, through the API, the web UI and the CLI ----------------------------------------------

def test_the_demo_citys_2026_h1_report_downloads_in_three_formats_and_agrees_with_the_scorecards(
        demo_client) -> None:
    headers = headers_for(demo_client, "home_affairs")
    answer = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026-H1"}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["period"] == "2026-H1" and body["deadlines"][0]["dueOn"] == "2026-06-10"
    verify = demo_client.get("/api/v1/audit/verify", headers=headers_for(demo_client, "auditor")).json()
    assert (body["position"], body["chainHead"]) == (verify["logPosition"], verify["head"])
    sections = {s["key"]: s for s in body["sections"]}
    cards = items(demo_client, "/api/v1/scorecards", period="2026-H1", limit=500)
    assert sorted((r["head"], r["score"]) for r in sections["heads"]["rows"]) == sorted(
        (c["officialName"], c["score"]) for c in cards)
    missing = [r["unit"] for r in sections["kpi"]["rows"] if r["submittedOn"] == "Chưa báo cáo"]
    assert missing == ["Xã Định Quán"]  # the demo's one unit without a 2026-H1 report
    decided = [c for c in items(demo_client, "/api/v1/discipline-cases", state="decided", limit=500)
               if "2026-01-01" <= c["decidedOn"] <= "2026-06-30"]
    total = sections["discipline"]["total"]
    assert sum(total[f] for f in ("reprimand", "warning", "salary_step_down", "demotion", "removal_from_post",
                                  "dismissal", "recall")) == len(decided)
    for fmt, media in (("xlsx", XLSX), ("docx", DOCX)):
        download = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026-H1", "format": fmt},
                                   headers=headers)
        assert download.status_code == 200 and download.headers["content-type"].startswith(media)
        assert f"bao-cao-ket-luan-226-2026-H1.{fmt}" in download.headers["content-disposition"]
    book = load_workbook(io.BytesIO(demo_client.get("/api/v1/reports/conclusion-226", headers=headers, params={
        "period": "2026-H1", "format": "xlsx"}).content))
    assert book["Thông tin chung"]["B7"].value == body["chainHead"]


def test_the_report_is_for_analysts_and_refuses_a_bad_period_or_format(demo_client) -> None:
    inspector = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026-H1"},
                                headers=headers_for(demo_client, "inspector"))
    assert inspector.status_code == 403
    headers = headers_for(demo_client, "auditor")
    bad = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026-Q2"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["field"] == "period"
    bad = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026", "format": "pdf"},
                          headers=headers)
    assert bad.status_code == 400


def test_the_web_page_shows_the_report_and_offers_both_downloads(demo_client) -> None:
    import re

    page = demo_client.get("/dang-nhap")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    demo_client.post("/dang-nhap", data={"username": "api.noivu", "password": "mat-khau-thu-nghiem",
                                         "_csrf_token": token})
    shown = demo_client.get("/bao-cao?ky=2026-H1")
    assert shown.status_code == 200 and "I. Kết quả thực hiện các chỉ tiêu" in shown.text
    assert "trước ngày 10/06/2026" in shown.text and "Xã Định Quán" in shown.text
    for fmt, media in (("xlsx", XLSX), ("docx", DOCX)):
        got = demo_client.get(f"/bao-cao/tai?ky=2026-H1&dinh-dang={fmt}")
        assert got.status_code == 200 and got.headers["content-type"].startswith(media)
    bad = demo_client.get("/bao-cao?ky=2026-Q3")
    assert bad.status_code == 400 and 'id="ky-error"' in bad.text and 'value="2026-Q3"' in bad.text
    demo_client.post("/dang-xuat", data={"_csrf_token": re.search(
        r'name="_csrf_token" value="([^"]+)"', shown.text).group(1)})


def test_the_deadlines_view_lists_the_reports_due_and_the_units_that_have_not_sent_theirs(demo_client) -> None:
    due = demo_client.get("/api/v1/deadlines", params={"withinDays": 400},
                          headers=headers_for(demo_client, "home_affairs")).json()
    city_reports = {(d["period"], d["dueOn"]) for d in due if d["kind"] == "city_report"}
    assert city_reports and all(d["aggregateId"] is None for d in due if d["kind"] == "city_report")
    kpi = [d for d in due if d["kind"] == "kpi_report"]
    units = items(demo_client, "/api/v1/units", limit=500)
    for period in {d["period"] for d in kpi}:
        missing = {d["unitId"] for d in kpi if d["period"] == period}
        sent = {u["id"] for u in units
                if demo_client.get(f"/api/v1/units/{u['id']}/kpi-reports/{period}",
                                   headers=headers_for(demo_client, "admin")).status_code == 200}
        assert missing == {u["id"] for u in units} - sent


def test_the_cli_writes_the_report_and_refuses_an_unknown_format(tmp_path: Path, database_url: str) -> None:
    with Tracker(database_url) as tracker:
        write_city(tracker.services)
    runner = CliRunner()
    out = tmp_path / "bao-cao.xlsx"
    result = runner.invoke(app, ["report", "--period", "2026-H1", "--format", "xlsx", "-o", str(out),
                                 "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == "Thông tin chung"
    result = runner.invoke(app, ["report", "--period", "2026-H1", "--database-url", database_url])
    assert result.exit_code == 0 and json.loads(result.stdout)["period"] == "2026-H1"
    result = runner.invoke(app, ["report", "--period", "2026-H1", "--format", "pdf", "--database-url", database_url])
    assert result.exit_code == 2 and "xlsx" in result.output


def test_the_json_answer_is_the_same_tables(city) -> None:
    report, _, _ = city
    body = report_json(report)
    assert [s["key"] for s in body["sections"]] == [s.key for s in report.sections]
    assert body["sections"][0]["rows"] == report.sections[0].rows
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body
