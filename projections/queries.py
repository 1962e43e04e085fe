"""Queries over the read models only: scorecards, deadlines, cases — live or as of the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.enums import (
    CaseState,
    FindingCategory,
    InspectionKind,
    OfficialCategory,
    UnitKind,
    label,
    parse_enum,
)
from domain.base import natural_id
from domain.errors import InvalidInput, NotFound
from domain.kpi import UnitKpiReport
from domain.periods import Period
from domain.reporting import city_deadlines, data_window, reporting_periods, unit_report_due
from projections.db import ReadDB
from projections.policy import Policy, load_policy
from projections.reports import CityReport, build_report
from projections.runner import Projector, record_time
from projections.scorecards import Scorecard, compute, excellent_quota, load_facts
from projections.tables import visible


@dataclass(frozen=True)
class AsOf:
    """A consistent point to read at: a log position and the date that counts as "today"."""

    position: int
    today: date


DEADLINE_LABELS = {"handling_deadline": "Thời hạn xử lý", "limitation_period": "Thời hiệu",
                   "recommendation": "Kiến nghị", "task": "Nhiệm vụ", "city_report": "Báo cáo của thành phố",
                   "kpi_report": "Báo cáo chỉ tiêu của đơn vị"}


@dataclass(frozen=True)
class Deadline:
    kind: str  # handling_deadline | limitation_period | recommendation | task | city_report | kpi_report
    id: str
    aggregate_id: str | None
    title: str
    unit_id: str | None
    official_id: str | None
    due_on: date
    days_left: int
    period: str | None = None


class ReadModel:
    """Every read the product offers, against the read-model tables."""

    def __init__(self, db: ReadDB, projector: Projector) -> None:
        self.db = db
        self.projector = projector

    # -- choosing the moment -----------------------------------------------------------------------
    def as_of(self, *, position: int | None = None, moment: datetime | str | None = None,
              today: date | None = None) -> AsOf:
        """Live (the position every view has reached), or a past log position, or a past record time.

        `today` (the date open periods end at) may be given; else a past position reads on the date
        its event was recorded, and a live read on the real today.
        """
        reached = self.projector.position()
        if position is not None and moment is not None:
            raise InvalidInput("Chỉ dùng một trong asOf hoặc asOfPosition.", field="asOf")
        if position is not None:
            if position < 0:
                raise InvalidInput("asOfPosition phải ≥ 0.", field="asOfPosition", value=position)
            if position > reached:
                raise InvalidInput(f"Vị trí {position} chưa được cập nhật vào dữ liệu đọc "
                                   f"(hiện ở vị trí {reached}).", field="asOfPosition", value=position)
            return AsOf(position, today or self._date_of(position) or _today())
        if moment is not None:
            when = _parse_moment(moment)
            # The longest prefix of the log recorded by then: with concurrent writers record times
            # need not rise with position, so stop before the first event recorded after the moment.
            rows = self.db.query("SELECT position AS p FROM rm_log WHERE recorded_max > ? AND position <= ? "
                                 "ORDER BY recorded_max, position LIMIT 1", (record_time(when), reached))
            first_after = rows[0]["p"] if rows else None
            position = reached if first_after is None else int(first_after) - 1
            return AsOf(position, when.astimezone(UTC).date())
        return AsOf(reached, today or _today())

    def chain_head(self, position: int) -> str | None:
        """The hash-chain link sealing the log up to `position` (what a reproducible answer cites)."""
        rows = self.db.query("SELECT digest FROM tracker_chain WHERE position <= ? ORDER BY position DESC LIMIT 1",
                             (position,))
        return rows[0]["digest"] if rows else None

    def _date_of(self, position: int) -> date | None:
        rows = self.db.query("SELECT recorded_at FROM rm_log WHERE position <= ? ORDER BY position DESC LIMIT 1",
                             (position,))
        return date.fromisoformat(rows[0]["recorded_at"][:10]) if rows else None

    # -- scorecards --------------------------------------------------------------------------------
    def scorecards(self, period: str, at: AsOf, *, unit_id: str | None = None,
                   official_id: str | None = None, policy: Policy | None = None) -> list[Scorecard]:
        p = Period.parse(period)
        policy = policy or load_policy()
        if official_id is not None and unit_id is None:
            # one head: only the units they headed in the period are read, not the whole city
            cards = [card for unit in self._units_headed(official_id, p, at)
                     for card in self.scorecards(period, at, unit_id=unit, official_id=official_id, policy=policy)]
            return sorted(cards, key=lambda c: (-c.score, c.unit_name, c.official_name))
        facts = load_facts(self.db, p, at.position, unit_id=unit_id)
        return compute(facts, p, policy, at.position, at.today, official_id=official_id)

    def _units_headed(self, official_id: str, period: Period, at: AsOf) -> list[str]:
        rows = self.db.query(f"SELECT DISTINCT unit_id FROM rm_head_terms WHERE official_id = ? AND {visible()} "
                             "AND since <= ? AND (until IS NULL OR until >= ?) ORDER BY unit_id",
                             (official_id, at.position, at.position, period.end.isoformat(),
                              period.start.isoformat()))
        return [r["unit_id"] for r in rows]

    def scorecard(self, official_id: str, period: str, at: AsOf) -> list[Scorecard]:
        """The head's scorecards for the period (one per unit headed)."""
        cards = self.scorecards(period, at, official_id=official_id)
        if not cards:
            raise NotFound(f"Cán bộ {official_id} không là người đứng đầu đơn vị nào trong kỳ {period}.",
                           field="official_id", value=official_id)
        return cards

    def city_report(self, period: str, at: AsOf, window: str = "nd09") -> CityReport:
        """The Conclusion 226 report for a period, as the read models stood at `at`, counting the facts of
        its data window (`nd09`: Điều 12 Nghị định 09/2019/NĐ-CP; `calendar`: the period itself)."""
        p = Period.parse(period)
        return build_report(self.db, p, at.position, at.today, self.scorecards(p.code, at),
                            self.chain_head(at.position), data_window(p, window))

    def ranking(self, period: str, at: AsOf) -> tuple[list[Scorecard], dict[str, Any]]:
        cards = self.scorecards(period, at)
        return cards, excellent_quota(cards, Period.parse(period))

    # -- cases and deadlines -----------------------------------------------------------------------
    def case(self, case_id: str, at: AsOf) -> dict[str, Any]:
        rows = self.db.query(f"SELECT * FROM rm_cases WHERE case_id = ? AND {visible()}",
                             (case_id, at.position, at.position))
        if not rows:
            raise NotFound(f"Không tìm thấy vụ việc kỷ luật {case_id} tại vị trí {at.position}.",
                           field="id", value=case_id)
        row = rows[0]
        row["handling_deadline"] = handling_deadline(row, at.today).isoformat()
        return row

    def deadlines(self, within_days: int, at: AsOf) -> list[Deadline]:
        """Cases near a legal clock, recommendations and tasks overdue or due soon."""
        if within_days < 0 or within_days > 3650:
            raise InvalidInput("withinDays phải từ 0 đến 3650.", field="withinDays", value=within_days)
        horizon = at.today + timedelta(days=within_days)
        pos = (at.position, at.position)
        out: list[Deadline] = []
        for c in self.db.query(f"SELECT * FROM rm_cases WHERE {visible()} AND state IN (?, ?)",
                               (*pos, CaseState.OPEN.value, CaseState.DEFERRED.value)):
            for kind, due in (("handling_deadline", handling_deadline(c, at.today)),
                              ("limitation_period", _date(c["limitation_deadline"]))):
                if due is not None and due <= horizon:
                    out.append(Deadline(kind, c["case_id"], c["case_id"],
                                        label(FindingCategory(c["category"])), c["unit_id"],
                                        c["official_id"], due, (due - at.today).days))
        for r in self.db.query(f"SELECT * FROM rm_recommendations WHERE {visible()} AND implemented_on IS NULL "
                               "AND due_on <= ?", (*pos, horizon.isoformat())):
            due = date.fromisoformat(r["due_on"])
            out.append(Deadline("recommendation", r["recommendation_id"], r["inspection_id"], r["text"],
                                r["responsible_unit_id"], None, due, (due - at.today).days))
        for t in self.db.query(f"SELECT * FROM rm_tasks WHERE {visible()} AND completed_on IS NULL "
                               "AND due_on <= ?", (*pos, horizon.isoformat())):
            due = date.fromisoformat(t["due_on"])
            out.append(Deadline("task", t["task_id"], t["task_id"], t["title"], t["lead_unit_id"],
                                t["responsible_official_id"], due, (due - at.today).days))
        out += self._reporting_deadlines(at, horizon)
        out.sort(key=lambda x: (x.due_on, x.kind, x.id))
        return out

    def _reporting_deadlines(self, at: AsOf, horizon: date) -> list[Deadline]:
        """The city's Conclusion 226 reports coming due, and the units whose KPI report for the period is
        due (or at most a month late) and not in yet. Only periods whose reports the plan asks are listed
        (`reporting_periods` keeps those `kpi_report_due` accepts: none before 2026, not 2026-H1, no H2),
        each on its last day (the day before "trước ngày 10 tháng 6 / 10 tháng 12")."""
        out: list[Deadline] = []
        units = None
        for period in (*reporting_periods(at.today.year), *reporting_periods(at.today.year + 1)):
            for d in city_deadlines(period):
                if at.today <= d.due_on <= horizon:
                    out.append(Deadline("city_report", str(natural_id("report", f"{period.code}/{d.code}")), None,
                                        f"Báo cáo Kết luận 226 kỳ {period.code} gửi {d.recipient} (trước ngày "
                                        f"{d.before:%d/%m/%Y})", None, None,
                                        d.due_on, (d.due_on - at.today).days, period.code))
            due = unit_report_due(period)
            if not at.today - timedelta(days=31) <= due <= horizon:
                continue
            if units is None:
                units = self.db.query(f"SELECT unit_id, name FROM rm_units WHERE {visible()} ORDER BY code",
                                      (at.position, at.position))
            sent = {r["unit_id"] for r in self.db.query(f"SELECT unit_id FROM rm_kpi WHERE {visible()} AND period = ?",
                                                        (at.position, at.position, period.code))}
            for u in units:
                if u["unit_id"] not in sent:
                    report_id = str(UnitKpiReport.id_for(UUID(u["unit_id"]), period.code))
                    out.append(Deadline("kpi_report", report_id, report_id,
                                        f"{u['name']} chưa gửi báo cáo chỉ tiêu Kết luận 226 kỳ {period.code}",
                                        u["unit_id"], None, due, (due - at.today).days, period.code))
        return out


def handling_deadline(case: dict[str, Any], today: date) -> date:
    """The stored base deadline, pushed by an open deferral up to `today`."""
    deadline = date.fromisoformat(case["base_deadline"])
    if case.get("deferred_since"):
        deadline += timedelta(days=max(0, (today - date.fromisoformat(case["deferred_since"])).days))
    return deadline


def _today() -> date:
    return datetime.now(UTC).date()


def _enum(enum_cls: Any, value: str | None, field: str) -> str | None:
    return None if value is None else parse_enum(enum_cls, value, field).value


def _parse_moment(moment: datetime | str, field: str = "asOf") -> datetime:
    if isinstance(moment, datetime):
        when = moment
    else:
        try:
            when = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"Thời điểm không hợp lệ: {moment!r} (ISO 8601, ví dụ 2026-06-30T17:00:00+07:00).",
                               field=field, value=str(moment)) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# -- lists and details for the API (live or as of a position) ---------------------------------------

@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int


def _page(db: ReadDB, table: str, at: AsOf, where: list[str], params: list[Any], order: str,
          limit: int, offset: int) -> Page:
    conditions = " AND ".join([visible(), *where])
    args = [at.position, at.position, *params]
    total = db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {conditions}", args)[0]["n"]
    items = db.query(f"SELECT * FROM {table} WHERE {conditions} ORDER BY {order} LIMIT ? OFFSET ?",
                     [*args, limit, offset])
    return Page(items, int(total))


def _one(db: ReadDB, table: str, key: str, value: str, at: AsOf, what: str) -> dict[str, Any]:
    rows = db.query(f"SELECT * FROM {table} WHERE {key} = ? AND {visible()}", (value, at.position, at.position))
    if not rows:
        raise NotFound(f"Không tìm thấy {what} {value}.", field="id", value=value)
    return rows[0]


class Lists:
    """Paginated, filtered lists and details over the read models."""

    def __init__(self, db: ReadDB) -> None:
        self.db = db

    def units(self, at: AsOf, *, kind: str | None, limit: int, offset: int) -> Page:
        where, params = _filters({"kind": _enum(UnitKind, kind, "kind")})
        return _page(self.db, "rm_units", at, where, params, "code", limit, offset)

    def unit(self, unit_id: str, at: AsOf) -> dict[str, Any]:
        unit = _one(self.db, "rm_units", "unit_id", unit_id, at, "đơn vị")
        unit["heads"] = self.db.query(
            "SELECT t.official_id, t.since, t.until, o.full_name FROM rm_head_terms t "
            f"LEFT JOIN rm_officials o ON o.official_id = t.official_id AND {visible('o')} "
            f"WHERE t.unit_id = ? AND {visible('t')} ORDER BY t.since",
            (at.position, at.position, unit_id, at.position, at.position))
        return unit

    def officials(self, at: AsOf, *, unit_id: str | None, category: str | None, q: str | None,
                  limit: int, offset: int) -> Page:
        where, params = _filters({"unit_id": unit_id, "category": _enum(OfficialCategory, category, "category")})
        if q:
            where.append("(LOWER(full_name) LIKE ? OR LOWER(personnel_code) LIKE ?)")
            params += [f"%{q.lower()}%", f"%{q.lower()}%"]
        return _page(self.db, "rm_officials", at, where, params, "full_name, personnel_code", limit, offset)

    def official(self, official_id: str, at: AsOf) -> dict[str, Any]:
        return _one(self.db, "rm_officials", "official_id", official_id, at, "cán bộ")

    def initiatives(self, official_id: str, at: AsOf) -> list[dict[str, Any]]:
        """The official's recognised initiatives (sáng kiến), oldest first."""
        return self.db.query(f"SELECT * FROM rm_initiatives WHERE official_id = ? AND {visible()} "
                             "ORDER BY recognised_on, decision_no", (official_id, at.position, at.position))

    def inspections(self, at: AsOf, *, unit_id: str | None, kind: str | None, status: str | None,
                    year: int | None, limit: int, offset: int) -> Page:
        if status is not None and status not in ("open", "concluded", "closed"):
            raise InvalidInput("status phải là open, concluded hoặc closed.", field="status", value=status)
        where, params = _filters({"target_unit_id": unit_id, "kind": _enum(InspectionKind, kind, "kind"),
                                  "status": status})
        if year is not None:
            where.append("decided_on >= ? AND decided_on <= ?")
            params += [f"{year:04d}-01-01", f"{year:04d}-12-31"]
        return _page(self.db, "rm_inspections", at, where, params, "decided_on DESC, decision_no", limit, offset)

    def inspection(self, inspection_id: str, at: AsOf) -> dict[str, Any]:
        inspection = _one(self.db, "rm_inspections", "inspection_id", inspection_id, at, "cuộc thanh tra")
        pos = (at.position, at.position)
        inspection["finding_rows"] = self.db.query(
            f"SELECT * FROM rm_findings WHERE inspection_id = ? AND {visible()} ORDER BY occurred_on, finding_id",
            (inspection_id, *pos))
        inspection["recommendation_rows"] = self.db.query(
            f"SELECT * FROM rm_recommendations WHERE inspection_id = ? AND {visible()} ORDER BY due_on, "
            "recommendation_id", (inspection_id, *pos))
        return inspection

    def cases(self, at: AsOf, *, unit_id: str | None, official_id: str | None, state: str | None,
              clock: str | None, limit: int, offset: int) -> Page:
        where, params = _filters({"unit_id": unit_id, "official_id": official_id,
                                  "state": _enum(CaseState, state, "state")})
        if clock is not None:
            if clock not in ("overdue", "due_soon", "on_time"):
                raise InvalidInput("clock phải là overdue, due_soon hoặc on_time.", field="clock", value=clock)
            where.append("state IN ('open', 'deferred')")
            rows = self.db.query(f"SELECT * FROM rm_cases WHERE {' AND '.join([visible(), *where])} "
                                 "ORDER BY detected_on DESC, case_id", [at.position, at.position, *params])
            picked = [r for r in rows if _clock(r, at.today) == clock]
            return Page(picked[offset:offset + limit], len(picked))
        return _page(self.db, "rm_cases", at, where, params, "detected_on DESC, case_id", limit, offset)

    def decisions(self, at: AsOf, *, unit_id: str | None, head_official_id: str | None, limit: int,
                  offset: int) -> Page:
        where, params = _filters({"unit_id": unit_id, "head_official_id": head_official_id})
        return _page(self.db, "rm_decisions", at, where, params, "decided_on DESC, decision_id", limit, offset)

    def tasks(self, at: AsOf, *, unit_id: str | None, plan_ref: str | None, limit: int, offset: int) -> Page:
        where, params = _filters({"lead_unit_id": unit_id, "plan_ref": plan_ref})
        return _page(self.db, "rm_tasks", at, where, params, "due_on, row_no, task_id", limit, offset)

    def task(self, task_id: str, at: AsOf) -> dict[str, Any]:
        return _one(self.db, "rm_tasks", "task_id", task_id, at, "nhiệm vụ")

    def kpi_report(self, unit_id: str, period: str, at: AsOf) -> dict[str, Any]:
        rows = self.db.query(f"SELECT * FROM rm_kpi WHERE unit_id = ? AND period = ? AND {visible()}",
                             (unit_id, period, at.position, at.position))
        if not rows:
            raise NotFound(f"Chưa có báo cáo chỉ tiêu kỳ {period} của đơn vị {unit_id}.", field="period",
                           value=period)
        return rows[0]

    def log(self, *, after: int, limit: int, upto: int, actor: str | None = None,
            event_type: str | None = None, aggregate_id: str | None = None,
            recorded_from: str | None = None, recorded_to: str | None = None,
            aggregate_type: str | None = None) -> list[dict[str, Any]]:
        where, params = _filters({"actor_id": actor, "event_type": event_type, "aggregate_id": aggregate_id,
                                  "aggregate_type": aggregate_type})
        if recorded_from:
            where.append("recorded_at >= ?")
            params.append(record_time(_parse_moment(recorded_from, "from")))
        if recorded_to:
            where.append("recorded_at <= ?")
            params.append(record_time(_parse_moment(recorded_to, "to")))
        conditions = " AND ".join(["position > ?", "position <= ?", *where])
        return self.db.query(f"SELECT * FROM rm_log WHERE {conditions} ORDER BY position LIMIT ?",
                             [after, upto, *params, limit])


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _filters(values: dict[str, Any]) -> tuple[list[str], list[Any]]:
    where = [f"{column} = ?" for column, value in values.items() if value is not None]
    return where, [str(v) for v in values.values() if v is not None]


def _clock(case: dict[str, Any], today: date, soon_days: int = 15) -> str:
    clocks = [handling_deadline(case, today), _date(case["limitation_deadline"])]
    left = (min(c for c in clocks if c is not None) - today).days
    return "overdue" if left < 0 else "due_soon" if left <= soon_days else "on_time"


# -- lookups for pages -------------------------------------------------------------------------------

_LOOKUPS = {"units": ("rm_units", "unit_id"), "officials": ("rm_officials", "official_id")}


def lookup(db: ReadDB, kind: str, ids: Any, at: AsOf) -> dict[str, dict[str, Any]]:
    """Rows of units or officials by id, as they stood at `at` (ids not found are left out)."""
    table, key = _LOOKUPS[kind]
    wanted = sorted({str(i) for i in ids if i})
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in db.query(f"SELECT * FROM {table} WHERE {key} IN ({marks}) AND {visible()}",
                            (*chunk, at.position, at.position)):
            out[row[key]] = row
    return out


def official_on(db: ReadDB, official_id: str, on: date, at: AsOf) -> dict[str, Any]:
    """The official's row in force on business date `on` (category and leadership change over time)."""
    rows = db.query("SELECT * FROM rm_officials WHERE official_id = ? AND pos_from <= ? ORDER BY since, pos_from",
                    (official_id, at.position))
    if not rows:
        raise NotFound(f"Không tìm thấy cán bộ {official_id}.", field="officialId", value=official_id)
    in_force = [r for r in rows if not r["since"] or date.fromisoformat(r["since"][:10]) <= on]
    return (in_force or rows)[-1]


def findings_by_unit(db: ReadDB, at: AsOf, start: date, end: date) -> list[dict[str, Any]]:
    """Findings not retracted that occurred in [start, end], counted per inspected unit and category."""
    return db.query(f"SELECT target_unit_id AS unit_id, category, COUNT(*) AS n FROM rm_findings WHERE {visible()} "
                    "AND retracted = 0 AND occurred_on >= ? AND occurred_on <= ? "
                    "GROUP BY target_unit_id, category ORDER BY target_unit_id, category",
                    (at.position, at.position, start.isoformat(), end.isoformat()))


def head_terms(db: ReadDB, at: AsOf) -> list[dict[str, Any]]:
    """Every head-of-unit term with the head's and the unit's names, newest first."""
    return db.query(
        "SELECT t.unit_id, t.official_id, t.since, t.until, o.full_name, u.name AS unit_name FROM rm_head_terms t "
        f"JOIN rm_officials o ON o.official_id = t.official_id AND {visible('o')} "
        f"JOIN rm_units u ON u.unit_id = t.unit_id AND {visible('u')} "
        f"WHERE {visible('t')} ORDER BY u.name, t.since DESC",
        (at.position, at.position, at.position, at.position, at.position, at.position))
