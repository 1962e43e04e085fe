"""Discipline cases in the browser: the list with legal clocks, a case page with its history, the
actions of Sở Nội vụ (deferral, extension, decision, exemption…), and the case as of any past moment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from api.web.common import (
    ALL,
    HOME_AFFAIRS,
    VIETNAM,
    Form,
    WebPages,
    done,
    enum_label,
    page,
    parse_vn_date,
    signed_in,
    vietnamese_time,
    write,
)
from domain import legal
from domain.actor import Actor
from domain.enums import CaseState, OfficialCategory, label
from domain.errors import InvalidInput, TrackerError
from projections.queries import AsOf, handling_deadline, lookup, official_on
from services import Written

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
SOON_DAYS = 15


@dataclass(frozen=True)
class Action:
    """One thing Sở Nội vụ records on a case: its form's title, the states it applies in, the command."""

    title: str
    states: tuple[CaseState, ...]
    run: Callable[[Any, Actor, UUID, Form, int | None], Written | None]
    done: str
    offered: Callable[[dict[str, Any], date], bool] = lambda case, today: True  # beyond the state


def _written_request_offered(case: dict[str, Any], today: date) -> bool:
    """The official's written request to be handled exists only where the regime has it (Nghị định
    172/2025), once per case."""
    if case.get("handling_requested_on"):
        return False
    try:
        regime = legal.discipline_regime(OfficialCategory(case["official_category"]), today)
    except TrackerError:
        return False
    if not regime.written_request_grounds:
        return False
    return case["state"] == CaseState.OPEN.value or case.get("deferral_reason") in regime.written_request_grounds


def _defer(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    reason, on, note = f.text("reason", required="Chọn lý do tạm hoãn."), f.date("on"), f.text("note")
    return None if not f.ok else s.defer(actor, case_id, reason=reason, on=on, note=note, expected_version=version)


def _resume(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    on, note = f.date("on"), f.text("note")
    return None if not f.ok else s.resume(actor, case_id, on=on, note=note, expected_version=version)


def _request_handling(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    on, note = f.date("on"), f.text("note")
    return None if not f.ok else s.request_handling(actor, case_id, on=on, note=note, expected_version=version)


def _extend(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    on, reason = f.date("on"), f.text("reason", required="Nêu lý do gia hạn.")
    return None if not f.ok else s.extend(actor, case_id, on=on, reason=reason, expected_version=version)


def _decide(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    form = f.text("form", required="Chọn hình thức kỷ luật.")
    number = f.text("decisionNo", required="Nhập số quyết định.")
    decided_on, override = f.date("decidedOn"), f.text("overrideReason") or None
    return None if not f.ok else s.decide(actor, case_id, form=form, decision_no=number, decided_on=decided_on,
                                          override_reason=override, expected_version=version)


def _exempt(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    ground, basis = f.text("ground", required="Chọn căn cứ miễn."), f.text("basis", required="Nêu căn cứ, tài liệu.")
    decided_on = f.date("decidedOn")
    return None if not f.ok else s.exempt(actor, case_id, ground=ground, basis=basis, decided_on=decided_on,
                                          expected_version=version)


def _time_bar(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    on = f.date("on")
    return None if not f.ok else s.mark_time_barred(actor, case_id, on=on, expected_version=version)


def _withdraw(s: Any, actor: Actor, case_id: UUID, f: Form, version: int | None) -> Written | None:
    on, reason = f.date("on"), f.text("reason", required="Nêu lý do rút vụ việc.")
    return None if not f.ok else s.withdraw(actor, case_id, on=on, reason=reason, expected_version=version)


OPEN = (CaseState.OPEN,)
ACTIONS: dict[str, Action] = {
    "quyet-dinh": Action("Quyết định kỷ luật", OPEN, _decide, "Đã ghi nhận quyết định kỷ luật."),
    "tam-hoan": Action("Tạm hoãn xử lý", OPEN, _defer, "Đã tạm hoãn; thời gian tạm hoãn không tính vào thời hạn."),
    "tiep-tuc": Action("Tiếp tục xử lý", (CaseState.DEFERRED,), _resume, "Đã tiếp tục xử lý vụ việc."),
    "de-nghi-xu-ly": Action("Cán bộ có văn bản đề nghị xem xét xử lý kỷ luật", (CaseState.OPEN, CaseState.DEFERRED),
                            _request_handling, "Đã ghi nhận văn bản đề nghị xem xét xử lý kỷ luật; thời hạn "
                            "xử lý tiếp tục được tính.", _written_request_offered),
    "gia-han": Action("Gia hạn thời hạn xử lý", OPEN, _extend, "Đã gia hạn thời hạn xử lý lên 150 ngày."),
    "mien": Action("Miễn kỷ luật", OPEN, _exempt, "Đã ghi nhận miễn kỷ luật."),
    "het-thoi-hieu": Action("Kết thúc do hết thời hiệu", (CaseState.OPEN, CaseState.DEFERRED), _time_bar,
                            "Đã kết thúc vụ việc do hết thời hiệu."),
    "rut": Action("Rút vụ việc", (CaseState.OPEN, CaseState.DEFERRED), _withdraw, "Đã rút vụ việc."),
}

# What a case page shows, in order: (column, Vietnamese label, enum kind for labels or None)
CASE_FACTS = (
    ("state", "Trạng thái", "state"), ("category", "Hành vi", "category"), ("severity", "Mức độ", "severity"),
    ("nature", "Tính chất", "nature"), ("occurred_on", "Ngày vi phạm", "date"),
    ("detected_on", "Ngày phát hiện", "date"), ("handling_deadline", "Hạn xử lý", "date"),
    ("extended_on", "Gia hạn ngày", "date"), ("deferred_since", "Tạm hoãn từ", "date"),
    ("deferred_days", "Số ngày tạm hoãn", None), ("limitation_deadline", "Hết thời hiệu", "limitation"),
    ("handling_requested_on", "Ngày cán bộ có văn bản đề nghị xử lý", "date"),
    ("proposed_form", "Hình thức đề xuất", "form"), ("form", "Hình thức kỷ luật", "form"),
    ("decision_no", "Số quyết định", None), ("decided_on", "Ngày quyết định", "date"),
    ("regime", "Văn bản áp dụng", "regime"), ("exemption_ground", "Căn cứ miễn", "ground"),
    ("closed_on", "Ngày kết thúc", "date"), ("reason", "Lý do", None),
)


def clock(days_left: int | None) -> str:
    """CSS class of a legal clock: overdue, soon (≤ 15 days) or fine."""
    if days_left is None:
        return ""
    return "overdue" if days_left < 0 else "soon" if days_left <= SOON_DAYS else "fine"


def no_limitation_text(case: dict[str, Any]) -> str:
    """What the page says in place of a limitation date when none applies."""
    ground = case.get("no_limitation_ground")
    return "Không áp dụng thời hiệu" + (f" ({enum_label(ground, 'no_limitation_ground')})" if ground else "")


def clocks(case: dict[str, Any], today: date) -> dict[str, Any]:
    """The two legal clocks of a case as days left (None once the case is closed, or for the limitation
    when no limitation period applies to the violation)."""
    deadline = handling_deadline(case, today)
    limitation = date.fromisoformat(case["limitation_deadline"]) if case.get("limitation_deadline") else None
    open_case = case["state"] in (CaseState.OPEN.value, CaseState.DEFERRED.value)
    handling_left = (deadline - today).days if open_case else None
    limitation_left = (limitation - today).days if open_case and limitation is not None else None
    lefts = [d for d in (handling_left, limitation_left) if d is not None]
    return {"deadline": deadline, "limitation": limitation, "handling_left": handling_left,
            "limitation_left": limitation_left, "days_left": min(lefts) if lefts else None,
            "no_limitation": None if limitation is not None else no_limitation_text(case)}


def shown(case: dict[str, Any], column: str, kind: str | None, today: date) -> str:
    value = handling_deadline(case, today).isoformat() if column == "handling_deadline" else case.get(column)
    if kind == "limitation" and not value:
        return no_limitation_text(case)
    if value is None or value == "":
        return "—"
    if kind in ("date", "limitation"):
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    if kind == "regime":  # people read the decree's name, never its code
        return legal.REGIME_TITLES.get(str(value), str(value))
    return enum_label(str(value), kind) if kind else str(value)


def allowed(db: Any, case: dict[str, Any], on: date, at: AsOf) -> tuple[list[tuple[str, str]], str]:
    """The discipline forms legal for this case's official on `on`, and the rule that says so. An
    official who has retired or left by then is judged by the post held at the violation
    (`legal.judged_post`), with the forms open to retired officials."""
    current = lookup(db, "officials", [case["official_id"]], at).get(case["official_id"], {})
    retired_on = date.fromisoformat(current["retired_on"][:10]) if current.get("retired_on") else None
    retired, post_on = legal.judged_post(retired_on, date.fromisoformat(case["occurred_on"][:10]), on)
    category = OfficialCategory(official_on(db, case["official_id"], on, at)["category"])
    leader = bool(official_on(db, case["official_id"], post_on, at)["is_leader"])
    try:
        regime = legal.discipline_regime(category, on)
        forms = legal.allowed_forms(category, leader, on, retired=retired)
    except TrackerError as e:
        return [], e.message
    if retired:
        who = (f"{label(category)} đã nghỉ hưu, nghỉ việc từ {legal.fmt_date(retired_on)}"  # type: ignore[arg-type]
               + (" (giữ chức vụ lãnh đạo, quản lý khi vi phạm)" if leader else
                  " (không giữ chức vụ lãnh đạo, quản lý khi vi phạm)"))
    else:
        who = label(category) + (" giữ chức vụ lãnh đạo, quản lý" if leader else "")
    rule = (f"{who} — ngày {legal.fmt_date(on)} áp dụng "
            f"{legal.forms_article(regime, category, retired)}.")
    return [(f.value, label(f)) for f in forms], rule


def grounds(case: dict[str, Any], on: date) -> tuple[list[tuple[str, str]], str]:
    """The deferral grounds of the regime in force for the case's official on `on`, and its article."""
    category = OfficialCategory(case["official_category"])
    try:
        regime = legal.discipline_regime(category, on)
        found = legal.deferral_grounds(category, on)
    except TrackerError as e:
        return [], e.message
    return ([(g.value, label(g)) for g in found],
            f"{label(category)} — ngày {legal.fmt_date(on)}: các trường hợp chưa xem xét xử lý kỷ luật theo "
            f"{regime.deferral_article}.")


def form_date(form: Form, name: str, today: date) -> date:
    """The date typed in a form's field, or today when it is empty or malformed."""
    text = form.raw.get(name)
    if not isinstance(text, str) or not text.strip():
        return today
    try:
        return parse_vn_date(text)
    except ValueError:
        return today


class CasePages(WebPages):
    path = "/vu-viec"

    @get("/", sync_to_thread=True)
    def cases(self, request: Request[Any, Any, Any], state: State,
              trang_thai: Annotated[str | None, QueryParameter(name="trang-thai")] = None,
              han: Annotated[str | None, QueryParameter(name="han")] = None) -> Template:
        """Discipline cases with their legal clocks as days left, colour-coded."""
        user = signed_in(request, ALL)
        at = state.reads.as_of()
        errors: dict[str, str] = {}
        try:
            page_rows = state.lists.cases(at, unit_id=None, official_id=None, state=trang_thai or None,
                                          clock=han or None, limit=500, offset=0).items
        except InvalidInput as e:
            page_rows = []
            errors["han" if e.field == "clock" else "trang-thai"] = e.message
        officials = lookup(state.tracker.db, "officials", (c["official_id"] for c in page_rows), at)
        units = lookup(state.tracker.db, "units", (c["unit_id"] for c in page_rows), at)
        rows = [{"case": c, "official": officials.get(c["official_id"], {}), "unit": units.get(c["unit_id"], {}),
                 **clocks(c, at.today)} for c in page_rows]
        return page(request, "cases.html", user, rows=rows, today=at.today, state_filter=trang_thai or "",
                    clock_filter=han or "", errors=errors, clock=clock,
                    states=[(s.value, label(s)) for s in CaseState],
                    clocks=[("overdue", "Quá hạn"), ("due_soon", f"Còn ≤ {SOON_DAYS} ngày"), ("on_time", "Còn hạn")])

    @get("/{case_id:uuid}", sync_to_thread=True)
    def case(self, request: Request[Any, Any, Any], state: State, case_id: UUID,
             phien_ban: Annotated[int | None, QueryParameter(name="phien-ban")] = None,
             ngay: Annotated[str | None, QueryParameter(name="ngay")] = None) -> Template:
        """A case: its clocks, history, the actions its state allows, and how it stood at a past moment."""
        user = signed_in(request, ALL)
        return self._render(request, state, user, case_id, {}, phien_ban=phien_ban, ngay=ngay)

    @get("/{case_id:uuid}/hinh-thuc", sync_to_thread=True)
    def forms_on(self, request: Request[Any, Any, Any], state: State, case_id: UUID,
                 ngay: Annotated[str, QueryParameter(name="ngay")] = "") -> Response[dict[str, Any]]:
        """The forms legal on a date (the decision form asks again when its date changes)."""
        signed_in(request, ALL)
        at = state.reads.as_of()
        try:
            on = parse_vn_date(ngay)
        except ValueError:
            return Response({"forms": [], "rule": "Nhập ngày quyết định theo dạng dd/mm/yyyy."}, status_code=400)
        forms, rule = allowed(state.tracker.db, state.reads.case(str(case_id), at), on, at)
        return Response({"forms": [{"value": v, "label": t} for v, t in forms], "rule": rule})

    @get("/{case_id:uuid}/ly-do-tam-hoan", sync_to_thread=True)
    def grounds_on(self, request: Request[Any, Any, Any], state: State, case_id: UUID,
                   ngay: Annotated[str, QueryParameter(name="ngay")] = "") -> Response[dict[str, Any]]:
        """The deferral grounds of the regime in force on a date (the deferral form asks again when its
        date changes); same shape as the forms' answer."""
        signed_in(request, ALL)
        at = state.reads.as_of()
        try:
            on = parse_vn_date(ngay)
        except ValueError:
            return Response({"forms": [], "rule": "Nhập ngày tạm hoãn theo dạng dd/mm/yyyy."}, status_code=400)
        found, rule = grounds(state.reads.case(str(case_id), at), on)
        return Response({"forms": [{"value": v, "label": t} for v, t in found], "rule": rule})

    @get("/{case_id:uuid}/quyet-dinh-chung", sync_to_thread=True)
    def joint_form(self, request: Request[Any, Any, Any], state: State, case_id: UUID) -> Template:
        """One decision for several violations of the same official considered at one time."""
        user = signed_in(request, HOME_AFFAIRS)
        return self._joint_page(request, state, user, case_id, Form({"caseIds": [str(case_id)]}, prefix="chung-"))

    @post("/{case_id:uuid}/quyet-dinh-chung", sync_to_thread=True, status_code=200)
    def joint_decide(self, request: Request[Any, Any, Any], state: State, case_id: UUID,
                     data: FormBody) -> Response[Any]:
        """Decide the ticked cases with one decision (service `decide_together`)."""
        user = signed_in(request, HOME_AFFAIRS)
        form = Form(data, prefix="chung-")
        chosen: list[UUID] = []
        for text in form.many("caseIds"):
            try:
                chosen.append(UUID(text))
            except ValueError:
                form.error("caseIds", "Vụ việc được chọn không hợp lệ; hãy chọn lại trong danh sách.")
        if len(set(chosen)) < 2:
            form.error("caseIds", "Chọn ít nhất hai vụ việc của cán bộ để xử lý chung.")
        picked = form.text("form", required="Chọn hình thức kỷ luật.")
        number = form.text("decisionNo", required="Nhập số quyết định.")
        decided_on = form.date("decidedOn")
        override = form.text("overrideReason") or None
        service = state.tracker.services.discipline
        count: list[int] = []

        def command(actor: Actor) -> Written | None:
            decided = service.decide_together(actor, chosen, form=picked, decision_no=number,
                                              decided_on=decided_on, override_reason=override)
            count.append(len(decided))
            return decided[-1]

        if write(request, user, form, command) is None:
            return self._joint_page(request, state, user, case_id, form, status=form.status)
        return done(f"/vu-viec/{case_id}",
                    f"Đã ghi nhận quyết định kỷ luật chung số {number} cho {count[0]} vụ việc.")

    def _joint_page(self, request: Request[Any, Any, Any], state: State, user: Any, case_id: UUID, form: Form, *,
                    status: int = 200) -> Template:
        reads, db = state.reads, state.tracker.db
        at = reads.as_of()
        case = reads.case(str(case_id), at)
        official = lookup(db, "officials", [case["official_id"]], at).get(case["official_id"], {})
        candidates = state.lists.cases(at, unit_id=None, official_id=case["official_id"], state=CaseState.OPEN.value,
                                       clock=None, limit=500, offset=0).items
        if case["state"] == CaseState.OPEN.value and all(c["case_id"] != case["case_id"] for c in candidates):
            candidates.insert(0, case)
        decided_on = form_date(form, "decidedOn", at.today)
        forms, rule = allowed(db, case, decided_on, at)
        try:
            several = legal.several_violations_rule(decided_on)
            several_text = ("Hình thức nặng hơn một mức so với hình thức của vi phạm nặng nhất"
                            if several.one_level_above else "Hình thức nặng nhất trong các vi phạm")
            several_text += f" ({several.article})."
        except TrackerError as e:
            several_text = e.message
        chosen = set(form.many("caseIds"))
        return page(request, "case_joint.html", user, status=status, case=case, official=official,
                    candidates=[{**c, "chosen": c["case_id"] in chosen} for c in candidates], form=form,
                    legal_forms=forms, legal_rule=rule, several_text=several_text, today=at.today,
                    shown_fields=["caseIds", "form", "decisionNo", "decidedOn", "overrideReason"])

    @post("/{case_id:uuid}/{action:str}", sync_to_thread=True, status_code=200)
    def act(self, request: Request[Any, Any, Any], state: State, case_id: UUID, action: str,
            data: FormBody) -> Response[Any]:
        """Record one action on the case; a refusal comes back beside its field with what was typed."""
        user = signed_in(request, HOME_AFFAIRS)
        what = ACTIONS.get(action)
        if what is None:
            return page(request, "error.html", user, status=404, title="Không tìm thấy",
                        message="Không có thao tác này.")
        form = Form(data, prefix=action + "-")
        version = form.integer("version")
        service = state.tracker.services.discipline
        written = write(request, user, form, lambda actor: what.run(service, actor, case_id, form, version))
        if written is None:
            return self._render(request, state, user, case_id, {action: form}, status=form.status)
        return done(f"/vu-viec/{case_id}", what.done)

    def _render(self, request: Request[Any, Any, Any], state: State, user: Any, case_id: UUID,
                forms: dict[str, Form], *, status: int = 200, phien_ban: int | None = None,
                ngay: str | None = None) -> Template:
        reads, db = state.reads, state.tracker.db
        at = reads.as_of()
        case = reads.case(str(case_id), at)
        official = lookup(db, "officials", [case["official_id"]], at).get(case["official_id"], {})
        unit = lookup(db, "units", [case["unit_id"]], at).get(case["unit_id"], {})
        history = state.lists.log(after=0, limit=1000, upto=at.position, aggregate_id=str(case_id))
        today = at.today
        for name, action in ACTIONS.items():
            forms.setdefault(name, Form({"version": str(case["version"])}, prefix=name + "-"))
        legal_forms, legal_rule = allowed(db, case, form_date(forms["quyet-dinh"], "decidedOn", today), at)
        deferral_grounds, deferral_rule = grounds(case, form_date(forms["tam-hoan"], "on", today))
        available = [(name, a) for name, a in ACTIONS.items() if case["state"] in a.states and a.offered(case, today)]
        offered = {name for name, _ in available} if user.role in HOME_AFFAIRS else set()
        # a refused form the page does not show (not offered in this state or regime): its messages on top
        unshown = [f for name, f in forms.items() if name not in offered and (f.errors or f.conflict)]
        past = self._past(state, case, history, phien_ban, ngay)
        facts = [(label_, shown(case, column, kind, today)) for column, label_, kind in CASE_FACTS]
        others = 0
        if case["state"] == CaseState.OPEN.value:
            others = sum(1 for c in state.lists.cases(at, unit_id=None, official_id=case["official_id"],
                                                       state=CaseState.OPEN.value, clock=None, limit=500,
                                                       offset=0).items if c["case_id"] != case["case_id"])
        return page(request, "case.html", user, status=status, case=case, official=official, unit=unit,
                    history=history, today=today, facts=facts, forms=forms, actions=available,
                    can_act=user.role in HOME_AFFAIRS, legal_forms=legal_forms, legal_rule=legal_rule,
                    deferral_grounds=deferral_grounds, deferral_rule=deferral_rule, other_open_cases=others,
                    unshown=unshown,
                    past=past, clock=clock, **clocks(case, today))

    def _past(self, state: State, case: dict[str, Any], history: list[dict[str, Any]], version: int | None,
              day: str | None) -> dict[str, Any]:
        """The case as of a version picked on the slider or a date picked on the calendar, field by field
        beside today's values, with what changed since marked."""
        reads = state.reads
        out: dict[str, Any] = {"versions": len(history), "version": None, "date": day or "", "error": None,
                               "rows": [], "labels": [f"Phiên bản {r['version']} · {vietnamese_time(r['recorded_at'])}"
                                                      for r in history]}
        if version is None and not day:
            return out
        try:
            if day:
                when = datetime.combine(parse_vn_date(day), time.max, VIETNAM)
                at = reads.as_of(moment=when)
                at = AsOf(at.position, parse_vn_date(day))
            else:
                if version is None or not 1 <= version <= len(history):
                    raise InvalidInput(f"Phiên bản phải từ 1 đến {len(history)}.", field="phien-ban")
                at = reads.as_of(position=int(history[version - 1]["position"]))
            then = reads.case(case["case_id"], at)
        except ValueError:
            out["error"] = f"Ngày “{day}” không hợp lệ; nhập theo dạng dd/mm/yyyy."
            return out
        except TrackerError as e:
            out["error"] = ("Vào thời điểm đó vụ việc chưa được ghi nhận." if e.rule == "not_found" else e.message)
            return out
        out["version"] = int(then["version"])
        out["position"] = at.position
        out["today"] = at.today
        today = reads.as_of().today
        out["rows"] = [{"label": label_, "then": shown(then, column, kind, at.today),
                        "now": shown(case, column, kind, today)} for column, label_, kind in CASE_FACTS]
        return out
