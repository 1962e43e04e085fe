"""An official's page: who they are, where they work, their retirement, the initiatives recognised for
them (a condition of Chiến sĩ thi đua cơ sở) and their discipline cases; Sở Nội vụ records an
initiative and a retirement here (an administrator may record a retirement too, as in the API)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from api.web.common import ALL, HOME_AFFAIRS, Form, WebPages, done, page, signed_in, write
from api.web.discipline import clocks
from api.web.inspections import explained
from projections.queries import lookup

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

RETIREMENT_ROLES = ("home_affairs", "admin")
SHORT, LONG = 200, 4000  # the API's limits for short fields (numbers) and texts
INITIATIVE_FIELDS = ["title", "decisionNo", "recognisedOn"]
RETIREMENT_FIELDS = ["retiredOn", "note"]


def _limited(form: Form, name: str, missing: str | None, limit: int) -> str:
    value = form.text(name, required=missing)
    if len(value) > limit:
        form.error(name, f"Tối đa {limit} ký tự (đang có {len(value)}).")
    return value


class OfficialPages(WebPages):
    path = "/can-bo"

    @get("/{official_id:uuid}", sync_to_thread=True)
    def official(self, request: Request[Any, Any, Any], state: State, official_id: UUID) -> Template:
        """The official, their initiatives and cases, and the forms of Sở Nội vụ."""
        user = signed_in(request, ALL)
        return self._render(request, state, user, official_id, {})

    @post("/{official_id:uuid}/sang-kien", sync_to_thread=True, status_code=200)
    def initiative(self, request: Request[Any, Any, Any], state: State, official_id: UUID,
                   data: FormBody) -> Response[Any]:
        """Record an initiative recognised for the official (title, decision number and date)."""
        user = signed_in(request, HOME_AFFAIRS)
        form = Form(data, prefix="sang-kien-")
        version = form.integer("version")
        title = _limited(form, "title", "Nhập tên sáng kiến.", LONG)
        number = _limited(form, "decisionNo", "Nhập số quyết định công nhận.", SHORT)
        recognised_on = form.date("recognisedOn")

        service = state.tracker.services.organisation
        command = explained(lambda: service.recognise_initiative(
            user.actor, official_id, title=title, decision_no=number, recognised_on=recognised_on,
            expected_version=version))
        if write(request, user, form, command) is None:
            return self._render(request, state, user, official_id, {"sang-kien": form}, status=form.status)
        return done(f"/can-bo/{official_id}#sang-kien", f"Đã ghi nhận sáng kiến theo quyết định số {number}.")

    @post("/{official_id:uuid}/nghi-huu", sync_to_thread=True, status_code=200)
    def retire(self, request: Request[Any, Any, Any], state: State, official_id: UUID,
               data: FormBody) -> Response[Any]:
        """Record that the official retired or left (date and note)."""
        user = signed_in(request, RETIREMENT_ROLES)
        form = Form(data, prefix="nghi-huu-")
        version = form.integer("version")
        retired_on = form.date("retiredOn")
        note = _limited(form, "note", None, LONG)

        service = state.tracker.services.organisation
        command = explained(lambda: service.retire_official(
            user.actor, official_id, on=retired_on, note=note, expected_version=version))
        if write(request, user, form, command) is None:
            return self._render(request, state, user, official_id, {"nghi-huu": form}, status=form.status)
        return done(f"/can-bo/{official_id}", "Đã ghi nhận cán bộ nghỉ hưu, nghỉ việc.")

    def _render(self, request: Request[Any, Any, Any], state: State, user: Any, official_id: UUID,
                forms: dict[str, Form], *, status: int = 200) -> Template:
        lists, db = state.lists, state.tracker.db
        at = state.reads.as_of()
        official = lists.official(str(official_id), at)
        unit = lookup(db, "units", [official["unit_id"]], at).get(official["unit_id"], {})
        initiatives = lists.initiatives(str(official_id), at)
        cases = lists.cases(at, unit_id=None, official_id=str(official_id), state=None, clock=None, limit=500,
                            offset=0).items
        history = lists.log(after=0, limit=1000, upto=at.position, aggregate_id=str(official_id))
        # the aggregate's version from its events: the read model's row does not move with every event
        # (a discipline decision noted on the official's record leaves rm_officials as it was)
        version = str(max([int(official["version"]), *(int(e["version"]) for e in history)]))
        forms.setdefault("sang-kien", Form({"version": version}, prefix="sang-kien-"))
        forms.setdefault("nghi-huu", Form({"version": version}, prefix="nghi-huu-"))
        return page(request, "official.html", user, status=status, official=official, unit=unit,
                    initiatives=initiatives, cases=[{"case": c, **clocks(c, at.today)} for c in cases],
                    history=history, forms=forms, today=at.today, version=version,
                    can_record_initiative=user.role in HOME_AFFAIRS,
                    can_retire=user.role in RETIREMENT_ROLES and not official["retired_on"],
                    initiative_fields=INITIATIVE_FIELDS, retirement_fields=RETIREMENT_FIELDS)
