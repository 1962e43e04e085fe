"""Inspections: open, findings, corrections, retractions, conclusion, follow-up, closure."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter

from api.deps import page_args, read_at
from api.pages import InspectionPage
from api.schemas import (
    Closure,
    ConclusionCreate,
    Concluded,
    Created,
    CriminalReferral,
    Evidence,
    FindingCorrection,
    FindingCreate,
    FindingCreated,
    FindingOut,
    Implementation,
    InspectionCreate,
    InspectionOut,
    Reason,
    RecommendationOut,
    Versioned,
)
from api.security import READERS, requires_role
from api.writes import run_write
from domain.inspections import EvidenceRef, RecommendationInput
from projections.queries import AsOf

INSPECTOR = requires_role("inspector")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def inspection_out(row: dict[str, Any], at: AsOf | None = None, detail: bool = False) -> InspectionOut:
    findings = recommendations = None
    if detail:
        assert at is not None
        findings = [FindingOut(id=UUID(f["finding_id"]), category=f["category"], severity=f["severity"],
                               description=f["description"], occurred_on=date.fromisoformat(f["occurred_on"]),
                               official_ids=[UUID(o) for o in json.loads(f["official_ids"])],
                               evidence=[Evidence(name=e["name"], sha256=e["sha256"])
                                         for e in json.loads(f["evidence"])],
                               retracted=bool(f["retracted"]), note=f["note"],
                               recorded_at_position=int(f["pos_from"]),
                               referred_on=date.fromisoformat(f["referred_on"]) if f["referred_on"] else None,
                               referral_agency=f["referral_agency"]) for f in row["finding_rows"]]
        recommendations = [RecommendationOut(
            id=UUID(r["recommendation_id"]), text=r["text"], due_on=date.fromisoformat(r["due_on"]),
            responsible_unit_id=UUID(r["responsible_unit_id"]), implemented_on=_d(r["implemented_on"]),
            note=r["note"], overdue=r["implemented_on"] is None and date.fromisoformat(r["due_on"]) < at.today)
            for r in row["recommendation_rows"]]
    return InspectionOut(
        id=UUID(row["inspection_id"]), kind=row["kind"], decision_no=row["decision_no"],
        decided_on=date.fromisoformat(row["decided_on"]), target_unit_id=UUID(row["target_unit_id"]),
        scope=row["scope"], team=json.loads(row["team"]), status=row["status"], conclusion_no=row["conclusion_no"],
        concluded_on=_d(row["concluded_on"]), closed_on=_d(row["closed_on"]), findings_count=int(row["findings"]),
        version=int(row["version"]), findings=findings, recommendations=recommendations,
        as_of_position=at.position if at else None)


class InspectionController(Controller):
    path = "/api/v1/inspections"
    tags = ["Thanh tra"]

    @post("/", operation_id="openInspection", guards=[INSPECTOR], sync_to_thread=True, status_code=201)
    def open(self, data: InspectionCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Mở cuộc thanh tra theo kế hoạch, đột xuất hoặc kiểm tra công vụ."""
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.inspections.open_inspection(
                             actor, kind=data.kind, decision_no=data.decision_no, decided_on=data.decided_on,
                             target_unit_id=data.target_unit_id, scope=data.scope, team=data.team),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listInspections", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
             kind: str | None = None, status: str | None = None, year: int | None = None,
             limit: int = 50, offset: int = 0) -> InspectionPage:
        """Danh sách cuộc thanh tra (lọc theo đơn vị, loại, trạng thái, năm)."""
        limit, offset = page_args(limit, offset)
        at = state.reads.as_of()
        page = state.lists.inspections(at, unit_id=str(unit_id) if unit_id else None, kind=kind, status=status,
                                       year=year, limit=limit, offset=offset)
        return InspectionPage(total=page.total, limit=limit, offset=offset, position=at.position,
                              items=[inspection_out(r) for r in page.items])

    @get("/{inspection_id:uuid}", operation_id="getInspection", guards=[requires_role(*READERS)],
         sync_to_thread=True)
    def get(self, inspection_id: UUID, state: State, as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
            as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None) -> InspectionOut:
        """Một cuộc thanh tra với các phát hiện và kiến nghị, hiện tại hoặc tại một thời điểm trước."""
        at = read_at(state.reads, as_of, as_of_position)
        return inspection_out(state.lists.inspection(str(inspection_id), at), at, detail=True)

    @post("/{inspection_id:uuid}/findings", operation_id="recordFinding", guards=[INSPECTOR],
          sync_to_thread=True, status_code=201)
    def record_finding(self, inspection_id: UUID, data: FindingCreate, request: Request[Any, Any, Any],
                       state: State) -> FindingCreated:
        """Ghi nhận một phát hiện (gắn cán bộ vi phạm và chứng cứ kèm SHA-256)."""
        return run_write(request, data, FindingCreated,
                         lambda actor, version: state.tracker.services.inspections.record_finding(
                             actor, inspection_id, category=data.category, severity=data.severity,
                             description=data.description, occurred_on=data.occurred_on,
                             official_ids=data.official_ids,
                             evidence=[EvidenceRef(e.name, e.sha256) for e in data.evidence],
                             expected_version=version),
                         lambda w: FindingCreated(id=w.id, finding_id=w.finding_id, version=w.version))

    @post("/{inspection_id:uuid}/findings/{finding_id:uuid}/corrections", operation_id="correctFinding",
          guards=[INSPECTOR], sync_to_thread=True, status_code=200)
    def correct_finding(self, inspection_id: UUID, finding_id: UUID, data: FindingCorrection,
                        request: Request[Any, Any, Any], state: State) -> Versioned:
        """Sửa một phát hiện: chỉ các trường thay đổi, kèm lý do (bản gốc được giữ nguyên)."""
        changes: dict[str, Any] = {}
        for name in ("category", "severity", "description", "occurred_on", "official_ids"):
            value = getattr(data, name)
            if value is not None:
                changes[name] = value
        if data.evidence is not None:
            changes["evidence"] = [EvidenceRef(e.name, e.sha256) for e in data.evidence]
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.inspections.correct_finding(
                             actor, inspection_id, finding_id, changes=changes, reason=data.reason,
                             expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{inspection_id:uuid}/findings/{finding_id:uuid}/retraction", operation_id="retractFinding",
          guards=[INSPECTOR], sync_to_thread=True, status_code=200)
    def retract_finding(self, inspection_id: UUID, finding_id: UUID, data: Reason,
                        request: Request[Any, Any, Any], state: State) -> Versioned:
        """Rút lại một phát hiện, kèm lý do."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.inspections.retract_finding(
                             actor, inspection_id, finding_id, reason=data.reason, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{inspection_id:uuid}/findings/{finding_id:uuid}/criminal-referral", operation_id="referFinding",
          guards=[INSPECTOR], sync_to_thread=True, status_code=200)
    def refer_finding(self, inspection_id: UUID, finding_id: UUID, data: CriminalReferral,
                      request: Request[Any, Any, Any], state: State) -> Versioned:
        """Ghi nhận việc chuyển hồ sơ phát hiện sang cơ quan điều tra."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.inspections.refer_finding(
                             actor, inspection_id, finding_id, referred_on=data.referred_on, agency=data.agency,
                             document_no=data.document_no, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{inspection_id:uuid}/conclusion", operation_id="concludeInspection", guards=[INSPECTOR],
          sync_to_thread=True, status_code=200)
    def conclude(self, inspection_id: UUID, data: ConclusionCreate, request: Request[Any, Any, Any],
                 state: State) -> Concluded:
        """Kết luận thanh tra với các kiến nghị, hạn thực hiện và đơn vị chịu trách nhiệm."""
        recs = [RecommendationInput(r.text, r.due_on, r.responsible_unit_id) for r in data.recommendations]
        return run_write(request, data, Concluded,
                         lambda actor, version: state.tracker.services.inspections.conclude(
                             actor, inspection_id, conclusion_no=data.conclusion_no,
                             concluded_on=data.concluded_on, recommendations=recs, expected_version=version),
                         lambda w: Concluded(id=w.id, recommendation_ids=list(w.recommendation_ids),
                                             version=w.version))

    @post("/{inspection_id:uuid}/recommendations/{recommendation_id:uuid}/implementation",
          operation_id="implementRecommendation", guards=[INSPECTOR], sync_to_thread=True, status_code=200)
    def implement(self, inspection_id: UUID, recommendation_id: UUID, data: Implementation,
                  request: Request[Any, Any, Any], state: State) -> Versioned:
        """Ghi nhận kiến nghị đã được thực hiện."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.inspections.implement_recommendation(
                             actor, inspection_id, recommendation_id, implemented_on=data.implemented_on,
                             note=data.note, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{inspection_id:uuid}/closure", operation_id="closeInspection", guards=[INSPECTOR],
          sync_to_thread=True, status_code=200)
    def close(self, inspection_id: UUID, data: Closure, request: Request[Any, Any, Any],
              state: State) -> Versioned:
        """Kết thúc cuộc thanh tra (sau khi có kết luận)."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.inspections.close(
                             actor, inspection_id, closed_on=data.closed_on, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))
