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
from domain.periods import Period
from domain.reporting import kpi_report_due
from projections.queries import ReadModel
from projections.reports import CityReport
from services import Services
from tests.api_support import demo_client, headers_for, items  # noqa: F401 (fixture)
from tests.conftest import ADMIN, HOME_AFFAIRS, INSPECTOR
from tracker.bootstrap import Tracker
from tracker.cli import app
from projections.report_files import report_docx, report_json, report_xlsx

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
    # Data window (issue 13 item 11): Điều 12 Nghị định 09/2019/NĐ-CP, 15/12/2025 – 14/06/2026, so the report is
    # evaluated on 14/06/2026 (it was 30/06/2026, the calendar half's end).
    assert report.period.code == "2026-H1" and report.evaluated_on == date(2026, 6, 14)
    assert (report.window.start, report.window.end, report.window.basis) == (
        date(2025, 12, 15), date(2026, 6, 14), "Điều 12 Nghị định 09/2019/NĐ-CP")
    # Plan 83's footnote 2 (item 8): for 2026 only the annual report is due, so a 2026-H1 report serves no
    # deadline (it served "trước ngày 10/06/2026" and "20/06/2026") and says why.
    assert report.deadlines == () and not report.due
    assert "Đối với năm 2026 thực hiện báo cáo cuối năm" in (report.not_due_reason or "")
    assert report.chain_head == reads.chain_head(report.position) and len(report.chain_head or "") == 64

    kpi = rows_by_unit(report, "kpi")
    on_target = kpi["Sở An Bình"]
    # the four targets set for the whole year (online procedures, digitised and electronic documents, trained
    # staff) are not evaluated on a half-year report: 4 met instead of 8
    assert (on_target["met"], on_target["missed"]) == (4, 0)
    assert on_target["online_share"] == "Đạt (60%)" and on_target["documents_cut"] == "Đạt (1105 / 1300)"
    assert on_target["staff_trained"] == "Chưa đánh giá (100%)"
    ward = kpi["Phường Bình Minh"]
    assert ward["submittedOn"] == "05/06/2026 (sửa 1 lần)"
    # 94.9% online procedures was "Không đạt"; it is now not evaluated, so the ward misses one target, not two
    assert (ward["online_share"], ward["conferences_cut"], ward["procedures_online"]) == (
        "Không đạt (56%)", "Đạt (18 / 20)", "Chưa đánh giá (94,9%)")
    assert (ward["met"], ward["missed"]) == (3, 1)
    # no 2026-H1 report is asked, so the silent commune is not "Chưa báo cáo" and is named nowhere as missing
    assert kpi["Xã Cát Tiên"]["submittedOn"] == "Không phải báo cáo"
    assert not any("chưa báo cáo:" in n for n in report.section("kpi").notes)
    assert report.section("kpi").total["submittedOn"] == "2/3 đơn vị"
    assert report.section("kpi").total["online_share"] == "1 đơn vị đạt"
    assert report.section("kpi").total["procedures_online"] == "Chưa đánh giá (báo cáo 6 tháng)"

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
    # counted to the window's end, 14/06/2026 (they were 30 and 61 days, counted to 30/06/2026)
    assert [(r["kind"], r["unit"], r["dueOn"], r["daysOverdue"]) for r in overdue] == [
        ("Nhiệm vụ", "Xã Cát Tiên", "31/05/2026", 14),
        ("Kiến nghị sau thanh tra", "Phường Bình Minh", "30/04/2026", 45)]


def test_facts_on_both_sides_of_each_cut_off_day(database_url: str) -> None:
    """Findings on 14 and 15 December 2025 and on 14 and 15 June 2026, one category each:
    each report counts exactly the days of its window (Điều 12 Nghị định 09/2019/NĐ-CP, or calendar)."""
    with Tracker(database_url) as tracker:
        s = tracker.services
        unit = s.organisation.register_unit(ADMIN, code="PX", name="Phường Xuân", kind="commune").id
        inspection = s.inspections.open_inspection(INSPECTOR, kind="planned", decision_no="1/QĐ-TTr",
                                                   decided_on=date(2025, 12, 1), target_unit_id=unit,
                                                   scope="Một cửa", team=["Trần Thị Lan"]).id
        for on, category in ((date(2025, 12, 14), "other"), (date(2025, 12, 15), "harassment"),
                             (date(2026, 6, 14), "shirking"), (date(2026, 6, 15), "late_handling")):
            s.inspections.record_finding(INSPECTOR, inspection, category=category, severity="less_serious",
                                         description="Vi phạm", occurred_on=on, official_ids=[])
        tracker.projector.catch_up()
        reads = ReadModel(tracker.db, tracker.projector)
        at = reads.as_of(today=date(2026, 12, 31))

        def counted(period: str, window: str = "nd09") -> set[str]:
            total = reads.city_report(period, at, window).section("findings").total
            return {k for k, v in total.items() if k not in ("unit", "all") and v}

        assert counted("2026-H1") == {"harassment", "shirking"}                 # 15/12/2025 – 14/06/2026
        assert counted("2026-H2") == {"late_handling"}                           # 15/06/2026 – 14/12/2026
        assert counted("2026") == {"harassment", "shirking", "late_handling"}    # 15/12/2025 – 14/12/2026
        assert counted("2025-H2") == {"other"}                                   # 15/06/2025 – 14/12/2025
        assert counted("2025") == {"other"}                                      # 15/12/2024 – 14/12/2025
        assert counted("2026-H1", "calendar") == {"shirking", "late_handling"}   # 01/01 – 30/06/2026
        assert counted("2025", "calendar") == {"other", "harassment"}            # 01/01 – 31/12/2025


def test_the_calendar_window_counts_to_the_end_of_june(city) -> None:
    _, reads, _ = city
    report = reads.city_report("2026-H1", reads.as_of(today=TODAY), "calendar")
    assert (report.window.start, report.window.end, report.evaluated_on) == (
        date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert report.window.text == "từ ngày 01/01/2026 đến ngày 30/06/2026 (kỳ dương lịch)"
    assert [r["daysOverdue"] for r in report.section("overdue").rows] == [30, 61]


def test_the_heads_section_is_the_scorecards(city) -> None:
    report, reads, _ = city
    cards = {c.official_name: c for c in reads.scorecards("2026-H1", reads.as_of(today=TODAY))}
    heads = {r["head"]: r for r in report.section("heads").rows}
    assert set(heads) == set(cards) == {"Lê Văn An", "Trần Thị Bích", "Hồ Văn Cát"}
    for name, row in heads.items():
        assert row["score"] == cards[name].score
    # the ward's KPI miss (−3: online share; 94.9% online procedures is no longer a miss on a half-year
    # report, it was −3 more), the criticism (−5), joint responsibility for a harassment (−8), the overdue
    # recommendation (−3); the silent commune: the late task (−3) only — no 2026-H1 report is due, so no
    # missing-report line (it was −5). Scores were 78 and 92.
    assert (heads["Trần Thị Bích"]["score"], heads["Hồ Văn Cát"]["score"], heads["Lê Văn An"]["score"]) == (
        81, 97, 100)
    assert any("kỳ dương lịch" in n for n in report.section("heads").notes)


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
    # 2026-H1 serves no deadline (Plan 83 footnote 2; it served "2026-06-10"), and its facts are those of
    # 15/12/2025 – 14/06/2026 (Điều 12 Nghị định 09/2019/NĐ-CP), both printed in the answer
    assert body["period"] == "2026-H1" and body["deadlines"] == [] and body["due"] is False
    assert "Đối với năm 2026 thực hiện báo cáo cuối năm" in body["notDueReason"]
    assert body["window"] == {"code": "nd09", "from": "2025-12-15", "to": "2026-06-14",
                              "basis": "Điều 12 Nghị định 09/2019/NĐ-CP",
                              "text": "từ ngày 15/12/2025 đến ngày 14/06/2026 (Điều 12 Nghị định 09/2019/NĐ-CP)"}
    assert any("kỳ dương lịch" in n for n in body["notes"]) and any("tự báo cáo" in n for n in body["notes"])
    verify = demo_client.get("/api/v1/audit/verify", headers=headers_for(demo_client, "auditor")).json()
    assert (body["position"], body["chainHead"]) == (verify["logPosition"], verify["head"])
    sections = {s["key"]: s for s in body["sections"]}
    cards = items(demo_client, "/api/v1/scorecards", period="2026-H1", limit=500)
    assert sorted((r["head"], r["score"]) for r in sections["heads"]["rows"]) == sorted(
        (c["officialName"], c["score"]) for c in cards)
    missing = [r["unit"] for r in sections["kpi"]["rows"] if r["submittedOn"] == "Chưa báo cáo"]
    # the demo's one unit without a 2026-H1 report was listed as missing; that report is not asked
    assert missing == []
    assert {r["unit"]: r["submittedOn"] for r in sections["kpi"]["rows"]}["Xã Định Quán"] == "Không phải báo cáo"
    decided = [c for c in items(demo_client, "/api/v1/discipline-cases", state="decided", limit=500)
               if "2025-12-15" <= c["decidedOn"] <= "2026-06-14"]
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
    info = {r[0]: r[1] for r in book["Thông tin chung"].iter_rows(values_only=True)}
    assert (info["Chốt số liệu từ ngày"], info["Chốt số liệu đến ngày"], info["Căn cứ chốt số liệu"]) == (
        "15/12/2025", "14/06/2026", "Điều 12 Nghị định 09/2019/NĐ-CP")
    docx = demo_client.get("/api/v1/reports/conclusion-226", headers=headers,
                           params={"period": "2026-H1", "format": "docx", "window": "calendar"})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "từ ngày 01/01/2026 đến ngày 30/06/2026 (kỳ dương lịch)" in text


def test_the_annual_report_serves_the_last_days_and_the_window_is_chosen_per_report(demo_client) -> None:
    headers = headers_for(demo_client, "auditor")
    year = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026"}, headers=headers).json()
    # "trước ngày 10/12" leaves 09/12 as the last day (and 19/12 before 20/12); units 5 days before, 04/12
    assert [(d["dueOn"], d["text"].split(" — ")[0]) for d in year["deadlines"]] == [
        ("2026-12-09", "hạn cuối 09/12/2026 (trước ngày 10/12/2026)"),
        ("2026-12-19", "hạn cuối 19/12/2026 (trước ngày 20/12/2026)")]
    assert year["due"] is True and year["unitReportsDueOn"] == "2026-12-04"
    assert (year["window"]["from"], year["window"]["to"]) == ("2025-12-15", "2026-12-14")
    calendar = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026", "window": "calendar"},
                               headers=headers).json()
    assert (calendar["window"]["from"], calendar["window"]["to"], calendar["window"]["basis"]) == (
        "2026-01-01", "2026-12-31", "kỳ dương lịch")
    # the KPI figures are the units' own reports, not windowed: both windows show the same KPI table
    assert calendar["sections"][0]["rows"] == year["sections"][0]["rows"]


@pytest.mark.parametrize("window", ["quarter", "ND09X", ""])
def test_a_bad_window_is_refused_in_vietnamese(demo_client, window: str) -> None:
    bad = demo_client.get("/api/v1/reports/conclusion-226", params={"period": "2026-H1", "window": window},
                          headers=headers_for(demo_client, "home_affairs"))
    assert bad.status_code == 400, bad.text
    body = bad.json()
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert body["field"] == "window" and "Điều 12 Nghị định 09/2019/NĐ-CP" in body["detail"]


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
    # 2026-H1 is not due (it showed "trước ngày 10/06/2026"); the window is printed with its basis
    assert "Đối với năm 2026 thực hiện báo cáo cuối năm" in shown.text and "Xã Định Quán" in shown.text
    assert "15/12/2025 – 14/06/2026" in shown.text and "Điều 12 Nghị định 09/2019/NĐ-CP" in shown.text
    annual = demo_client.get("/bao-cao?ky=2026&chot-so-lieu=calendar")
    assert "hạn cuối 09/12/2026 (trước ngày 10/12/2026)" in annual.text
    assert "01/01/2026 – 31/12/2026" in annual.text and 'value="calendar" selected' in annual.text
    bad_window = demo_client.get("/bao-cao?ky=2026&chot-so-lieu=quy")
    assert bad_window.status_code == 400 and 'id="chot-error"' in bad_window.text
    for fmt, media in (("xlsx", XLSX), ("docx", DOCX)):
        got = demo_client.get(f"/bao-cao/tai?ky=2026-H1&dinh-dang={fmt}&chot-so-lieu=calendar")
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
    # only reports the plan asks (never 2026-H1 nor a second half), each on its last day (9th or 19th)
    assert all(kpi_report_due(Period.parse(period)) for period, _ in city_reports)
    assert {date.fromisoformat(on).day for _, on in city_reports} <= {9, 19}
    kpi = [d for d in due if d["kind"] == "kpi_report"]
    assert all(kpi_report_due(Period.parse(d["period"])) for d in kpi)
    units = items(demo_client, "/api/v1/units", limit=500)
    for period in {d["period"] for d in kpi}:
        missing = {d["unitId"] for d in kpi if d["period"] == period}
        sent = {u["id"] for u in units
                if demo_client.get(f"/api/v1/units/{u['id']}/kpi-reports/{period}",
                                   headers=headers_for(demo_client, "admin")).status_code == 200}
        assert missing == {u["id"] for u in units} - sent


def test_the_deadlines_view_on_both_sides_of_the_2026_footnote(city) -> None:
    _, reads, _ = city

    def listed(today: date) -> list[tuple[str, str | None, date, str]]:
        return [(d.kind, d.period, d.due_on, d.title) for d in reads.deadlines(30, reads.as_of(today=today))
                if d.kind in ("city_report", "kpi_report")]

    # June 2026: no 2026-H1 report is asked — it listed the city report (10/06, 20/06) and the units (05/06)
    assert listed(date(2026, 6, 1)) == []
    # December 2026: the annual report, on its last days, and the three units that have not sent 2026's
    december = listed(date(2026, 12, 1))
    assert [(k, p, on) for k, p, on, _ in december if k == "city_report"] == [
        ("city_report", "2026", date(2026, 12, 9)), ("city_report", "2026", date(2026, 12, 19))]
    assert "trước ngày 10/12/2026" in december[-2][3] or any("trước ngày 10/12/2026" in t for *_, t in december)
    assert sorted(t.split(" chưa gửi")[0] for k, _, on, t in december if k == "kpi_report") == [
        "Phường Bình Minh", "Sở An Bình", "Xã Cát Tiên"]
    assert {on for k, _, on, _ in december if k == "kpi_report"} == {date(2026, 12, 4)}
    # June 2027: the first half-year report the plan asks
    june = listed(date(2027, 6, 1))
    assert ("city_report", "2027-H1", date(2027, 6, 9)) in [(k, p, on) for k, p, on, _ in june]
    assert {p for k, p, _, _ in june if k == "kpi_report"} == {"2027-H1"}


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
    result = runner.invoke(app, ["report", "--period", "2026-H1", "--window", "calendar", "--database-url",
                                 database_url])
    assert result.exit_code == 0 and json.loads(result.stdout)["window"]["to"] == "2026-06-30"
    result = runner.invoke(app, ["report", "--period", "2026-H1", "--window", "quy", "--database-url", database_url])
    assert result.exit_code == 2 and "09/2019/NĐ-CP" in result.output and "calendar" in result.output


def test_the_json_answer_is_the_same_tables(city) -> None:
    report, _, _ = city
    body = report_json(report)
    assert [s["key"] for s in body["sections"]] == [s.key for s in report.sections]
    assert body["sections"][0]["rows"] == report.sections[0].rows
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body
