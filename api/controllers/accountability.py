"""Accountability decisions on heads, tasks of the plan, and unit KPI reports."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.params import QueryParameter

from api.deps import page_args
from api.pages import AccountabilityPage, TaskPage
from api.schemas import (
    AccountabilityCreate,
    AccountabilityOut,
    Completion,
    Created,
    KpiFiguresIn,
    KpiReportOut,
    KpiReportPut,
    Progress,
    Reassignment,
    RefIn,
    Revocation,
    TaskCreate,
    TaskOut,
    Versioned,
)
from api.security import READERS, requires_role
from api.writes import run_write
from domain.accountability import Ref
from domain.kpi import KpiFigures
from domain.periods import Period

HOME_AFFAIRS = requires_role("home_affairs")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def decision_out(row: dict[str, Any]) -> AccountabilityOut:
    refs = [RefIn(kind=r["kind"], id=UUID(r["id"]), inspection_id=UUID(r["inspection_id"]) if r.get("inspection_id")
                  else None) for r in json.loads(row["refs"])]
    return AccountabilityOut(id=UUID(row["decision_id"]), head_official_id=UUID(row["head_official_id"]),
                             unit_id=UUID(row["unit_id"]), responsibility=row["responsibility"],
                             outcome=row["outcome"], decided_on=date.fromisoformat(row["decided_on"]),
                             reason=row["reason"], refs=refs, revoked_on=_d(row["revoked_on"]),
                             version=int(row["version"]))


def task_out(row: dict[str, Any]) -> TaskOut:
    return TaskOut(id=UUID(row["task_id"]), plan_ref=row["plan_ref"], row_no=row["row_no"], title=row["title"],
                   lead_unit_id=UUID(row["lead_unit_id"]),
                   responsible_official_id=UUID(row["responsible_official_id"]) if row["responsible_official_id"]
                   else None,
                   coordinating_unit_ids=[UUID(u) for u in json.loads(row["coordinating_unit_ids"] or "[]")],
                   expected_result=row["expected_result"], assigned_on=date.fromisoformat(row["assigned_on"]),
                   due_on=date.fromisoformat(row["due_on"]), progress=int(row["progress"] or 0),
                   completed_on=_d(row["completed_on"]), version=int(row["version"]),
                   deadline_text=row["deadline_text"] or "")


class AccountabilityController(Controller):
    path = "/api/v1/accountability-decisions"
    tags = ["Trách nhiệm người đứng đầu"]

    @post("/", operation_id="makeAccountabilityDecision", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=201)
    def make(self, data: AccountabilityCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Quyết định về trách nhiệm cá nhân hoặc liên đới của người đứng đầu (biểu dương, nhắc nhở…)."""
        refs = [Ref(r.kind, r.id, r.inspection_id) for r in data.refs]
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.accountability.make_decision(
                             actor, head_official_id=data.head_official_id, unit_id=data.unit_id,
                             responsibility=data.responsibility, outcome=data.outcome, decided_on=data.decided_on,
                             reason=data.reason, refs=refs),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listAccountabilityDecisions", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
             head_official_id: Annotated[UUID | None, QueryParameter(name="headOfficialId")] = None,
             limit: int = 50, offset: int = 0) -> AccountabilityPage:
        """Danh sách quyết định về trách nhiệm người đứng đầu."""
        limit, offset = page_args(limit, offset)
        at = state.reads.as_of()
        page = state.lists.decisions(at, unit_id=str(unit_id) if unit_id else None,
                                     head_official_id=str(head_official_id) if head_official_id else None,
                                     limit=limit, offset=offset)
        return AccountabilityPage(total=page.total, limit=limit, offset=offset, position=at.position,
                                  items=[decision_out(r) for r in page.items])

    @post("/{decision_id:uuid}/revocation", operation_id="revokeAccountabilityDecision", guards=[HOME_AFFAIRS],
          sync_to_thread=True, status_code=200)
    def revoke(self, decision_id: UUID, data: Revocation, request: Request[Any, Any, Any],
               state: State) -> Versioned:
        """Thu hồi quyết định, kèm lý do."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.accountability.revoke_decision(
                             actor, decision_id, revoked_on=data.revoked_on, reason=data.reason,
                             expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))


class TaskController(Controller):
    path = "/api/v1/tasks"
    tags = ["Nhiệm vụ được giao"]

    @post("/", operation_id="assignTask", guards=[HOME_AFFAIRS], sync_to_thread=True, status_code=201)
    def assign(self, data: TaskCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Giao nhiệm vụ theo bảng phân công của kế hoạch (“6 rõ”)."""
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.tasks.assign(
                             actor, plan_ref=data.plan_ref, row_no=data.row_no, title=data.title,
                             lead_unit_id=data.lead_unit_id, responsible_official_id=data.responsible_official_id,
                             responsibility=data.responsibility, coordinating_unit_ids=data.coordinating_unit_ids,
                             expected_result=data.expected_result, assigned_on=data.assigned_on,
                             due_on=data.due_on, deadline_text=data.deadline_text),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listTasks", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
             plan_ref: Annotated[str | None, QueryParameter(name="planRef")] = None, limit: int = 50,
             offset: int = 0) -> TaskPage:
        """Danh sách nhiệm vụ (lọc theo đơn vị chủ trì, kế hoạch)."""
        limit, offset = page_args(limit, offset)
        at = state.reads.as_of()
        page = state.lists.tasks(at, unit_id=str(unit_id) if unit_id else None, plan_ref=plan_ref, limit=limit,
                                 offset=offset)
        return TaskPage(total=page.total, limit=limit, offset=offset, position=at.position,
                        items=[task_out(r) for r in page.items])

    @get("/{task_id:uuid}", operation_id="getTask", guards=[requires_role(*READERS)], sync_to_thread=True)
    def get(self, task_id: UUID, state: State) -> TaskOut:
        """Một nhiệm vụ."""
        return task_out(state.lists.task(str(task_id), state.reads.as_of()))

    @post("/{task_id:uuid}/progress", operation_id="reportTaskProgress", guards=[HOME_AFFAIRS],
          sync_to_thread=True, status_code=200)
    def progress(self, task_id: UUID, data: Progress, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Báo cáo tiến độ."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.tasks.report_progress(
                             actor, task_id, on=data.on, percent=data.percent, note=data.note,
                             expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{task_id:uuid}/completion", operation_id="completeTask", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def complete(self, task_id: UUID, data: Completion, request: Request[Any, Any, Any],
                 state: State) -> Versioned:
        """Ghi nhận hoàn thành, kèm kết quả."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.tasks.complete(
                             actor, task_id, on=data.on, result=data.result, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{task_id:uuid}/reassignment", operation_id="reassignTask", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def reassign(self, task_id: UUID, data: Reassignment, request: Request[Any, Any, Any],
                 state: State) -> Versioned:
        """Giao lại nhiệm vụ, kèm lý do."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.tasks.reassign(
                             actor, task_id, lead_unit_id=data.lead_unit_id,
                             responsible_official_id=data.responsible_official_id, due_on=data.due_on, on=data.on,
                             reason=data.reason, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))


def kpi_out(row: dict[str, Any]) -> KpiReportOut:
    figures = KpiFiguresIn(**{name: row[name] for name in KpiFigures.__dataclass_fields__})
    return KpiReportOut(id=UUID(row["report_id"]), unit_id=UUID(row["unit_id"]), period=row["period"],
                        submitted_on=date.fromisoformat(row["submitted_on"]), corrections=int(row["corrections"]),
                        figures=figures, version=int(row["version"]))


class KpiController(Controller):
    path = "/api/v1/units/{unit_id:uuid}/kpi-reports"
    tags = ["Chỉ tiêu Kết luận 226"]

    @put("/{period:str}", operation_id="putKpiReport", guards=[HOME_AFFAIRS], sync_to_thread=True,
         status_code=200)
    def put(self, unit_id: UUID, period: str, data: KpiReportPut, request: Request[Any, Any, Any],
            state: State) -> Versioned:
        """Nộp báo cáo chỉ tiêu của kỳ, hoặc sửa báo cáo đã nộp (phải kèm lý do)."""
        code = Period.parse(period).code
        figures = KpiFigures(**{name: getattr(data.figures, name) for name in KpiFigures.__dataclass_fields__})
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.kpi.put_report(
                             actor, unit_id, code, reported_on=data.reported_on, figures=figures,
                             reason=data.reason, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @get("/{period:str}", operation_id="getKpiReport", guards=[requires_role(*READERS)], sync_to_thread=True)
    def get(self, unit_id: UUID, period: str, state: State) -> KpiReportOut:
        """Báo cáo chỉ tiêu của một đơn vị trong kỳ."""
        return kpi_out(state.lists.kpi_report(str(unit_id), Period.parse(period).code, state.reads.as_of()))
