"""Discipline cases under the two legal clocks (DESIGN §2, §4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import (
    TrackerAggregate,
    illegal,
    not_before,
    not_in_future,
    require_date,
    require_reason,
    require_text,
)
from domain.enums import (
    CaseState,
    DeferralReason,
    DisciplineForm,
    ExemptionGround,
    FindingCategory,
    Nature,
    NoLimitationGround,
    OfficialCategory,
    Severity,
    label,
    parse_enum,
)
from domain.errors import RuleViolated
from domain import legal
from domain.legal import FORM_RANK, fmt_date
from domain.organisation import DisciplineRecord

FINAL_STATES = (CaseState.DECIDED, CaseState.EXEMPTED, CaseState.TIME_BARRED, CaseState.WITHDRAWN)


@dataclass(frozen=True)
class Deferral:
    """Time during which the handling deadline does not run (illness, maternity, prosecution…)."""

    reason: DeferralReason
    start: date
    end: date | None
    note: str


class DisciplineCase(TrackerAggregate):
    """One violation by one official, handled to a decision, an exemption or the limitation period."""

    class Opened(TrackerAggregate.Created):
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
        no_limitation_ground: NoLimitationGround | None = None

    class Deferred(TrackerAggregate.Event):
        reason: DeferralReason
        on: date
        note: str

        def apply(self, case: DisciplineCase) -> None:
            case.deferrals = [*case.deferrals, Deferral(self.reason, self.on, None, self.note)]
            case.state = CaseState.DEFERRED

    class Resumed(TrackerAggregate.Event):
        on: date
        note: str

        def apply(self, case: DisciplineCase) -> None:
            *earlier, last = case.deferrals
            case.deferrals = [*earlier, replace(last, end=self.on)]
            case.state = CaseState.OPEN

    class HandlingRequested(TrackerAggregate.Event):
        """The official asked in writing to be handled despite pregnancy, maternity or a young child:
        a deferral on those grounds ends and none can start again."""

        on: date
        note: str

        def apply(self, case: DisciplineCase) -> None:
            case.handling_requested_on = self.on
            if case.state == CaseState.DEFERRED:
                *earlier, last = case.deferrals
                case.deferrals = [*earlier, replace(last, end=self.on)]
                case.state = CaseState.OPEN

    class Extended(TrackerAggregate.Event):
        on: date
        reason: str

        def apply(self, case: DisciplineCase) -> None:
            case.extended_on = self.on

    class ReviewMeetingHeld(TrackerAggregate.Event):
        held_on: date
        proposed_form: DisciplineForm | None
        minutes: str

        def apply(self, case: DisciplineCase) -> None:
            if self.proposed_form is not None:
                case.proposed_form = self.proposed_form

    class CouncilConvened(TrackerAggregate.Event):
        convened_on: date
        recommended_form: DisciplineForm | None
        members: tuple[str, ...]

        def apply(self, case: DisciplineCase) -> None:
            if self.recommended_form is not None:
                case.proposed_form = self.recommended_form

    class Decided(TrackerAggregate.Event):
        form: DisciplineForm
        decision_no: str
        decided_on: date
        regime: str
        article: str
        official_category: OfficialCategory
        official_is_leader: bool
        handling_deadline: date
        late: bool
        in_force_until: date | None
        repeat_of_case_id: UUID | None
        repeat_required_form: DisciplineForm | None
        override_reason: str | None
        decided_together_with: tuple[UUID, ...]
        repeat_branch: str | None = None  # "a" or "b" of khoản 3 Điều 2 (absent before 2026-12)
        official_retired: bool = False

        def apply(self, case: DisciplineCase) -> None:
            case.state = CaseState.DECIDED
            case.form = self.form
            case.closed_on = self.decided_on

    class Exempted(TrackerAggregate.Event):
        ground: ExemptionGround
        basis: str
        decided_on: date
        article: str

        def apply(self, case: DisciplineCase) -> None:
            case.state = CaseState.EXEMPTED
            case.closed_on = self.decided_on

    class TimeBarred(TrackerAggregate.Event):
        on: date
        limitation_deadline: date
        regime: str

        def apply(self, case: DisciplineCase) -> None:
            case.state = CaseState.TIME_BARRED
            case.closed_on = self.on

    class Withdrawn(TrackerAggregate.Event):
        on: date
        reason: str

        def apply(self, case: DisciplineCase) -> None:
            case.state = CaseState.WITHDRAWN
            case.closed_on = self.on

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
    deferrals: list[Deferral]
    extended_on: date | None
    proposed_form: DisciplineForm | None
    form: DisciplineForm | None
    closed_on: date | None
    # Class defaults: cases stored (or snapshotted) before these existed load without them.
    no_limitation_ground: NoLimitationGround | None = None
    handling_requested_on: date | None = None

    def __init__(self, official_id: UUID, unit_id: UUID, official_category: OfficialCategory,
                 inspection_id: UUID | None, finding_id: UUID | None, category: FindingCategory,
                 nature: Nature, severity: Severity, occurred_on: date, detected_on: date,
                 no_limitation_ground: NoLimitationGround | None = None) -> None:
        self.official_id = official_id
        self.unit_id = unit_id
        self.official_category = official_category
        self.inspection_id = inspection_id
        self.finding_id = finding_id
        self.category = category
        self.nature = nature
        self.severity = severity
        self.occurred_on = occurred_on
        self.detected_on = detected_on
        self.state = CaseState.OPEN
        self.deferrals = []
        self.extended_on = None
        self.proposed_form = None
        self.form = None
        self.closed_on = None
        self.no_limitation_ground = no_limitation_ground
        self.handling_requested_on = None

    @classmethod
    def open(cls, *, official_id: UUID, unit_id: UUID, official_category: OfficialCategory,
             category: Any, nature: Any, severity: Any, occurred_on: date, detected_on: date,
             inspection_id: UUID | None = None, finding_id: UUID | None = None,
             no_limitation_ground: Any = None, case_id: UUID | None = None,
             recorded_by: Actor) -> DisciplineCase:
        occurred_on = require_date(occurred_on, "occurredOn")
        detected_on = require_date(detected_on, "detectedOn")
        not_before(detected_on, occurred_on, rule="detection_before_violation", field="detectedOn",
                   message="Ngày phát hiện trước ngày xảy ra vi phạm.")
        not_in_future(detected_on, "detectedOn")
        legal.discipline_regime(official_category, detected_on)
        return cls._create(cls.Opened, id=case_id, official_id=official_id, unit_id=unit_id,
                           official_category=official_category, inspection_id=inspection_id,
                           finding_id=finding_id,
                           category=parse_enum(FindingCategory, category, "category"),
                           nature=parse_enum(Nature, nature, "nature"),
                           severity=parse_enum(Severity, severity, "severity"),
                           occurred_on=occurred_on, detected_on=detected_on,
                           no_limitation_ground=None if no_limitation_ground is None else
                           parse_enum(NoLimitationGround, no_limitation_ground, "noLimitationGround"),
                           recorded_by=recorded_by)

    # -- the legal clocks ------------------------------------------------------------------------
    @property
    def warranted_form(self) -> DisciplineForm:
        return legal.warranted_form(self.severity, self.proposed_form)

    def handling_deadline(self, as_of: date) -> date:
        """90 (or 150) days from detection plus the days deferred up to `as_of`."""
        intervals = [(d.start, d.end) for d in self.deferrals]
        return legal.handling_deadline(self.official_category, self.detected_on,
                                       self.extended_on is not None,
                                       legal.deferred_days(intervals, as_of))

    @property
    def limitation_deadline(self) -> date | None:
        """Last day to decide at the form the violation warrants; None when no limitation applies."""
        return self.limitation_deadline_for(self.warranted_form)

    def limitation_deadline_for(self, form: DisciplineForm) -> date | None:
        return legal.limitation_deadline(self.official_category, self.occurred_on, form,
                                         self.detected_on, self.no_limitation_ground)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def _check_state(self, *allowed: CaseState) -> None:
        if self.state not in allowed:
            raise illegal(f"Vụ việc đang ở trạng thái '{label(self.state)}'; không thể thực hiện thao tác này.",
                          "case_state", self.state.value)

    def _check_date(self, on: date, field: str) -> date:
        on = require_date(on, field)
        not_before(on, self.detected_on, rule="before_detection", field=field,
                   message=f"Ngày trước ngày phát hiện vi phạm ({fmt_date(self.detected_on)}).")
        not_in_future(on, field)
        return on

    # -- commands --------------------------------------------------------------------------------
    def defer(self, *, reason: Any, on: date, note: str = "", recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN)
        on = self._check_date(on, "on")
        reason = parse_enum(DeferralReason, reason, "reason")
        regime = legal.check_deferral_ground(reason, self.official_category, on)
        if self.handling_requested_on is not None and reason in regime.written_request_grounds:
            raise RuleViolated(
                f"Cán bộ đã có đơn đề nghị xem xét xử lý kỷ luật ngày "
                f"{fmt_date(self.handling_requested_on)}; không tạm hoãn vì lý do "
                f"'{label(reason)}' ({regime.deferral_article}).",
                rule="handling_requested_in_writing", field="reason", value=reason.value)
        if self.deferrals and self.deferrals[-1].end is not None:
            not_before(on, self.deferrals[-1].end, rule="deferral_overlap", field="on",
                       message="Lần tạm hoãn mới bắt đầu trước khi lần trước kết thúc.")
        self.trigger_event(self.Deferred, reason=reason, on=on,
                           note=(note or "").strip(), recorded_by=recorded_by)

    def resume(self, *, on: date, note: str = "", recorded_by: Actor) -> None:
        self._check_state(CaseState.DEFERRED)
        on = self._check_date(on, "on")
        not_before(on, self.deferrals[-1].start, rule="resume_before_deferral", field="on",
                   message="Ngày tiếp tục xử lý trước ngày tạm hoãn.")
        self.trigger_event(self.Resumed, on=on, note=(note or "").strip(), recorded_by=recorded_by)

    def request_handling(self, *, on: date, note: str = "", recorded_by: Actor) -> None:
        """Record the official's written request to be handled (pregnancy, maternity, a child under
        12 months): the clock runs again."""
        self._check_state(CaseState.OPEN, CaseState.DEFERRED)
        if self.handling_requested_on is not None:
            raise illegal("Đã ghi nhận đơn đề nghị xem xét xử lý kỷ luật của cán bộ.",
                          "handling_already_requested", self.state.value)
        on = self._check_date(on, "on")
        regime = legal.discipline_regime(self.official_category, on)
        if not regime.written_request_grounds:
            raise RuleViolated(
                f"{regime.title} không quy định việc cán bộ có văn bản đề nghị xem xét xử lý kỷ luật "
                f"khi đang mang thai, nghỉ thai sản hoặc nuôi con dưới 12 tháng tuổi "
                f"({regime.deferral_article}).",
                rule="handling_request_not_applicable", field="on", value=on.isoformat())
        if self.state == CaseState.DEFERRED:
            current = self.deferrals[-1]
            if current.reason not in regime.written_request_grounds:
                raise RuleViolated(
                    f"Đơn đề nghị xử lý chỉ chấm dứt việc tạm hoãn vì mang thai, nghỉ thai sản hoặc "
                    f"nuôi con dưới 12 tháng tuổi, không phải '{label(current.reason)}' "
                    f"({regime.deferral_article}).",
                    rule="handling_request_not_applicable", field="on", value=on.isoformat())
            not_before(on, current.start, rule="resume_before_deferral", field="on",
                       message="Ngày có đơn đề nghị trước ngày tạm hoãn.")
        self.trigger_event(self.HandlingRequested, on=on, note=(note or "").strip(),
                           recorded_by=recorded_by)

    def extend(self, *, on: date, reason: str, recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN, CaseState.DEFERRED)
        if self.extended_on is not None:
            raise illegal("Vụ việc đã được gia hạn thời hạn xử lý một lần.", "already_extended",
                          self.state.value)
        on = self._check_date(on, "on")
        deadline = self.handling_deadline(on)
        if on > deadline:
            raise RuleViolated(
                f"Thời hạn xử lý đã hết ngày {fmt_date(deadline)}; không thể gia hạn sau đó "
                f"({legal.discipline_regime(self.official_category, self.detected_on).handling_article}).",
                rule="extension_after_deadline", field="on", value=on.isoformat())
        self.trigger_event(self.Extended, on=on, reason=require_reason(reason), recorded_by=recorded_by)

    def hold_review_meeting(self, *, held_on: date, proposed_form: Any = None, minutes: str = "",
                            recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN)
        self.trigger_event(self.ReviewMeetingHeld, held_on=self._check_date(held_on, "heldOn"),
                           proposed_form=None if proposed_form is None else
                           parse_enum(DisciplineForm, proposed_form, "proposedForm"),
                           minutes=(minutes or "").strip(), recorded_by=recorded_by)

    def convene_council(self, *, convened_on: date, recommended_form: Any = None,
                        members: Iterable[str] = (), recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN)
        self.trigger_event(self.CouncilConvened,
                           convened_on=self._check_date(convened_on, "convenedOn"),
                           recommended_form=None if recommended_form is None else
                           parse_enum(DisciplineForm, recommended_form, "recommendedForm"),
                           members=tuple(m.strip() for m in members if m and m.strip()),
                           recorded_by=recorded_by)

    def decide(self, *, form: Any, decision_no: str, decided_on: date,
               official_category: OfficialCategory, official_is_leader: bool,
               in_force: DisciplineRecord | None = None, override_reason: str | None = None,
               decided_together_with: Iterable[UUID] = (), official_retired: bool = False,
               recorded_by: Actor) -> None:
        """Decide the form; the caller passes the official's record as of the decision date (for a
        retired official, `official_is_leader` is whether they held a post at the violation)."""
        if self.state == CaseState.DEFERRED:
            raise illegal("Vụ việc đang tạm hoãn; phải tiếp tục xử lý trước khi quyết định.",
                          "case_deferred", self.state.value)
        self._check_state(CaseState.OPEN)
        form = parse_enum(DisciplineForm, form, "form")
        decided_on = self._check_date(decided_on, "decidedOn")
        # The limitation period follows the form actually decided: a reprimand decided in years
        # 6–10 is past its five years even when the violation looked heavier.
        limitation = self.limitation_deadline_for(form)
        if limitation is not None and decided_on > limitation:
            raise RuleViolated(
                f"Đã hết thời hiệu xử lý kỷ luật bằng hình thức '{label(form)}' ngày "
                f"{fmt_date(limitation)} ({legal.limitation_rule(self.detected_on).article}); vụ việc "
                f"chỉ có thể kết thúc "
                f"do hết thời hiệu.",
                rule="limitation_period_expired", field="decidedOn", value=decided_on.isoformat())
        regime = legal.check_form_allowed(form, official_category, official_is_leader, decided_on,
                                          retired=official_retired)
        required: DisciplineForm | None = None
        branch: str | None = None
        override = (override_reason or "").strip() or None
        if in_force is not None:
            repeat = legal.repeat_requirement(in_force.form, self.warranted_form, official_category,
                                              official_is_leader, decided_on, retired=official_retired)
            required, branch = repeat.required, repeat.branch
            if FORM_RANK[form] < FORM_RANK[required] and override is None:
                why = ("không nặng hơn hình thức đang thi hành" if branch == "a" else
                       f"cần hình thức '{label(self.warranted_form)}', nặng hơn hình thức đang thi hành")
                raise RuleViolated(
                    f"Cán bộ đang trong thời gian thi hành quyết định kỷ luật "
                    f"'{label(in_force.form)}' ({in_force.decision_no}) khi có vi phạm mới ({why}): "
                    f"phải áp dụng hình thức '{label(required)}' theo điểm {branch} {repeat.article}, "
                    f"hoặc ghi rõ lý do khi áp dụng khác.",
                    rule="repeat_one_level_heavier", field="form", value=form.value)
        if override is not None and (required is None or FORM_RANK[form] >= FORM_RANK[required]):
            override = None  # nothing was overridden; keep the record honest
        deadline = self.handling_deadline(decided_on)
        self.trigger_event(
            self.Decided, form=form,
            decision_no=require_text(decision_no, "decisionNo", "số quyết định kỷ luật"),
            decided_on=decided_on, regime=regime.code,
            article=legal.forms_article(regime, official_category, official_retired),
            official_category=official_category, official_is_leader=bool(official_is_leader),
            handling_deadline=deadline, late=decided_on > deadline,
            in_force_until=legal.decision_in_force_until(form, official_category, decided_on),
            repeat_of_case_id=None if in_force is None else in_force.case_id,
            repeat_required_form=required, override_reason=override,
            decided_together_with=tuple(decided_together_with), repeat_branch=branch,
            official_retired=official_retired, recorded_by=recorded_by)

    def exempt(self, *, ground: Any, basis: str, decided_on: date, recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN, CaseState.DEFERRED)
        ground = parse_enum(ExemptionGround, ground, "ground")
        decided_on = self._check_date(decided_on, "decidedOn")
        rule = legal.check_exemption(ground, self.nature, basis or "", decided_on)
        self.trigger_event(self.Exempted, ground=ground, basis=basis.strip(), decided_on=decided_on,
                           article=rule.article, recorded_by=recorded_by)

    def mark_time_barred(self, *, on: date, recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN, CaseState.DEFERRED)
        on = self._check_date(on, "on")
        limitation = self.limitation_deadline
        if limitation is None:
            regime = legal.discipline_regime(self.official_category, self.detected_on)
            raise RuleViolated(
                f"Không áp dụng thời hiệu xử lý kỷ luật đối với vi phạm "
                f"'{label(self.no_limitation_ground or '')}' ({regime.no_limitation_article}); vụ việc không "
                f"thể kết thúc do hết thời hiệu.",
                rule="no_limitation_period", field="on", value=on.isoformat())
        if on <= limitation:
            raise RuleViolated(f"Chưa hết thời hiệu xử lý kỷ luật (đến hết ngày {fmt_date(limitation)}; "
                               f"{legal.limitation_rule(self.detected_on).article}).",
                               rule="limitation_period_not_expired", field="on", value=on.isoformat())
        regime = legal.discipline_regime(self.official_category, self.detected_on)
        self.trigger_event(self.TimeBarred, on=on, limitation_deadline=limitation, regime=regime.code,
                           recorded_by=recorded_by)

    def withdraw(self, *, on: date, reason: str, recorded_by: Actor) -> None:
        self._check_state(CaseState.OPEN, CaseState.DEFERRED)
        self.trigger_event(self.Withdrawn, on=self._check_date(on, "on"), reason=require_reason(reason),
                           recorded_by=recorded_by)


def check_joint_form(form: DisciplineForm, warranted: Iterable[DisciplineForm],
                     category: OfficialCategory, is_leader: bool, on: date, *,
                     retired: bool = False) -> DisciplineForm:
    """Several violations considered together take one form: the heaviest of those they warrant
    (one level above it under the original Nghị định 112/2020, before 20/09/2023)."""
    required, article = legal.joint_required_form(warranted, category, is_leader, on, retired=retired)
    if FORM_RANK[form] < FORM_RANK[required]:
        raise RuleViolated(
            f"Nhiều vi phạm được xem xét cùng lúc phải áp dụng hình thức '{label(required)}' "
            f"({article}), không phải '{label(form)}'.",
            rule="several_violations_heaviest", field="form", value=form.value)
    return form


def check_one_decision(records: Iterable[DisciplineRecord], together: Iterable[UUID],
                       decision_no: str, decided_on: date, article: str) -> None:
    """Violations of one official considered at one time get one joint decision: a second, separate
    decision with the same date or the same number is refused."""
    together = set(together)
    number = (decision_no or "").strip().casefold()
    for record in records:
        if record.case_id in together:
            continue
        if record.decided_on == decided_on or record.decision_no.strip().casefold() == number:
            raise RuleViolated(
                f"Cán bộ đã bị kỷ luật theo quyết định {record.decision_no} ngày "
                f"{fmt_date(record.decided_on)} cho vi phạm khác: các vi phạm xem xét cùng thời điểm "
                f"phải được xử lý bằng một quyết định chung ({article}).",
                rule="several_violations_one_decision", field="decisionNo", value=decision_no)
