"""Heads of units for Sở Nội vụ: the ranking for a period, scorecards whose lines lead to their events,
accountability decisions, and the charts."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from api.web.charts import score_line, sparkline, stacked_bars
from api.web.common import ANALYSTS, HOME_AFFAIRS, Form, WebPages, done, page, signed_in, write
from domain.accountability import Ref
from domain.legal import APPRAISAL_TITLES
from domain.enums import RATING_ABBREVIATIONS, FindingCategory, Rating, UnitKind, label, parse_enum
from domain.errors import InvalidInput, NotFound
from domain.periods import Period
from projections.queries import AsOf, findings_by_unit, head_terms, lookup
from projections.scorecards import Scorecard

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DECISION_FIELDS = ["unitId", "headOfficialId", "responsibility", "outcome", "decidedOn", "reason", "refs"]


def current_period(today: date) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def recent_halves(today: date, count: int = 4) -> list[str]:
    """The last `count` half-years up to the one containing `today`, oldest first."""
    year, half = today.year, 1 if today.month <= 6 else 2
    out = []
    for _ in range(count):
        out.append(f"{year}-H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out[::-1]


def scores_over(reads: Any, periods: list[str], at: AsOf) -> dict[tuple[str, str], list[float | None]]:
    """Each (head, unit)'s score in each period (None where they did not head the unit then)."""
    out: dict[tuple[str, str], list[float | None]] = {}
    for i, period in enumerate(periods):
        for card in reads.scorecards(period, at):
            out.setdefault((card.official_id, card.unit_id), [None] * len(periods))[i] = card.score
    return out


class RankingPages(WebPages):
    path = "/xep-hang"

    @get("/", sync_to_thread=True)
    def ranking(self, request: Request[Any, Any, Any], state: State,
                ky: Annotated[str | None, QueryParameter(name="ky")] = None,
                band: Annotated[str | None, QueryParameter(name="xep-loai")] = None,
                ceiling: Annotated[str | None, QueryParameter(name="muc-tran")] = None,
                unit_kind: Annotated[str | None, QueryParameter(name="loai-don-vi")] = None,
                q: Annotated[str | None, QueryParameter(name="q")] = None) -> Template:
        """The ranking of heads for a period, with band and ceiling, filtered."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        ky = ky or current_period(at.today)
        errors: dict[str, str] = {}
        cards: list[Scorecard] = []
        quota = None
        try:
            period = Period.parse(ky, field="ky")
            cards, quota = state.reads.ranking(period.code, at)
        except InvalidInput as e:
            errors["ky"] = e.message
        for name, value, enum in (("xep-loai", band, Rating), ("muc-tran", ceiling, Rating),
                                  ("loai-don-vi", unit_kind, UnitKind)):
            if value:
                try:
                    parse_enum(enum, value, name)
                except InvalidInput as e:
                    errors[name] = e.message
        shown = [c for c in cards if (not band or c.band == band) and (not ceiling or c.rating_ceiling == ceiling)
                 and (not unit_kind or c.unit_kind == unit_kind)
                 and (not q or q.lower() in (c.official_name + " " + c.unit_name).lower())]
        return page(request, "ranking.html", user, period=ky, cards=shown, total=len(cards), quota=quota,
                    errors=errors, filters={"xep-loai": band or "", "muc-tran": ceiling or "",
                                            "loai-don-vi": unit_kind or "", "q": q or ""},
                    abbreviations=RATING_ABBREVIATIONS, position=at.position, today=at.today,
                    head=state.reads.chain_head(at.position))

    @get("/{official_id:uuid}", sync_to_thread=True)
    def scorecard(self, request: Request[Any, Any, Any], state: State, official_id: UUID,
                  ky: Annotated[str | None, QueryParameter(name="ky")] = None,
                  don_vi: Annotated[UUID | None, QueryParameter(name="don-vi")] = None) -> Template:
        """One head's scorecard: every line with the events behind it, and the score over periods."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        ky = ky or current_period(at.today)
        Period.parse(ky, field="ky")
        cards = state.reads.scorecard(str(official_id), ky, at)
        card = next((c for c in cards if don_vi is None or c.unit_id == str(don_vi)), None)
        if card is None:
            raise NotFound("Người này không đứng đầu đơn vị đó trong kỳ.", field="don-vi")
        periods = recent_halves(at.today)
        if ky not in periods and len(ky) == 7:
            periods = sorted({*periods, ky})
        history = []
        for p in periods:
            try:
                found = [c for c in state.reads.scorecard(str(official_id), p, at) if c.unit_id == card.unit_id]
            except NotFound:
                found = []
            history.append((p, found[0].score if found else None))
        chart = score_line(f"Điểm của {card.official_name} ({card.unit_name}) qua các kỳ", history)
        return page(request, "scorecard.html", user, card=card, others=[c for c in cards if c is not card],
                    appraisal_title=APPRAISAL_TITLES.get(card.appraisal_regime, card.appraisal_regime),
                    period=ky, history=history, chart=chart, head=state.reads.chain_head(at.position),
                    abbreviations=RATING_ABBREVIATIONS)


class ChartPages(WebPages):
    path = "/bieu-do"

    @get("/", sync_to_thread=True)
    def charts(self, request: Request[Any, Any, Any], state: State,
               nam: Annotated[str | None, QueryParameter(name="nam")] = None) -> Template:
        """Findings by category per unit for a year, and every head's score over the recent periods."""
        user = signed_in(request, ANALYSTS)
        at = state.reads.as_of()
        error = None
        year = at.today.year
        if nam:
            try:
                year = Period.parse(nam, field="nam").year
            except InvalidInput as e:
                error = e.message
        db = state.tracker.db
        counts = findings_by_unit(db, at, date(year, 1, 1), date(year, 12, 31))
        units = lookup(db, "units", (r["unit_id"] for r in counts), at)
        categories = list(FindingCategory)
        table: dict[str, list[int]] = {}
        for r in counts:
            row = table.setdefault(units.get(r["unit_id"], {}).get("name", r["unit_id"]), [0] * len(categories))
            row[categories.index(FindingCategory(r["category"]))] = int(r["n"])
        rows = sorted(table.items(), key=lambda item: (-sum(item[1]), item[0]))
        names = [label(c) for c in categories]
        bars = stacked_bars(f"Phát hiện theo nhóm hành vi và đơn vị, năm {year}", rows, names)
        periods = recent_halves(at.today)
        scores = scores_over(state.reads, periods, at)
        who = {(t["official_id"], t["unit_id"]): t for t in head_terms(db, at)}
        heads = sorted(({"official_id": o, "unit_id": u, "name": who.get((o, u), {}).get("full_name", o),
                         "unit": who.get((o, u), {}).get("unit_name", u), "scores": s, "line": sparkline(s),
                         "last": next(p for p, v in zip(periods[::-1], s[::-1]) if v is not None)}
                        for (o, u), s in scores.items()), key=lambda h: (h["unit"], h["name"]))
        return page(request, "charts.html", user, year=nam or str(year), error=error, bars=bars, rows=rows,
                    categories=names, periods=periods, heads=heads)


class DecisionPages(WebPages):
    path = "/trach-nhiem"

    @get("/", sync_to_thread=True)
    def decisions(self, request: Request[Any, Any, Any], state: State) -> Template:
        """Accountability decisions about heads, and the form to record one."""
        user = signed_in(request, ("home_affairs", "admin"))
        return self._render(request, state, user, Form({"decidedOn": ""}))

    @post("/", sync_to_thread=True, status_code=200)
    def make(self, request: Request[Any, Any, Any], state: State, data: FormBody) -> Response[Any]:
        user = signed_in(request, HOME_AFFAIRS)
        form = Form(data)

        def command(actor: Any) -> Any:
            unit_id = _uuid(form, "unitId", "Chọn đơn vị.")
            head_id = _uuid(form, "headOfficialId", "Chọn người đứng đầu.")
            responsibility = form.text("responsibility", required="Chọn loại trách nhiệm.")
            outcome = form.text("outcome", required="Chọn hình thức.")
            decided_on = form.date("decidedOn")
            reason = form.text("reason", required="Nêu lý do, căn cứ.")
            refs = [_ref(form, value) for value in form.many("refs")]
            if not form.ok:
                return None
            return state.tracker.services.accountability.make_decision(
                actor, head_official_id=head_id, unit_id=unit_id, responsibility=responsibility, outcome=outcome,
                decided_on=decided_on, reason=reason, refs=[r for r in refs if r is not None])

        if write(request, user, form, command) is None:
            return self._render(request, state, user, form, status=form.status)
        return done("/trach-nhiem", "Đã ghi nhận quyết định về trách nhiệm người đứng đầu.")

    @post("/{decision_id:uuid}/thu-hoi", sync_to_thread=True, status_code=200)
    def revoke(self, request: Request[Any, Any, Any], state: State, decision_id: UUID,
               data: FormBody) -> Response[Any]:
        user = signed_in(request, HOME_AFFAIRS)
        form = Form(data, prefix=f"thu-hoi-{decision_id}-")

        def command(actor: Any) -> Any:
            version, on = form.integer("version"), form.date("revokedOn")
            reason = form.text("reason", required="Nêu lý do thu hồi.")
            if not form.ok:
                return None
            return state.tracker.services.accountability.revoke_decision(
                actor, decision_id, revoked_on=on, reason=reason, expected_version=version)

        if write(request, user, form, command) is None:
            return self._render(request, state, user, Form({"decidedOn": ""}), revoke=(str(decision_id), form),
                                status=form.status)
        return done("/trach-nhiem", "Đã thu hồi quyết định.")

    def _render(self, request: Request[Any, Any, Any], state: State, user: Any, form: Form, *,
                revoke: tuple[str, Form] | None = None, status: int = 200) -> Template:
        at = state.reads.as_of()
        db = state.tracker.db
        rows = state.lists.decisions(at, unit_id=None, head_official_id=None, limit=200, offset=0).items
        officials = lookup(db, "officials", (r["head_official_id"] for r in rows), at)
        units_by_id = lookup(db, "units", (r["unit_id"] for r in rows), at)
        terms = head_terms(db, at)
        heads = {t["official_id"]: t for t in terms}
        units = sorted({(t["unit_id"], t["unit_name"]) for t in terms}, key=lambda u: u[1])
        cases = state.lists.cases(at, unit_id=None, official_id=None, state=None, clock=None, limit=200,
                                  offset=0).items
        case_people = lookup(db, "officials", (c["official_id"] for c in cases), at)
        refs = [(f"discipline_case:{c['case_id']}",
                 f"Vụ việc: {case_people.get(c['official_id'], {}).get('full_name', '?')} — "
                 f"{label(FindingCategory(c['category']))} ({c['detected_on'][8:10]}/{c['detected_on'][5:7]}/"
                 f"{c['detected_on'][:4]})") for c in cases]
        refs += [(f"finding:{f['inspection_id']}:{f['finding_id']}",
                  f"Phát hiện: {label(FindingCategory(f['category']))} — {f['description'][:70]}")
                 for f in db.query("SELECT * FROM rm_findings WHERE pos_from <= ? AND (pos_to IS NULL OR pos_to > ?) "
                                   "AND retracted = 0 ORDER BY occurred_on DESC LIMIT 200", (at.position, at.position))]
        revoke_forms = {r["decision_id"]: Form({"version": str(r["version"])}, prefix=f"thu-hoi-{r['decision_id']}-")
                        for r in rows}
        if revoke:
            revoke_forms[revoke[0]] = revoke[1]
        return page(request, "decisions.html", user, status=status, rows=rows, officials=officials,
                    units_by_id=units_by_id, form=form, units=units,
                    heads=sorted(((o, f"{t['full_name']} — {t['unit_name']}") for o, t in heads.items()),
                                 key=lambda h: h[1]),
                    ref_options=refs, chosen_refs=set(form.many("refs")), revoke_forms=revoke_forms,
                    can_act=user.role in HOME_AFFAIRS, fields=DECISION_FIELDS, today=at.today,
                    ref_counts={r["decision_id"]: len(json.loads(r["refs"] or "[]")) for r in rows})


def _uuid(form: Form, name: str, missing: str) -> UUID | None:
    text = form.text(name, required=missing)
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        form.error(name, "Giá trị không hợp lệ; hãy chọn trong danh sách.")
        return None


def _ref(form: Form, value: str) -> Ref | None:
    kind, _, rest = value.partition(":")
    try:
        if kind == "discipline_case":
            return Ref("discipline_case", UUID(rest))
        if kind == "finding":
            inspection, _, finding = rest.partition(":")
            return Ref("finding", UUID(finding), UUID(inspection))
    except ValueError:
        pass
    form.error("refs", f"Tham chiếu không hợp lệ: {value}")
    return None

