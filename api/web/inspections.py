"""Inspections in the browser, for inspectors: my open inspections and overdue recommendations, opening an
inspection, recording findings with evidence pinned by SHA-256, correcting and retracting them, the
conclusion with its recommendations, their follow-up and the closure. Admins see everything, change nothing.

Pages read the read models only; forms call the same services as the API, with inputs named like the API's
body fields so that a refusal lands beside the field it names.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from api.web.common import (
    ALL,
    INSPECTORS,
    Form,
    WebPages,
    done,
    page,
    session_user,
    signed_in,
    write,
)
from api.users import User
from domain.actor import Actor
from domain.enums import FindingCategory, InspectionKind, Severity, parse_enum
from domain.errors import InvalidInput, NotFound, TrackerError
from domain.inspections import EvidenceRef, RecommendationInput
from projections.queries import AsOf, lookup
from projections.tables import visible
from services import Written

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
UploadBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]

VIEWERS = ("inspector", "admin")
STATUS_LABELS = {"open": "Đang tiến hành", "concluded": "Đã kết luận", "closed": "Đã kết thúc"}
MAX_UPLOAD_MB = 100
SHORT, LONG = 200, 4000  # the API's limits for short fields (numbers, names) and texts
SOON_DAYS = 15
LIST_LIMIT = 200
SEARCH_LIMIT = 20
BLANK_ROWS = 3  # recommendation rows a conclusion form shows without JavaScript
MAX_ROWS = 200  # as many recommendations as the API takes
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ROW_FIELD = re.compile(r"^recommendations\[(\d+)\]\.(text|dueOn|responsibleUnitId)$")
_FIELD_INDEX = re.compile(r"^recommendations\[(\d+)\]")
FINDING_FIELDS = ["category", "severity", "description", "occurredOn", "officialIds", "evidence", "reason"]


# -- reading forms -----------------------------------------------------------------------------------

def _uuid(form: Form, name: str, missing: str) -> UUID | None:
    text = form.text(name, required=missing)
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        form.error(name, "Giá trị không hợp lệ; hãy chọn trong danh sách.")
        return None


def _short(form: Form, name: str, missing: str, limit: int = SHORT) -> str:
    value = form.text(name, required=missing)
    if len(value) > limit:
        form.error(name, f"Tối đa {limit} ký tự (đang có {len(value)}).")
    return value


def _choice(form: Form, name: str, enum: Any, missing: str) -> str:
    value = form.text(name, required=missing)
    if value:
        try:
            parse_enum(enum, value, name)
        except InvalidInput:
            form.error(name, "Giá trị không hợp lệ; hãy chọn trong danh sách.")
    return value


def _official_ids(form: Form) -> list[UUID]:
    ids: list[UUID] = []
    for text in form.many("officialIds"):
        try:
            ids.append(UUID(text))
        except ValueError:
            form.error("officialIds", "Cán bộ được chọn không hợp lệ; hãy chọn lại trong danh sách.")
    return list(dict.fromkeys(ids))


def _hash(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.file.seek(0)
    while chunk := upload.file.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def evidence_of(form: Form) -> list[EvidenceRef]:
    """The evidence a finding form sends: files kept from before (ticked boxes, "sha256 name") and the
    files just uploaded, hashed here from their bytes (the files themselves are not stored). Uploads are
    added to the kept ones so that a refused form does not ask for them again."""
    refs: list[EvidenceRef] = []
    for value in form.many("evidenceKept"):
        digest, _, name = value.partition(" ")
        if not _SHA256.match(digest) or not name.strip():
            form.error("evidence", "Tệp chứng cứ giữ lại không hợp lệ; hãy chọn lại tệp.")
            continue
        refs.append(EvidenceRef(name.strip(), digest))
    kept = list(form.many("evidenceKept"))
    for upload in form.files("evidence"):
        name = unicodedata.normalize("NFC", upload.filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()[:SHORT]
        ref = EvidenceRef(name, _hash(upload))
        refs.append(ref)
        kept.append(f"{ref.sha256} {ref.name}")
    form.raw["evidenceKept"] = list(dict.fromkeys(kept))
    return list(dict.fromkeys(refs))


def evidence_value(ref: dict[str, Any] | EvidenceRef) -> str:
    name, digest = (ref["name"], ref["sha256"]) if isinstance(ref, dict) else (ref.name, ref.sha256)
    return f"{digest} {name}"


def _vn_date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


def explained(command: Callable[[], Written | None], *, rows: list[int] | None = None,
              decision: bool = False) -> Callable[[Actor], Written | None]:
    """Run a command, making the domain's refusals speak the form's language: dates in the future said
    plainly, a recommendation's index turned back into its row on the form, evidence errors beside the
    file field, an existing decision number beside that field."""

    def run(actor: Actor) -> Written | None:
        try:
            return command()
        except TrackerError as exc:
            field = exc.field or ""
            if exc.rule == "date_in_future":
                exc.message = (f"Ngày {_vn_date(str(exc.value))} nằm trong tương lai; chỉ ghi nhận sự việc "
                               "đã xảy ra.")
            if rows is not None and (match := _FIELD_INDEX.match(field)) and int(match.group(1)) < len(rows):
                exc.field = f"recommendations[{rows[int(match.group(1))]}]" + field[match.end():]
            if field.startswith("evidence["):
                exc.field = "evidence"
            if decision and exc.rule == "already_exists":
                exc.field = "decisionNo"
                exc.message = f"Đã có cuộc thanh tra theo quyết định số “{exc.value}”."
            raise

    return run


# -- reading the read models ---------------------------------------------------------------------------

def clock(days_left: int | None) -> str:
    """CSS class of a due date: overdue, soon (≤ 15 days) or fine."""
    if days_left is None:
        return ""
    return "overdue" if days_left < 0 else "soon" if days_left <= SOON_DAYS else "fine"


def overdue_class(days_overdue: int) -> str:
    """Overdue recommendations: up to 30 days late in amber, longer in red."""
    return "overdue" if days_overdue > 30 else "soon"


def units_for_select(state: State, at: AsOf) -> list[tuple[str, str]]:
    rows = state.lists.units(at, kind=None, limit=1000, offset=0).items
    return sorted(((u["unit_id"], u["name"]) for u in rows), key=lambda u: _fold(u[1]))


def is_mine(row: dict[str, Any], user: User, opened_by_me: set[str]) -> bool:
    """Opened by this user, or this user is in the team (by username or full name)."""
    if row["inspection_id"] in opened_by_me:
        return True
    wanted = {_norm(user.username)} | ({_norm(user.full_name)} if user.full_name.strip() else set())
    for member in json.loads(row["team"] or "[]"):
        name = _norm(re.sub(r"\(.*?\)", "", member))
        if name in wanted or _norm(member) in wanted:
            return True
    return False


def finding_view(row: dict[str, Any], officials: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ids = json.loads(row["official_ids"] or "[]")
    return {**row, "official_list": [officials.get(i, {"official_id": i, "full_name": i}) for i in ids],
            "official_id_list": ids, "evidence_list": json.loads(row["evidence"] or "[]")}


def finding_values(row: dict[str, Any]) -> dict[str, Any]:
    """A finding as its correction form shows it."""
    return {"category": row["category"], "severity": row["severity"], "description": row["description"],
            "occurredOn": _vn_date(row["occurred_on"]), "officialIds": json.loads(row["official_ids"] or "[]"),
            "evidenceKept": [evidence_value(e) for e in json.loads(row["evidence"] or "[]")]}


def official_options(state: State, at: AsOf, unit_id: str, chosen: Iterable[str]) -> list[dict[str, Any]]:
    """The plain list behind the official picker: the unit's officials, and anyone already chosen."""
    rows = state.lists.officials(at, unit_id=unit_id, category=None, q=None, limit=1000, offset=0).items
    chosen = [c for c in chosen if c]
    have = {r["official_id"] for r in rows}
    extra = lookup(state.tracker.db, "officials", [c for c in chosen if c not in have], at)
    units = lookup(state.tracker.db, "units", (o["unit_id"] for o in extra.values()), at)
    out = [{"id": r["official_id"], "text": f"{r['full_name']} ({r['personnel_code']})"} for r in rows]
    out += [{"id": o["official_id"], "text": f"{o['full_name']} ({o['personnel_code']}) — "
                                             f"{units.get(o['unit_id'], {}).get('name', '')}"}
            for o in extra.values()]
    return out


# -- searching officials by name -------------------------------------------------------------------

def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold().strip()


def _fold(text: str) -> str:
    """Without diacritics (đ → d), for accent-insensitive matching of a query typed without them."""
    decomposed = unicodedata.normalize("NFD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def _skeleton(word: str) -> str:
    """A LIKE pattern every name containing the word matches, whatever its diacritics and case: only
    ASCII consonants (never marked in Vietnamese, except đ) and digits are kept; the rest is a wildcard.
    The exact test is done afterwards in Python."""
    kept = "".join(c if c in "bcfghjklmnpqrstvwxz0123456789-./" else "%" for c in word.casefold())
    return "%" + re.sub("%+", "%", kept).strip("%") + "%" if kept.strip("%") else "%"


def matches(query_words: list[str], name: str, code: str) -> bool:
    for word in query_words:
        folded_word = _fold(word)
        plain = folded_word == _norm(word)  # typed without diacritics: match them loosely
        if word in _norm(name) or word in _norm(code):
            continue
        if plain and (folded_word in _fold(name) or folded_word in _fold(code)):
            continue
        return False
    return True


def search_officials(state: State, at: AsOf, q: str, unit_id: str | None) -> list[dict[str, Any]]:
    words = _norm(q).split()
    if not words:
        return []
    where, params = [visible()], [at.position, at.position]
    if unit_id:
        where.append("unit_id = ?")
        params.append(unit_id)
    for word in words:
        where.append("(LOWER(full_name) LIKE ? OR LOWER(personnel_code) LIKE ?)")
        params += [_skeleton(word)] * 2
    rows = state.tracker.db.query(
        "SELECT official_id, personnel_code, full_name, unit_id FROM rm_officials WHERE "
        f"{' AND '.join(where)} ORDER BY full_name, personnel_code LIMIT 5000", params)
    found = [r for r in rows if matches(words, r["full_name"], r["personnel_code"])][:SEARCH_LIMIT]
    units = lookup(state.tracker.db, "units", (r["unit_id"] for r in found), at)
    return [{"id": r["official_id"], "fullName": r["full_name"], "personnelCode": r["personnel_code"],
             "unitName": units.get(r["unit_id"], {}).get("name", "")} for r in found]


class OfficialSearch(WebPages):
    """The official picker's search: JSON for any signed-in role."""

    path = "/can-bo"

    @get("/tim", sync_to_thread=True)
    def search(self, request: Request[Any, Any, Any], state: State, q: str = "",
               don_vi: Annotated[str | None, QueryParameter(name="don-vi")] = None) -> Response[Any]:
        """Officials whose name or personnel code contains every word typed (at most 20)."""
        user, _ = session_user(request)
        if user is None or user.role not in ALL:
            return Response({"detail": "Vui lòng đăng nhập."}, status_code=401)
        if don_vi:
            try:
                don_vi = str(UUID(don_vi))
            except ValueError:
                return Response({"detail": "Mã đơn vị không hợp lệ.", "field": "don-vi"}, status_code=400)
        return Response(search_officials(state, state.reads.as_of(), q[:SHORT], don_vi or None))


# -- the pages -------------------------------------------------------------------------------------

class InspectionPages(WebPages):
    path = "/thanh-tra"

    # ---- the list ----
    @get("/", sync_to_thread=True)
    def inspections(self, request: Request[Any, Any, Any], state: State,
                    pham_vi: Annotated[str | None, QueryParameter(name="pham-vi")] = None,
                    trang_thai: Annotated[str | None, QueryParameter(name="trang-thai")] = None,
                    loai: Annotated[str | None, QueryParameter(name="loai")] = None,
                    don_vi: Annotated[str | None, QueryParameter(name="don-vi")] = None,
                    nam: Annotated[str | None, QueryParameter(name="nam")] = None) -> Template:
        """My open inspections (or all), filtered, and the recommendations past their due date."""
        user = signed_in(request, VIEWERS)
        at = state.reads.as_of()
        mine = (pham_vi or ("cua-toi" if user.role == "inspector" else "tat-ca")) != "tat-ca"
        filters = {"pham-vi": "cua-toi" if mine else "tat-ca", "trang-thai": trang_thai or "", "loai": loai or "",
                   "don-vi": don_vi or "", "nam": nam or ""}
        errors: dict[str, str] = {}
        year = None
        if nam:
            try:
                year = int(nam)
                if not 1990 <= year <= 2100:
                    raise ValueError
            except ValueError:
                errors["nam"] = f"Năm “{nam}” không hợp lệ; nhập 4 chữ số, ví dụ {at.today.year}."
        unit_id = None
        if don_vi:
            try:
                unit_id = str(UUID(don_vi))
            except ValueError:
                errors["don-vi"] = "Đơn vị không hợp lệ; hãy chọn trong danh sách."
        if loai:
            try:
                parse_enum(InspectionKind, loai, "loai")
            except InvalidInput:
                errors["loai"] = "Loại không hợp lệ; hãy chọn trong danh sách."
        if trang_thai and trang_thai not in STATUS_LABELS:
            errors["trang-thai"] = "Trạng thái không hợp lệ; hãy chọn trong danh sách."
        rows: list[dict[str, Any]] = []
        total = 0
        if not errors:
            found = state.lists.inspections(at, unit_id=unit_id, kind=loai or None, status=trang_thai or None,
                                            year=year, limit=10000 if mine else LIST_LIMIT, offset=0)
            rows, total = found.items, found.total
            if mine:
                opened = {r["aggregate_id"] for r in state.lists.log(
                    after=0, limit=100000, upto=at.position, actor=user.username, event_type="Opened")
                    if r["aggregate_type"] == "Inspection"}
                rows = [r for r in rows if is_mine(r, user, opened)
                        and (trang_thai or r["status"] in ("open", "concluded"))]
                total = len(rows)
                rows = rows[:LIST_LIMIT]
        units = lookup(state.tracker.db, "units", (r["target_unit_id"] for r in rows), at)
        return page(request, "inspections.html", user, rows=rows, total=total, units=units, filters=filters,
                    errors=errors, mine=mine, today=at.today, statuses=STATUS_LABELS,
                    unit_choices=units_for_select(state, at), overdue=self._overdue(state, at),
                    overdue_class=overdue_class, can_write=user.role in INSPECTORS)

    def _overdue(self, state: State, at: AsOf) -> list[dict[str, Any]]:
        """Recommendations not implemented whose due date has passed, the longest overdue first."""
        late = [d for d in state.reads.deadlines(0, at) if d.kind == "recommendation" and d.days_left < 0]
        inspections = {i: state.lists.inspection(i, at) for i in {d.aggregate_id for d in late}}
        units = lookup(state.tracker.db, "units", (d.unit_id for d in late), at)
        return [{"deadline": d, "inspection": inspections[d.aggregate_id], "days": -d.days_left,
                 "unit": units.get(d.unit_id, {}).get("name", "")} for d in late]

    # ---- opening ----
    @get("/mo", sync_to_thread=True)
    def open_form(self, request: Request[Any, Any, Any], state: State) -> Template:
        user = signed_in(request, INSPECTORS)
        return self._open_page(request, state, user, Form({"kind": "planned"}))

    @post("/mo", sync_to_thread=True, status_code=200)
    def open(self, request: Request[Any, Any, Any], state: State, data: FormBody) -> Response[Any]:
        """Open a planned or surprise inspection, or a duty check."""
        user = signed_in(request, INSPECTORS)
        form = Form(data)
        kind = _choice(form, "kind", InspectionKind, "Chọn loại cuộc thanh tra.")
        number = _short(form, "decisionNo", "Nhập số quyết định thanh tra.")
        decided_on = form.date("decidedOn")
        unit_id = _uuid(form, "targetUnitId", "Chọn đơn vị được thanh tra.")
        scope = _short(form, "scope", "Nêu phạm vi, nội dung thanh tra.", LONG)
        team = [line.strip() for line in form.text("team").splitlines() if line.strip()]
        if not team:
            form.error("team", "Nhập ít nhất một thành viên đoàn (mỗi dòng một người).")
        elif any(len(m) > SHORT for m in team):
            form.error("team", f"Mỗi thành viên tối đa {SHORT} ký tự.")
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.open_inspection(
            user.actor, kind=kind, decision_no=number, decided_on=decided_on, target_unit_id=unit_id,
            scope=scope, team=team), decision=True))
        if written is None:
            return self._open_page(request, state, user, form, status=form.status)
        return done(f"/thanh-tra/{written.id}", f"Đã mở cuộc thanh tra theo quyết định số {number}.")

    def _open_page(self, request: Request[Any, Any, Any], state: State, user: User, form: Form, *,
                   status: int = 200) -> Template:
        at = state.reads.as_of()
        return page(request, "inspection_open.html", user, status=status, form=form, today=at.today,
                    units=units_for_select(state, at))

    # ---- one inspection ----
    @get("/{inspection_id:uuid}", sync_to_thread=True)
    def inspection(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID) -> Template:
        """The inspection: its facts, findings, recommendations, history and the actions its status allows."""
        user = signed_in(request, VIEWERS)
        return self._inspection_page(request, state, user, inspection_id, {})

    @post("/{inspection_id:uuid}/kien-nghi/{recommendation_id:uuid}/thuc-hien", sync_to_thread=True,
          status_code=200)
    def implement(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID,
                  recommendation_id: UUID, data: FormBody) -> Response[Any]:
        """Record that a recommendation was implemented (date and note)."""
        user = signed_in(request, INSPECTORS)
        row = state.lists.inspection(str(inspection_id), state.reads.as_of())
        if str(recommendation_id) not in {r["recommendation_id"] for r in row["recommendation_rows"]}:
            raise NotFound("Không tìm thấy kiến nghị này trong cuộc thanh tra.", field="recommendationId")
        key = f"kn-{recommendation_id}"
        form = Form(data, prefix=key + "-")
        version = form.integer("version")
        implemented_on = form.date("implementedOn")
        note = _short(form, "note", "", LONG)
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.implement_recommendation(
            user.actor, inspection_id, recommendation_id, implemented_on=implemented_on, note=note,
            expected_version=version)))
        if written is None:
            return self._inspection_page(request, state, user, inspection_id, {key: form}, status=form.status,
                                         submitted=key)
        return done(f"/thanh-tra/{inspection_id}#kien-nghi-{recommendation_id}",
                    "Đã ghi nhận kiến nghị đã được thực hiện.")

    @post("/{inspection_id:uuid}/phat-hien/{finding_id:uuid}/chuyen-dieu-tra", sync_to_thread=True,
          status_code=200)
    def refer(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID, finding_id: UUID,
              data: FormBody) -> Response[Any]:
        """Record that the finding's file was sent to the investigating agency (date, agency, document)."""
        user = signed_in(request, INSPECTORS)
        self._finding(state, inspection_id, finding_id)
        key = f"cd-{finding_id}"
        form = Form(data, prefix=key + "-")
        version = form.integer("version")
        referred_on = form.date("referredOn")
        agency = _short(form, "agency", "Nhập cơ quan điều tra nhận hồ sơ.")
        document_no = _short(form, "documentNo", "Nhập số văn bản chuyển hồ sơ.")
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.refer_finding(
            user.actor, inspection_id, finding_id, referred_on=referred_on, agency=agency, document_no=document_no,
            expected_version=version)))
        if written is None:
            return self._inspection_page(request, state, user, inspection_id, {key: form}, status=form.status,
                                         submitted=key)
        return done(f"/thanh-tra/{inspection_id}#phat-hien-{finding_id}",
                    f"Đã ghi nhận chuyển hồ sơ sang {agency}.")

    @post("/{inspection_id:uuid}/ket-thuc", sync_to_thread=True, status_code=200)
    def close(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID,
              data: FormBody) -> Response[Any]:
        """Close the inspection once it has its conclusion."""
        user = signed_in(request, INSPECTORS)
        form = Form(data, prefix="ket-thuc-")
        version = form.integer("version")
        closed_on = form.date("closedOn")
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.close(
            user.actor, inspection_id, closed_on=closed_on, expected_version=version)))
        if written is None:
            return self._inspection_page(request, state, user, inspection_id, {"ket-thuc": form},
                                         status=form.status, submitted="ket-thuc")
        return done(f"/thanh-tra/{inspection_id}", "Đã kết thúc cuộc thanh tra.")

    def _inspection_page(self, request: Request[Any, Any, Any], state: State, user: User, inspection_id: UUID,
                         forms: dict[str, Form], *, status: int = 200, submitted: str | None = None) -> Template:
        at = state.reads.as_of()
        db = state.tracker.db
        row = state.lists.inspection(str(inspection_id), at)
        findings = row["finding_rows"]
        recs = row["recommendation_rows"]
        officials = lookup(db, "officials", (o for f in findings for o in json.loads(f["official_ids"] or "[]")), at)
        units = lookup(db, "units", [row["target_unit_id"], *(r["responsible_unit_id"] for r in recs)], at)
        version = str(row["version"])
        recommendations = []
        for r in recs:
            due = date.fromisoformat(r["due_on"])
            done_on = date.fromisoformat(r["implemented_on"]) if r["implemented_on"] else None
            key = f"kn-{r['recommendation_id']}"
            forms.setdefault(key, Form({"version": version}, prefix=key + "-"))
            recommendations.append({**r, "due": due, "implemented": done_on, "form": forms[key],
                                    "days_left": None if done_on else (due - at.today).days,
                                    "late_days": (done_on - due).days if done_on and done_on > due else 0,
                                    "unit": units.get(r["responsible_unit_id"], {}).get("name", "")})
        forms.setdefault("ket-thuc", Form({"version": version}, prefix="ket-thuc-"))
        referable = [f for f in findings if not f["retracted"] and not f["referred_on"]]
        for f in referable:
            key = f"cd-{f['finding_id']}"
            forms.setdefault(key, Form({"version": version}, prefix=key + "-"))
        # The forms this page shows; a refused form it does not show (the status changed meanwhile) has its
        # messages shown at the top of the page instead.
        shown: set[str] = set()
        if user.role in INSPECTORS:
            shown |= {f"cd-{f['finding_id']}" for f in referable}
            if row["status"] == "concluded":
                shown |= {f"kn-{r['recommendation_id']}" for r in recommendations if not r["implemented"]}
                shown.add("ket-thuc")
        unshown = forms[submitted] if submitted and submitted not in shown else None
        history = state.lists.log(after=0, limit=1000, upto=at.position, aggregate_id=str(inspection_id))
        return page(request, "inspection.html", user, status=status, inspection=row,
                    unit=units.get(row["target_unit_id"], {}), team=json.loads(row["team"] or "[]"),
                    findings=[finding_view(f, officials) for f in findings], recommendations=recommendations,
                    forms=forms, history=history, today=at.today, statuses=STATUS_LABELS, clock=clock,
                    opened_by=history[0] if history else None, can_write=user.role in INSPECTORS,
                    unshown=unshown)

    # ---- findings ----
    @get("/{inspection_id:uuid}/phat-hien", sync_to_thread=True)
    def finding_form(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID) -> Template:
        user = signed_in(request, INSPECTORS)
        row = state.lists.inspection(str(inspection_id), state.reads.as_of())
        return self._finding_page(request, state, user, row, Form({"version": str(row["version"])}))

    @post("/{inspection_id:uuid}/phat-hien", sync_to_thread=True, status_code=200,
          request_max_body_size=MAX_UPLOAD_MB * 1024 * 1024)
    def record_finding(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID,
                       data: UploadBody) -> Response[Any]:
        """Record a finding; evidence files are hashed here, only their names and SHA-256 are kept."""
        user = signed_in(request, INSPECTORS)
        form = Form(data)
        version = form.integer("version")
        category = _choice(form, "category", FindingCategory, "Chọn nhóm hành vi.")
        severity = _choice(form, "severity", Severity, "Chọn mức độ.")
        description = _short(form, "description", "Mô tả phát hiện.", LONG)
        occurred_on = form.date("occurredOn")
        official_ids = _official_ids(form)
        evidence = evidence_of(form)
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.record_finding(
            user.actor, inspection_id, category=category, severity=severity, description=description,
            occurred_on=occurred_on, official_ids=official_ids, evidence=evidence, expected_version=version)))
        if written is None:
            row = state.lists.inspection(str(inspection_id), state.reads.as_of())
            return self._finding_page(request, state, user, row, form, status=form.status)
        files = f" với {len(evidence)} tệp chứng cứ" if evidence else ""
        return done(f"/thanh-tra/{inspection_id}#phat-hien-{written.finding_id}", f"Đã ghi nhận phát hiện{files}.")

    def _finding_page(self, request: Request[Any, Any, Any], state: State, user: User, row: dict[str, Any],
                      form: Form, *, status: int = 200) -> Template:
        at = state.reads.as_of()
        unit = lookup(state.tracker.db, "units", [row["target_unit_id"]], at).get(row["target_unit_id"], {})
        return page(request, "finding_form.html", user, status=status, inspection=row, unit=unit, form=form,
                    today=at.today, options=official_options(state, at, row["target_unit_id"],
                                                              form.many("officialIds")),
                    kept=form.many("evidenceKept"), max_mb=MAX_UPLOAD_MB, fields=FINDING_FIELDS)

    # ---- correcting and retracting a finding ----
    @get("/{inspection_id:uuid}/phat-hien/{finding_id:uuid}/sua", sync_to_thread=True)
    def correction_form(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID,
                        finding_id: UUID) -> Template:
        user = signed_in(request, INSPECTORS)
        row, finding = self._finding(state, inspection_id, finding_id)
        version = str(row["version"])
        return self._correction_page(request, state, user, row, finding,
                                     Form({**finding_values(finding), "version": version}, prefix="sua-"),
                                     Form({"version": version}, prefix="rut-"))

    @post("/{inspection_id:uuid}/phat-hien/{finding_id:uuid}/sua", sync_to_thread=True, status_code=200,
          request_max_body_size=MAX_UPLOAD_MB * 1024 * 1024)
    def correct(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID, finding_id: UUID,
                data: UploadBody) -> Response[Any]:
        """Correct a finding: only the fields that changed are sent, with the reason."""
        user = signed_in(request, INSPECTORS)
        row, finding = self._finding(state, inspection_id, finding_id)
        form = Form(data, prefix="sua-")
        version = form.integer("version")
        was = finding_values(finding)
        changes: dict[str, Any] = {}
        category = _choice(form, "category", FindingCategory, "Chọn nhóm hành vi.")
        if category and category != was["category"]:
            changes["category"] = category
        severity = _choice(form, "severity", Severity, "Chọn mức độ.")
        if severity and severity != was["severity"]:
            changes["severity"] = severity
        description = _short(form, "description", "Mô tả phát hiện.", LONG)
        if description and description != finding["description"]:
            changes["description"] = description
        occurred_on = form.date("occurredOn")
        if occurred_on and occurred_on.isoformat() != finding["occurred_on"]:
            changes["occurred_on"] = occurred_on
        official_ids = _official_ids(form)
        if {str(o) for o in official_ids} != set(was["officialIds"]):
            changes["official_ids"] = official_ids
        evidence = evidence_of(form)
        if {evidence_value(e) for e in evidence} != set(was["evidenceKept"]):
            changes["evidence"] = evidence
        reason = _short(form, "reason", "Nêu lý do sửa (bản gốc được giữ lại trong lịch sử).", LONG)
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.correct_finding(
            user.actor, inspection_id, finding_id, changes=changes, reason=reason, expected_version=version)))
        if written is None:
            return self._correction_page(request, state, user, row, finding, form,
                                         Form({"version": str(row["version"])}, prefix="rut-"), status=form.status)
        return done(f"/thanh-tra/{inspection_id}#phat-hien-{finding_id}", "Đã sửa phát hiện; bản gốc vẫn được lưu.")

    @post("/{inspection_id:uuid}/phat-hien/{finding_id:uuid}/rut-lai", sync_to_thread=True, status_code=200)
    def retract(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID, finding_id: UUID,
                data: FormBody) -> Response[Any]:
        """Retract a finding, with the reason."""
        user = signed_in(request, INSPECTORS)
        row, finding = self._finding(state, inspection_id, finding_id)
        form = Form(data, prefix="rut-")
        version = form.integer("version")
        reason = _short(form, "reason", "Nêu lý do rút lại phát hiện.", LONG)
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.retract_finding(
            user.actor, inspection_id, finding_id, reason=reason, expected_version=version)))
        if written is None:
            fix = Form({**finding_values(finding), "version": str(row["version"])}, prefix="sua-")
            return self._correction_page(request, state, user, row, finding, fix, form, status=form.status)
        return done(f"/thanh-tra/{inspection_id}#phat-hien-{finding_id}", "Đã rút lại phát hiện.")

    @staticmethod
    def _finding(state: State, inspection_id: UUID, finding_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
        row = state.lists.inspection(str(inspection_id), state.reads.as_of())
        for finding in row["finding_rows"]:
            if finding["finding_id"] == str(finding_id):
                return row, finding
        raise NotFound("Không tìm thấy phát hiện này trong cuộc thanh tra.", field="findingId")

    def _correction_page(self, request: Request[Any, Any, Any], state: State, user: User, row: dict[str, Any],
                         finding: dict[str, Any], form: Form, retract: Form, *, status: int = 200) -> Template:
        at = state.reads.as_of()
        db = state.tracker.db
        unit = lookup(db, "units", [row["target_unit_id"]], at).get(row["target_unit_id"], {})
        officials = lookup(db, "officials", json.loads(finding["official_ids"] or "[]"), at)
        current = [evidence_value(e) for e in json.loads(finding["evidence"] or "[]")]
        return page(request, "finding_edit.html", user, status=status, inspection=row, unit=unit,
                    finding=finding_view(finding, officials), form=form, retract=retract, today=at.today,
                    options=official_options(state, at, row["target_unit_id"], form.many("officialIds")),
                    kept=list(dict.fromkeys([*current, *form.many("evidenceKept")])), max_mb=MAX_UPLOAD_MB,
                    fields=FINDING_FIELDS)

    # ---- the conclusion ----
    @get("/{inspection_id:uuid}/ket-luan", sync_to_thread=True)
    def conclusion_form(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID) -> Template:
        user = signed_in(request, INSPECTORS)
        at = state.reads.as_of()
        row = state.lists.inspection(str(inspection_id), at)
        raw: dict[str, Any] = {"version": str(row["version"])}
        for i in range(BLANK_ROWS):
            raw[f"recommendations[{i}].responsibleUnitId"] = row["target_unit_id"]
        return self._conclusion_page(request, state, user, row, Form(raw))

    @post("/{inspection_id:uuid}/ket-luan", sync_to_thread=True, status_code=200)
    def conclude(self, request: Request[Any, Any, Any], state: State, inspection_id: UUID,
                 data: FormBody) -> Response[Any]:
        """Conclude with the recommendations, their due dates and responsible units."""
        user = signed_in(request, INSPECTORS)
        form = Form(data)
        version = form.integer("version")
        number = _short(form, "conclusionNo", "Nhập số kết luận thanh tra.")
        concluded_on = form.date("concludedOn")
        recs: list[RecommendationInput] = []
        rows: list[int] = []  # the form row of each recommendation sent
        for i in range(row_count(form)):
            text = form.text(f"recommendations[{i}].text")
            due = form.text(f"recommendations[{i}].dueOn")
            if not text and not due:
                continue  # a blank row
            name = f"recommendations[{i}]"
            text = _short(form, f"{name}.text", "Nhập nội dung kiến nghị.", LONG)
            due_on = form.date(f"{name}.dueOn")
            unit_id = _uuid(form, f"{name}.responsibleUnitId", "Chọn đơn vị chịu trách nhiệm thực hiện.")
            if text and due_on and unit_id:
                recs.append(RecommendationInput(text, due_on, unit_id))
                rows.append(i)
        service = state.tracker.services.inspections
        written = write(request, user, form, explained(lambda: service.conclude(
            user.actor, inspection_id, conclusion_no=number, concluded_on=concluded_on, recommendations=recs,
            expected_version=version), rows=rows))
        if written is None:
            row = state.lists.inspection(str(inspection_id), state.reads.as_of())
            return self._conclusion_page(request, state, user, row, form, status=form.status)
        count = f" với {len(recs)} kiến nghị" if recs else ""
        return done(f"/thanh-tra/{inspection_id}#kien-nghi", f"Đã ghi nhận kết luận số {number}{count}.")

    def _conclusion_page(self, request: Request[Any, Any, Any], state: State, user: User, row: dict[str, Any],
                         form: Form, *, status: int = 200) -> Template:
        at = state.reads.as_of()
        unit = lookup(state.tracker.db, "units", [row["target_unit_id"]], at).get(row["target_unit_id"], {})
        count = row_count(form)
        shown = ["conclusionNo", "concludedOn"] + [f"recommendations[{i}].{f}" for i in range(count)
                                                  for f in ("text", "dueOn", "responsibleUnitId")]
        return page(request, "inspection_conclude.html", user, status=status, inspection=row, unit=unit, form=form,
                    rows=count, shown=shown, today=at.today, units=units_for_select(state, at),
                    blank=Form({"recommendations[__N__].responsibleUnitId": row["target_unit_id"]}))


def row_count(form: Form) -> int:
    """How many recommendation rows the form holds (at least the blank ones shown without JavaScript)."""
    indices = [int(m.group(1)) for key in form.raw if (m := _ROW_FIELD.match(key))]
    return max([BLANK_ROWS - 1, *(i for i in indices if i < MAX_ROWS)]) + 1
