"""Transport types: msgspec Structs for every request and response, camelCase on the wire."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from domain.enums import (
    CaseState,
    DeferralReason,
    DisciplineForm,
    ExemptionGround,
    FindingCategory,
    InspectionKind,
    Nature,
    NoLimitationGround,
    OfficialCategory,
    Outcome,
    Rating,
    Responsibility,
    Severity,
    UnitKind,
)

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-fA-F]{64}$")]


class Schema(msgspec.Struct, kw_only=True, frozen=True, rename="camel"):
    pass


# -- common answers ----------------------------------------------------------------------------------

class Created(Schema):
    id: UUID
    version: int
    position: int | None = None  # the log position of the write (read models at it or later show it)


class Versioned(Schema):
    id: UUID
    version: int
    position: int | None = None  # the log position of the write (read models at it or later show it)


class FindingCreated(Schema):
    id: UUID
    finding_id: UUID
    version: int
    position: int | None = None  # the log position of the write (read models at it or later show it)


class Concluded(Schema):
    id: UUID
    recommendation_ids: list[UUID]
    version: int
    position: int | None = None  # the log position of the write (read models at it or later show it)


class FailedView(Schema):
    """A read model stopped at an event it could not process (the other read models go on)."""

    view: str
    position: int  # the event it stopped at: its rows are as of the position before
    error: str


class Health(Schema):
    status: str  # "ok", or "degraded" while a read model is stopped (still HTTP 200: the API serves)
    store: str
    position: int
    projections_position: int
    projections_lag: int
    failed_views: list[FailedView] = msgspec.field(default_factory=list)


# -- auth --------------------------------------------------------------------------------------------

class TokenRequest(Schema):
    username: Short
    password: Annotated[str, msgspec.Meta(max_length=1000)]


class TokenResponse(Schema):
    access_token: str
    token_type: str
    expires_in: int
    role: str
    username: str


class UserCreate(Schema):
    username: Short
    role: Literal["inspector", "home_affairs", "auditor", "admin"]
    password: Annotated[str, msgspec.Meta(min_length=8, max_length=1000)]
    full_name: str = ""


class UserOut(Schema):
    username: str
    role: str
    full_name: str


# -- organisation ------------------------------------------------------------------------------------

class UnitCreate(Schema):
    code: Short
    name: Short
    kind: UnitKind


class HeadAppoint(Schema):
    official_id: UUID
    since: date


class HeadTermOut(Schema):
    official_id: UUID
    full_name: str | None
    since: date
    until: date | None


class UnitOut(Schema):
    id: UUID
    code: str
    name: str
    kind: UnitKind
    head_official_id: UUID | None
    head_since: date | None
    version: int
    heads: list[HeadTermOut] | None = None


class OfficialCreate(Schema):
    personnel_code: Short
    full_name: Short
    category: OfficialCategory
    unit_id: UUID
    is_leader: bool = False
    since: date | None = None


class Retirement(Schema):
    retired_on: date
    note: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class InitiativeCreate(Schema):
    title: Text
    decision_no: Short
    recognised_on: date


class InitiativeOut(Schema):
    title: str
    decision_no: str
    recognised_on: date


class OfficialOut(Schema):
    id: UUID
    personnel_code: str
    full_name: str
    category: OfficialCategory
    unit_id: UUID
    is_leader: bool
    version: int
    retired_on: date | None = None
    initiatives: list[InitiativeOut] = []


# -- inspections -------------------------------------------------------------------------------------

class InspectionCreate(Schema):
    kind: InspectionKind
    decision_no: Short
    decided_on: date
    target_unit_id: UUID
    scope: Text
    team: Annotated[list[Short], msgspec.Meta(min_length=1, max_length=50)]


class Evidence(Schema):
    name: Short
    sha256: Sha256


class FindingCreate(Schema):
    category: FindingCategory
    severity: Severity
    description: Text
    occurred_on: date
    official_ids: Annotated[list[UUID], msgspec.Meta(max_length=100)] = []
    evidence: Annotated[list[Evidence], msgspec.Meta(max_length=100)] = []


class FindingCorrection(Schema):
    reason: Text
    category: FindingCategory | None = None
    severity: Severity | None = None
    description: Text | None = None
    occurred_on: date | None = None
    official_ids: Annotated[list[UUID], msgspec.Meta(max_length=100)] | None = None
    evidence: Annotated[list[Evidence], msgspec.Meta(max_length=100)] | None = None


class Reason(Schema):
    reason: Text


class RecommendationIn(Schema):
    text: Text
    due_on: date
    responsible_unit_id: UUID


class ConclusionCreate(Schema):
    conclusion_no: Short
    concluded_on: date
    recommendations: Annotated[list[RecommendationIn], msgspec.Meta(max_length=200)] = []


class Implementation(Schema):
    implemented_on: date
    note: str = ""


class Closure(Schema):
    closed_on: date


class FindingOut(Schema):
    id: UUID
    category: FindingCategory
    severity: Severity
    description: str
    occurred_on: date
    official_ids: list[UUID]
    evidence: list[Evidence]
    retracted: bool
    note: str | None
    recorded_at_position: int
    referred_on: date | None = None
    referral_agency: str | None = None


class CriminalReferral(Schema):
    referred_on: date
    agency: Short
    document_no: Short


class RecommendationOut(Schema):
    id: UUID
    text: str
    due_on: date
    responsible_unit_id: UUID
    implemented_on: date | None
    note: str | None
    overdue: bool


class InspectionOut(Schema):
    id: UUID
    kind: InspectionKind
    decision_no: str
    decided_on: date
    target_unit_id: UUID
    scope: str
    team: list[str]
    status: Literal["open", "concluded", "closed"]
    conclusion_no: str | None
    concluded_on: date | None
    closed_on: date | None
    findings_count: int
    version: int
    findings: list[FindingOut] | None = None
    recommendations: list[RecommendationOut] | None = None
    as_of_position: int | None = None


# -- discipline --------------------------------------------------------------------------------------

class CaseCreate(Schema):
    official_id: UUID
    category: FindingCategory
    nature: Nature
    severity: Severity
    occurred_on: date
    detected_on: date
    inspection_id: UUID | None = None
    finding_id: UUID | None = None
    no_limitation_ground: NoLimitationGround | None = None


class Deferral(Schema):
    reason: DeferralReason
    on: date
    note: str = ""


class HandlingRequest(Schema):
    on: date
    note: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class Resumption(Schema):
    on: date
    note: str = ""


class Extension(Schema):
    on: date
    reason: Text


class ReviewMeeting(Schema):
    held_on: date
    proposed_form: DisciplineForm | None = None
    minutes: str = ""


class Council(Schema):
    convened_on: date
    recommended_form: DisciplineForm | None = None
    members: list[Short] = []


class Decision(Schema):
    form: DisciplineForm
    decision_no: Short
    decided_on: date
    override_reason: str | None = None


class JointDecision(Schema):
    case_ids: Annotated[list[UUID], msgspec.Meta(min_length=2, max_length=50)]
    form: DisciplineForm
    decision_no: Short
    decided_on: date
    override_reason: str | None = None


class JointDecided(Schema):
    items: list[Versioned]
    position: int | None = None  # the log position of the write (read models at it or later show it)


class Exemption(Schema):
    ground: ExemptionGround
    basis: Text
    decided_on: date


class TimeBar(Schema):
    on: date


class Withdrawal(Schema):
    on: date
    reason: Text


class CaseOut(Schema):
    id: UUID
    official_id: UUID
    unit_id: UUID
    official_category: OfficialCategory
    inspection_id: UUID | None
    finding_id: UUID | None
    category: FindingCategory
    nature: Nature
    severity: Severity
    occurred_on: date
    detected_on: date
    state: CaseState
    handling_deadline: date
    limitation_deadline: date | None  # None: no limitation period applies
    days_to_handling_deadline: int
    extended_on: date | None
    deferred_since: date | None
    deferred_days: int
    proposed_form: DisciplineForm | None
    form: DisciplineForm | None
    decision_no: str | None
    decided_on: date | None
    regime: str | None
    late: bool
    exemption_ground: ExemptionGround | None
    closed_on: date | None
    version: int
    as_of_position: int | None = None
    regime_title: str | None = None
    no_limitation_ground: NoLimitationGround | None = None
    handling_requested_on: date | None = None


# -- accountability, tasks, KPI ----------------------------------------------------------------------

class RefIn(Schema):
    kind: Literal["discipline_case", "finding"]
    id: UUID
    inspection_id: UUID | None = None


class AccountabilityCreate(Schema):
    head_official_id: UUID
    unit_id: UUID
    responsibility: Responsibility
    outcome: Outcome
    decided_on: date
    reason: Text
    refs: Annotated[list[RefIn], msgspec.Meta(max_length=100)] = []


class Revocation(Schema):
    revoked_on: date
    reason: Text


class AccountabilityOut(Schema):
    id: UUID
    head_official_id: UUID
    unit_id: UUID
    responsibility: Responsibility
    outcome: Outcome
    decided_on: date
    reason: str
    refs: list[RefIn]
    revoked_on: date | None
    version: int


class TaskCreate(Schema):
    plan_ref: Short
    row_no: Short
    title: Text
    lead_unit_id: UUID
    responsibility: Text
    expected_result: Text
    assigned_on: date
    due_on: date | None = None  # may be left out when deadlineText says it ("Quý III/2026")
    responsible_official_id: UUID | None = None
    coordinating_unit_ids: list[UUID] = []
    deadline_text: Annotated[str, msgspec.Meta(max_length=200)] = ""


class Progress(Schema):
    on: date
    percent: Annotated[int, msgspec.Meta(ge=0, le=99)]
    note: str = ""


class Completion(Schema):
    on: date
    result: Text


class Reassignment(Schema):
    lead_unit_id: UUID
    due_on: date
    on: date
    reason: Text
    responsible_official_id: UUID | None = None


class TaskOut(Schema):
    id: UUID
    plan_ref: str
    row_no: str
    title: str
    lead_unit_id: UUID
    responsible_official_id: UUID | None
    coordinating_unit_ids: list[UUID]
    expected_result: str
    assigned_on: date
    due_on: date
    progress: int
    completed_on: date | None
    version: int
    deadline_text: str = ""


NonNegative = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]
Pct = Annotated[float, msgspec.Meta(ge=0, le=100)]
Days = Annotated[float, msgspec.Meta(ge=0, le=30)]


class KpiFiguresIn(Schema):
    conferences_total: NonNegative
    conferences_online: NonNegative
    longest_indoctrination_days: Days
    longest_professional_days: Days
    longest_important_days: Days
    documents_issued: NonNegative
    procedures_online_pct: Pct
    documents_digitised_pct: Pct
    electronic_sending_pct: Pct
    staff_trained_pct: Pct


class KpiReportPut(Schema):
    reported_on: date
    figures: KpiFiguresIn
    reason: str | None = None


class KpiReportOut(Schema):
    id: UUID
    unit_id: UUID
    period: str
    submitted_on: date
    corrections: int
    figures: KpiFiguresIn
    version: int


# -- scorecards, deadlines, audit --------------------------------------------------------------------

class EvidenceRefOut(Schema):
    position: int
    aggregate_id: str
    version: int


class LineOut(Schema):
    rule: str
    points: float
    reason: str
    evidence: list[EvidenceRefOut]


class ScorecardOut(Schema):
    official_id: UUID
    official_name: str
    unit_id: UUID
    unit_name: str
    unit_kind: UnitKind
    period: str
    term_from: date
    term_to: date
    policy_version: str
    score: float
    band: Rating
    rating_ceiling: Rating
    ceiling_reasons: list[str]
    emulation_eligible: bool
    emulation_titles: list[str]
    appraisal_regime: str
    lines: list[LineOut]
    position: int
    as_of_date: date
    chain_head: str | None = None
    appraisal_regime_title: str | None = None
    emulation_reasons: list[str] = []


class QuotaGroup(Schema):
    """One group of heads with similar duties: the 20% HTXSNV and 15% Chiến sĩ thi đua caps."""

    group: UnitKind
    label: str
    excellent: int
    good: int
    exceeded: bool
    fighters: int
    advanced_workers: int
    fighters_exceeded: bool


class ExcellentQuota(Schema):
    excellent: int
    good: int
    exceeded: bool  # in any group
    groups: list[QuotaGroup] = []


class ScorecardPage(Schema):
    period: str
    position: int
    as_of_date: date
    chain_head: str | None
    policy_version: str
    excellent_quota: ExcellentQuota
    total: int
    limit: int
    offset: int
    items: list[ScorecardOut]


class DeadlineOut(Schema):
    kind: Literal["handling_deadline", "limitation_period", "recommendation", "task", "city_report", "kpi_report"]
    id: UUID
    aggregate_id: UUID | None  # none for the city's report, which is not an aggregate
    title: str
    unit_id: UUID | None
    official_id: UUID | None
    due_on: date
    days_left: int
    period: str | None = None  # the reporting period, for city_report and kpi_report


class LogEntry(Schema):
    position: int
    recorded_at: str
    aggregate_id: UUID
    aggregate_type: str
    version: int
    event_type: str
    actor_id: str | None
    actor_role: str | None
    reason: str | None
    business_date: date | None = None
    payload: dict[str, Any] | None = None


class VerificationOut(Schema):
    ok: bool
    checked: int
    head: str
    sealed_position: int
    log_position: int
    first_mismatch: int | None
    reason: str | None
