"""Inspection commands: open, record and correct findings, conclude, follow up, close."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import parse_uuid
from domain.inspections import EvidenceRef, Inspection, RecommendationInput
from domain.organisation import Official, Unit
from services.base import Service, Written


class InspectionService(Service):
    def open_inspection(self, actor: Actor, *, kind: Any, decision_no: str, decided_on: date,
                        target_unit_id: UUID, scope: str, team: Iterable[str]) -> Written:
        self.load(Unit, target_unit_id, field="targetUnitId")
        inspection = Inspection.open(kind=kind, decision_no=decision_no, decided_on=decided_on,
                                     target_unit_id=target_unit_id, team=team, scope=scope,
                                     recorded_by=actor)
        return self.create(inspection, inspection.decision_no)

    def _check_officials(self, official_ids: Iterable[Any]) -> list[UUID]:
        ids = [parse_uuid(o, "officialIds") for o in official_ids]
        for official_id in ids:
            self.load(Official, official_id, field="officialIds")
        return ids

    def record_finding(self, actor: Actor, inspection_id: UUID, *, category: Any, severity: Any,
                       description: str, occurred_on: date, official_ids: Iterable[Any] = (),
                       evidence: Iterable[EvidenceRef] = (),
                       expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        ids = self._check_officials(official_ids)
        finding_id = inspection.record_finding(category=category, severity=severity,
                                               description=description, occurred_on=occurred_on,
                                               official_ids=ids, evidence=list(evidence),
                                               recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection, finding_id=finding_id)

    def correct_finding(self, actor: Actor, inspection_id: UUID, finding_id: UUID, *,
                        changes: Mapping[str, Any], reason: str,
                        expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        changes = dict(changes)
        if "official_ids" in changes:
            changes["official_ids"] = self._check_officials(changes["official_ids"])
        inspection.correct_finding(finding_id=finding_id, changes=changes, reason=reason,
                                   recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection)

    def retract_finding(self, actor: Actor, inspection_id: UUID, finding_id: UUID, *, reason: str,
                        expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        inspection.retract_finding(finding_id=finding_id, reason=reason, recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection)

    def refer_finding(self, actor: Actor, inspection_id: UUID, finding_id: UUID, *, referred_on: date,
                      agency: str, document_no: str, expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        inspection.refer_finding(finding_id=finding_id, referred_on=referred_on, agency=agency,
                                 document_no=document_no, recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection)

    def conclude(self, actor: Actor, inspection_id: UUID, *, conclusion_no: str, concluded_on: date,
                 recommendations: Iterable[RecommendationInput] = (),
                 expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        recs = list(recommendations)
        for i, rec in enumerate(recs):
            self.load(Unit, rec.responsible_unit_id, field=f"recommendations[{i}].responsibleUnitId")
        ids = inspection.conclude(conclusion_no=conclusion_no, concluded_on=concluded_on,
                                  recommendations=recs, recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection, recommendation_ids=tuple(ids))

    def implement_recommendation(self, actor: Actor, inspection_id: UUID, recommendation_id: UUID, *,
                                 implemented_on: date, note: str = "",
                                 expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        inspection.implement_recommendation(recommendation_id=recommendation_id,
                                            implemented_on=implemented_on, note=note, recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection)

    def close(self, actor: Actor, inspection_id: UUID, *, closed_on: date,
              expected_version: int | None = None) -> Written:
        inspection = self.load(Inspection, inspection_id, expected_version=expected_version)
        inspection.close(closed_on=closed_on, recorded_by=actor)
        position = self.save(inspection)
        return self.written(position, inspection)
