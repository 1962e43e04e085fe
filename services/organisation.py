"""Organisation commands: units, heads of units, officials."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.base import require_date
from domain.errors import RuleViolated
from domain.legal import fmt_date
from domain.organisation import Official, Unit
from services.base import Service, Written


class OrganisationService(Service):
    def register_unit(self, actor: Actor, *, code: str, name: str, kind: Any) -> Written:
        unit = Unit.register(code=code, name=name, kind=kind, recorded_by=actor)
        return self.create(unit, unit.code)

    def rename_unit(self, actor: Actor, unit_id: UUID, *, name: str, renamed_on: date, reason: str,
                    expected_version: int | None = None) -> Written:
        unit = self.load(Unit, unit_id, field="unitId", expected_version=expected_version)
        unit.rename(name=name, renamed_on=renamed_on, reason=reason, recorded_by=actor)
        position = self.save(unit)
        return self.written(position, unit)

    def appoint_head(self, actor: Actor, unit_id: UUID, *, official_id: UUID, since: date,
                     expected_version: int | None = None) -> Written:
        unit = self.load(Unit, unit_id, field="unitId", expected_version=expected_version)
        official = self.load(Official, official_id, field="officialId")
        since = require_date(since, "since")
        if official.unit_on(since) != unit.id:
            raise RuleViolated(
                f"Cán bộ {official.full_name} không công tác tại {unit.name} vào ngày {fmt_date(since)}; "
                "hãy ghi nhận điều động trước khi bổ nhiệm người đứng đầu.",
                rule="head_not_in_unit", field="officialId", value=str(official_id))
        unit.appoint_head(official_id=official.id, since=since, recorded_by=actor)
        position = self.save(unit)
        return self.written(position, unit)

    def end_head_term(self, actor: Actor, unit_id: UUID, *, until: date, reason: str,
                      expected_version: int | None = None) -> Written:
        unit = self.load(Unit, unit_id, field="unitId", expected_version=expected_version)
        unit.end_head_term(until=until, reason=reason, recorded_by=actor)
        position = self.save(unit)
        return self.written(position, unit)

    def register_official(self, actor: Actor, *, personnel_code: str, full_name: str, category: Any,
                          unit_id: UUID, is_leader: bool, since: date | None = None) -> Written:
        self.load(Unit, unit_id, field="unitId")
        official = Official.register(personnel_code=personnel_code, full_name=full_name,
                                     category=category, unit_id=unit_id, is_leader=is_leader,
                                     since=since, recorded_by=actor)
        return self.create(official, official.personnel_code)

    def transfer_official(self, actor: Actor, official_id: UUID, *, unit_id: UUID, on: date,
                          is_leader: bool, reason: str, expected_version: int | None = None) -> Written:
        official = self.load(Official, official_id, field="officialId", expected_version=expected_version)
        self.load(Unit, unit_id, field="unitId")
        official.transfer(unit_id=unit_id, on=on, is_leader=is_leader, reason=reason, recorded_by=actor)
        position = self.save(official)
        return self.written(position, official)

    def change_category(self, actor: Actor, official_id: UUID, *, category: Any, on: date, reason: str,
                        expected_version: int | None = None) -> Written:
        official = self.load(Official, official_id, field="officialId", expected_version=expected_version)
        official.change_category(category=category, on=on, reason=reason, recorded_by=actor)
        position = self.save(official)
        return self.written(position, official)

    def retire_official(self, actor: Actor, official_id: UUID, *, on: date, note: str = "",
                        expected_version: int | None = None) -> Written:
        official = self.load(Official, official_id, field="officialId", expected_version=expected_version)
        official.retire(on=on, note=note, recorded_by=actor)
        position = self.save(official)
        return self.written(position, official)

    def recognise_initiative(self, actor: Actor, official_id: UUID, *, title: str, decision_no: str,
                             recognised_on: date, expected_version: int | None = None) -> Written:
        official = self.load(Official, official_id, field="officialId", expected_version=expected_version)
        official.recognise_initiative(title=title, decision_no=decision_no, recognised_on=recognised_on,
                                      recorded_by=actor)
        position = self.save(official)
        return self.written(position, official)
