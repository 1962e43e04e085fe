"""Tasks of a plan's assignment table and their follow-up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from domain.actor import Actor
from domain.organisation import Official, Unit
from domain.tasks import AssignedTask
from services.base import Service, Written


class TaskService(Service):
    def assign(self, actor: Actor, *, plan_ref: str, row_no: str, title: str, lead_unit_id: UUID,
               responsible_official_id: UUID | None, responsibility: str,
               coordinating_unit_ids: Iterable[UUID], expected_result: str, assigned_on: date,
               due_on: date | None = None, deadline_text: str = "") -> Written:
        self.load(Unit, lead_unit_id, field="leadUnitId")
        coordinating = list(coordinating_unit_ids)
        for i, unit_id in enumerate(coordinating):
            self.load(Unit, unit_id, field=f"coordinatingUnitIds[{i}]")
        if responsible_official_id is not None:
            self.load(Official, responsible_official_id, field="responsibleOfficialId")
        task = AssignedTask.assign(plan_ref=plan_ref, row_no=row_no, title=title,
                                   lead_unit_id=lead_unit_id,
                                   responsible_official_id=responsible_official_id,
                                   responsibility=responsibility, coordinating_unit_ids=coordinating,
                                   expected_result=expected_result, assigned_on=assigned_on,
                                   due_on=due_on, deadline_text=deadline_text, recorded_by=actor)
        return self.create(task, f"{task.plan_ref} mục {task.row_no}")

    def report_progress(self, actor: Actor, task_id: UUID, *, on: date, percent: int, note: str = "",
                        expected_version: int | None = None) -> Written:
        task = self.load(AssignedTask, task_id, expected_version=expected_version)
        task.report_progress(on=on, percent=percent, note=note, recorded_by=actor)
        position = self.save(task)
        return self.written(position, task)

    def complete(self, actor: Actor, task_id: UUID, *, on: date, result: str,
                 expected_version: int | None = None) -> Written:
        task = self.load(AssignedTask, task_id, expected_version=expected_version)
        task.complete(on=on, result=result, recorded_by=actor)
        position = self.save(task)
        return self.written(position, task)

    def reassign(self, actor: Actor, task_id: UUID, *, lead_unit_id: UUID,
                 responsible_official_id: UUID | None, due_on: date, on: date, reason: str,
                 expected_version: int | None = None) -> Written:
        task = self.load(AssignedTask, task_id, expected_version=expected_version)
        self.load(Unit, lead_unit_id, field="leadUnitId")
        if responsible_official_id is not None:
            self.load(Official, responsible_official_id, field="responsibleOfficialId")
        task.reassign(lead_unit_id=lead_unit_id, responsible_official_id=responsible_official_id,
                      due_on=due_on, on=on, reason=reason, recorded_by=actor)
        position = self.save(task)
        return self.written(position, task)
