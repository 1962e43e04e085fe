"""Accountability scorecards of heads of units (DESIGN §5), computed by a versioned policy.

A scorecard is computed at read time from the read models as they stood at one log position, so
the same position always gives the same scorecard, and "the period's end" can be today for a
period not yet over. Every line cites the rows (log position, aggregate id, version) it rests on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain import legal
from domain.enums import (
    CaseState,
    DisciplineForm,
    EmulationTitle,
    FindingCategory,
    OfficialCategory,
    Outcome,
    Rating,
    Severity,
    UnitKind,
    label,
)
from domain.kpi import evaluate_targets, figures_of_row
from domain.legal import FORM_RANK, fmt_date
from domain.periods import Period
from domain.reporting import kpi_report_due
from projections.policy import Policy
from projections.tables import visible


@dataclass(frozen=True)
class Evidence:
    position: int
    aggregate_id: str
    version: int


@dataclass(frozen=True)
class Line:
    rule: str
    points: float
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Scorecard:
    official_id: str
    official_name: str
    unit_id: str
    unit_name: str
    unit_kind: str
    period: str
    term_from: date
    term_to: date
    policy_version: str
    score: float
    band: Rating
    rating_ceiling: Rating
    ceiling_reasons: tuple[str, ...]
    emulation_eligible: bool
    emulation_titles: tuple[str, ...]
    lines: tuple[Line, ...]
    position: int
    as_of_date: date
    appraisal_regime: str
    emulation_reasons: tuple[str, ...] = ()


@dataclass
class Facts:
    """Rows of the read models at one position, for one period (all units or one)."""

    terms: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    inspections: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    kpi: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # Facts of the whole appraisal year, for the forced ceilings and emulation:
    referrals: list[dict[str, Any]] = field(default_factory=list)  # corruption findings referred
    initiatives: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by official


def load_facts(db: Any, period: Period, at: int, unit_id: str | None = None) -> Facts:
    """Read everything the policy needs for the period, as it stood at log position `at`."""
    start, end = period.start.isoformat(), period.end.isoformat()
    pos = (at, at)
    only = " AND {col} = ?" if unit_id else ""
    unit_args: tuple[Any, ...] = (unit_id,) if unit_id else ()
    facts = Facts()
    facts.terms = db.query(
        "SELECT t.unit_id, t.since, t.until, t.official_id, t.pos_from, t.version, o.full_name, "
        "o.category AS official_category, "
        "u.name AS unit_name, u.kind AS unit_kind FROM rm_head_terms t "
        f"JOIN rm_officials o ON o.official_id = t.official_id AND {visible('o')} "
        f"JOIN rm_units u ON u.unit_id = t.unit_id AND {visible('u')} "
        f"WHERE {visible('t')} AND t.since <= ? AND (t.until IS NULL OR t.until >= ?)"
        + only.format(col="t.unit_id") + " ORDER BY t.unit_id, t.since",
        (*pos, *pos, *pos, end, start, *unit_args))
    heads = sorted({t["official_id"] for t in facts.terms})
    # Cases closed since the start of the appraisal year: the period's rules select by their own dates,
    # the forced ceilings look at the whole year.
    year_start, year_end = date(period.year, 1, 1).isoformat(), period.end.isoformat()
    cases_sql = f"SELECT * FROM rm_cases WHERE {visible()} AND (closed_on IS NULL OR closed_on >= ?)"
    cases_args: tuple[Any, ...] = (*pos, year_start)
    if unit_id:  # the unit's cases, and the heads' own wherever they were decided
        cases_sql += f" AND (unit_id = ? OR official_id IN ({', '.join('?' for _ in heads) or 'NULL'}))"
        cases_args += (unit_id, *heads)
    facts.cases = db.query(cases_sql, cases_args)
    facts.inspections = {r["inspection_id"]: r for r in db.query(
        f"SELECT * FROM rm_inspections WHERE {visible()} AND concluded_on IS NOT NULL"
        + only.format(col="target_unit_id"), (*pos, *unit_args))}
    facts.findings = [f for f in db.query(
        f"SELECT * FROM rm_findings WHERE {visible()} AND retracted = 0 AND occurred_on >= ? "
        "AND occurred_on <= ?" + only.format(col="target_unit_id"), (*pos, start, end, *unit_args))
        if f["inspection_id"] in facts.inspections]
    facts.decisions = db.query(
        f"SELECT * FROM rm_decisions WHERE {visible()} AND revoked_on IS NULL AND decided_on >= ? "
        "AND decided_on <= ?" + only.format(col="unit_id"), (*pos, start, end, *unit_args))
    facts.recommendations = db.query(
        f"SELECT * FROM rm_recommendations WHERE {visible()} AND due_on >= ? AND due_on <= ?"
        + only.format(col="responsible_unit_id"), (*pos, start, end, *unit_args))
    facts.tasks = db.query(
        f"SELECT * FROM rm_tasks WHERE {visible()} AND due_on >= ? AND due_on <= ?"
        + only.format(col="lead_unit_id"), (*pos, start, end, *unit_args))
    facts.referrals = db.query(
        f"SELECT * FROM rm_findings WHERE {visible()} AND retracted = 0 AND category = ? "
        "AND referred_on >= ? AND referred_on <= ?" + only.format(col="target_unit_id"),
        (*pos, FindingCategory.CORRUPTION_WASTE.value, year_start, year_end, *unit_args))
    for row in db.query(
            f"SELECT * FROM rm_initiatives WHERE {visible()} AND recognised_on >= ? AND recognised_on <= ? "
            f"AND official_id IN ({', '.join('?' for _ in heads) or 'NULL'})", (*pos, year_start, year_end, *heads)):
        facts.initiatives.setdefault(row["official_id"], []).append(row)
    codes = (period.code, period.previous_year().code)
    facts.kpi = {(r["unit_id"], r["period"]): r for r in db.query(
        f"SELECT * FROM rm_kpi WHERE {visible()} AND period IN (?, ?)" + only.format(col="unit_id"),
        (*pos, *codes, *unit_args))}
    return facts


def evidence(row: dict[str, Any], id_column: str) -> Evidence:
    return Evidence(int(row["pos_from"]), str(row[id_column]), int(row["version"]))


def finding_evidence(row: dict[str, Any]) -> Evidence:
    """Findings and recommendations are events of their inspection: cite the inspection's id."""
    return Evidence(int(row["pos_from"]), str(row["inspection_id"]), int(row["version"]))


def d(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _cap(rule: str, lines: list[Line], cap: float, what: str) -> list[Line]:
    """Add a line that brings the rule's total back to its cap (kept visible, never hidden)."""
    total = sum(line.points for line in lines)
    if cap < 0 and total < cap or cap > 0 and total > cap:
        lines.append(Line(f"{rule}.cap", round(cap - total, 2),
                          f"{what}: tối đa {cap:+g} điểm (tổng các dòng trên {total:+g})."))
    return lines


def compute(facts: Facts, period: Period, policy: Policy, at: int, as_of_date: date,
            official_id: str | None = None) -> list[Scorecard]:
    """One scorecard per head of unit per term overlapping the period."""
    by_head: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for term in facts.terms:
        if official_id is None or term["official_id"] == official_id:
            by_head[(term["official_id"], term["unit_id"])].append(term)
    cases_with_finding = {(c["finding_id"], c["official_id"]) for c in facts.cases if c["finding_id"]}
    units = _by_unit(facts, {head for head, _ in by_head})
    cards = []
    for (head, unit), terms in by_head.items():
        window_from = max(period.start, min(d(t["since"]) for t in terms))
        ends = [d(t["until"]) or period.end for t in terms]
        window_to = min(period.end, max(ends))
        if window_from > window_to:
            continue
        # the head's whole tenure at the unit, for what they "let happen" (corruption handled this year)
        tenure = (min(d(t["since"]) for t in terms), max(d(t["until"]) or date.max for t in terms))
        cards.append(_scorecard(units(unit, head), period, policy, at, as_of_date, terms[0], head, unit,
                                window_from, window_to, cases_with_finding, tenure))
    cards.sort(key=lambda c: (-c.score, c.unit_name, c.official_name))
    return cards


def _by_unit(facts: Facts, heads: set[str]) -> Any:
    """The facts that can touch one unit's scorecard, grouped once: each scorecard then reads only its
    unit's rows (and its head's own cases), so a city's ranking costs the facts once, not once a head."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    own_cases: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in facts.cases:
        grouped[c["unit_id"]]["cases"].append(c)
        if c["official_id"] in heads:
            own_cases[c["official_id"]].append(c)
    for name, column in (("findings", "target_unit_id"), ("decisions", "unit_id"),
                         ("recommendations", "responsible_unit_id"), ("tasks", "lead_unit_id"),
                         ("referrals", "target_unit_id")):
        for row in getattr(facts, name):
            grouped[row[column]][name].append(row)

    def of(unit: str, head: str) -> Facts:
        rows = grouped.get(unit, {})
        cases = rows.get("cases", [])
        elsewhere = [c for c in own_cases.get(head, []) if c["unit_id"] != unit]
        return Facts(terms=facts.terms, cases=cases + elsewhere, findings=rows.get("findings", []),
                     inspections=facts.inspections, decisions=rows.get("decisions", []),
                     recommendations=rows.get("recommendations", []), tasks=rows.get("tasks", []), kpi=facts.kpi,
                     referrals=rows.get("referrals", []), initiatives=facts.initiatives)

    return of


def _scorecard(facts: Facts, period: Period, policy: Policy, at: int, as_of_date: date,
               term: dict[str, Any], head: str, unit: str, w_from: date, w_to: date,
               cases_with_finding: set[tuple[str, str]], tenure: tuple[date, date]) -> Scorecard:
    eval_end = min(w_to, as_of_date)

    def in_window(value: str | None) -> bool:
        return value is not None and w_from <= date.fromisoformat(value) <= w_to

    lines: list[Line] = []

    # A. the head personally disciplined by a decision dated in the period
    a_points = policy.personal_discipline
    for c in facts.cases:
        if c["official_id"] == head and c["state"] == CaseState.DECIDED and in_window(c["decided_on"]):
            form = DisciplineForm(c["form"])
            lines.append(Line("A", getattr(a_points, form.value),
                              f"Bị kỷ luật {label(form).lower()} theo quyết định {c['decision_no']} "
                              f"ngày {fmt_date(d(c['decided_on']))}.", (evidence(c, "case_id"),)))

    # B. accountability decisions on the head
    b = policy.accountability
    commendations: list[Line] = []
    for dec in sorted(facts.decisions, key=lambda r: (r["decided_on"], r["decision_id"])):
        if dec["head_official_id"] != head or dec["unit_id"] != unit or not in_window(dec["decided_on"]):
            continue
        outcome = Outcome(dec["outcome"])
        line = Line("B", getattr(b, outcome.value),
                    f"{label(outcome)} ngày {fmt_date(d(dec['decided_on']))}: {dec['reason']}",
                    (evidence(dec, "decision_id"),))
        (commendations if outcome == Outcome.COMMENDATION else lines).append(line)
    lines += _cap("B", commendations, b.commendation_cap, "Biểu dương")

    # C. joint responsibility for confirmed violations by other officials of the unit
    jr = policy.joint_responsibility
    joint: list[Line] = []

    def joint_points(severity: str, category: str) -> float:
        points = getattr(jr, Severity(severity).value)
        return points * jr.multiplier if category in jr.doubled_categories else points

    for c in sorted(facts.cases, key=lambda r: (r["occurred_on"], r["case_id"])):
        if c["unit_id"] != unit or c["official_id"] == head or not in_window(c["occurred_on"]):
            continue
        if c["state"] == CaseState.DECIDED:
            joint.append(Line("C", joint_points(c["severity"], c["category"]),
                              f"Cán bộ của đơn vị bị kỷ luật ({label(FindingCategory(c['category']))}, "
                              f"{label(Severity(c['severity'])).lower()}), vi phạm ngày "
                              f"{fmt_date(d(c['occurred_on']))}.", (evidence(c, "case_id"),)))
        elif c["state"] == CaseState.EXEMPTED:
            joint.append(Line("C", 0, f"Vi phạm ngày {fmt_date(d(c['occurred_on']))} được miễn kỷ luật "
                              "(không tính điểm).", (evidence(c, "case_id"),)))
    for f in sorted(facts.findings, key=lambda r: (r["occurred_on"], r["finding_id"])):
        inspection = facts.inspections[f["inspection_id"]]
        if f["target_unit_id"] != unit or not in_window(f["occurred_on"]) \
                or d(inspection["concluded_on"]) > as_of_date:
            continue
        for official in json.loads(f["official_ids"]):
            if official == head or (f["finding_id"], official) in cases_with_finding:
                continue
            joint.append(Line("C", joint_points(f["severity"], f["category"]),
                              f"Phát hiện trong kết luận {inspection['conclusion_no']}: "
                              f"{label(FindingCategory(f['category']))}, "
                              f"{label(Severity(f['severity'])).lower()}, ngày {fmt_date(d(f['occurred_on']))} "
                              "(chưa xử lý kỷ luật).",
                              (finding_evidence(f), evidence(inspection, "inspection_id"))))
    lines += _cap("C", joint, jr.cap, "Trách nhiệm liên đới")

    # D. corruption or waste in the unit, in a concluded inspection (points only: the forced rating
    # needs the corruption *handled*, see `_corruption_handled`)
    for f in facts.findings:
        inspection = facts.inspections[f["inspection_id"]]
        if f["target_unit_id"] == unit and f["category"] == FindingCategory.CORRUPTION_WASTE \
                and in_window(f["occurred_on"]) and d(inspection["concluded_on"]) <= as_of_date:
            lines.append(Line("D", policy.corruption.points,
                              f"Tham nhũng, lãng phí tại đơn vị ngày {fmt_date(d(f['occurred_on']))} "
                              f"(kết luận {inspection['conclusion_no']}).",
                              (finding_evidence(f), evidence(inspection, "inspection_id"))))

    # E. discipline cases of the unit against the legal clocks
    for c in sorted(facts.cases, key=lambda r: (r["detected_on"], r["case_id"])):
        if c["unit_id"] != unit:
            continue
        if c["state"] == CaseState.DECIDED and c["late"] and in_window(c["decided_on"]):
            lines.append(Line("E", policy.clocks.late_or_overdue,
                              f"Vụ việc quyết định ngày {fmt_date(d(c['decided_on']))}, sau thời hạn xử lý "
                              f"{fmt_date(d(c['decided_deadline']))}.", (evidence(c, "case_id"),)))
        elif c["state"] == CaseState.TIME_BARRED and in_window(c["closed_on"]):
            lines.append(Line("E", policy.clocks.time_barred,
                              f"Vụ việc hết thời hiệu xử lý kỷ luật ngày "
                              f"{fmt_date(d(c['limitation_deadline']))}.", (evidence(c, "case_id"),)))
        elif d(c["detected_on"]) <= eval_end and (c["closed_on"] is None or d(c["closed_on"]) > eval_end):
            deadline = d(c["base_deadline"])
            if c["deferred_since"]:
                deadline += timedelta(days=max(0, (eval_end - d(c["deferred_since"])).days))
            if deadline < eval_end:
                lines.append(Line("E", policy.clocks.late_or_overdue,
                                  f"Vụ việc còn mở quá thời hạn xử lý {fmt_date(deadline)} "
                                  f"(tính đến {fmt_date(eval_end)}).", (evidence(c, "case_id"),)))

    # F. recommendations to the unit not implemented by their due date
    overdue: list[Line] = []
    for r in sorted(facts.recommendations, key=lambda r: (r["due_on"], r["recommendation_id"])):
        due = d(r["due_on"])
        if r["responsible_unit_id"] != unit or not in_window(r["due_on"]) or due >= eval_end:
            continue
        done = d(r["implemented_on"])
        if done is None or done > due:
            status = "chưa thực hiện" if done is None or done > eval_end else \
                f"thực hiện muộn ngày {fmt_date(done)}"
            overdue.append(Line("F", policy.recommendations.overdue,
                                f"Kiến nghị hạn {fmt_date(due)} {status}: {r['text']}",
                                (finding_evidence(r),)))
    lines += _cap("F", overdue, policy.recommendations.cap, "Kiến nghị quá hạn")

    # G. Conclusion 226 targets, for the head in office at the period's end
    if w_to == period.end:
        lines += _cap("G", _kpi_lines(facts, period, policy, unit, as_of_date), policy.kpi.cap,
                      "Chỉ tiêu Kết luận 226")

    # T. tasks assigned to the unit, overdue or completed late
    late: list[Line] = []
    for t in sorted(facts.tasks, key=lambda r: (r["due_on"], r["task_id"])):
        due = d(t["due_on"])
        if t["lead_unit_id"] != unit or not in_window(t["due_on"]) or due >= eval_end:
            continue
        done = d(t["completed_on"])
        if done is None or done > due:
            status = "chưa hoàn thành" if done is None or done > eval_end else f"hoàn thành muộn ngày {fmt_date(done)}"
            late.append(Line("T", policy.tasks.late,
                             f"Nhiệm vụ {t['plan_ref']} mục {t['row_no']} hạn {fmt_date(due)} {status}.",
                             (evidence(t, "task_id"),)))
    lines += _cap("T", late, policy.tasks.cap, "Nhiệm vụ được giao")

    score = max(0.0, min(100.0, policy.start + sum(line.points for line in lines)))
    score = round(score, 2)
    year_cases = [c for c in facts.cases if c["official_id"] == head and c["state"] == CaseState.DECIDED
                  and d(c["decided_on"]).year == period.year and d(c["decided_on"]) <= period.end]
    heaviest = max((DisciplineForm(c["form"]) for c in year_cases), key=FORM_RANK.__getitem__, default=None)
    handled = _corruption_handled(facts, unit, period, tenure)
    category = OfficialCategory(term.get("official_category") or OfficialCategory.CIVIL_SERVANT)
    ceiling = legal.rating_ceiling(score, period.end, disciplined_form=heaviest,
                                   head_unit_corruption=bool(handled), category=category,
                                   corruption_basis=f" ({'; '.join(handled)})" if handled else "")
    open_case = any(c["official_id"] == head and c["state"] in (CaseState.OPEN, CaseState.DEFERRED)
                    and d(c["detected_on"]) <= as_of_date for c in facts.cases)
    initiative = any(d(i["recognised_on"]).year == period.year for i in facts.initiatives.get(head, ()))
    proposal = legal.emulation(ceiling.ceiling, period.end, disciplined_in_year=heaviest is not None,
                               open_case=open_case, initiative_in_year=initiative)
    titles = proposal.titles
    return Scorecard(
        official_id=head, official_name=term["full_name"], unit_id=unit, unit_name=term["unit_name"],
        unit_kind=term["unit_kind"], period=period.code, term_from=w_from, term_to=w_to,
        policy_version=policy.version, score=score, band=ceiling.band, rating_ceiling=ceiling.ceiling,
        ceiling_reasons=ceiling.reasons, emulation_eligible=bool(titles),
        emulation_titles=tuple(t.value for t in titles), lines=tuple(lines), position=at,
        as_of_date=as_of_date, appraisal_regime=ceiling.regime, emulation_reasons=proposal.reasons)


def _corruption_handled(facts: Facts, unit: str, period: Period, tenure: tuple[date, date]) -> list[str]:
    """Corruption or waste that occurred in the unit while the head led it and was handled in the
    appraisal year up to the period's end: a discipline case decided, or a criminal referral."""
    year_start, (since, until) = date(period.year, 1, 1), tenure
    found = []
    for c in facts.cases:
        if c["unit_id"] == unit and c["category"] == FindingCategory.CORRUPTION_WASTE \
                and c["state"] == CaseState.DECIDED and year_start <= d(c["decided_on"]) <= period.end \
                and since <= d(c["occurred_on"]) <= until:
            found.append(f"quyết định kỷ luật {c['decision_no']} ngày {fmt_date(d(c['decided_on']))}")
    for f in facts.referrals:
        if f["target_unit_id"] == unit and since <= d(f["occurred_on"]) <= until:
            found.append(f"chuyển cơ quan điều tra ngày {fmt_date(d(f['referred_on']))}")
    return found


def _kpi_lines(facts: Facts, period: Period, policy: Policy, unit: str, as_of_date: date) -> list[Line]:
    k = policy.kpi
    report = facts.kpi.get((unit, period.code))
    if report is None:
        # no line for a period whose report the plan does not ask (before 2026, 2026-H1, any H2)
        if period.end < as_of_date and kpi_report_due(period):
            return [Line("G", k.missing_report, f"Không có báo cáo chỉ tiêu Kết luận 226 kỳ {period.code}.")]
        return []
    ev = (evidence(report, "report_id"),)
    previous = facts.kpi.get((unit, period.previous_year().code))
    checks = evaluate_targets(figures_of_row(report), figures_of_row(previous) if previous else None, k.targets,
                              period=period)
    return [Line("G", k.missed_target, "Không đạt: " + c.text, ev) for c in checks if c.missed]


def excellent_quota(cards: Iterable[Scorecard], period: Period) -> dict[str, Any]:
    """HTXSNV may not exceed 20% of HTTNV within one agency and one group with similar duties. The
    heads scored here are appraised by the city, so a group is the heads of one kind of unit (sở,
    ban, ngành; UBND xã, phường; đơn vị sự nghiệp): each group is counted and flagged, never hidden.
    Likewise Chiến sĩ thi đua cơ sở: at most 15% of those reaching Lao động tiên tiến."""
    cards = list(cards)
    groups = []
    for kind in UnitKind:
        mine = [c for c in cards if c.unit_kind == kind]
        if not mine:
            continue
        excellent = sum(1 for c in mine if c.rating_ceiling == Rating.EXCELLENT)
        good = sum(1 for c in mine if c.rating_ceiling == Rating.GOOD)
        fighters = sum(1 for c in mine if EmulationTitle.EMULATION_FIGHTER in c.emulation_titles)
        advanced = sum(1 for c in mine if EmulationTitle.ADVANCED_WORKER in c.emulation_titles)
        groups.append({"group": kind.value, "label": label(kind), "excellent": excellent, "good": good,
                       "exceeded": legal.excellent_quota_exceeded(excellent, good, period.end),
                       "fighters": fighters, "advanced_workers": advanced,
                       "fighters_exceeded": legal.fighter_quota_exceeded(fighters, advanced, period.end)})
    return {"excellent": sum(g["excellent"] for g in groups), "good": sum(g["good"] for g in groups),
            "exceeded": any(g["exceeded"] for g in groups), "groups": groups}

