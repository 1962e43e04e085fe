"""The web UI (server-rendered, Vietnamese): sign-in, role menus, and the first read-only pages.

Sessions are the same expiring JWT as the API, kept in an HttpOnly, SameSite=Lax cookie; forms carry
litestar's CSRF token. Pages read only the read models, like the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import jwt
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from api.users import ROLE_LABELS, User
from domain.enums import RATING_ABBREVIATIONS, CaseState, FindingCategory, Rating, label
from domain.errors import InvalidInput
from domain.periods import Period
from projections.queries import handling_deadline

SESSION_COOKIE = "stn_session"

# (path, Vietnamese title, roles that see it)
MENU = (
    ("/tong-quan", "Tổng quan", ("inspector", "home_affairs", "auditor", "admin")),
    ("/vu-viec", "Vụ việc kỷ luật", ("inspector", "home_affairs", "auditor", "admin")),
    ("/xep-hang", "Xếp hạng người đứng đầu", ("home_affairs", "auditor", "admin")),
    ("/schema", "Tài liệu API", ("admin", "auditor")),
)


@dataclass(frozen=True)
class LoginForm:
    username: str = ""
    password: str = ""


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


def page(template: str, user: User | None, **context: Any) -> Template:
    menu = [(path, title) for path, title, roles in MENU if user is not None and user.role in roles]
    return Template(template_name=template, context={"user": user, "menu": menu, "role_labels": ROLE_LABELS,
                                                     **context})


def to_login(message: str | None = None) -> Redirect:
    response = Redirect("/dang-nhap" + ("?het-han=1" if message else ""))
    response.delete_cookie(SESSION_COOKIE)
    return response


class WebController(Controller):
    path = "/"
    include_in_schema = False
    opt = {"exclude_from_auth": True}

    @get("/", sync_to_thread=False)
    def root(self, request: Request[Any, Any, Any]) -> Redirect:
        user, _ = session_user(request)
        return Redirect("/tong-quan" if user else "/dang-nhap")

    @get("/dang-nhap", sync_to_thread=False)
    def login_form(self, request: Request[Any, Any, Any],
                   expired: Annotated[str | None, QueryParameter(name="het-han")] = None) -> Template:
        notice = "Phiên đăng nhập đã hết hạn hoặc không hợp lệ; vui lòng đăng nhập lại." if expired else None
        return page("login.html", None, notice=notice, username="", errors={})

    @post("/dang-nhap", sync_to_thread=True, status_code=200)
    def login(self, request: Request[Any, Any, Any], state: State,
              data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        errors: dict[str, str] = {}
        if not data.username.strip():
            errors["username"] = "Nhập tên đăng nhập."
        if not data.password:
            errors["password"] = "Nhập mật khẩu."
        user = None if errors else state.users.authenticate(data.username, data.password)
        if user is None and not errors:
            errors["password"] = "Sai tên đăng nhập hoặc mật khẩu."
        if errors:
            return _login_again(data.username, errors)
        auth = state.jwt_auth
        token = auth.create_token(identifier=user.username, token_extras={"role": user.role})
        response = Redirect("/tong-quan")
        response.set_cookie(Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", path="/",
                                   max_age=int(auth.default_token_expiration.total_seconds())))
        return response

    @post("/dang-xuat", sync_to_thread=False, status_code=200)
    def logout(self) -> Redirect:
        return to_login()

    @get("/tong-quan", sync_to_thread=True)
    def home(self, request: Request[Any, Any, Any], state: State) -> Template | Redirect:
        user, why = session_user(request)
        if user is None:
            return to_login(why)
        at = state.reads.as_of()
        deadlines = state.reads.deadlines(30, at)
        return page("home.html", user, deadlines=deadlines[:15], deadline_count=len(deadlines),
                    position=at.position, today=at.today)

    @get("/xep-hang", sync_to_thread=True)
    def ranking(self, request: Request[Any, Any, Any], state: State,
                ky: Annotated[str, QueryParameter(name="ky")] = "2026-H1") -> Template | Redirect:
        user, why = session_user(request)
        if user is None:
            return to_login(why)
        if user.role not in ("home_affairs", "auditor", "admin"):
            return page("forbidden.html", user)
        error = None
        try:
            period = Period.parse(ky, field="ky")
            cards, quota = state.reads.ranking(period.code, state.reads.as_of())
        except InvalidInput as e:
            period, cards, quota, error = None, [], None, e.message
        return page("ranking.html", user, period=ky, cards=cards, quota=quota, error=error,
                    abbreviations=RATING_ABBREVIATIONS)


class CasePagesController(Controller):
    path = "/vu-viec"
    include_in_schema = False
    opt = {"exclude_from_auth": True}

    @get("/", sync_to_thread=True)
    def cases(self, request: Request[Any, Any, Any], state: State,
              trang_thai: Annotated[str | None, QueryParameter(name="trang-thai")] = None) -> Template | Redirect:
        """Discipline cases with their legal clocks as days left, colour-coded."""
        user, why = session_user(request)
        if user is None:
            return to_login(why)
        at = state.reads.as_of()
        error = None
        try:
            page_rows = state.lists.cases(at, unit_id=None, official_id=None, state=trang_thai or None, clock=None,
                                          limit=500, offset=0).items
        except InvalidInput as e:
            page_rows, error = [], e.message
        rows = []
        for case in page_rows:
            deadline = handling_deadline(case, at.today)
            limitation = date.fromisoformat(case["limitation_deadline"])
            open_case = case["state"] in ("open", "deferred")
            rows.append({"case": case, "deadline": deadline, "limitation": limitation,
                         "days_left": (min(deadline, limitation) - at.today).days if open_case else None})
        return page("cases.html", user, rows=rows, today=at.today, state_filter=trang_thai or "", error=error,
                    states=[(s.value, label(s)) for s in CaseState])


def _login_again(username: str, errors: dict[str, str]) -> Response[Any]:
    template = page("login.html", None, notice=None, username=username, errors=errors)
    template.status_code = 400
    return template


def vietnamese_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def rating_label(value: Rating | str) -> str:
    return label(Rating(value))


def enum_label(value: str | None, kind: str) -> str:
    """Vietnamese label of a stored enum value (finding category or case state)."""
    if not value:
        return ""
    enum_cls = {"category": FindingCategory, "state": CaseState}[kind]
    return label(enum_cls(value))
