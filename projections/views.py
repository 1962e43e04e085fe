"""The read models: one view per context, each a set of versioned tables fed from the log."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any, ClassVar

from domain import legal
from domain.accountability import AccountabilityDecision
from domain.discipline import DisciplineCase
from domain.enums import CaseState, DisciplineForm, NoLimitationGround, OfficialCategory, Severity
from domain.inspections import Inspection
from domain.kpi import KpiFigures, UnitKpiReport
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from projections.tables import Batch, Table, db_value

T, I, B, R = "TEXT", "INTEGER", "BIGINT", "DOUBLE PRECISION"


class Event:
    """A decoded log entry as the views see it (`id` and `version` are read once, not per view)."""

    __slots__ = ("position", "recorded_at", "domain_event", "record", "id", "version")

    def __init__(self, position: int, recorded_at: str, domain_event: Any, record: bytes = b"") -> None:
        self.position = position
        self.recorded_at = recorded_at
        self.domain_event = domain_event
        self.record = record  # the stored bytes, for the hash chain
        self.id: str = str(domain_event.originator_id)
        self.version: int = domain_event.originator_version

    def __repr__(self) -> str:
        return f"Event({self.position}, {type(self.domain_event).__qualname__}, {self.id} v{self.version})"


Handler = Callable[[Batch, Event], None]


class View:
    """A read model: its tables and a handler per event class it needs."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    log_tables: ClassVar[tuple[str, ...]] = ()
    rebuildable: ClassVar[bool] = True  # the hash chain is not: it must never be rebuilt from the log
    needs_record: ClassVar[bool] = False  # whether the handlers read `Event.record` (the hash chain does)
    # Bump when what the handlers write changes meaning; with the tables' DDL it makes the view's
    # shape, and a store whose stored shape differs rebuilds that view (see Projector.create_tables).
    revision: ClassVar[int] = 1

    def handlers(self) -> dict[type, Handler]:  # pragma: no cover - interface
        raise NotImplementedError

    def handler_for(self, event_class: type) -> Handler | None:
        """The handler of an event class, or None: the view ignores it but still tracks its position."""
        try:
            return self._handlers.get(event_class)
        except AttributeError:
            self._handlers = self.handlers()
            return self._handlers.get(event_class)

    def select(self, events: list[Event]) -> list[tuple[Handler, Event]]:
        """The events this view handles, each with its handler, in log order."""
        dispatch: dict[type, Handler | None] = self.__dict__.setdefault("_dispatch", {})
        try:
            return [(h, e) for e in events if (h := dispatch[type(e.domain_event)]) is not None]
        except KeyError:  # an event class not seen yet
            for e in events:
                if type(e.domain_event) not in dispatch:
                    dispatch[type(e.domain_event)] = self.handler_for(type(e.domain_event))
            return [(h, e) for e in events if (h := dispatch[type(e.domain_event)]) is not None]

    def reads(self) -> dict[type, tuple[Table, ...]] | None:
        """The tables (with a one-column key) whose current row the handler of each event class reads,
        for `prefetch`; None: every such table, for every event class the view handles. What is
        not declared here is still read, one row per query."""
        return None

    def prefetch(self, batch: Batch, events: list[Event]) -> None:
        """Load, in bulk, the current rows the handlers of these events will read (see `reads`).

        An event's key in a table is its attribute named like the key column (`finding_id`), else
        its aggregate id, unless the aggregate is created in this batch (nothing is stored under
        its id yet). A key loaded for nothing costs only a lookup, and `Batch.current` still
        answers for a row this misses, with one query.
        """
        plans = self.__dict__.setdefault("_prefetch_plans", {})
        keys: dict[str, set[Any]] = {}
        created: set[str] = set()
        for e in events:
            if e.version == 1:
                created.add(e.id)
            cls = type(e.domain_event)
            plan = plans.get(cls)
            if plan is None:
                plan = plans[cls] = self._prefetch_plan(cls)
            for name, attribute in plan:
                value = None if attribute is None else getattr(e.domain_event, attribute, None)
                if value is not None:
                    key = db_value(value)
                elif e.id in created:
                    continue
                else:
                    key = e.id
                found = keys.get(name)
                if found is None:
                    found = keys[name] = set()
                found.add(key)
        for table in self.tables:
            if table.name in keys:
                batch.prefetch(table, keys[table.name])

    def _prefetch_plan(self, cls: type) -> tuple[tuple[str, str | None], ...]:
        """(table, the event attribute holding its key, or None for the aggregate id) per table the
        handler of this event class reads."""
        if self.handler_for(cls) is None:
            return ()
        declared = self.reads()
        tables = [t for t in self.tables if len(t.key) == 1] if declared is None else declared.get(cls, ())
        fields = getattr(cls, "__dataclass_fields__", None)
        return tuple((table.name, table.key[0] if fields is None or table.key[0] in fields or
                      hasattr(cls, table.key[0]) else None) for table in tables if len(table.key) == 1)

    def ddl(self) -> list[str]:
        return [stmt for table in self.tables for stmt in table.ddl()]

    def table_names(self) -> tuple[str, ...]:
        return (*(t.name for t in self.tables), *self.log_tables)

    def shape(self) -> str:
        """What the view's rows look like and mean: a rebuild is due when this changes."""
        return hashlib.sha256("\n".join([str(self.revision), *self.ddl()]).encode()).hexdigest()[:16]


def put_new(batch: Batch, table: Table, e: Event, values: dict[str, Any], key: tuple[Any, ...] | None = None) -> None:
    batch.put(table, key or (e.id,), values, position=e.position, version=e.version, new=True)


def change(batch: Batch, table: Table, e: Event, changes: dict[str, Any],
           key: tuple[Any, ...] | None = None) -> None:
    batch.update(table, key or (e.id,), changes, position=e.position, version=e.version)


# -- the log index ---------------------------------------------------------------------------------

LOG_DDL = [
    "CREATE TABLE IF NOT EXISTS rm_log (position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, "
    "aggregate_id TEXT NOT NULL, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, "
    "event_type TEXT NOT NULL, actor_id TEXT, actor_role TEXT, reason TEXT, business_date TEXT, "
    "recorded_max TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rm_log_recorded_at ON rm_log (recorded_at)",
    "CREATE INDEX IF NOT EXISTS rm_log_recorded_max ON rm_log (recorded_max, position)",
    "CREATE INDEX IF NOT EXISTS rm_log_aggregate ON rm_log (aggregate_id, version)",
]
LOG_COLUMNS = ("position", "recorded_at", "aggregate_id", "aggregate_type", "version", "event_type",
               "actor_id", "actor_role", "reason", "business_date", "recorded_max")
# The business date an event speaks of, by the first of these attributes it has; comparing it with
# the record time shows backdated facts for what they are.
BUSINESS_DATES = ("occurred_on", "decided_on", "concluded_on", "implemented_on", "closed_on", "held_on",
                  "convened_on", "revoked_on", "submitted_on", "corrected_on", "assigned_on", "renamed_on",
                  "detected_on", "since", "until", "on")


class LogView(View):
    """Every event's position, record time, aggregate, type, actor and reason (the auditors' index)."""

    name = "log"
    tables = ()
    log_tables = ("rm_log",)

    def __init__(self) -> None:
        self._classes: dict[type, tuple[str, str, tuple[str, ...]]] = {}
        # `recorded_max`: the latest record time up to each position. It never decreases, so "the log as
        # recorded by time T" (the first position recorded after T, minus one) is one index lookup,
        # even where concurrent writers committed record times out of order.
        self._last: tuple[int, str] = (0, "")

    def ddl(self) -> list[str]:
        return list(LOG_DDL)

    def _recorded_max(self, batch: Batch, e: Event) -> str:
        position, latest = self._last
        if position != e.position - 1:  # a new run, or another process wrote the rows before
            batch.cursor.execute("SELECT recorded_max FROM rm_log WHERE position = ?", (e.position - 1,))
            row = batch.cursor.fetchone()
            latest = row["recorded_max"] if row else ""
        latest = max(latest, e.recorded_at)
        self._last = (e.position, latest)
        return latest

    def handler_for(self, event_class: type) -> Handler | None:
        return self.apply

    def _class(self, cls: type) -> tuple[str, str, tuple[str, ...]]:
        """Per event class: aggregate type, event type, and the business-date names it can have (its
        fields and class attributes: an event's attributes are its dataclass fields)."""
        aggregate_type, _, event_type = cls.__qualname__.rpartition(".")
        fields = getattr(cls, "__dataclass_fields__", None)
        dates = BUSINESS_DATES if fields is None else \
            tuple(a for a in BUSINESS_DATES if a in fields or hasattr(cls, a))
        found = self._classes[cls] = (aggregate_type, event_type, dates)
        return found

    def apply(self, batch: Batch, e: Event) -> None:
        ev = e.domain_event
        cls = type(ev)
        aggregate_type, event_type, dates = self._classes.get(cls) or self._class(cls)
        actor = getattr(ev, "recorded_by", None)
        reason = getattr(ev, "reason", None) or getattr(ev, "override_reason", None)
        business = None
        for name in dates:
            business = getattr(ev, name, None)
            if business is not None:
                break
        batch.append("rm_log", LOG_COLUMNS, (  # the first six are plain str and int already
            e.position, e.recorded_at, e.id, aggregate_type, e.version, event_type,
            db_value(actor.user_id) if actor else None, db_value(actor.role) if actor else None,
            db_value(reason), db_value(business), self._recorded_max(batch, e)), converted=True)


# -- organisation ----------------------------------------------------------------------------------

UNITS = Table("rm_units", ("unit_id",), {"code": T, "name": T, "kind": T, "head_official_id": T,
                                         "head_since": T})
HEAD_TERMS = Table("rm_head_terms", ("unit_id", "since"), {"official_id": T, "until": T},
                   indexes=(("official_id",),))
OFFICIALS = Table("rm_officials", ("official_id",), {
    "personnel_code": T, "full_name": T, "category": T, "unit_id": T, "is_leader": I, "since": T,
    "retired_on": T},
    indexes=(("unit_id",),))
INITIATIVES = Table("rm_initiatives", ("official_id", "decision_no"), {"title": T, "recognised_on": T})


class OrganisationView(View):
    name = "organisation"
    # 2: `since` also moves with a category change (the row in force on a date); 3: an official's row
    # moves with every event of the official (its version is the aggregate's, for If-Match)
    revision = 3
    tables = (UNITS, HEAD_TERMS, OFFICIALS, INITIATIVES)

    def handlers(self) -> dict[type, Handler]:
        return {
            Unit.Registered: lambda b, e: put_new(b, UNITS, e, {
                "code": e.domain_event.code, "name": e.domain_event.name, "kind": e.domain_event.kind}),
            Unit.Renamed: lambda b, e: change(b, UNITS, e, {"name": e.domain_event.name}),
            Unit.HeadAppointed: self._head_appointed,
            Unit.HeadTermEnded: self._term_ended,
            Official.Registered: lambda b, e: put_new(b, OFFICIALS, e, {
                "personnel_code": e.domain_event.personnel_code, "full_name": e.domain_event.full_name,
                "category": e.domain_event.category, "unit_id": e.domain_event.unit_id,
                "is_leader": e.domain_event.is_leader, "since": e.domain_event.since}),
            Official.Transferred: lambda b, e: change(b, OFFICIALS, e, {
                "unit_id": e.domain_event.unit_id, "is_leader": e.domain_event.is_leader,
                "since": e.domain_event.on}),
            Official.CategoryChanged: lambda b, e: change(b, OFFICIALS, e, {
                "category": e.domain_event.category, "since": e.domain_event.on}),
            Official.Retired: lambda b, e: change(b, OFFICIALS, e, {"retired_on": e.domain_event.on}),
            Official.DisciplineRecorded: lambda b, e: change(b, OFFICIALS, e, {}),
            Official.InitiativeRecognised: self._initiative,
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {Unit.Renamed: (UNITS,), Unit.HeadAppointed: (UNITS,), Unit.HeadTermEnded: (UNITS,),
                Official.Transferred: (OFFICIALS,), Official.CategoryChanged: (OFFICIALS,),
                Official.Retired: (OFFICIALS,), Official.InitiativeRecognised: (OFFICIALS,),
                Official.DisciplineRecorded: (OFFICIALS,)}

    @staticmethod
    def _initiative(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        put_new(batch, INITIATIVES, e, {"title": ev.title, "recognised_on": ev.recognised_on},
                key=(e.id, ev.decision_no))
        change(batch, OFFICIALS, e, {})

    @staticmethod
    def _head_appointed(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        change(batch, UNITS, e, {"head_official_id": ev.official_id, "head_since": ev.since})
        put_new(batch, HEAD_TERMS, e, {"official_id": ev.official_id, "until": None}, key=(e.id, ev.since))

    @staticmethod
    def _term_ended(batch: Batch, e: Event) -> None:
        unit = batch.get(UNITS, (e.id,))
        change(batch, HEAD_TERMS, e, {"until": e.domain_event.until}, key=(e.id, unit["head_since"]))
        change(batch, UNITS, e, {"head_official_id": None, "head_since": None})


# -- inspections -----------------------------------------------------------------------------------

INSPECTIONS = Table("rm_inspections", ("inspection_id",), {
    "kind": T, "decision_no": T, "decided_on": T, "target_unit_id": T, "scope": T, "team": T,
    "status": T, "conclusion_no": T, "concluded_on": T, "closed_on": T, "findings": I},
    indexes=(("target_unit_id",),))
FINDINGS = Table("rm_findings", ("finding_id",), {
    "inspection_id": T, "target_unit_id": T, "category": T, "severity": T, "description": T,
    "occurred_on": T, "official_ids": T, "evidence": T, "retracted": I, "note": T, "referred_on": T,
    "referral_agency": T},
    indexes=(("inspection_id",), ("target_unit_id",)))
RECOMMENDATIONS = Table("rm_recommendations", ("recommendation_id",), {
    "inspection_id": T, "text": T, "due_on": T, "responsible_unit_id": T, "implemented_on": T, "note": T},
    indexes=(("inspection_id",), ("responsible_unit_id",)))


class InspectionsView(View):
    name = "inspections"
    tables = (INSPECTIONS, FINDINGS, RECOMMENDATIONS)

    def handlers(self) -> dict[type, Handler]:
        return {
            Inspection.Opened: lambda b, e: put_new(b, INSPECTIONS, e, {
                "kind": e.domain_event.kind, "decision_no": e.domain_event.decision_no,
                "decided_on": e.domain_event.decided_on, "target_unit_id": e.domain_event.target_unit_id,
                "scope": e.domain_event.scope, "team": list(e.domain_event.team), "status": "open",
                "findings": 0}),
            Inspection.FindingRecorded: self._finding_recorded,
            Inspection.FindingCorrected: self._finding_corrected,
            Inspection.FindingRetracted: lambda b, e: (
                change(b, FINDINGS, e, {"retracted": 1, "note": e.domain_event.reason},
                       key=(e.domain_event.finding_id,)),
                change(b, INSPECTIONS, e, {})),
            Inspection.FindingReferred: lambda b, e: (
                change(b, FINDINGS, e, {"referred_on": e.domain_event.referred_on,
                                        "referral_agency": e.domain_event.agency},
                       key=(e.domain_event.finding_id,)),
                change(b, INSPECTIONS, e, {})),
            Inspection.Concluded: self._concluded,
            Inspection.RecommendationImplemented: lambda b, e: (
                change(b, RECOMMENDATIONS, e, {"implemented_on": e.domain_event.implemented_on,
                                               "note": e.domain_event.note},
                       key=(e.domain_event.recommendation_id,)),
                change(b, INSPECTIONS, e, {})),
            Inspection.Closed: lambda b, e: change(b, INSPECTIONS, e, {
                "status": "closed", "closed_on": e.domain_event.closed_on}),
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {Inspection.FindingRecorded: (INSPECTIONS,), Inspection.FindingCorrected: (FINDINGS, INSPECTIONS),
                Inspection.FindingRetracted: (FINDINGS, INSPECTIONS),
                Inspection.FindingReferred: (FINDINGS, INSPECTIONS), Inspection.Concluded: (INSPECTIONS,),
                Inspection.RecommendationImplemented: (RECOMMENDATIONS, INSPECTIONS),
                Inspection.Closed: (INSPECTIONS,)}

    @staticmethod
    def _finding_recorded(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        inspection = batch.get(INSPECTIONS, (e.id,))
        change(batch, INSPECTIONS, e, {"findings": int(inspection["findings"]) + 1})
        put_new(batch, FINDINGS, e, {
            "inspection_id": e.id, "target_unit_id": inspection["target_unit_id"], "category": ev.category,
            "severity": ev.severity, "description": ev.description, "occurred_on": ev.occurred_on,
            "official_ids": [str(o) for o in ev.official_ids], "evidence": list(ev.evidence),
            "retracted": 0, "note": None}, key=(ev.finding_id,))

    @staticmethod
    def _finding_corrected(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        changes = dict(ev.changes)
        changes["note"] = ev.reason
        change(batch, FINDINGS, e, changes, key=(ev.finding_id,))
        change(batch, INSPECTIONS, e, {})

    @staticmethod
    def _concluded(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        change(batch, INSPECTIONS, e, {"status": "concluded", "conclusion_no": ev.conclusion_no,
                                       "concluded_on": ev.concluded_on})
        for rec in ev.recommendations:
            put_new(batch, RECOMMENDATIONS, e, {
                "inspection_id": e.id, "text": rec.text, "due_on": rec.due_on,
                "responsible_unit_id": rec.responsible_unit_id, "implemented_on": None, "note": None},
                key=(rec.recommendation_id,))


# -- discipline ------------------------------------------------------------------------------------

CASES = Table("rm_cases", ("case_id",), {
    "official_id": T, "unit_id": T, "official_category": T, "inspection_id": T, "finding_id": T,
    "category": T, "nature": T, "severity": T, "occurred_on": T, "detected_on": T, "state": T,
    "extended_on": T, "deferred_days": I, "deferred_since": T, "deferral_reason": T,
    "base_deadline": T, "proposed_form": T, "limitation_deadline": T, "form": T, "decision_no": T,
    "decided_on": T, "regime": T, "late": I, "decided_deadline": T, "override_reason": T,
    "exemption_ground": T, "closed_on": T, "reason": T, "no_limitation_ground": T,
    "handling_requested_on": T},
    indexes=(("unit_id",), ("official_id",)))


def _clock_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Recompute the stored legal clocks from the row's facts with the dated rules."""
    base, limitation = _clocks(row["official_category"], row["detected_on"], row["extended_on"] is not None,
                               row["deferred_days"], row["proposed_form"], row["severity"], row["occurred_on"],
                               row["no_limitation_ground"])
    return {"base_deadline": base, "limitation_deadline": limitation}


@lru_cache(maxsize=4096)  # the rules are pure functions of these facts; many events leave them as they were
def _clocks(official_category: str, detected_on: str, extended: bool, deferred_days: int | None,
            proposed_form: str | None, severity: str, occurred_on: str,
            no_limitation_ground: str | None) -> tuple[date, date | None]:
    category = OfficialCategory(official_category)
    detected = date.fromisoformat(detected_on)
    base = legal.handling_deadline(category, detected, extended, int(deferred_days or 0))
    proposed = DisciplineForm(proposed_form) if proposed_form else None
    form = legal.warranted_form(Severity(severity), proposed)
    limitation = legal.limitation_deadline(
        category, date.fromisoformat(occurred_on), form, detected,
        NoLimitationGround(no_limitation_ground) if no_limitation_ground else None)
    return base, limitation


class DisciplineView(View):
    name = "discipline"
    tables = (CASES,)

    def handlers(self) -> dict[type, Handler]:
        C = DisciplineCase
        return {
            C.Opened: self._opened,
            C.Deferred: lambda b, e: self._change(b, e, {
                "state": CaseState.DEFERRED, "deferred_since": e.domain_event.on,
                "deferral_reason": e.domain_event.reason, "reason": e.domain_event.note}),
            C.Resumed: self._resumed,
            C.HandlingRequested: self._handling_requested,
            C.Extended: lambda b, e: self._change(b, e, {"extended_on": e.domain_event.on,
                                                         "reason": e.domain_event.reason}),
            C.ReviewMeetingHeld: lambda b, e: self._change(b, e, {} if e.domain_event.proposed_form is None
                                                          else {"proposed_form": e.domain_event.proposed_form}),
            C.CouncilConvened: lambda b, e: self._change(b, e, {} if e.domain_event.recommended_form is None
                                                        else {"proposed_form": e.domain_event.recommended_form}),
            C.Decided: lambda b, e: self._change(b, e, {
                "state": CaseState.DECIDED, "form": e.domain_event.form,
                "decision_no": e.domain_event.decision_no, "decided_on": e.domain_event.decided_on,
                "regime": e.domain_event.regime, "late": e.domain_event.late,
                "decided_deadline": e.domain_event.handling_deadline,
                "override_reason": e.domain_event.override_reason, "closed_on": e.domain_event.decided_on}),
            C.Exempted: lambda b, e: self._change(b, e, {
                "state": CaseState.EXEMPTED, "exemption_ground": e.domain_event.ground,
                "reason": e.domain_event.basis, "decided_on": e.domain_event.decided_on,
                "closed_on": e.domain_event.decided_on}),
            C.TimeBarred: lambda b, e: self._change(b, e, {
                "state": CaseState.TIME_BARRED, "closed_on": e.domain_event.on,
                "regime": e.domain_event.regime}),
            C.Withdrawn: lambda b, e: self._change(b, e, {
                "state": CaseState.WITHDRAWN, "closed_on": e.domain_event.on, "reason": e.domain_event.reason}),
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {cls: (CASES,) for cls in self.handlers() if cls is not DisciplineCase.Opened}

    @staticmethod
    def _opened(batch: Batch, e: Event) -> None:
        ev = e.domain_event
        row: dict[str, Any] = {c: None for c in CASES.columns}
        row.update({
            "official_id": str(ev.official_id), "unit_id": str(ev.unit_id),
            "official_category": ev.official_category.value,
            "inspection_id": str(ev.inspection_id) if ev.inspection_id else None,
            "finding_id": str(ev.finding_id) if ev.finding_id else None, "category": ev.category.value,
            "nature": ev.nature.value, "severity": ev.severity.value,
            "occurred_on": ev.occurred_on.isoformat(), "detected_on": ev.detected_on.isoformat(),
            "state": CaseState.OPEN.value, "deferred_days": 0, "late": 0,
            "no_limitation_ground": ev.no_limitation_ground.value if ev.no_limitation_ground else None})
        row.update(_clock_fields(row))
        put_new(batch, CASES, e, row)

    @staticmethod
    def _change(batch: Batch, e: Event, changes: dict[str, Any]) -> None:
        changes = {k: db_value(v) for k, v in changes.items()}
        changes.update(_clock_fields({**batch.get(CASES, (e.id,)), **changes}))
        batch.update(CASES, (e.id,), changes, position=e.position, version=e.version)

    def _handling_requested(self, batch: Batch, e: Event) -> None:
        """The official's written request: noted, and a deferral on maternity grounds ends."""
        row = batch.get(CASES, (e.id,))
        if row["state"] == CaseState.DEFERRED:
            self._resumed(batch, e, {"handling_requested_on": e.domain_event.on})
        else:
            self._change(batch, e, {"handling_requested_on": e.domain_event.on,
                                    "reason": e.domain_event.note})

    def _resumed(self, batch: Batch, e: Event, more: dict[str, Any] | None = None) -> None:
        row = batch.get(CASES, (e.id,))
        days = legal.deferred_days([(date.fromisoformat(row["deferred_since"]), e.domain_event.on)],
                                   until=e.domain_event.on)
        self._change(batch, e, {"state": CaseState.OPEN, "deferred_since": None, "deferral_reason": None,
                                "deferred_days": int(row["deferred_days"] or 0) + days,
                                "reason": e.domain_event.note, **(more or {})})


# -- accountability, tasks, KPI --------------------------------------------------------------------

DECISIONS = Table("rm_decisions", ("decision_id",), {
    "head_official_id": T, "unit_id": T, "responsibility": T, "outcome": T, "decided_on": T,
    "reason": T, "refs": T, "revoked_on": T, "revocation_reason": T},
    indexes=(("unit_id",), ("head_official_id",)))


class AccountabilityView(View):
    name = "accountability"
    tables = (DECISIONS,)

    def handlers(self) -> dict[type, Handler]:
        return {
            AccountabilityDecision.Made: lambda b, e: put_new(b, DECISIONS, e, {
                "head_official_id": e.domain_event.head_official_id, "unit_id": e.domain_event.unit_id,
                "responsibility": e.domain_event.responsibility, "outcome": e.domain_event.outcome,
                "decided_on": e.domain_event.decided_on, "reason": e.domain_event.reason,
                "refs": list(e.domain_event.refs)}),
            AccountabilityDecision.Revoked: lambda b, e: change(b, DECISIONS, e, {
                "revoked_on": e.domain_event.revoked_on, "revocation_reason": e.domain_event.reason}),
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {AccountabilityDecision.Revoked: (DECISIONS,)}


TASKS = Table("rm_tasks", ("task_id",), {
    "plan_ref": T, "row_no": T, "title": T, "lead_unit_id": T, "responsible_official_id": T,
    "responsibility": T, "coordinating_unit_ids": T, "expected_result": T, "assigned_on": T,
    "due_on": T, "progress": I, "completed_on": T, "result": T, "note": T, "deadline_text": T},
    indexes=(("lead_unit_id",),))


class TasksView(View):
    name = "tasks"
    tables = (TASKS,)

    def handlers(self) -> dict[type, Handler]:
        A = AssignedTask
        return {
            A.Assigned: lambda b, e: put_new(b, TASKS, e, {
                "plan_ref": e.domain_event.plan_ref, "row_no": e.domain_event.row_no,
                "title": e.domain_event.title, "lead_unit_id": e.domain_event.lead_unit_id,
                "responsible_official_id": e.domain_event.responsible_official_id,
                "responsibility": e.domain_event.responsibility,
                "coordinating_unit_ids": [str(u) for u in e.domain_event.coordinating_unit_ids],
                "expected_result": e.domain_event.expected_result,
                "assigned_on": e.domain_event.assigned_on, "due_on": e.domain_event.due_on, "progress": 0,
                "deadline_text": e.domain_event.deadline_text}),
            A.ProgressReported: lambda b, e: change(b, TASKS, e, {"progress": e.domain_event.percent,
                                                                   "note": e.domain_event.note}),
            A.Completed: lambda b, e: change(b, TASKS, e, {"progress": 100, "completed_on": e.domain_event.on,
                                                            "result": e.domain_event.result}),
            A.Reassigned: lambda b, e: change(b, TASKS, e, {
                "lead_unit_id": e.domain_event.lead_unit_id,
                "responsible_official_id": e.domain_event.responsible_official_id,
                "due_on": e.domain_event.due_on, "note": e.domain_event.reason}),
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {AssignedTask.ProgressReported: (TASKS,), AssignedTask.Completed: (TASKS,),
                AssignedTask.Reassigned: (TASKS,)}


KPI_FIELDS = tuple(KpiFigures.__dataclass_fields__)
KPI = Table("rm_kpi", ("report_id",), {
    "unit_id": T, "period": T, "submitted_on": T, "corrections": I,
    **{f: (B if KpiFigures.__dataclass_fields__[f].type in ("int", int) else R) for f in KPI_FIELDS}},
    indexes=(("unit_id", "period"),))


class KpiView(View):
    name = "kpi"
    tables = (KPI,)

    def handlers(self) -> dict[type, Handler]:
        return {
            UnitKpiReport.Submitted: lambda b, e: put_new(b, KPI, e, {
                "unit_id": e.domain_event.unit_id, "period": e.domain_event.period,
                "submitted_on": e.domain_event.submitted_on, "corrections": 0,
                **_figures(e.domain_event.figures)}),
            UnitKpiReport.Corrected: lambda b, e: change(b, KPI, e, {
                "corrections": int(b.get(KPI, (e.id,))["corrections"]) + 1,
                **_figures(e.domain_event.figures)}),
        }

    def reads(self) -> dict[type, tuple[Table, ...]]:
        return {UnitKpiReport.Corrected: (KPI,)}


def _figures(figures: KpiFigures) -> dict[str, Any]:
    return {f: getattr(figures, f) for f in KPI_FIELDS}

