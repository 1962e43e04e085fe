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


MIN_KEY_BYTES = 32


class WeakSigningKey(ValueError):
    """The signing key is too short to keep tokens from being forged."""


def signing_key(key: str) -> str:
    """The key that signs the tokens (and, derived from it, the forms' CSRF tokens): at least 32 bytes."""
    size = len(key.encode())
    if size < MIN_KEY_BYTES:
        raise WeakSigningKey(
            f"TRACKER_SECRET_KEY quá ngắn ({size} byte): khóa ký token cần ít nhất {MIN_KEY_BYTES} byte ngẫu nhiên, "
            "nếu không ai cũng có thể đoán khóa và giả token. Tạo một khóa bằng: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    return key


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
