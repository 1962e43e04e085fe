"""Scorecards of heads of units, the legal deadlines, the audit log and health."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream

from api.deps import page_args, read_at
from api.pages import LogPage
from api.schemas import (
    DeadlineOut,
    EvidenceRefOut,
    ExcellentQuota,
    FailedView,
    Health,
    LineOut,
    LogEntry,
    QuotaGroup,
    ScorecardOut,
    ScorecardPage,
)
from api.security import ANALYSTS, AUDITORS, READERS, requires_role
from domain.enums import Rating, UnitKind, parse_enum
from domain.legal import APPRAISAL_TITLES
from domain.errors import InvalidInput, NotFound
from projections.policy import load_policy
from projections.scorecards import Scorecard, excellent_quota
from domain.periods import Period
from projections.export import MEDIA_TYPE as EXPORT_MEDIA_TYPE
from projections.export import export_header, export_pages


def scorecard_out(card: Scorecard, chain_head: str | None = None) -> ScorecardOut:
    return ScorecardOut(
        official_id=UUID(card.official_id), official_name=card.official_name, unit_id=UUID(card.unit_id),
        unit_name=card.unit_name, unit_kind=card.unit_kind, period=card.period, term_from=card.term_from,
        term_to=card.term_to, policy_version=card.policy_version, score=card.score, band=card.band,
        rating_ceiling=card.rating_ceiling, ceiling_reasons=list(card.ceiling_reasons),
        emulation_eligible=card.emulation_eligible, emulation_titles=list(card.emulation_titles),
        appraisal_regime=card.appraisal_regime, appraisal_regime_title=APPRAISAL_TITLES.get(card.appraisal_regime),
        emulation_reasons=list(card.emulation_reasons),
        lines=[LineOut(rule=line.rule, points=line.points, reason=line.reason,
                       evidence=[EvidenceRefOut(position=e.position, aggregate_id=e.aggregate_id, version=e.version)
                                 for e in line.evidence]) for line in card.lines],
        position=card.position, as_of_date=card.as_of_date, chain_head=chain_head)


def quota_out(quota: dict[str, Any]) -> ExcellentQuota:
    return ExcellentQuota(excellent=quota["excellent"], good=quota["good"], exceeded=quota["exceeded"],
                          groups=[QuotaGroup(**g) for g in quota["groups"]])


class ScorecardController(Controller):
    path = "/api/v1/scorecards"
    tags = ["Phiếu đánh giá người đứng đầu"]

    @get("/", operation_id="listScorecards", guards=[requires_role(*ANALYSTS)], sync_to_thread=True)
    def list(self, state: State, period: str, band: str | None = None,
             ceiling: Annotated[str | None, QueryParameter(name="ratingCeiling")] = None,
             unit_kind: Annotated[str | None, QueryParameter(name="unitKind")] = None,
             as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
             as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None,
             as_of_date: Annotated[date | None, QueryParameter(name="asOfDate")] = None,
             limit: int = 100, offset: int = 0) -> ScorecardPage:
        """Xếp hạng người đứng đầu theo kỳ (lọc theo xếp loại, mức trần, loại đơn vị), hiện tại hoặc trước đây."""
        limit, offset = page_args(limit, offset)
        Period.parse(period)
        at = read_at(state.reads, as_of, as_of_position, as_of_date)
        cards = state.reads.scorecards(period, at)
        quota = excellent_quota(cards, Period.parse(period))
        if band is not None:
            cards = [c for c in cards if c.band == parse_enum(Rating, band, "band")]
        if ceiling is not None:
            cards = [c for c in cards if c.rating_ceiling == parse_enum(Rating, ceiling, "ratingCeiling")]
        if unit_kind is not None:
            cards = [c for c in cards if c.unit_kind == parse_enum(UnitKind, unit_kind, "unitKind")]
        head = state.reads.chain_head(at.position)
        return ScorecardPage(period=Period.parse(period).code, position=at.position, as_of_date=at.today,
                             chain_head=head,
                             policy_version=load_policy().version, excellent_quota=quota_out(quota),
                             total=len(cards), limit=limit, offset=offset,
                             items=[scorecard_out(c, head) for c in cards[offset:offset + limit]])

    @get("/{official_id:uuid}", operation_id="getScorecard", guards=[requires_role(*ANALYSTS)],
         sync_to_thread=True)
    def get(self, official_id: UUID, state: State, period: str,
            unit_id: Annotated[UUID | None, QueryParameter(name="unitId")] = None,
            as_of: Annotated[str | None, QueryParameter(name="asOf")] = None,
            as_of_position: Annotated[int | None, QueryParameter(name="asOfPosition")] = None,
            as_of_date: Annotated[date | None, QueryParameter(name="asOfDate")] = None) -> ScorecardOut:
        """Phiếu đánh giá của một người đứng đầu trong kỳ, mỗi dòng dẫn tới sự kiện gốc."""
        at = read_at(state.reads, as_of, as_of_position, as_of_date)
        cards = state.reads.scorecard(str(official_id), period, at)
        if unit_id is not None:
            cards = [c for c in cards if c.unit_id == str(unit_id)]
            if not cards:
                raise NotFound("Người này không đứng đầu đơn vị đó trong kỳ.", field="unitId", value=str(unit_id))
        return scorecard_out(cards[0], state.reads.chain_head(at.position))


class DeadlineController(Controller):
    path = "/api/v1/deadlines"
    tags = ["Thời hạn"]

    @get("/", operation_id="listDeadlines", guards=[requires_role(*READERS)], sync_to_thread=True)
    def list(self, state: State, within_days: Annotated[int, QueryParameter(name="withinDays")] = 30) -> list[DeadlineOut]:
        """Vụ việc gần hết thời hạn xử lý hoặc thời hiệu; kiến nghị và nhiệm vụ quá hạn hoặc sắp đến hạn."""
        at = state.reads.as_of()
        return [DeadlineOut(kind=d.kind, id=UUID(d.id), aggregate_id=_uuid(d.aggregate_id), title=d.title,
                            unit_id=_uuid(d.unit_id), official_id=_uuid(d.official_id), due_on=d.due_on,
                            days_left=d.days_left, period=d.period) for d in state.reads.deadlines(within_days, at)]


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def log_entry(row: dict[str, Any], payload: dict[str, Any] | None = None) -> LogEntry:
    return LogEntry(position=int(row["position"]), recorded_at=row["recorded_at"],
                    aggregate_id=UUID(row["aggregate_id"]), aggregate_type=row["aggregate_type"],
                    version=int(row["version"]), event_type=row["event_type"], actor_id=row["actor_id"],
                    actor_role=row["actor_role"], reason=row["reason"],
                    business_date=date.fromisoformat(row["business_date"]) if row.get("business_date") else None,
                    payload=payload)


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["Kiểm toán"]
    guards = [requires_role(*AUDITORS)]

    @get("/events", operation_id="listEvents", sync_to_thread=True)
    def events(self, state: State, after: int = 0, limit: int = 100, actor: str | None = None,
               event_type: Annotated[str | None, QueryParameter(name="eventType")] = None,
               recorded_from: Annotated[str | None, QueryParameter(name="from")] = None,
               recorded_to: Annotated[str | None, QueryParameter(name="to")] = None) -> LogPage:
        """Toàn bộ nhật ký theo thứ tự (vị trí, thời điểm ghi, đối tượng, loại, người ghi, lý do, nội dung)."""
        limit, _ = page_args(limit, 0)
        if not 0 <= after <= 2**62:
            raise InvalidInput("after phải ≥ 0.", field="after", value=after)
        at = state.reads.as_of()
        rows = state.lists.log(after=after, limit=limit, upto=at.position, actor=actor, event_type=event_type,
                               recorded_from=recorded_from, recorded_to=recorded_to)
        payloads = _payloads(state, [int(r["position"]) for r in rows])
        items = [log_entry(r, payloads.get(int(r["position"]))) for r in rows]
        return LogPage(after=after, limit=limit, position=at.position,
                       next_after=items[-1].position if len(items) == limit else None, items=items)

    @get("/streams/{aggregate_id:uuid}", operation_id="getStream", sync_to_thread=True)
    def stream(self, aggregate_id: UUID, state: State) -> list[LogEntry]:
        """Mọi sự kiện của một đối tượng, theo phiên bản."""
        at = state.reads.as_of()
        rows = state.lists.log(after=0, limit=100000, upto=at.position, aggregate_id=str(aggregate_id))
        if not rows:
            raise NotFound(f"Không có sự kiện nào của {aggregate_id}.", field="aggregateId", value=str(aggregate_id))
        payloads = _payloads(state, [int(r["position"]) for r in rows])
        return [log_entry(r, payloads.get(int(r["position"]))) for r in rows]

    @get("/export", operation_id="exportLog", sync_to_thread=True, media_type=EXPORT_MEDIA_TYPE,
         responses={200: ResponseSpec(data_container=str, media_type=EXPORT_MEDIA_TYPE, generate_examples=False,
                                      description="NDJSON: một dòng tiêu đề (format, version, count, position, "
                                                  "head), rồi mỗi sự kiện một dòng (position, originatorId, "
                                                  "originatorVersion, topic, state base64, digest).")})
    def export(self, state: State) -> Stream:
        """Xuất toàn bộ nhật ký đã niêm phong (NDJSON, kèm mã băm chuỗi); nhập lại bằng `tracker import`."""
        tracker = state.tracker
        header = export_header(tracker)
        filename = f"so-trach-nhiem-{header.position}.ndjson"
        return Stream(export_pages(tracker, header), media_type=EXPORT_MEDIA_TYPE,
                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _payloads(state: State, positions: list[int]) -> dict[int, dict[str, Any]]:
    """The stored JSON of each event, as recorded (the auditors' view of what was written)."""
    if not positions:
        return {}
    recorder = state.tracker.store.app.recorder
    out: dict[int, dict[str, Any]] = {}
    start = positions[0]
    for n in recorder.select_notifications(start=start, limit=positions[-1] - start + 1):
        if n.id in positions:
            try:
                out[n.id] = json.loads(n.state)
            except ValueError:  # encrypted at rest: show no payload rather than fail
                pass
    return out


class HealthController(Controller):
    path = "/health"
    tags = ["Hệ thống"]

    @get("/", operation_id="health", sync_to_thread=True, exclude_from_auth=True, security=[])
    def health(self, state: State) -> Health:
        """Tình trạng: loại kho sự kiện, vị trí nhật ký, vị trí và độ trễ của dữ liệu đọc.

        `degraded` (vẫn HTTP 200, vì API vẫn phục vụ) khi có dữ liệu đọc bị dừng ở một sự kiện không xử lý được:
        `failedViews` nêu tên, vị trí và lỗi; các dữ liệu đọc khác vẫn được cập nhật."""
        position = state.tracker.store.position()
        statuses = state.tracker.projector.status()
        projected = min((s.position for s in statuses), default=0)
        failed = [FailedView(view=s.view, position=int(s.error_position or 0), error=s.error or "")
                  for s in statuses if s.failed]
        return Health(status="degraded" if failed else "ok", store=state.tracker.store.kind, position=position,
                      projections_position=projected, projections_lag=max(0, position - projected),
                      failed_views=failed)
