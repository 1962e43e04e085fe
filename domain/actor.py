"""Who recorded a fact: carried by every event."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidInput

ROLES = ("inspector", "home_affairs", "auditor", "admin", "system")


@dataclass(frozen=True)
class Actor:
    """The user (id and role) a command is recorded for."""

    user_id: str
    role: str

    def __post_init__(self) -> None:
        if not self.user_id:
            raise InvalidInput("Thiếu người ghi nhận (user id).", field="recorded_by")
        if self.role not in ROLES:
            raise InvalidInput(f"Vai trò không hợp lệ: {self.role!r}.", field="role", value=self.role)


SYSTEM = Actor("system", "system")
