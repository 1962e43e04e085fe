"""Discipline commands: cases under the legal clocks, decisions noted on the official's record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.actor import Actor
from domain.base import natural_id, require_date
from domain import legal
from domain.discipline import DisciplineCase, check_joint_form, check_one_decision
from domain.enums import DisciplineForm, OfficialCategory, parse_enum
from domain.errors import IllegalTransition, InvalidInput, RuleViolated
from domain.inspections import Inspection
from domain.legal import fmt_date
from domain.organisation import Official
from services.base import Service, Written


class DisciplineService(Service):
    def open_case(self, actor: Actor, *, official_id: UUID, category: Any, nature: Any, severity: Any,
                  occurred_on: date, detected_on: date, inspection_id: UUID | None = None,
                  finding_id: UUID | None = None, no_limitation_ground: Any = None) -> Written:
        official = self.load(Official, official_id, field="officialId")
        occurred_on = require_date(occurred_on, "occurredOn")
        detected_on = require_date(detected_on, "detectedOn")
        if official.retired_by(occurred_on - timedelta(days=1)):
            raise RuleViolated(
                f"Vi phạm ngày {fmt_date(occurred_on)} xảy ra sau khi cán bộ nghỉ hưu, nghỉ việc "
                f"({fmt_date(official.retired_on)}); chỉ xử lý kỷ luật vi phạm trong thời gian công tác.",
                rule="violation_after_retirement", field="occurredOn", value=occurred_on.isoformat())
        case_id = uuid4()
        if (inspection_id is None) != (finding_id is None):
            raise InvalidInput("Cần cả mã cuộc thanh tra và mã phát hiện, hoặc không cả hai.",
                               field="findingId" if finding_id is None else "inspectionId")
        if inspection_id is not None and finding_id is not None:
            inspection = self.load(Inspection, inspection_id, field="inspectionId")
            finding = inspection.finding(finding_id)
            if finding.retracted:
                raise IllegalTransition("Phát hiện đã bị rút lại; không thể mở vụ việc kỷ luật.",
                                        rule="finding_retracted", field="findingId", value=str(finding_id))
            if official.id not in finding.official_ids:
                raise RuleViolated(f"Phát hiện không nêu tên cán bộ {official.full_name}.",
                                   rule="finding_does_not_name_official", field="officialId",
                                   value=str(official_id))
            # One violation, one case: the id is derived from the finding and the official.
            case_id = natural_id("case", f"{finding.finding_id}/{official.id}")
        case = DisciplineCase.open(
            case_id=case_id, official_id=official.id, unit_id=official.unit_on(occurred_on),
            official_category=official.category_on(detected_on), category=category, nature=nature,
            severity=severity, occurred_on=occurred_on, detected_on=detected_on,
            inspection_id=inspection_id, finding_id=finding_id,
            no_limitation_ground=no_limitation_ground, recorded_by=actor)
        return self.create(case, f"vụ việc của {official.full_name} từ phát hiện {finding_id}")

    def _act(self, case_id: UUID, expected_version: int | None, action: str, actor: Actor,
             **kwargs: Any) -> Written:
        case = self.load(DisciplineCase, case_id, expected_version=expected_version)
        getattr(case, action)(recorded_by=actor, **kwargs)
        position = self.save(case)
        return self.written(position, case)

    def defer(self, actor: Actor, case_id: UUID, *, reason: Any, on: date, note: str = "",
              expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "defer", actor, reason=reason, on=on, note=note)

    def resume(self, actor: Actor, case_id: UUID, *, on: date, note: str = "",
               expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "resume", actor, on=on, note=note)

    def request_handling(self, actor: Actor, case_id: UUID, *, on: date, note: str = "",
                         expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "request_handling", actor, on=on, note=note)

    def extend(self, actor: Actor, case_id: UUID, *, on: date, reason: str,
               expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "extend", actor, on=on, reason=reason)

    def hold_review_meeting(self, actor: Actor, case_id: UUID, *, held_on: date,
                            proposed_form: Any = None, minutes: str = "",
                            expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "hold_review_meeting", actor, held_on=held_on,
                         proposed_form=proposed_form, minutes=minutes)

    def convene_council(self, actor: Actor, case_id: UUID, *, convened_on: date,
                        recommended_form: Any = None, members: Sequence[str] = (),
                        expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "convene_council", actor, convened_on=convened_on,
                         recommended_form=recommended_form, members=members)

    def exempt(self, actor: Actor, case_id: UUID, *, ground: Any, basis: str, decided_on: date,
               expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "exempt", actor, ground=ground, basis=basis,
                         decided_on=decided_on)

    def mark_time_barred(self, actor: Actor, case_id: UUID, *, on: date,
                         expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "mark_time_barred", actor, on=on)

    def withdraw(self, actor: Actor, case_id: UUID, *, on: date, reason: str,
                 expected_version: int | None = None) -> Written:
        return self._act(case_id, expected_version, "withdraw", actor, on=on, reason=reason)

    def decide(self, actor: Actor, case_id: UUID, *, form: Any, decision_no: str, decided_on: date,
               override_reason: str | None = None, expected_version: int | None = None) -> Written:
        """Decide one case; the official's record gets the decision in the same transaction."""
        case = self.load(DisciplineCase, case_id, expected_version=expected_version)
        official = self.load(Official, case.official_id, field="officialId")
        self._decide(actor, case, official, form, decision_no, decided_on, override_reason, ())
        position = self.save(case, official)
        return self.written(position, case)

    def decide_together(self, actor: Actor, case_ids: Sequence[UUID], *, form: Any, decision_no: str,
                        decided_on: date, override_reason: str | None = None) -> list[Written]:
        """Several violations of one official considered at one time: one joint decision, one form."""
        if len(set(case_ids)) < 2:
            raise InvalidInput("Cần ít nhất hai vụ việc để xử lý chung.", field="caseIds")
        cases = [self.load(DisciplineCase, c, field="caseIds") for c in dict.fromkeys(case_ids)]
        if len({c.official_id for c in cases}) != 1:
            raise RuleViolated("Chỉ xử lý chung các vi phạm của cùng một cán bộ.",
                               rule="joint_decision_one_official", field="caseIds")
        official = self.load(Official, cases[0].official_id, field="officialId")
        decided_on = require_date(decided_on, "decidedOn")
        post = _post(official, cases[0], decided_on)
        check_joint_form(parse_enum(DisciplineForm, form, "form"), [c.warranted_form for c in cases],
                         post.category, post.is_leader, decided_on, retired=post.retired)
        for case in cases:
            others = tuple(c.id for c in cases if c.id != case.id)
            self._decide(actor, case, official, form, decision_no, decided_on, override_reason, others)
        position = self.save(*cases, official)
        saved = tuple((a.id, a.version) for a in (*cases, official))
        return [self.written(position, c, saved=saved) for c in cases]

    @staticmethod
    def _decide(actor: Actor, case: DisciplineCase, official: Official, form: Any, decision_no: str,
                decided_on: date, override_reason: str | None, together: tuple[UUID, ...]) -> None:
        decided_on = require_date(decided_on, "decidedOn")
        post = _post(official, case, decided_on)
        case.decide(form=form, decision_no=decision_no, decided_on=decided_on,
                    official_category=post.category, official_is_leader=post.is_leader,
                    in_force=official.decision_in_force_on(case.occurred_on, excluding=case.id),
                    override_reason=override_reason, decided_together_with=together,
                    official_retired=post.retired, recorded_by=actor)
        # the case's own rules first; then one decision for violations considered at one time
        rule = legal.several_violations_rule(decided_on)
        check_one_decision(official.discipline, (case.id, *together), decision_no, decided_on, rule.article)
        decided = case.pending_events[-1]
        official.note_discipline(case_id=case.id, form=decided.form, decided_on=decided.decided_on,
                                 in_force_until=decided.in_force_until,
                                 decision_no=decided.decision_no, recorded_by=actor)


@dataclass(frozen=True)
class _Post:
    category: OfficialCategory
    is_leader: bool
    retired: bool


def _post(official: Official, case: DisciplineCase, decided_on: date) -> _Post:
    """What decides the forms open to the official on the decision date; a retired official is
    judged by the post they held when they committed the violation."""
    retired, post_on = legal.judged_post(official.retired_on, case.occurred_on, decided_on)
    return _Post(official.category_on(decided_on), official.is_leader_on(post_on), retired)
