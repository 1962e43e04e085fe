"""What every web page shares: the session, role menus, forms that keep what was typed, flash notes.

Sessions are the same expiring JWT as the API, kept in an HttpOnly, SameSite=Lax cookie; forms carry
litestar's CSRF token. Pages read only the read models, like the API; forms call the same services as
the API and put a refused command's Vietnamese message beside the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any
from urllib.parse import quote, unquote
from uuid import uuid4

import jwt
from litestar import Controller, Request, Response
from litestar.datastructures import Cookie, UploadFile
from litestar.response import Redirect, Template

from api.problems import _camel, status_of
from api.users import ROLE_LABELS, User
from api.writes import execute
from domain.actor import Actor
from domain.enums import (
    CaseState,
    DeferralReason,
    DisciplineForm,
    ExemptionGround,
    FindingCategory,
    InspectionKind,
    Nature,
    NoLimitationGround,
    OfficialCategory,
    Outcome,
    Rating,
    Responsibility,
    Severity,
    UnitKind,
    label,
)
from domain.errors import Conflict, NotFound, TrackerError
from services import Written

SESSION_COOKIE = "stn_session"
FLASH_COOKIE = "stn_flash"
VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving: a fixed offset is exact

ALL = ("inspector", "home_affairs", "auditor", "admin")
INSPECTORS = ("inspector",)
HOME_AFFAIRS = ("home_affairs",)
ANALYSTS = ("home_affairs", "auditor", "admin")
AUDITORS = ("auditor", "admin")

# (path, Vietnamese title, roles that see it): each role sees only the menus of its work
MENU = (
    ("/tong-quan", "Tổng quan", ALL),
    ("/thanh-tra", "Cuộc thanh tra", ("inspector", "admin")),
    ("/vu-viec", "Vụ việc kỷ luật", ("home_affairs", "auditor", "admin")),
    ("/trach-nhiem", "Quyết định trách nhiệm", ("home_affairs", "admin")),
    ("/xep-hang", "Xếp hạng người đứng đầu", ANALYSTS),
    ("/bieu-do", "Biểu đồ", ANALYSTS),
    ("/nhiem-vu", "Nhiệm vụ", ANALYSTS),
    ("/chi-tieu", "Chỉ tiêu 226", ANALYSTS),
    ("/bao-cao", "Báo cáo Kết luận 226", ANALYSTS),
    ("/nhat-ky", "Nhật ký sự kiện", AUDITORS),
    ("/xac-minh", "Xác minh và xuất", AUDITORS),
)


class SignInRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page."""

    def __init__(self, why: str | None = None) -> None:
        super().__init__(why or "")
        self.why = why


class NotAllowed(Exception):
    """The signed-in role may not open this page or send this form."""


def session_user(request: Request[Any, Any, Any]) -> tuple[User | None, str | None]:
    """The signed-in user from the session cookie, or None and why (expired, invalid)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None, None
    state = request.app.state
    try:
        claims = jwt.decode(token, state.jwt_auth.token_secret, algorithms=[state.jwt_auth.algorithm])
    except jwt.ExpiredSignatureError:
        return None, "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại."
    except jwt.PyJWTError:
        return None, "Phiên đăng nhập không hợp lệ; vui lòng đăng nhập lại."
    user = state.users.get(str(claims.get("sub", "")))
    if user is None or claims.get("extras", {}).get("role") != user.role:
        return None, "Tài khoản đã thay đổi; vui lòng đăng nhập lại."
    return user, None


def signed_in(request: Request[Any, Any, Any], roles: tuple[str, ...] = ALL) -> User:
    """The user of this request, who must hold one of `roles` (else the sign-in or refusal page)."""
    user, why = session_user(request)
    if user is None:
        raise SignInRequired(why)
    if user.role not in roles:
        raise NotAllowed()
    return user


def page(request: Request[Any, Any, Any], template: str, user: User | None, *, status: int = 200,
         **context: Any) -> Template:
    """A full page with the role's menu and the one-time note a previous form left."""
    menu = [(path, title) for path, title, roles in MENU if user is not None and user.role in roles]
    flash = request.cookies.get(FLASH_COOKIE)
    response = Template(template_name=template, status_code=status,
                        context={"user": user, "menu": menu, "role_labels": ROLE_LABELS, "current": request.url.path,
                                 # whether links into the audit log (/su-kien/N) open for this user
                                 "audit_reader": user is not None and user.role in AUDITORS,
                                 "flash": unquote(flash) if flash else None, **context})
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def done(url: str, message: str) -> Redirect:
    """After a successful form: go to the page that shows the result, with a one-time note."""
    response = Redirect(url)
    response.set_cookie(Cookie(key=FLASH_COOKIE, value=quote(message), httponly=True, samesite="lax", path="/",
                               max_age=120))
    return response


def to_login(message: str | None = None) -> Redirect:
    response = Redirect("/dang-nhap" + ("?het-han=1" if message else ""))
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- forms -------------------------------------------------------------------------------------------

def parse_vn_date(text: str) -> date:
    """dd/mm/yyyy (what users type and read) or ISO yyyy-mm-dd; ValueError otherwise."""
    text = text.strip()
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


MIN_YEAR, MAX_YEAR = 1900, 2100  # dates typed outside these years are typing mistakes
# C0 controls except tab, line feed and carriage return; DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Form:
    """Submitted fields, read leniently; problems are collected per field and shown beside it."""

    def __init__(self, raw: Mapping[str, Any] | None = None, *, prefix: str = "") -> None:
        self.raw: dict[str, Any] = dict(raw or {})
        self.prefix = prefix  # keeps element ids unique when one page holds several forms
        self.errors: dict[str, str] = {}
        self.conflict: str | None = None
        self.status = 200

    def text(self, name: str, *, required: str | None = None) -> str:
        value = self.raw.get(name, "")
        if isinstance(value, list):
            value = value[-1] if value else ""
        value = value.strip() if isinstance(value, str) else ""
        if _CONTROL.search(value):
            # NUL and other control characters: no one types them, PostgreSQL refuses NUL, and they
            # would hide text in what the log shows. Refused beside the field; the kept input drops them.
            value = _CONTROL.sub("", value)
            self.raw[name] = value
            self.error(name, "Có ký tự điều khiển không hợp lệ (đã bỏ đi); kiểm tra lại nội dung rồi gửi lại.")
            return value
        if required and not value:
            self.error(name, required)
        return value

    def many(self, name: str) -> list[str]:
        value = self.raw.get(name)
        values = value if isinstance(value, list) else [value] if value is not None else []
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    def files(self, name: str) -> list[UploadFile]:
        value = self.raw.get(name)
        values = value if isinstance(value, list) else [value] if value is not None else []
        return [v for v in values if isinstance(v, UploadFile) and v.filename]

    def date(self, name: str, *, required: bool = True) -> date | None:
        text = self.text(name)
        if not text:
            if required:
                self.error(name, "Nhập ngày theo dạng dd/mm/yyyy.")
            return None
        try:
            value = parse_vn_date(text)
        except ValueError:
            self.error(name, f"Ngày “{text}” không hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 15/06/2026.")
            return None
        if not MIN_YEAR <= value.year <= MAX_YEAR:  # 1/1/1 parses, but no record of the city dates from then
            self.error(name, f"Ngày “{text}” không hợp lệ; năm phải từ {MIN_YEAR} đến {MAX_YEAR}.")
            return None
        return value

    def integer(self, name: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.error(name, f"“{text}” không phải là số nguyên.")
            return None

    def error(self, name: str, message: str, status: int = 400) -> None:
        self.errors.setdefault(name, message)
        self.status = max(self.status, status)

    def refuse(self, exc: TrackerError) -> None:
        """Put a refusal from the domain beside its field (or above the form when it names none), with
        the status the JSON API answers for it."""
        if isinstance(exc, Conflict) and (exc.field == "version" or exc.rule == "concurrent_update"):
            self.conflict = exc.message
            self.status = 409
            return
        self.error(_camel(exc.field) or "_form", exc.message, status_of(exc))

    def named_version(self) -> int | None:
        """The version the form was rendered at, if it carries one (then a lost race is the user's to see)."""
        raw = self.raw.get("version")
        return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) <= 18 else None

    def values(self) -> dict[str, Any]:
        """What the user typed, to fill the form again."""
        return {k: v for k, v in self.raw.items() if not isinstance(v, UploadFile) and k != "_csrf_token"}

    @property
    def ok(self) -> bool:
        return not self.errors and self.conflict is None


# Every rendered form carries a one-time key (`command_key_input()` in the templates), so submitting it
# twice, or going back and submitting it again, records the command once and shows its first result.
COMMAND_KEY = "_command_key"


class _FormRefused(Exception):
    """The command read the form and found a field missing or malformed: nothing to run."""


def write(request: Request[Any, Any, Any], user: User, form: Form,
          command: Callable[[Actor], Written | None]) -> Written | None:
    """Run a form's command on the one command path the JSON API uses (api/writes.py: the form's
    one-time key, one writer per aggregate, a lost race re-run, read-your-writes) unless the form is
    already refused. The command may read the form itself and answer None when a field is missing."""
    if not form.ok:
        return None
    raw_key = form.raw.get(COMMAND_KEY)
    fields = {k: v for k, v in form.values().items() if k != COMMAND_KEY}
    try:
        key = request.app.state.idempotency.key_for(
            user.username, raw_key if isinstance(raw_key, str) and raw_key else None, "POST",
            request.url.path, {k: _plain(v) for k, v in fields.items()})

        def run() -> Written:
            written = command(user.actor)
            if written is None:
                raise _FormRefused
            return written

        return execute(request, user.username, key, form.named_version(), run)
    except _FormRefused:
        return None
    except TrackerError as exc:
        if exc.rule == "idempotency_key_reused":
            form.error("_form", "Biểu mẫu này đã được gửi với nội dung khác; hãy tải lại trang rồi gửi lại.",
                       409)
        else:
            form.refuse(exc)
        return None


def _plain(value: Any) -> Any:
    """A form value as the fingerprint sees it (an uploaded file by its name)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, UploadFile):
        return f"file:{value.filename}"
    return value if isinstance(value, str) else str(value)


def command_key_input() -> str:
    """The hidden one-time key of a rendered form."""
    return f'<input type="hidden" name="{COMMAND_KEY}" value="{uuid4().hex}">'


# -- error pages -------------------------------------------------------------------------------------

def _sign_in_again(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    return to_login(exc.why)


def _not_allowed(request: Request[Any, Any, Any], exc: NotAllowed) -> Response[Any]:
    user, _ = session_user(request)
    return page(request, "forbidden.html", user, status=403)


def _not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    user, _ = session_user(request)
    return page(request, "error.html", user, status=404, title="Không tìm thấy", message=exc.message)


def _refused(request: Request[Any, Any, Any], exc: TrackerError) -> Response[Any]:
    user, _ = session_user(request)
    return page(request, "error.html", user, status=400, title="Yêu cầu không hợp lệ", message=exc.message)


API_PATHS = ("/api/", "/schema", "/health", "/static/")


def for_pages_too(api_handler: Any) -> Any:
    """An app-level error handler that answers a page's request (one outside the JSON API, e.g. a
    mistyped address) with the Vietnamese error page, never with raw JSON in the browser."""
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        answer = api_handler(request, exc)
        if request.url.path.startswith(API_PATHS):
            return answer
        user, _ = session_user(request)
        body = answer.content if isinstance(answer.content, dict) else {}
        return page(request, "error.html", user, status=answer.status_code,
                    title=str(body.get("title") or "Lỗi"), message=str(body.get("detail") or ""))
    return handle


WEB_EXCEPTION_HANDLERS: dict[Any, Any] = {SignInRequired: _sign_in_again, NotAllowed: _not_allowed,
                                          NotFound: _not_found, TrackerError: _refused}


class WebPages(Controller):
    """Base of the page controllers: HTML, outside the API's bearer auth and OpenAPI schema."""

    include_in_schema = False
    opt = {"exclude_from_auth": True}
    exception_handlers = WEB_EXCEPTION_HANDLERS


# -- template filters --------------------------------------------------------------------------------

ENUMS: dict[str, type[StrEnum]] = {
    "category": FindingCategory, "state": CaseState, "severity": Severity, "kind": InspectionKind,
    "form": DisciplineForm, "nature": Nature, "ground": ExemptionGround, "reason": DeferralReason,
    "responsibility": Responsibility, "outcome": Outcome, "unit_kind": UnitKind,
    "official_category": OfficialCategory, "rating": Rating, "no_limitation_ground": NoLimitationGround,
}


def choices(kind: str) -> list[tuple[str, str]]:
    """(value, Vietnamese label) of every member of an enum, for a <select>."""
    return [(m.value, label(m)) for m in ENUMS[kind]]


def vietnamese_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def vietnamese_time(value: datetime | str | None) -> str:
    """A record time in Vietnam's time: dd/mm/yyyy HH:MM:SS."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S")


EVENT_LABELS = {
    "Unit.Registered": "Đăng ký đơn vị", "Unit.Renamed": "Đổi tên đơn vị",
    "Unit.HeadAppointed": "Bổ nhiệm người đứng đầu", "Unit.HeadTermEnded": "Kết thúc nhiệm kỳ người đứng đầu",
    "Official.Registered": "Đăng ký cán bộ", "Official.Transferred": "Điều động, luân chuyển",
    "Official.CategoryChanged": "Thay đổi loại cán bộ", "Official.DisciplineRecorded": "Ghi nhận kỷ luật vào hồ sơ",
    "Official.Retired": "Nghỉ hưu, nghỉ việc", "Official.InitiativeRecognised": "Công nhận sáng kiến",
    "Inspection.FindingReferred": "Chuyển cơ quan điều tra",
    "DisciplineCase.HandlingRequested": "Cán bộ có văn bản đề nghị xem xét xử lý kỷ luật",
    "Inspection.Opened": "Mở cuộc thanh tra", "Inspection.FindingRecorded": "Ghi nhận phát hiện",
    "Inspection.FindingCorrected": "Sửa phát hiện", "Inspection.FindingRetracted": "Rút lại phát hiện",
    "Inspection.Concluded": "Kết luận thanh tra", "Inspection.RecommendationImplemented": "Kiến nghị đã thực hiện",
    "Inspection.Closed": "Kết thúc cuộc thanh tra",
    "DisciplineCase.Opened": "Mở vụ việc kỷ luật", "DisciplineCase.Deferred": "Tạm hoãn xử lý",
    "DisciplineCase.Resumed": "Tiếp tục xử lý", "DisciplineCase.Extended": "Gia hạn thời hạn xử lý",
    "DisciplineCase.ReviewMeetingHeld": "Họp kiểm điểm", "DisciplineCase.CouncilConvened": "Họp Hội đồng kỷ luật",
    "DisciplineCase.Decided": "Quyết định kỷ luật", "DisciplineCase.Exempted": "Miễn kỷ luật",
    "DisciplineCase.TimeBarred": "Hết thời hiệu", "DisciplineCase.Withdrawn": "Rút vụ việc",
    "AccountabilityDecision.Made": "Quyết định trách nhiệm người đứng đầu",
    "AccountabilityDecision.Revoked": "Thu hồi quyết định trách nhiệm",
    "AssignedTask.Assigned": "Giao nhiệm vụ", "AssignedTask.ProgressReported": "Báo cáo tiến độ",
    "AssignedTask.Completed": "Hoàn thành nhiệm vụ", "AssignedTask.Reassigned": "Giao lại nhiệm vụ",
    "UnitKpiReport.Submitted": "Nộp báo cáo chỉ tiêu", "UnitKpiReport.Corrected": "Sửa báo cáo chỉ tiêu",
}


def event_label(row: Mapping[str, Any]) -> str:
    """Vietnamese name of a logged event (a row of rm_log)."""
    key = f"{row['aggregate_type']}.{row['event_type']}"
    return EVENT_LABELS.get(key, key)


def rating_label(value: Rating | str) -> str:
    return label(Rating(value))


def enum_label(value: str | None, kind: str) -> str:
    """Vietnamese label of a stored enum value."""
    if not value:
        return ""
    try:
        return label(ENUMS[kind](value))
    except ValueError:
        return str(value)


def date_input(value: date | str | None) -> str:
    """A date as a form field shows it (dd/mm/yyyy); text typed by the user is kept as typed."""
    if isinstance(value, str) and "/" in value:
        return value
    return vietnamese_date(value)


def register_filters(engine: Any) -> None:
    env = engine.engine
    env.filters["vndate"] = vietnamese_date
    env.filters["vntime"] = vietnamese_time
    env.filters["rating"] = rating_label
    env.filters["vn"] = enum_label
    env.filters["dateinput"] = date_input
    env.filters["event"] = event_label
    env.globals["choices"] = choices
    env.globals["command_key_input"] = command_key_input
