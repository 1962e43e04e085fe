"""Units, their heads over time, and officials (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import (
    TrackerAggregate,
    illegal,
    natural_id,
    not_in_future,
    require_date,
    require_reason,
    require_text,
)
from domain.enums import DisciplineForm, OfficialCategory, UnitKind, label, parse_enum
from domain.errors import RuleViolated
from domain.legal import FORM_RANK, fmt_date


@dataclass(frozen=True)
class HeadTerm:
    """An official heading a unit from `since` to `until` (inclusive; None while in office)."""

    official_id: UUID
    since: date
    until: date | None = None

    def covers(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


class Unit(TrackerAggregate):
    """An agency: a department, a commune or ward, or a public service unit."""

    class Registered(TrackerAggregate.Created):
        code: str
        name: str
        kind: UnitKind

    class Renamed(TrackerAggregate.Event):
        name: str
        renamed_on: date
        reason: str

        def apply(self, unit: Unit) -> None:
            unit.name = self.name

    class HeadAppointed(TrackerAggregate.Event):
        official_id: UUID
        since: date

        def apply(self, unit: Unit) -> None:
            unit.head_terms = [*unit.head_terms, HeadTerm(self.official_id, self.since)]

    class HeadTermEnded(TrackerAggregate.Event):
        official_id: UUID
        until: date
        reason: str

        def apply(self, unit: Unit) -> None:
            *earlier, last = unit.head_terms
            unit.head_terms = [*earlier, replace(last, until=self.until)]

    code: str
    name: str
    kind: UnitKind
    head_terms: list[HeadTerm]

    def __init__(self, code: str, name: str, kind: UnitKind) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.head_terms = []

    @staticmethod
    def id_for(code: str) -> UUID:
        return natural_id("unit", code)

    @classmethod
    def register(cls, *, code: str, name: str, kind: Any, recorded_by: Actor) -> Unit:
        code = require_text(code, "code", "mã đơn vị")
        return cls._create(cls.Registered, id=cls.id_for(code), code=code,
                           name=require_text(name, "name", "tên đơn vị"),
                           kind=parse_enum(UnitKind, kind, "kind"), recorded_by=recorded_by)

    def rename(self, *, name: str, renamed_on: date, reason: str, recorded_by: Actor) -> None:
        self.trigger_event(self.Renamed, name=require_text(name, "name", "tên đơn vị"),
                           renamed_on=require_date(renamed_on, "renamedOn"),
                           reason=require_reason(reason), recorded_by=recorded_by)

    @property
    def current_term(self) -> HeadTerm | None:
        if self.head_terms and self.head_terms[-1].until is None:
            return self.head_terms[-1]
        return None

    def head_on(self, on: date) -> UUID | None:
        """The official heading the unit on a business date."""
        for term in self.head_terms:
            if term.covers(on):
                return term.official_id
        return None

    def appoint_head(self, *, official_id: UUID, since: date, recorded_by: Actor) -> None:
        """Appoint a head; an open term of the previous head ends the day before."""
        since = require_date(since, "since")
        if self.head_terms:
            last = self.head_terms[-1]
            floor = last.since if last.until is None else last.until
            if since <= floor:
                raise RuleViolated(
                    f"Nhiệm kỳ người đứng đầu mới (từ {fmt_date(since)}) chồng lấn nhiệm kỳ trước "
                    f"(từ {fmt_date(last.since)}"
                    + (f" đến {fmt_date(last.until)})." if last.until else ")."),
                    rule="head_term_overlap", field="since", value=since.isoformat())
            if last.until is None:
                if last.official_id == official_id:
                    raise illegal("Cán bộ này đang là người đứng đầu đơn vị.", "already_head")
                self.trigger_event(self.HeadTermEnded, official_id=last.official_id,
                                   until=since - timedelta(days=1),
                                   reason="Bổ nhiệm người đứng đầu mới", recorded_by=recorded_by)
        self.trigger_event(self.HeadAppointed, official_id=official_id, since=since,
                           recorded_by=recorded_by)

    def end_head_term(self, *, until: date, reason: str, recorded_by: Actor) -> None:
        until = require_date(until, "until")
        term = self.current_term
        if term is None:
            raise illegal("Đơn vị hiện không có người đứng đầu đang giữ nhiệm kỳ.", "no_open_head_term")
        if until < term.since:
            raise RuleViolated("Ngày kết thúc nhiệm kỳ trước ngày bắt đầu.", rule="head_term_negative",
                               field="until", value=until.isoformat())
        self.trigger_event(self.HeadTermEnded, official_id=term.official_id, until=until,
                           reason=require_reason(reason), recorded_by=recorded_by)


@dataclass(frozen=True)
class Posting:
    """Where an official works from a date, and whether as a leader or manager."""

    unit_id: UUID
    since: date | None
    is_leader: bool


@dataclass(frozen=True)
class CategoryPeriod:
    category: OfficialCategory
    since: date | None


@dataclass(frozen=True)
class DisciplineRecord:
    """A discipline decision on the official, noted on their record when decided."""

    case_id: UUID
    form: DisciplineForm
    decided_on: date
    in_force_until: date | None
    decision_no: str

    def in_force_on(self, on: date) -> bool:
        return self.decided_on <= on and (self.in_force_until is None or on <= self.in_force_until)


@dataclass(frozen=True)
class Initiative:
    """An initiative (sáng kiến) recognised by a competent council's decision."""

    title: str
    decision_no: str
    recognised_on: date


def _at(items: list[Any], on: date) -> Any:
    """The last dated entry whose `since` is on or before `on` (an undated first entry always applies)."""
    current = items[0]
    for item in items[1:]:
        if item.since is not None and item.since <= on:
            current = item
    return current


class Official(TrackerAggregate):
    """A cán bộ, công chức or viên chức; their category decides which discipline forms apply."""

    class Registered(TrackerAggregate.Created):
        # v1 stored `name` and had no `is_leader`.
        class_version = 2

        personnel_code: str
        full_name: str
        category: OfficialCategory
        unit_id: UUID
        is_leader: bool
        since: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["full_name"] = state.pop("name")
            state.setdefault("is_leader", False)
            state.setdefault("since", None)

    class Transferred(TrackerAggregate.Event):
        unit_id: UUID
        on: date
        is_leader: bool
        reason: str

        def apply(self, official: Official) -> None:
            official.postings = [*official.postings, Posting(self.unit_id, self.on, self.is_leader)]

    class CategoryChanged(TrackerAggregate.Event):
        category: OfficialCategory
        on: date
        reason: str

        def apply(self, official: Official) -> None:
            official.categories = [*official.categories, CategoryPeriod(self.category, self.on)]

    class DisciplineRecorded(TrackerAggregate.Event):
        case_id: UUID
        form: DisciplineForm
        decided_on: date
        in_force_until: date | None
        decision_no: str

        def apply(self, official: Official) -> None:
            official.discipline = [*official.discipline, DisciplineRecord(
                self.case_id, self.form, self.decided_on, self.in_force_until, self.decision_no)]

    class Retired(TrackerAggregate.Event):
        """The official retired or left the service; they can still be disciplined for violations
        committed in office, with the forms the law keeps for them."""

        on: date
        note: str

        def apply(self, official: Official) -> None:
            official.retired_on = self.on

    class InitiativeRecognised(TrackerAggregate.Event):
        title: str
        decision_no: str
        recognised_on: date

        def apply(self, official: Official) -> None:
            official.initiatives = (*official.initiatives, Initiative(
                self.title, self.decision_no, self.recognised_on))

    personnel_code: str
    full_name: str
    postings: list[Posting]
    categories: list[CategoryPeriod]
    discipline: list[DisciplineRecord]
    # Class defaults: officials stored (or snapshotted) before these existed load without them.
    retired_on: date | None = None
    initiatives: tuple[Initiative, ...] = ()

    def __init__(self, personnel_code: str, full_name: str, category: OfficialCategory,
                 unit_id: UUID, is_leader: bool, since: date | None) -> None:
        self.personnel_code = personnel_code
        self.full_name = full_name
        self.postings = [Posting(unit_id, since, is_leader)]
        self.categories = [CategoryPeriod(category, since)]
        self.discipline = []

    @staticmethod
    def id_for(personnel_code: str) -> UUID:
        return natural_id("official", personnel_code)

    @classmethod
    def register(cls, *, personnel_code: str, full_name: str, category: Any, unit_id: UUID,
                 is_leader: bool, since: date | None = None, recorded_by: Actor) -> Official:
        code = require_text(personnel_code, "personnelCode", "mã cán bộ")
        return cls._create(cls.Registered, id=cls.id_for(code), personnel_code=code,
                           full_name=require_text(full_name, "fullName", "họ và tên"),
                           category=parse_enum(OfficialCategory, category, "category"),
                           unit_id=unit_id, is_leader=bool(is_leader),
                           since=None if since is None else require_date(since, "since"),
                           recorded_by=recorded_by)

    # -- reading the record on a business date --------------------------------------------------
    @property
    def unit_id(self) -> UUID:
        return self.postings[-1].unit_id

    @property
    def category(self) -> OfficialCategory:
        return self.categories[-1].category

    @property
    def is_leader(self) -> bool:
        return self.postings[-1].is_leader

    def unit_on(self, on: date) -> UUID:
        return _at(self.postings, on).unit_id

    def is_leader_on(self, on: date) -> bool:
        return _at(self.postings, on).is_leader

    def category_on(self, on: date) -> OfficialCategory:
        return _at(self.categories, on).category

    def retired_by(self, on: date) -> bool:
        return self.retired_on is not None and self.retired_on <= on

    def decision_in_force_on(self, on: date, *, excluding: UUID | None = None) -> DisciplineRecord | None:
        """The heaviest discipline decision in force on a date (for the one-level-heavier rule)."""
        records = [r for r in self.discipline if r.in_force_on(on) and r.case_id != excluding]
        return max(records, key=lambda r: FORM_RANK[r.form], default=None)

    # -- commands --------------------------------------------------------------------------------
    def transfer(self, *, unit_id: UUID, on: date, is_leader: bool, reason: str,
                 recorded_by: Actor) -> None:
        on = require_date(on, "on")
        self._check_serving(on, "on")
        last = self.postings[-1]
        if last.since is not None and on <= last.since:
            raise RuleViolated("Ngày điều động phải sau ngày bắt đầu công tác hiện tại.",
                               rule="transfer_before_current_posting", field="on", value=on.isoformat())
        if last.unit_id == unit_id and last.is_leader == bool(is_leader):
            raise illegal("Cán bộ đã công tác tại đơn vị này với cùng vị trí.", "transfer_to_same_unit")
        self.trigger_event(self.Transferred, unit_id=unit_id, on=on, is_leader=bool(is_leader),
                           reason=require_reason(reason), recorded_by=recorded_by)

    def change_category(self, *, category: Any, on: date, reason: str, recorded_by: Actor) -> None:
        new = parse_enum(OfficialCategory, category, "category")
        on = require_date(on, "on")
        if new == self.category:
            raise illegal(f"Cán bộ đã thuộc loại '{label(new)}'.", "category_unchanged")
        last = self.categories[-1]
        if last.since is not None and on <= last.since:
            raise RuleViolated("Ngày thay đổi phải sau lần thay đổi trước.",
                               rule="category_change_before_previous", field="on", value=on.isoformat())
        self.trigger_event(self.CategoryChanged, category=new, on=on, reason=require_reason(reason),
                           recorded_by=recorded_by)

    def _check_serving(self, on: date, field: str) -> None:
        if self.retired_by(on):
            raise RuleViolated(f"Cán bộ đã nghỉ hưu, nghỉ việc từ ngày {fmt_date(self.retired_on)}.",
                               rule="official_retired", field=field, value=on.isoformat())

    def retire(self, *, on: date, note: str = "", recorded_by: Actor) -> None:
        on = require_date(on, "retiredOn")
        if self.retired_on is not None:
            raise illegal(f"Cán bộ đã nghỉ hưu, nghỉ việc từ ngày {fmt_date(self.retired_on)}.",
                          "already_retired")
        first = self.postings[0].since
        last = self.postings[-1].since
        if (last or first) is not None and on < (last or first):
            raise RuleViolated("Ngày nghỉ hưu, nghỉ việc trước ngày bắt đầu công tác hiện tại.",
                               rule="retirement_before_posting", field="retiredOn", value=on.isoformat())
        self.trigger_event(self.Retired, on=on, note=(note or "").strip(), recorded_by=recorded_by)

    def recognise_initiative(self, *, title: str, decision_no: str, recognised_on: date,
                             recorded_by: Actor) -> None:
        recognised_on = require_date(recognised_on, "recognisedOn")
        not_in_future(recognised_on, "recognisedOn")
        number = require_text(decision_no, "decisionNo", "số quyết định công nhận sáng kiến")
        if any(i.decision_no.casefold() == number.casefold() for i in self.initiatives):
            raise illegal(f"Sáng kiến theo quyết định {number} đã được ghi nhận.", "initiative_recorded")
        self.trigger_event(self.InitiativeRecognised,
                           title=require_text(title, "title", "tên sáng kiến"), decision_no=number,
                           recognised_on=recognised_on, recorded_by=recorded_by)

    def note_discipline(self, *, case_id: UUID, form: DisciplineForm, decided_on: date,
                        in_force_until: date | None, decision_no: str, recorded_by: Actor) -> None:
        self.trigger_event(self.DisciplineRecorded, case_id=case_id, form=form, decided_on=decided_on,
                           in_force_until=in_force_until, decision_no=decision_no,
                           recorded_by=recorded_by)
