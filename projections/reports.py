"""The city's Conclusion 226 report for a period (Kế hoạch 83/KH-UBND, mục IV.1.b and row 17), compiled
from the read models at one log position: per unit and city-wide, KPI attainment, inspections, findings
by category, discipline outcomes, heads' bands and ceilings, emulation, commendations and criticisms,
overdue tasks and recommendations.

Facts (inspections, findings, discipline outcomes, commendations and criticisms, overdue tasks and
recommendations) are selected by business date within the report's data window: by default the cut-off
of Điều 12 Nghị định 09/2019/NĐ-CP (`domain/reporting.py`), or the calendar period. The KPI figures are
the units' own reports for the period (not windowed), and the heads' scores, bands and ceilings come
from the calendar-period scorecards; the report says both.

The report is a list of sections, each a table (columns with Vietnamese headers, rows, a city-wide
total row): the JSON answer, the workbook (a sheet a section) and the Word report (a numbered section a
table) are all drawn from the same tables, so the three formats cannot disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.enums import (
    RATING_ABBREVIATIONS,
    CaseState,
    DisciplineForm,
    FindingCategory,
    InspectionKind,
    Outcome,
    Rating,
    label,
)
from domain.kpi import ANNUAL_TARGETS, TARGET_TITLES, evaluate_targets, figures_of_row, judged_on
from domain.periods import Period
from domain.reporting import (
    DataWindow,
    ReportingDeadline,
    city_deadlines,
    data_window,
    kpi_report_due,
    not_due_reason,
    unit_report_due,
)
from projections.db import ReadDB
from projections.policy import load_policy
from projections.scorecards import Scorecard, excellent_quota
from projections.tables import visible

UNIT = ("unit", "Đơn vị")
MET, MISSED, NOT_EVALUATED = "Đạt", "Không đạt", "—"
NOT_JUDGED = "Chưa đánh giá"  # an annual target on a half-year report (domain/kpi.py ANNUAL_TARGETS)
NOT_SENT, NOT_ASKED = "Chưa báo cáo", "Không phải báo cáo"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None  # the city-wide row, where adding up makes sense
    notes: list[str] = field(default_factory=list)  # sentences for the written report


@dataclass
class CityReport:
    period: Period
    title: str
    position: int
    chain_head: str | None
    as_of_date: date
    evaluated_on: date  # the period's end, or the as-of date for a period not over yet
    policy_version: str
    deadlines: tuple[ReportingDeadline, ...]  # none when the plan asks no report of the period
    unit_deadline: date
    sections: list[Section]
    window: DataWindow  # the business dates whose facts are counted
    due: bool  # whether the plan asks a report of this period (domain/reporting.py kpi_report_due)
    not_due_reason: str | None
    notes: list[str] = field(default_factory=list)  # what each figure is measured over
    # the signed checkpoint (C2SP tlog-checkpoint) of the log's Merkle tree at `position`, set by the caller
    # that has the transparency log: every fact counted is in the tree whose root it signs
    checkpoint: str | None = None

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def period_words(period: Period) -> str:
    if period.code.endswith("-H1"):
        return f"6 tháng đầu năm {period.year}"
    if period.code.endswith("-H2"):
        return f"6 tháng cuối năm {period.year}"
    return f"năm {period.year}"


def _in(value: str | None, start: date, end: date) -> bool:
    return bool(value) and start.isoformat() <= str(value)[:10] <= end.isoformat()


def _unit_rows(section: Section, units: list[dict[str, Any]], by_unit: dict[str, Counter[str]]) -> None:
    """One row of counts per unit (every unit, zeros included) and the city-wide total."""
    for u in units:
        c = by_unit.get(u["unit_id"], Counter())
        section.rows.append({"unit": u["name"], **{col.key: c[col.key] for col in section.columns[1:]}})
    section.total = _counts(section.columns, section.rows)


def _counts(columns: list[Column], rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {UNIT[0]: "Toàn thành phố"}
    for c in columns:
        if c.numeric:
            total[c.key] = sum(r.get(c.key) or 0 for r in rows)
    return total


def build_report(db: ReadDB, period: Period, position: int, as_of_date: date, cards: list[Scorecard],
                 chain_head: str | None, window: DataWindow | None = None) -> CityReport:
    """Compile the report for `period` from the read models at `position`, with the period's scorecards,
    counting the facts whose business dates fall in `window` (default: Điều 12 Nghị định 09/2019/NĐ-CP)."""
    pos = (position, position)
    window = window or data_window(period)
    start, end = window.start, window.end
    evaluated_on = min(end, as_of_date)
    units = db.query(f"SELECT * FROM rm_units WHERE {visible()} ORDER BY kind, code", pos)
    names = {u["unit_id"]: u["name"] for u in units}
    sections = [
        _kpi(db, period, pos, units, evaluated_on),
        _inspections(db, pos, units, start, end),
        _findings(db, pos, units, start, end),
        _discipline(db, pos, units, names, start, end, evaluated_on),
        _heads(cards, period),
        _accountability(db, pos, units, start, end),
        _overdue(db, pos, names, evaluated_on),
    ]
    notes = [
        f"Số liệu thanh tra, phát hiện vi phạm, xử lý kỷ luật, biểu dương, phê bình và nhiệm vụ, kiến nghị quá hạn "
        f"được chốt {window.text}.",
        f"Chỉ tiêu Kết luận 226 (mục I) là số liệu đơn vị tự báo cáo cho kỳ {period.code}, không chốt lại theo "
        "khoảng thời gian trên.",
        f"Điểm, xếp loại và mức xếp loại tối đa của người đứng đầu (mục V) tính theo kỳ dương lịch "
        f"{_vn(period.start)} – {_vn(period.end)} của phiếu đánh giá, không theo thời gian chốt số liệu.",
    ]
    reason = not_due_reason(period)
    if reason:
        notes.insert(0, reason)
    return CityReport(period=period, title=f"Báo cáo kết quả thực hiện Kết luận số 226-KL/TW {period_words(period)}",
                      position=position, chain_head=chain_head, as_of_date=as_of_date, evaluated_on=evaluated_on,
                      policy_version=load_policy().version, deadlines=city_deadlines(period),
                      unit_deadline=unit_report_due(period), sections=sections, window=window,
                      due=reason is None, not_due_reason=reason, notes=notes)


# -- 1. KPI attainment ------------------------------------------------------------------------------

def _kpi(db: ReadDB, period: Period, pos: tuple[int, int], units: list[dict[str, Any]],
         evaluated_on: date) -> Section:
    targets = load_policy().kpi.targets
    previous_code = period.previous_year().code
    reports = {(r["unit_id"], r["period"]): r for r in db.query(
        f"SELECT * FROM rm_kpi WHERE {visible()} AND period IN (?, ?)", (*pos, period.code, previous_code))}
    columns = [Column(*UNIT), Column("submittedOn", "Ngày báo cáo"),
               *(Column(code, title) for code, title in TARGET_TITLES.items()),
               Column("met", "Số chỉ tiêu đạt", True), Column("missed", "Số chỉ tiêu không đạt", True)]
    section = Section("kpi", "Kết quả thực hiện các chỉ tiêu của Kết luận 226-KL/TW", columns)
    met_by_target: Counter[str] = Counter()
    reported = 0
    due = kpi_report_due(period)
    for u in units:
        report = reports.get((u["unit_id"], period.code))
        row: dict[str, Any] = {"unit": u["name"]}
        if report is None:
            # a unit is "missing" only when the plan asks the period's report (kpi_report_due)
            row.update({"submittedOn": NOT_SENT if due else NOT_ASKED, "met": 0, "missed": 0})
            row.update(dict.fromkeys(TARGET_TITLES, NOT_EVALUATED))
        else:
            reported += 1
            previous = reports.get((u["unit_id"], previous_code))
            checks = {c.code: c for c in evaluate_targets(
                figures_of_row(report), figures_of_row(previous) if previous else None, targets, period=period)}
            row["submittedOn"] = _vn(report["submitted_on"]) + (
                f" (sửa {report['corrections']} lần)" if int(report["corrections"] or 0) else "")
            for code in TARGET_TITLES:
                check = checks.get(code)
                if check is None:
                    row[code] = NOT_EVALUATED
                elif not check.evaluated:
                    row[code] = f"{NOT_JUDGED} ({check.actual})"
                else:
                    row[code] = f"{MET if check.met else MISSED} ({check.actual})"
                met_by_target[code] += bool(check and check.met)
            row["met"] = sum(c.met is True for c in checks.values())
            row["missed"] = sum(c.missed for c in checks.values())
        section.rows.append(row)
    not_judged = {code for code in TARGET_TITLES if code in ANNUAL_TARGETS and not judged_on(code, period)}
    section.total = {"unit": "Toàn thành phố", "submittedOn": f"{reported}/{len(units)} đơn vị",
                     **{code: f"{NOT_JUDGED} (báo cáo 6 tháng)" if code in not_judged
                        else f"{met_by_target[code]} đơn vị đạt" for code in TARGET_TITLES},
                     "met": sum(r["met"] for r in section.rows), "missed": sum(r["missed"] for r in section.rows)}
    missing = [r["unit"] for r in section.rows if r["submittedOn"] == NOT_SENT]
    if due:
        section.notes.append(f"{reported}/{len(units)} cơ quan, đơn vị, địa phương đã gửi báo cáo chỉ tiêu kỳ "
                             f"{period.code}" + (f"; chưa báo cáo: {', '.join(missing)}." if missing else "."))
    else:
        section.notes.append(f"{reported}/{len(units)} cơ quan, đơn vị, địa phương đã gửi báo cáo chỉ tiêu kỳ "
                             f"{period.code}; không đơn vị nào bị coi là chưa báo cáo. {not_due_reason(period)}")
    for code, title in TARGET_TITLES.items():
        if code in not_judged:
            section.notes.append(f"{title}: chưa đánh giá trên báo cáo 6 tháng ({ANNUAL_TARGETS[code]}; đánh giá "
                                 "trên báo cáo năm).")
        else:
            section.notes.append(f"{title}: {met_by_target[code]}/{reported} đơn vị đạt.")
    section.notes.append(f"Số liệu chỉ tiêu là báo cáo của từng đơn vị cho kỳ {period.code}, không chốt theo thời "
                         "gian chốt số liệu của báo cáo này.")
    return section


# -- 2. inspections and 3. findings -----------------------------------------------------------------

def _inspections(db: ReadDB, pos: tuple[int, int], units: list[dict[str, Any]], start: date, end: date) -> Section:
    rows = db.query(f"SELECT * FROM rm_inspections WHERE {visible()}", pos)
    kinds = list(InspectionKind)
    columns = [Column(*UNIT), *(Column(k.value, label(k), True) for k in kinds),
               Column("opened", "Tổng số cuộc mở trong kỳ", True), Column("concluded", "Đã kết luận trong kỳ", True),
               Column("findings", "Số phát hiện (các cuộc mở trong kỳ)", True)]
    section = Section("inspections", "Công tác thanh tra, kiểm tra công vụ", columns)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        c = by_unit[r["target_unit_id"]]
        if _in(r["decided_on"], start, end):
            c[r["kind"]] += 1
            c["opened"] += 1
            c["findings"] += int(r["findings"] or 0)
        if _in(r["concluded_on"], start, end):
            c["concluded"] += 1
    _unit_rows(section, units, by_unit)
    t = section.total
    section.notes.append(f"Mở {t['opened']} cuộc thanh tra, kiểm tra ({t['planned']} theo kế hoạch, {t['surprise']} "
                         f"đột xuất, {t['duty_check']} kiểm tra công vụ); kết luận {t['concluded']} cuộc.")
    return section


def _findings(db: ReadDB, pos: tuple[int, int], units: list[dict[str, Any]], start: date, end: date) -> Section:
    rows = db.query(f"SELECT target_unit_id, category FROM rm_findings WHERE {visible()} AND retracted = 0 "
                    "AND occurred_on >= ? AND occurred_on <= ?", (*pos, start.isoformat(), end.isoformat()))
    categories = list(FindingCategory)
    columns = [Column(*UNIT), *(Column(c.value, label(c), True) for c in categories), Column("all", "Cộng", True)]
    section = Section("findings", "Phát hiện vi phạm theo nhóm hành vi (xảy ra trong kỳ)", columns)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_unit[r["target_unit_id"]][r["category"]] += 1
        by_unit[r["target_unit_id"]]["all"] += 1
    _unit_rows(section, units, by_unit)
    t = section.total
    section.notes.append(f"Phát hiện {t['all']} vi phạm, trong đó {t['harassment']} nhũng nhiễu, {t['shirking']} đùn "
                         f"đẩy, né tránh, {t['corruption_waste']} tham nhũng, lãng phí.")
    return section


# -- 4. discipline ----------------------------------------------------------------------------------

def _discipline(db: ReadDB, pos: tuple[int, int], units: list[dict[str, Any]], names: dict[str, str],
                start: date, end: date, evaluated_on: date) -> Section:
    cases = db.query(f"SELECT * FROM rm_cases WHERE {visible()}", pos)
    forms = list(DisciplineForm)
    columns = [Column(*UNIT), *(Column(f.value, label(f), True) for f in forms),
               Column("exempted", "Miễn kỷ luật", True), Column("timeBarred", "Hết thời hiệu", True),
               Column("withdrawn", "Rút vụ việc", True), Column("late", "Quyết định quá thời hạn", True),
               Column("open", "Còn đang xử lý cuối kỳ", True)]
    section = Section("discipline", "Xử lý kỷ luật cán bộ, công chức, viên chức", columns)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cases:
        count = by_unit[c["unit_id"]]
        closed_in = _in(c["closed_on"], start, end)
        if c["state"] == CaseState.DECIDED and closed_in:
            count[c["form"]] += 1
            count["late"] += int(c["late"] or 0)
        elif c["state"] == CaseState.EXEMPTED and closed_in:
            count["exempted"] += 1
        elif c["state"] == CaseState.TIME_BARRED and closed_in:
            count["timeBarred"] += 1
        elif c["state"] == CaseState.WITHDRAWN and closed_in:
            count["withdrawn"] += 1
        if c["detected_on"] <= evaluated_on.isoformat() and (not c["closed_on"]
                                                              or c["closed_on"] > evaluated_on.isoformat()):
            count["open"] += 1
    _unit_rows(section, units, by_unit)
    t = section.total
    decided = sum(t[f.value] for f in forms)
    section.notes.append(f"Quyết định kỷ luật {decided} trường hợp ("
                         + ", ".join(f"{label(f).lower()} {t[f.value]}" for f in forms if t[f.value])
                         + f"); miễn kỷ luật {t['exempted']}; hết thời hiệu {t['timeBarred']}; "
                         f"còn {t['open']} vụ việc đang xử lý.")
    return section


# -- 5. heads of units ------------------------------------------------------------------------------

def _heads(cards: list[Scorecard], period: Period) -> Section:
    columns = [Column(*UNIT), Column("head", "Người đứng đầu"), Column("term", "Thời gian giữ chức trong kỳ"),
               Column("score", "Điểm", True), Column("band", "Xếp loại theo điểm"),
               Column("ceiling", "Mức xếp loại tối đa"), Column("ceilingReasons", "Lý do hạ mức"),
               Column("emulation", "Danh hiệu thi đua được xét")]
    section = Section("heads", "Đánh giá trách nhiệm người đứng đầu (căn cứ xếp loại, thi đua)", columns)
    for c in sorted(cards, key=lambda c: (c.unit_name, c.term_from)):
        section.rows.append({
            "unit": c.unit_name, "head": c.official_name, "term": f"{_vn(c.term_from)} – {_vn(c.term_to)}",
            "score": c.score, "band": RATING_ABBREVIATIONS[c.band], "ceiling": RATING_ABBREVIATIONS[c.rating_ceiling],
            "ceilingReasons": "; ".join(c.ceiling_reasons),
            "emulation": ", ".join(label_title(t) for t in c.emulation_titles) or "Không đủ điều kiện"})
    quota = excellent_quota(cards, period)
    bands = Counter(c.rating_ceiling for c in cards)
    section.notes.append(f"Theo phiếu đánh giá kỳ {period.code} ({_vn(period.start)} – {_vn(period.end)}, kỳ dương "
                         "lịch), không theo thời gian chốt số liệu của báo cáo.")
    section.notes.append(
        f"{len(cards)} phiếu đánh giá người đứng đầu: " + ", ".join(
            f"{RATING_ABBREVIATIONS[r]} {bands[r]}" for r in Rating) + "; "
        f"{sum(c.emulation_eligible for c in cards)} người đủ điều kiện xét danh hiệu thi đua."
        + (f" Số HTXSNV ({quota['excellent']}) vượt 20% số HTTNV ({quota['good']}): cần xem xét."
           if quota["exceeded"] else ""))
    return section


def label_title(value: str) -> str:
    return {"advanced_worker": "Lao động tiên tiến", "emulation_fighter": "Chiến sĩ thi đua cơ sở"}.get(value, value)


# -- 6. commendations and criticisms ----------------------------------------------------------------

def _accountability(db: ReadDB, pos: tuple[int, int], units: list[dict[str, Any]], start: date,
                    end: date) -> Section:
    rows = db.query(f"SELECT unit_id, outcome, responsibility FROM rm_decisions WHERE {visible()} "
                    "AND revoked_on IS NULL AND decided_on >= ? AND decided_on <= ?",
                    (*pos, start.isoformat(), end.isoformat()))
    outcomes = list(Outcome)
    columns = [Column(*UNIT), *(Column(o.value, label(o), True) for o in outcomes),
               Column("joint", "Trong đó: trách nhiệm liên đới", True)]
    section = Section("accountability", "Biểu dương, phê bình người đứng đầu", columns)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_unit[r["unit_id"]][r["outcome"]] += 1
        by_unit[r["unit_id"]]["joint"] += r["responsibility"] == "joint"
    _unit_rows(section, units, by_unit)
    t = section.total
    section.notes.append(f"Biểu dương {t['commendation']} lượt; phê bình {t['criticism']}, nhắc nhở {t['reminder']}, "
                         f"kiểm điểm rút kinh nghiệm {t['lessons_review']} lượt người đứng đầu.")
    return section


# -- 7. overdue tasks and recommendations -----------------------------------------------------------

def _overdue(db: ReadDB, pos: tuple[int, int], names: dict[str, str], evaluated_on: date) -> Section:
    day = evaluated_on.isoformat()
    columns = [Column("kind", "Loại"), Column(*UNIT), Column("what", "Nội dung"), Column("dueOn", "Hạn"),
               Column("daysOverdue", "Số ngày quá hạn", True), Column("status", "Tình trạng")]
    section = Section("overdue", f"Nhiệm vụ, kiến nghị quá hạn (tính đến {_vn(evaluated_on)})", columns)
    for t in db.query(f"SELECT * FROM rm_tasks WHERE {visible()} AND due_on < ? AND "
                      "(completed_on IS NULL OR completed_on > ?) ORDER BY due_on, row_no", (*pos, day, day)):
        section.rows.append({"kind": "Nhiệm vụ", "unit": names.get(t["lead_unit_id"], t["lead_unit_id"]),
                             "what": f"{t['plan_ref']} mục {t['row_no']}: {t['title']}", "dueOn": _vn(t["due_on"]),
                             "daysOverdue": (evaluated_on - date.fromisoformat(t["due_on"])).days,
                             "status": f"Tiến độ {int(t['progress'] or 0)}%"})
    for r in db.query(f"SELECT * FROM rm_recommendations WHERE {visible()} AND due_on < ? AND "
                      "(implemented_on IS NULL OR implemented_on > ?) ORDER BY due_on", (*pos, day, day)):
        section.rows.append({"kind": "Kiến nghị sau thanh tra",
                             "unit": names.get(r["responsible_unit_id"], r["responsible_unit_id"]),
                             "what": r["text"], "dueOn": _vn(r["due_on"]),
                             "daysOverdue": (evaluated_on - date.fromisoformat(r["due_on"])).days,
                             "status": "Chưa thực hiện"})
    tasks = sum(r["kind"] == "Nhiệm vụ" for r in section.rows)
    section.notes.append(f"{tasks} nhiệm vụ và {len(section.rows) - tasks} kiến nghị sau thanh tra quá hạn chưa hoàn "
                         "thành.")
    return section


def _vn(value: date | str | None) -> str:
    if not value:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return d.strftime("%d/%m/%Y")
