"""Accountability decisions about heads of units."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from domain.accountability import AccountabilityDecision, Ref
from domain.actor import Actor
from domain.base import require_date
from domain.discipline import DisciplineCase
from domain.errors import InvalidInput, RuleViolated
from domain.inspections import Inspection
from domain.legal import fmt_date
from domain.organisation import Official, Unit
from services.base import Service, Written


class AccountabilityService(Service):
    def make_decision(self, actor: Actor, *, head_official_id: UUID, unit_id: UUID,
                      responsibility: Any, outcome: Any, decided_on: date, reason: str,
                      refs: Iterable[Ref] = (), decision_id: UUID | None = None) -> Written:
        unit = self.load(Unit, unit_id, field="unitId")
        head = self.load(Official, head_official_id, field="headOfficialId")
        decided_on = require_date(decided_on, "decidedOn")
        if not any(t.official_id == head.id and t.since <= decided_on for t in unit.head_terms):
            raise RuleViolated(
                f"{head.full_name} chưa từng là người đứng đầu {unit.name} tính đến ngày "
                f"{fmt_date(decided_on)}.", rule="not_head_of_unit", field="headOfficialId",
                value=str(head_official_id))
        refs = list(refs)
        for i, ref in enumerate(refs):
            if ref.kind == "discipline_case":
                self.load(DisciplineCase, ref.id, field=f"refs[{i}].id")
            elif ref.kind == "finding":
                if ref.inspection_id is None:
                    raise InvalidInput("Tham chiếu phát hiện cần mã cuộc thanh tra.",
                                       field=f"refs[{i}].inspectionId")
                self.load(Inspection, ref.inspection_id, field=f"refs[{i}].inspectionId").finding(ref.id)
            else:
                raise InvalidInput(f"Loại tham chiếu không hợp lệ: {ref.kind!r} "
                                   "(discipline_case hoặc finding).", field=f"refs[{i}].kind",
                                   value=ref.kind)
        decision = AccountabilityDecision.make(
            head_official_id=head.id, unit_id=unit.id, responsibility=responsibility, outcome=outcome,
            decided_on=decided_on, reason=reason, refs=refs, decision_id=decision_id, recorded_by=actor)
        return self.create(decision, str(decision.id))

    def revoke_decision(self, actor: Actor, decision_id: UUID, *, revoked_on: date, reason: str,
                        expected_version: int | None = None) -> Written:
        decision = self.load(AccountabilityDecision, decision_id, expected_version=expected_version)
        decision.revoke(revoked_on=revoked_on, reason=reason, recorded_by=actor)
        position = self.save(decision)
        return self.written(position, decision)
