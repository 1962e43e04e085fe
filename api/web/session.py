"""Sign-in, sign-out and the overview page every role starts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from api.web.common import SESSION_COOKIE, WebPages, page, session_user, signed_in, to_login
from projections.queries import DEADLINE_LABELS


@dataclass(frozen=True)
class LoginForm:
    username: str = ""
    password: str = ""


class SessionPages(WebPages):
    path = "/"

    @get("/", sync_to_thread=False)
    def root(self, request: Request[Any, Any, Any]) -> Redirect:
        user, _ = session_user(request)
        return Redirect("/tong-quan" if user else "/dang-nhap")

    @get("/dang-nhap", sync_to_thread=False)
    def login_form(self, request: Request[Any, Any, Any],
                   expired: Annotated[str | None, QueryParameter(name="het-han")] = None) -> Template:
        notice = "Phiên đăng nhập đã hết hạn hoặc không hợp lệ; vui lòng đăng nhập lại." if expired else None
        return page(request, "login.html", None, notice=notice, username="", errors={},
                    demo_users=demo_users(request.app.state))

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
        if user is None:
            return page(request, "login.html", None, status=400, notice=None, username=data.username,
                        errors=errors, demo_users=demo_users(state))
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
    def home(self, request: Request[Any, Any, Any], state: State) -> Template:
        user = signed_in(request)
        at = state.reads.as_of()
        deadlines = state.reads.deadlines(30, at)
        return page(request, "home.html", user, deadlines=deadlines[:15], deadline_count=len(deadlines),
                    position=at.position, today=at.today, deadline_labels=DEADLINE_LABELS)


def demo_users(state: State) -> list[tuple[str, str, str, str]]:
    """In demo mode, the demo accounts that exist (username, password, full name, role), for the sign-in page."""
    return [account for account in state.demo_accounts if state.users.get(account[0])]
