"""Bearer tokens (JWT, expiring) and role guards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token

from api.users import User

PUBLIC_PATHS = ["/api/v1/auth/token", "/schema", "/health"]

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def requires_role(*roles: str) -> Guard:
    """A guard letting through only the given roles."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if connection.scope.get("method") == "OPTIONS":
            return  # the automatic OPTIONS answer names the allowed methods; no user is authenticated for it
        user = connection.user
        if not isinstance(user, User) or user.role not in roles:
            raise PermissionDeniedException(detail=f"Chỉ dành cho vai trò: {', '.join(roles)}.")

    guard.__name__ = "requires_" + "_or_".join(roles)
    return guard


READERS = ("inspector", "home_affairs", "auditor", "admin")
ANALYSTS = ("home_affairs", "auditor", "admin")
AUDITORS = ("auditor", "admin")


def jwt_auth(secret: str, ttl: timedelta) -> JWTAuth[User, Token]:
    def retrieve_user(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        users = connection.app.state.users
        user = users.get(token.sub)
        if user is None or token.extras.get("role") != user.role:
            return None  # a deleted user, or a role changed since the token was issued
        return user

    return JWTAuth[User, Token](
        retrieve_user_handler=retrieve_user, token_secret=secret, default_token_expiration=ttl,
        exclude=PUBLIC_PATHS, description="Token lấy từ POST /api/v1/auth/token.")
