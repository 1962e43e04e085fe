"""Accountability decisions about heads of units: responsibility and outcome (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import TrackerAggregate, illegal, not_before, not_in_future, require_date, require_reason
from domain.enums import Outcome, Responsibility, parse_enum


@dataclass(frozen=True)
class Ref:
    """What a decision rests on: a discipline case, or a finding of an inspection."""

    kind: str  # "discipline_case" | "finding"
    id: UUID
    inspection_id: UUID | None = None


class AccountabilityDecision(TrackerAggregate):
    """A decision on a head's personal or joint responsibility: commendation, reminder, criticism…"""

    class Made(TrackerAggregate.Created):
        head_official_id: UUID
        unit_id: UUID
        responsibility: Responsibility
        outcome: Outcome
        decided_on: date
        reason: str
        refs: tuple[Ref, ...]

    class Revoked(TrackerAggregate.Event):
        revoked_on: date
        reason: str

        def apply(self, decision: AccountabilityDecision) -> None:
            decision.revoked_on = self.revoked_on

    head_official_id: UUID
    unit_id: UUID
    responsibility: Responsibility
    outcome: Outcome
    decided_on: date
    reason: str
    refs: tuple[Ref, ...]
    revoked_on: date | None

    def __init__(self, head_official_id: UUID, unit_id: UUID, responsibility: Responsibility,
                 outcome: Outcome, decided_on: date, reason: str, refs: tuple[Ref, ...]) -> None:
        self.head_official_id = head_official_id
        self.unit_id = unit_id
        self.responsibility = responsibility
        self.outcome = outcome
        self.decided_on = decided_on
        self.reason = reason
        self.refs = tuple(refs)
        self.revoked_on = None

    @classmethod
    def make(cls, *, head_official_id: UUID, unit_id: UUID, responsibility: Any, outcome: Any,
             decided_on: date, reason: str, refs: Iterable[Ref] = (), decision_id: UUID | None = None,
             recorded_by: Actor) -> AccountabilityDecision:
        decided_on = require_date(decided_on, "decidedOn")
        not_in_future(decided_on, "decidedOn")
        return cls._create(cls.Made, id=decision_id, head_official_id=head_official_id,
                           unit_id=unit_id,
                           responsibility=parse_enum(Responsibility, responsibility, "responsibility"),
                           outcome=parse_enum(Outcome, outcome, "outcome"), decided_on=decided_on,
                           reason=require_reason(reason), refs=tuple(refs), recorded_by=recorded_by)

    def revoke(self, *, revoked_on: date, reason: str, recorded_by: Actor) -> None:
        if self.revoked_on is not None:
            raise illegal("Quyết định đã bị thu hồi.", "decision_revoked", "revoked")
        revoked_on = require_date(revoked_on, "revokedOn")
        not_before(revoked_on, self.decided_on, rule="revocation_before_decision", field="revokedOn",
                   message="Ngày thu hồi trước ngày quyết định.")
        self.trigger_event(self.Revoked, revoked_on=revoked_on, reason=require_reason(reason),
                           recorded_by=recorded_by)
