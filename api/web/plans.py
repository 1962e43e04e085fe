"""Kế hoạch 83/KH-UBND in the browser for Sở Nội vụ: the assigned tasks with their "6 rõ", progress,
completion and reassignment; the units' Conclusion 226 KPI reports, entered, corrected and checked
against the targets."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from api.problems import _camel
from api.web.common import ANALYSTS, HOME_AFFAIRS, Form, WebPages, done, page, signed_in, write
from domain.errors import InvalidInput, NotFound
from domain.kpi import KpiFigures, evaluate_targets, figures_of_row
from domain.periods import Period
from domain.reporting import not_due_reason
from projections.queries import lookup

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

# The figures of a KPI report as the form asks for them: (field as the API names it, label, unit hint)
KPI_FIELDS = (
    ("conferencesTotal", "Tổng số hội nghị, cuộc họp", "số cuộc"),
    ("conferencesOnline", "Trong đó: trực tuyến", "số cuộc"),
    ("longestIndoctrinationDays", "Hội nghị quán triệt dài nhất", "ngày (tối đa 0,5)"),
    ("longestProfessionalDays", "Hội nghị chuyên môn dài nhất", "ngày (tối đa 1)"),
    ("longestImportantDays", "Hội nghị quan trọng dài nhất", "ngày (tối đa 1,5)"),
    ("documentsIssued", "Văn bản hành chính đã ban hành", "số văn bản"),
    ("proceduresOnlinePct", "Hồ sơ TTHC xử lý trực tuyến", "% (chỉ tiêu ≥ 95)"),
    ("documentsDigitisedPct", "Văn bản được số hóa", "% (chỉ tiêu ≥ 95)"),
    ("electronicSendingPct", "Văn bản không mật gửi điện tử", "% (chỉ tiêu 100)"),
    ("staffTrainedPct", "Cán bộ được đào tạo kỹ năng số", "% (chỉ tiêu 100)"),
)


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def number(form: Form, name: str) -> float | None:
    """A figure as typed, with a decimal comma or point; the field's error otherwise."""
    text = form.text(name).replace(",", ".")
    if not text:
        form.error(name, "Nhập số liệu.")
        return None
    try:
        return float(text)
    except ValueError:
        form.error(name, f"“{form.text(name)}” không phải là số.")
        return None


class TaskPages(WebPages):
    path = "/nhiem-vu"

    @get("/", sync_to_thread=True)
    def tasks(self, request: Request[Any, Any, Any], state: State,
              qua_han: Annotated[str | None, QueryParameter(name="qua-han")] = None) -> Template:
        """The plan's tasks: who, what, deadline, progress; overdue ones colour-coded."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        rows = state.lists.tasks(at, unit_id=None, plan_ref=None, limit=500, offset=0).items
        units = lookup(state.tracker.db, "units", [u for t in rows for u in _units_of(t)], at)
        people = lookup(state.tracker.db, "officials", (t["responsible_official_id"] for t in rows), at)
        shown = []
        for t in rows:
            left = (date.fromisoformat(t["due_on"]) - at.today).days
            overdue = t["completed_on"] is None and left < 0
            if qua_han and not overdue:
                continue
            shown.append({"task": t, "lead": units.get(t["lead_unit_id"], {}).get("name", ""),
                          "coordinating": ", ".join(units.get(u, {}).get("name", "") for u in _coordinating(t)),
                          "responsible": people.get(t["responsible_official_id"] or "", {}).get("full_name", ""),
                          "left": left, "overdue": overdue})
        shown.sort(key=lambda r: (int(r["task"]["row_no"]) if r["task"]["row_no"].isdigit() else 99, r["lead"]))
        return page(request, "tasks.html", user, rows=shown, today=at.today, overdue_only=bool(qua_han))

    @get("/{task_id:uuid}", sync_to_thread=True)
    def task(self, request: Request[Any, Any, Any], state: State, task_id: UUID) -> Template:
        user = signed_in(request, ANALYSTS)
        return self._render(request, state, user, task_id, {})

    @post("/{task_id:uuid}/{action:str}", sync_to_thread=True, status_code=200)
    def act(self, request: Request[Any, Any, Any], state: State, task_id: UUID, action: str,
            data: FormBody) -> Response[Any]:
        """Progress, completion or reassignment; a refusal comes back beside its field."""
        user = signed_in(request, HOME_AFFAIRS)
        if action not in ("tien-do", "hoan-thanh", "giao-lai"):
            raise NotFound("Không có thao tác này.")
        form = Form(data, prefix=action + "-")
        tasks = state.tracker.services.tasks

        def command(actor: Any) -> Any:
            version, on = form.integer("version"), form.date("on")
            if action == "tien-do":
                percent, note = form.integer("percent"), form.text("note")
                if percent is None and "percent" not in form.errors:
                    form.error("percent", "Nhập tiến độ (0–99%).")
                return None if not form.ok else tasks.report_progress(actor, task_id, on=on, percent=percent,
                                                                      note=note, expected_version=version)
            if action == "hoan-thanh":
                result = form.text("result", required="Nêu kết quả, sản phẩm.")
                return None if not form.ok else tasks.complete(actor, task_id, on=on, result=result,
                                                               expected_version=version)
            lead = form.text("leadUnitId", required="Chọn đơn vị chủ trì.")
            responsible = form.text("responsibleOfficialId") or None
            due_on, reason = form.date("dueOn"), form.text("reason", required="Nêu lý do giao lại.")
            return None if not form.ok else tasks.reassign(
                actor, task_id, lead_unit_id=UUID(lead), responsible_official_id=UUID(responsible) if responsible
                else None, due_on=due_on, on=on, reason=reason, expected_version=version)

        if write(request, user, form, command) is None:
            return self._render(request, state, user, task_id, {action: form}, status=form.status)
        return done(f"/nhiem-vu/{task_id}", {"tien-do": "Đã ghi nhận tiến độ.", "hoan-thanh": "Đã ghi nhận hoàn thành.",
                                            "giao-lai": "Đã giao lại nhiệm vụ."}[action])

    def _render(self, request: Request[Any, Any, Any], state: State, user: Any, task_id: UUID,
                forms: dict[str, Form], *, status: int = 200) -> Template:
        at = state.reads.as_of()
        t = state.lists.task(str(task_id), at)
        db = state.tracker.db
        units = lookup(db, "units", _units_of(t), at)
        people = lookup(db, "officials", [t["responsible_official_id"]], at)
        for name in ("tien-do", "hoan-thanh", "giao-lai"):
            forms.setdefault(name, Form({"version": str(t["version"])}, prefix=name + "-"))
        all_units = sorted(((u["unit_id"], u["name"]) for u in state.lists.units(at, kind=None, limit=500,
                                                                                   offset=0).items),
                           key=lambda u: u[1])
        officials = state.lists.officials(at, unit_id=t["lead_unit_id"], category=None, q=None, limit=500,
                                          offset=0).items
        return page(request, "task.html", user, status=status, t=t, forms=forms, today=at.today,
                    lead=units.get(t["lead_unit_id"], {}).get("name", ""),
                    coordinating=[units.get(u, {}).get("name", "") for u in _coordinating(t)],
                    responsible=people.get(t["responsible_official_id"] or "", {}).get("full_name", ""),
                    left=(date.fromisoformat(t["due_on"]) - at.today).days, units=all_units,
                    officials=[(o["official_id"], o["full_name"]) for o in officials],
                    history=state.lists.log(after=0, limit=1000, upto=at.position, aggregate_id=str(task_id)),
                    can_act=user.role in HOME_AFFAIRS and t["completed_on"] is None)


def _coordinating(task: dict[str, Any]) -> list[str]:
    return list(json.loads(task["coordinating_unit_ids"] or "[]"))


def _units_of(task: dict[str, Any]) -> list[str]:
    return [task["lead_unit_id"], *_coordinating(task)]


class KpiPages(WebPages):
    path = "/chi-tieu"

    @get("/", sync_to_thread=True)
    def reports(self, request: Request[Any, Any, Any], state: State,
                ky: Annotated[str | None, QueryParameter(name="ky")] = None) -> Template:
        """Every unit's KPI report for a period: sent or not, and the targets met or missed."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        ky = ky or f"{at.today.year}-H1"
        try:
            report = state.reads.city_report(Period.parse(ky, field="ky").code, at)
        except InvalidInput as e:
            return page(request, "kpi_list.html", user, status=400, period=ky, section=None, error=e.message)
        units = {u["name"]: u["unit_id"] for u in state.lists.units(at, kind=None, limit=500, offset=0).items}
        return page(request, "kpi_list.html", user, period=report.period.code, section=report.section("kpi"),
                    units=units, error=None, can_act=user.role in HOME_AFFAIRS)

    @get("/{unit_id:uuid}/{period:str}", sync_to_thread=True)
    def report(self, request: Request[Any, Any, Any], state: State, unit_id: UUID, period: str) -> Template:
        user = signed_in(request, ANALYSTS)
        return self._render(request, state, user, unit_id, Period.parse(period, field="ky").code, None)

    @post("/{unit_id:uuid}/{period:str}", sync_to_thread=True, status_code=200)
    def put(self, request: Request[Any, Any, Any], state: State, unit_id: UUID, period: str,
            data: FormBody) -> Response[Any]:
        """Submit the period's report, or correct it with a reason (a new event; the first stays)."""
        user = signed_in(request, HOME_AFFAIRS)
        code = Period.parse(period, field="ky").code
        form = Form(data)

        def command(actor: Any) -> Any:
            values = {_snake(name): number(form, name) for name, _, _ in KPI_FIELDS}
            reported_on, version = form.date("reportedOn"), form.integer("version")
            reason = form.text("reason") or None
            if not form.ok:
                return None
            counts = {f.name for f in fields(KpiFigures) if f.type in ("int", int)}
            for name in counts:
                if values[name] is not None and not float(values[name]).is_integer():
                    form.error(_camel(name), "Số lượng phải là số nguyên.")
            if not form.ok:
                return None
            figures = KpiFigures(**{k: int(v) if k in counts else v for k, v in values.items()})  # type: ignore[arg-type]
            return state.tracker.services.kpi.put_report(actor, unit_id, code, reported_on=reported_on,
                                                         figures=figures, reason=reason, expected_version=version)

        if write(request, user, form, command) is None:
            return self._render(request, state, user, unit_id, code, form, status=form.status)
        return done(f"/chi-tieu/{unit_id}/{code}", "Đã ghi nhận báo cáo chỉ tiêu.")

    def _render(self, request: Request[Any, Any, Any], state: State, user: Any, unit_id: UUID, code: str,
                form: Form | None, *, status: int = 200) -> Template:
        at = state.reads.as_of()
        unit = state.lists.unit(str(unit_id), at)
        period = Period.parse(code)
        try:
            row: dict[str, Any] | None = state.lists.kpi_report(str(unit_id), code, at)
        except NotFound:
            row = None
        try:
            previous = state.lists.kpi_report(str(unit_id), period.previous_year().code, at)
        except NotFound:
            previous = None
        checks = evaluate_targets(figures_of_row(row), figures_of_row(previous) if previous else None,
                                  period=period) if row else []
        if form is None:
            values = {name: f"{row[_snake(name)]:g}".replace(".", ",") for name, _, _ in KPI_FIELDS} if row else {}
            form = Form({**values, "version": str(row["version"]) if row else ""})
        return page(request, "kpi_report.html", user, status=status, unit=unit, period=code, row=row,
                    previous=previous, checks=checks, form=form, kpi_fields=KPI_FIELDS, today=at.today,
                    not_due=not_due_reason(period),
                    can_act=user.role in HOME_AFFAIRS)
