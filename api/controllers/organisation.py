"""Units, their heads over time, and officials."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter

from api.deps import page_args, read_at
from api.schemas import (
    Created,
    HeadAppoint,
    HeadTermOut,
    InitiativeCreate,
    InitiativeOut,
    OfficialCreate,
    OfficialOut,
    Retirement,
    UnitCreate,
    UnitOut,
    Versioned,
)
from api.security import READERS, requires_role
from api.writes import run_write
from api.pages import OfficialPage, UnitPage


def unit_out(row: dict[str, Any]) -> UnitOut:
    heads = row.get("heads")
    return UnitOut(id=UUID(row["unit_id"]), code=row["code"], name=row["name"], kind=row["kind"],
                   head_official_id=UUID(row["head_official_id"]) if row["head_official_id"] else None,
                   head_since=date.fromisoformat(row["head_since"]) if row["head_since"] else None,
                   version=int(row["version"]),
                   heads=None if heads is None else [
                       HeadTermOut(official_id=UUID(h["official_id"]), full_name=h["full_name"],
                                   since=date.fromisoformat(h["since"]),
                                   until=date.fromisoformat(h["until"]) if h["until"] else None) for h in heads])


def official_out(row: dict[str, Any], initiatives: list[dict[str, Any]] | None = None) -> OfficialOut:
    return OfficialOut(id=UUID(row["official_id"]), personnel_code=row["personnel_code"],
                       full_name=row["full_name"], category=row["category"], unit_id=UUID(row["unit_id"]),
                       is_leader=bool(row["is_leader"]), version=int(row["version"]),
                       retired_on=date.fromisoformat(row["retired_on"]) if row["retired_on"] else None,
                       initiatives=[InitiativeOut(title=i["title"], decision_no=i["decision_no"],
                                                  recognised_on=date.fromisoformat(i["recognised_on"]))
                                    for i in initiatives or ()])


class UnitController(Controller):
    path = "/api/v1/units"
    tags = ["Đơn vị"]

    @post("/", operation_id="createUnit", guards=[requires_role("admin")], sync_to_thread=True, status_code=201)
    def create(self, data: UnitCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Đăng ký một đơn vị."""
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.organisation.register_unit(
                             actor, code=data.code, name=data.name, kind=data.kind),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listUnits", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, kind: str | None = None, limit: int = 50, offset: int = 0,
             as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
             as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None) -> UnitPage:
        """Danh sách đơn vị (lọc theo loại)."""
        limit, offset = page_args(limit, offset)
        at = read_at(state.reads, as_of, as_of_position)
        page = state.lists.units(at, kind=kind, limit=limit, offset=offset)
        return UnitPage(total=page.total, limit=limit, offset=offset, position=at.position,
                        items=[unit_out(r) for r in page.items])

    @get("/{unit_id:uuid}", operation_id="getUnit", guards=[requires_role(*READERS)], sync_to_thread=True)
    def get(self, unit_id: UUID, state: State, as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
            as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None) -> UnitOut:
        """Một đơn vị và các nhiệm kỳ người đứng đầu."""
        return unit_out(state.lists.unit(str(unit_id), read_at(state.reads, as_of, as_of_position)))

    @post("/{unit_id:uuid}/heads", operation_id="appointHead", guards=[requires_role("admin")],
          sync_to_thread=True, status_code=200)
    def appoint_head(self, unit_id: UUID, data: HeadAppoint, request: Request[Any, Any, Any],
                     state: State) -> Versioned:
        """Bổ nhiệm người đứng đầu (nhiệm kỳ trước, nếu có, kết thúc ngày hôm trước)."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.organisation.appoint_head(
                             actor, unit_id, official_id=data.official_id, since=data.since,
                             expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))


class OfficialController(Controller):
    path = "/api/v1/officials"
    tags = ["Cán bộ"]

    @post("/", operation_id="createOfficial", guards=[requires_role("admin")], sync_to_thread=True,
          status_code=201)
    def create(self, data: OfficialCreate, request: Request[Any, Any, Any], state: State) -> Created:
        """Đăng ký một cán bộ, công chức, viên chức."""
        return run_write(request, data, Created,
                         lambda actor, _: state.tracker.services.organisation.register_official(
                             actor, personnel_code=data.personnel_code, full_name=data.full_name,
                             category=data.category, unit_id=data.unit_id, is_leader=data.is_leader,
                             since=data.since),
                         lambda w: Created(id=w.id, version=w.version))

    @get("/", operation_id="listOfficials", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
             category: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0) -> OfficialPage:
        """Tìm cán bộ theo đơn vị, loại, tên hoặc mã."""
        limit, offset = page_args(limit, offset)
        at = state.reads.as_of()
        page = state.lists.officials(at, unit_id=str(unit_id) if unit_id else None, category=category, q=q,
                                     limit=limit, offset=offset)
        return OfficialPage(total=page.total, limit=limit, offset=offset, position=at.position,
                            items=[official_out(r) for r in page.items])

    @get("/{official_id:uuid}", operation_id="getOfficial", guards=[requires_role(*READERS)],
         sync_to_thread=True)
    def get(self, official_id: UUID, state: State) -> OfficialOut:
        """Một cán bộ, với ngày nghỉ hưu và các sáng kiến được công nhận."""
        at = state.reads.as_of()
        return official_out(state.lists.official(str(official_id), at),
                            state.lists.initiatives(str(official_id), at))

    @post("/{official_id:uuid}/initiatives", operation_id="recogniseInitiative",
          guards=[requires_role("home_affairs")], sync_to_thread=True, status_code=200)
    def initiative(self, official_id: UUID, data: InitiativeCreate, request: Request[Any, Any, Any],
                   state: State) -> Versioned:
        """Ghi nhận sáng kiến được công nhận (điều kiện của danh hiệu Chiến sĩ thi đua cơ sở)."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.organisation.recognise_initiative(
                             actor, official_id, title=data.title, decision_no=data.decision_no,
                             recognised_on=data.recognised_on, expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))

    @post("/{official_id:uuid}/retirement", operation_id="retireOfficial",
          guards=[requires_role("home_affairs", "admin")], sync_to_thread=True, status_code=200)
    def retire(self, official_id: UUID, data: Retirement, request: Request[Any, Any, Any],
               state: State) -> Versioned:
        """Ghi nhận cán bộ nghỉ hưu, nghỉ việc (vẫn bị xử lý kỷ luật về vi phạm trong thời gian công tác)."""
        return run_write(request, data, Versioned,
                         lambda actor, version: state.tracker.services.organisation.retire_official(
                             actor, official_id, on=data.retired_on, note=data.note,
                             expected_version=version),
                         lambda w: Versioned(id=w.id, version=w.version))
