"""Auditors in the browser: the whole event log as a filtered timeline, one object's stream, one event
with its stored payload and the chain link sealing it, verification of the hash chain and the export.

Everything here reads: the log index (rm_log), the stored events through the recorder (the same
`_payloads` as the API), the chain table, and `tracker.verify()` / `export_pages()` like
GET /api/v1/audit/verify and /export. The log is shown oldest first (in position order), so "Xem tiếp"
moves on to later events with `sau` = the last position shown.
"""

from __future__ import annotations

import json
import logging
import time as clock
from datetime import date, datetime, time
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, get
from litestar.datastructures import State
from litestar.params import QueryParameter
from litestar.response import Stream, Template

from api.controllers.scorecards import _payloads
from api.web.common import (
    AUDITORS,
    EVENT_LABELS,
    VIETNAM,
    WebPages,
    page,
    parse_vn_date,
    signed_in,
)
from domain.errors import NotFound
from projections.queries import lookup
from projections.export import MEDIA_TYPE as EXPORT_MEDIA_TYPE
from projections.export import export_header, export_pages

PAGE_SIZE = 100
STREAM_LIMIT = 100000

# Vietnamese names of the kinds of object (aggregate types) the log speaks of
OBJECT_LABELS = {
    "Unit": "Đơn vị", "Official": "Cán bộ", "Inspection": "Cuộc thanh tra", "DisciplineCase": "Vụ việc kỷ luật",
    "AccountabilityDecision": "Quyết định trách nhiệm", "AssignedTask": "Nhiệm vụ được giao",
    "UnitKpiReport": "Báo cáo chỉ tiêu",
}


def object_label(aggregate_type: str) -> str:
    return OBJECT_LABELS.get(aggregate_type, aggregate_type)


def _names(state: State, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Names of the units and officials among the objects of these rows, as they stand now."""
    at = state.reads.as_of()
    db = state.tracker.db
    units = lookup(db, "units", (r["aggregate_id"] for r in rows if r["aggregate_type"] == "Unit"), at)
    officials = lookup(db, "officials", (r["aggregate_id"] for r in rows if r["aggregate_type"] == "Official"), at)
    return {**{k: v.get("name") or "" for k, v in units.items()},
            **{k: v.get("full_name") or "" for k, v in officials.items()}}


def _record_day(row: dict[str, Any]) -> date:
    moment = datetime.fromisoformat(str(row["recorded_at"]).replace("Z", "+00:00"))
    return moment.astimezone(VIETNAM).date()


def _digest(state: State, position: int) -> str | None:
    rows = state.tracker.db.query("SELECT digest FROM tracker_chain WHERE position = ?", (position,))
    return rows[0]["digest"] if rows else None


def _seconds(value: float) -> str:
    """A duration in seconds with a decimal comma, as Vietnamese writes it."""
    return f"{value:.3f}".replace(".", ",") + " giây"


class LogPages(WebPages):
    path = "/nhat-ky"

    @get("/", sync_to_thread=True)
    def timeline(self, request: Request[Any, Any, Any], state: State,
                 nguoi_ghi: Annotated[str | None, QueryParameter(name="nguoi-ghi")] = None,
                 loai: Annotated[str | None, QueryParameter(name="loai")] = None,
                 doi_tuong: Annotated[str | None, QueryParameter(name="doi-tuong")] = None,
                 tu_ngay: Annotated[str | None, QueryParameter(name="tu-ngay")] = None,
                 den_ngay: Annotated[str | None, QueryParameter(name="den-ngay")] = None,
                 sau: Annotated[str | None, QueryParameter(name="sau")] = None) -> Template:
        """The log as a timeline grouped by record day (Vietnam time), oldest first, 100 a page."""
        user = signed_in(request, AUDITORS)
        typed = {"nguoi-ghi": (nguoi_ghi or "").strip(), "loai": (loai or "").strip(),
                 "doi-tuong": (doi_tuong or "").strip(), "tu-ngay": (tu_ngay or "").strip(),
                 "den-ngay": (den_ngay or "").strip()}
        errors: dict[str, str] = {}
        aggregate_type = event_type = aggregate_id = None
        if typed["loai"]:
            if typed["loai"] in EVENT_LABELS:
                aggregate_type, event_type = typed["loai"].split(".", 1)
            else:
                errors["loai"] = "Chọn một loại sự kiện trong danh sách."
        if typed["doi-tuong"]:
            try:
                aggregate_id = str(UUID(typed["doi-tuong"]))
            except ValueError:
                errors["doi-tuong"] = (f"Mã đối tượng “{typed['doi-tuong']}” không hợp lệ; nhập mã dạng "
                                       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.")
        days: dict[str, date | None] = {}
        for name in ("tu-ngay", "den-ngay"):
            days[name] = None
            if typed[name]:
                try:
                    days[name] = parse_vn_date(typed[name])
                except ValueError:
                    errors[name] = f"Ngày “{typed[name]}” không hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 15/06/2026."
        if days["tu-ngay"] and days["den-ngay"] and days["den-ngay"] < days["tu-ngay"]:
            errors["den-ngay"] = "“Đến ngày” phải cùng hoặc sau “Từ ngày”."
        after = 0
        if sau:
            try:
                after = max(0, int(sau))
            except ValueError:
                errors["sau"] = f"Vị trí “{sau}” không phải là số nguyên; hiển thị từ đầu nhật ký."
        at = state.reads.as_of()
        rows: list[dict[str, Any]] = []
        if not {k for k in errors if k != "sau"}:
            start, end = days["tu-ngay"], days["den-ngay"]
            rows = state.lists.log(
                after=after, limit=PAGE_SIZE + 1, upto=at.position, actor=typed["nguoi-ghi"] or None,
                event_type=event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
                recorded_from=datetime.combine(start, time.min, VIETNAM).isoformat() if start else None,
                recorded_to=datetime.combine(end, time.max, VIETNAM).isoformat() if end else None)
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        filters = {k: v for k, v in typed.items() if v}
        next_url = f"/nhat-ky?{urlencode({**filters, 'sau': rows[-1]['position']})}" if more else None
        first_url = f"/nhat-ky?{urlencode(filters)}" if filters else "/nhat-ky"
        groups = [(day, list(entries)) for day, entries in groupby(rows, key=_record_day)]
        return page(request, "log.html", user, status=400 if errors else 200, groups=groups, count=len(rows),
                    typed=typed, errors=errors, after=after, next_url=next_url, first_url=first_url,
                    position=at.position, names=_names(state, rows), object_label=object_label,
                    event_types=sorted(EVENT_LABELS.items(), key=lambda item: item[1]), page_size=PAGE_SIZE)

    @get("/doi-tuong/{aggregate_id:uuid}", sync_to_thread=True)
    def stream(self, request: Request[Any, Any, Any], state: State, aggregate_id: UUID) -> Template:
        """One object's events in version order, each with its stored payload."""
        user = signed_in(request, AUDITORS)
        at = state.reads.as_of()
        rows = state.lists.log(after=0, limit=STREAM_LIMIT, upto=at.position, aggregate_id=str(aggregate_id))
        if not rows:
            raise NotFound(f"Nhật ký không có sự kiện nào của đối tượng {aggregate_id}.")
        rows.sort(key=lambda r: int(r["version"]))
        payloads = _payloads(state, sorted(int(r["position"]) for r in rows))
        shown = {p: json.dumps(v, ensure_ascii=False, indent=2) for p, v in payloads.items()}
        kind = rows[0]["aggregate_type"]
        return page(request, "stream.html", user, rows=rows, aggregate_id=str(aggregate_id), kind=kind,
                    kind_label=object_label(kind), name=_names(state, rows[:1]).get(str(aggregate_id)),
                    payloads=shown, is_case=kind == "DisciplineCase")


class EventPages(WebPages):
    path = "/su-kien"

    @get("/{position:int}", sync_to_thread=True)
    def event(self, request: Request[Any, Any, Any], state: State, position: int) -> Template:
        """One event: who recorded what and when, its stored payload, and the chain link sealing it."""
        user = signed_in(request, AUDITORS)  # the audit log is the auditors' and admins', as in the API
        at = state.reads.as_of()
        rows = state.lists.log(after=position - 1, limit=1, upto=min(position, at.position)) if position > 0 else []
        if not rows:
            raise NotFound(f"Không có sự kiện ở vị trí {position} trong nhật ký.")
        row = rows[0]
        payload = _payloads(state, [position]).get(position)
        return page(request, "event.html", user, e=row, kind_label=object_label(row["aggregate_type"]),
                    name=_names(state, rows).get(row["aggregate_id"]),
                    payload=None if payload is None else json.dumps(payload, ensure_ascii=False, indent=2),
                    digest=_digest(state, position), previous_digest=_digest(state, position - 1),
                    has_next=position < at.position, auditor=user.role in AUDITORS)


class VerifyPages(WebPages):
    path = "/xac-minh"

    @get("/", sync_to_thread=True)
    def verify(self, request: Request[Any, Any, Any], state: State,
               chay: Annotated[str | None, QueryParameter(name="chay")] = None) -> Template:
        """The verify button (a GET: verification changes nothing) and its result; the export link."""
        user = signed_in(request, AUDITORS)
        result, took = None, None
        if chay:
            tracker = state.tracker
            started = clock.perf_counter()
            try:
                tracker.projector.catch_up()  # seal what is logged but not sealed yet, as the API does
            except Exception:  # noqa: BLE001 - whatever the read models' state, verify what was sealed
                logging.getLogger("tracker.api").exception("read models did not catch up before verification")
            result = tracker.verify()
            took = _seconds(clock.perf_counter() - started)
        return page(request, "verify.html", user, result=result, took=took)

    @get("/xuat", sync_to_thread=True)
    def export(self, request: Request[Any, Any, Any], state: State) -> Stream:
        """The same NDJSON as GET /api/v1/audit/export, as a download for the signed-in auditor."""
        signed_in(request, AUDITORS)
        tracker = state.tracker
        header = export_header(tracker)
        filename = f"so-trach-nhiem-{header.position}.ndjson"
        return Stream(export_pages(tracker, header), media_type=EXPORT_MEDIA_TYPE,
                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})
