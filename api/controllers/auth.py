"""Log in for a bearer token; administrators manage users."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from api.schemas import TokenRequest, TokenResponse, UserCreate, UserOut
from api.security import requires_role


class AuthController(Controller):
    path = "/api/v1"
    tags = ["Đăng nhập và người dùng"]

    @post("/auth/token", operation_id="createToken", sync_to_thread=True, status_code=200,
          security=[], exclude_from_auth=True)
    def token(self, data: TokenRequest, state: State) -> TokenResponse:
        """Đổi tên đăng nhập và mật khẩu lấy token (hết hạn sau thời gian cấu hình)."""
        user = state.users.authenticate(data.username, data.password)
        if user is None:
            raise NotAuthorizedException(detail="Sai tên đăng nhập hoặc mật khẩu.")
        auth = state.jwt_auth
        token = auth.create_token(identifier=user.username, token_extras={"role": user.role})
        return TokenResponse(access_token=token, token_type="Bearer",
                             expires_in=int(auth.default_token_expiration.total_seconds()),
                             role=user.role, username=user.username)

    @get("/users", operation_id="listUsers", guards=[requires_role("admin")], sync_to_thread=True)
    def users(self, state: State) -> list[UserOut]:
        """Danh sách người dùng và vai trò."""
        return [UserOut(username=u.username, role=u.role, full_name=u.full_name) for u in state.users.all()]

    @post("/users", operation_id="createUser", guards=[requires_role("admin")], sync_to_thread=True)
    def add_user(self, data: UserCreate, state: State, request: Request[Any, Any, Any]) -> UserOut:
        """Thêm người dùng (mật khẩu được băm bằng argon2)."""
        user = state.users.add(data.username, data.role, data.password, data.full_name)
        return UserOut(username=user.username, role=user.role, full_name=user.full_name)
