"""Discipline cases under the legal clocks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter

from api.deps import page_args, read_at
from api.pages import CasePage
from api.schemas import (
    CaseCreate,
    CaseOut,
    Council,
    Created,
    Decision,
    Deferral,
    Exemption,
    Extension,
    HandlingRequest,
    JointDecided,
    JointDecision,
    Resumption,
    ReviewMeeting,
    TimeBar,
    Versioned,
    Withdrawal,
)
from api.security import READERS, requires_role
from api.writes import run_write
from domain.legal import REGIME_TITLES
from projections.queries import AsOf, handling_deadline

HOME_AFFAIRS = requires_role("home_affairs")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _u(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def case_out(row: dict[str, Any], at: AsOf, with_position: bool = False) -> CaseOut:
    deadline = handling_deadline(row, at.today)
    return CaseOut(
        id=UUID(row["case_id"]), official_id=UUID(row["official_id"]), unit_id=UUID(row["unit_id"]),
        official_category=row["official_category"], inspection_id=_u(row["inspection_id"]),
        finding_id=_u(row["finding_id"]), category=row["category"], nature=row["nature"],
        severity=row["severity"], occurred_on=date.fromisoformat(row["occurred_on"]),
        detected_on=date.fromisoformat(row["detected_on"]), state=row["state"], handling_deadline=deadline,
        limitation_deadline=_d(row["limitation_deadline"]),
        no_limitation_ground=row["no_limitation_ground"],
        handling_requested_on=_d(row["handling_requested_on"]),
        days_to_handling_deadline=(deadline - at.today).days, extended_on=_d(row["extended_on"]),
        deferred_since=_d(row["deferred_since"]), deferred_days=int(row["deferred_days"] or 0),
        proposed_form=row["proposed_form"], form=row["form"], decision_no=row["decision_no"],
        decided_on=_d(row["decided_on"]), regime=row["regime"],
        regime_title=REGIME_TITLES.get(row["regime"]) if row["regime"] else None, late=bool(row["late"]),
        exemption_ground=row["exemption_ground"], closed_on=_d(row["closed_on"]), version=int(row["version"]),
        as_of_position=at.position if with_position else None)


def _versioned(w: Any) -> Versioned:
    return Versioned(id=w.id, version=w.version)


class DisciplineController(Controller):
    path = "/api/v1/discipline-cases"
    tags = ["Kỷ luật"]

    @post("/", operation_id="openCase", guards=[HOME_AFFAIRS], sync_to_thread=True, status_code=201)
    def open(self, data: CaseCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Mở vụ việc kỷ luật (từ một phát hiện, hoặc độc lập)."""
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.discipline.open_case(
                             actor, official_id=data.official_id, category=data.category, nature=data.nature,
                             severity=data.severity, occurred_on=data.occurred_on, detected_on=data.detected_on,
                             inspection_id=data.inspection_id, finding_id=data.finding_id,
                             no_limitation_ground=data.no_limitation_ground),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listCases", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
             official_id: Annotated[UUID | None, QueryParameter(name="officialId")] = None,
             case_state: Annotated[str | None, QueryParameter(name="state")] = None,
             clock: Annotated[str | None, QueryParameter(name="clock", description="overdue | due_soon | on_time")] = None,
             limit: int = 50, offset: int = 0) -> CasePage:
        """Danh sách vụ việc (lọc theo đơn vị, cán bộ, trạng thái, thời hạn)."""
        limit, offset = page_args(limit, offset)
        at = state.reads.as_of()
        page = state.lists.cases(at, unit_id=str(unit_id) if unit_id else None,
                                 official_id=str(official_id) if official_id else None, state=case_state,
                                 clock=clock, limit=limit, offset=offset)
        return CasePage(total=page.total, limit=limit, offset=offset, position=at.position,
                        items=[case_out(r, at) for r in page.items])

    @get("/{case_id:uuid}", operation_id="getCase", guards=[requires_role(*READERS)], sync_to_thread=True)
    def get(self, case_id: UUID, state: State, as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
            as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None) -> CaseOut:
        """Một vụ việc với thời hạn xử lý và thời hiệu, hiện tại hoặc tại một thời điểm trước."""
        at = read_at(state.reads, as_of, as_of_position)
        return case_out(state.reads.case(str(case_id), at), at, with_position=True)

    def _act(self, request: Request[Any, Any, Any], state: State, case_id: UUID, data: Any, method: str,
             **kwargs: Any) -> Versioned:
        service = state.tracker.services.discipline
        return run_write(request, data, Versioned,
                         lambda actor, version: getattr(service, method)(actor, case_id, expected_version=version,
                                                                         **kwargs), _versioned)

    @post("/{case_id:uuid}/deferral", operation_id="deferCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def defer(self, case_id: UUID, data: Deferral, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Tạm hoãn (ốm đau, thai sản, nuôi con dưới 12 tháng, bị tạm giữ…): thời gian không tính vào thời hạn."""
        return self._act(request, state, case_id, data, "defer", reason=data.reason, on=data.on, note=data.note)

    @post("/{case_id:uuid}/handling-request", operation_id="requestHandling", guards=[HOME_AFFAIRS],
          sync_to_thread=True, status_code=200)
    def handling_request(self, case_id: UUID, data: HandlingRequest, request: Request[Any, Any, Any],
                         state: State) -> Versioned:
        """Ghi nhận đơn đề nghị xem xét xử lý kỷ luật của cán bộ (mang thai, thai sản, nuôi con nhỏ): thời hạn tiếp tục tính."""
        return self._act(request, state, case_id, data, "request_handling", on=data.on, note=data.note)

    @post("/joint-decision", operation_id="decideJointly", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def joint_decision(self, data: JointDecision, request: Request[Any, Any, Any], state: State) -> JointDecided:
        """Một quyết định chung cho nhiều vi phạm của một cán bộ xem xét cùng thời điểm (hình thức nặng nhất)."""
        cases = set(data.case_ids)
        return run_write(request, data, JointDecided,
                         lambda actor, _: state.tracker.services.discipline.decide_together(
                             actor, data.case_ids, form=data.form, decision_no=data.decision_no,
                             decided_on=data.decided_on, override_reason=data.override_reason)[-1],
                         lambda w: JointDecided(items=[Versioned(id=i, version=v) for i, v in w.saved if i in cases],
                                                position=w.position))

    @post("/{case_id:uuid}/resumption", operation_id="resumeCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def resume(self, case_id: UUID, data: Resumption, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Tiếp tục xử lý sau tạm hoãn."""
        return self._act(request, state, case_id, data, "resume", on=data.on, note=data.note)

    @post("/{case_id:uuid}/extension", operation_id="extendCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def extend(self, case_id: UUID, data: Extension, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Gia hạn thời hạn xử lý lên 150 ngày (một lần, trước khi hết hạn)."""
        return self._act(request, state, case_id, data, "extend", on=data.on, reason=data.reason)

    @post("/{case_id:uuid}/review-meeting", operation_id="holdReviewMeeting", guards=[HOME_AFFAIRS],
          sync_to_thread=True, status_code=200)
    def review(self, case_id: UUID, data: ReviewMeeting, request: Request[Any, Any, Any],
               state: State) -> Versioned:
        """Ghi nhận cuộc họp kiểm điểm và hình thức đề xuất."""
        return self._act(request, state, case_id, data, "hold_review_meeting", held_on=data.held_on,
                         proposed_form=data.proposed_form, minutes=data.minutes)

    @post("/{case_id:uuid}/council", operation_id="conveneCouncil", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def council(self, case_id: UUID, data: Council, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Ghi nhận Hội đồng kỷ luật và hình thức kiến nghị."""
        return self._act(request, state, case_id, data, "convene_council", convened_on=data.convened_on,
                         recommended_form=data.recommended_form, members=data.members)

    @post("/{case_id:uuid}/decision", operation_id="decideCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def decide(self, case_id: UUID, data: Decision, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Quyết định hình thức kỷ luật (chỉ các hình thức luật cho phép vào ngày quyết định)."""
        return self._act(request, state, case_id, data, "decide", form=data.form, decision_no=data.decision_no,
                         decided_on=data.decided_on, override_reason=data.override_reason)

    @post("/{case_id:uuid}/exemption", operation_id="exemptCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def exempt(self, case_id: UUID, data: Exemption, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Miễn trách nhiệm kỷ luật (kể cả bảo vệ người dám nghĩ, dám làm — Nghị định 73/2023)."""
        return self._act(request, state, case_id, data, "exempt", ground=data.ground, basis=data.basis,
                         decided_on=data.decided_on)

    @post("/{case_id:uuid}/time-bar", operation_id="timeBarCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def time_bar(self, case_id: UUID, data: TimeBar, request: Request[Any, Any, Any], state: State) -> Versioned:
        """Kết thúc vụ việc do hết thời hiệu."""
        return self._act(request, state, case_id, data, "mark_time_barred", on=data.on)

    @post("/{case_id:uuid}/withdrawal", operation_id="withdrawCase", guards=[HOME_AFFAIRS], sync_to_thread=True,
          status_code=200)
    def withdraw(self, case_id: UUID, data: Withdrawal, request: Request[Any, Any, Any],
                 state: State) -> Versioned:
        """Rút vụ việc, kèm lý do."""
        return self._act(request, state, case_id, data, "withdraw", on=data.on, reason=data.reason)
