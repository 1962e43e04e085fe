"""CSRF tokens bound to the session: a form rendered for one session is refused in any other.

The token a page's forms carry (`_csrf_token`, what litestar's `csrf_input` renders) is an HMAC of the
session's id (the `jti` of the session cookie's token) under a key derived from the signing key. Before
signing in there is no session, so the sign-in form is bound to a random value kept in an HttpOnly
cookie instead. A POST must carry the token of the session (or pre-session value) that sends it;
anything else is refused (403) before the handler runs. Only the signature of the session cookie is
checked here (its expiry and whether it was closed are the handler's business), so a form stays
valid for as long as the page it came from.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import jwt
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.middleware.base import MiddlewareProtocol
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from api.problems import FormRefused

FIELD = "_csrf_token"
HEADER = "x-csrftoken"
PRE_SESSION_COOKIE = "stn_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXCLUDED = re.compile(r"^/(api/|health|schema|static/)")
REFUSED = "Biểu mẫu đã hết hạn hoặc thuộc phiên đăng nhập khác; hãy tải lại trang rồi gửi lại."


class SessionCSRF(MiddlewareProtocol):
    """The app's CSRF check for the pages (the JSON API takes bearer tokens, never cookies)."""

    def __init__(self, app: ASGIApp, *, signing_key: str, algorithm: str, session_cookie: str) -> None:
        self.app = app
        self.signing_key = signing_key
        self.algorithm = algorithm
        self.session_cookie = session_cookie
        self.key = hashlib.sha256(("csrf:" + signing_key).encode()).digest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or EXCLUDED.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        binding = self.session_of(request.cookies.get(self.session_cookie))
        new_value = None
        if binding is None:
            pre_session = request.cookies.get(PRE_SESSION_COOKIE)
            if not pre_session and request.method in SAFE_METHODS:
                pre_session = new_value = secrets.token_urlsafe(24)
            binding = "pre-session:" + pre_session if pre_session else None
        expected = self.token(binding) if binding else None
        if request.method not in SAFE_METHODS:
            given = request.headers.get(HEADER)
            content_type, _ = request.content_type
            if not given and content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
                given = (await request.form()).get(FIELD)
            if expected is None or not isinstance(given, str) or not hmac.compare_digest(given, expected):
                raise FormRefused(REFUSED)
        ScopeState.from_scope(scope).csrf_token = expected
        await self.app(scope, receive, self._setting(send, new_value) if new_value else send)

    def token(self, binding: str) -> str:
        return hmac.new(self.key, binding.encode(), hashlib.sha256).hexdigest()

    def session_of(self, cookie: str | None) -> str | None:
        """The session a (correctly signed) session cookie names, whether or not it is still open."""
        if not cookie:
            return None
        try:
            claims = jwt.decode(cookie, self.signing_key, algorithms=[self.algorithm], options={"verify_exp": False})
        except jwt.PyJWTError:
            return None
        jti = claims.get("jti")
        return "session:" + jti if isinstance(jti, str) and jti else None

    @staticmethod
    def _setting(send: Send, value: str) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = Cookie(key=PRE_SESSION_COOKIE, value=value, path="/", httponly=True, samesite="lax")
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        return wrapped


__all__ = ["FIELD", "PRE_SESSION_COOKIE", "SessionCSRF"]
