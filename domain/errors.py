"""One family of errors for every layer; the API maps it to problem details in one place."""

from __future__ import annotations

from typing import Any


class TrackerError(Exception):
    """Base of every error a user can cause; `message` is Vietnamese, `rule` a stable code."""

    rule: str = "error"

    def __init__(self, message: str, *, rule: str | None = None, field: str | None = None,
                 value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if rule is not None:
            self.rule = rule
        self.field = field
        self.value = value

    def __str__(self) -> str:
        return self.message


class NotFound(TrackerError):
    """An id that names nothing in the store."""

    rule = "not_found"


class InvalidInput(TrackerError):
    """A value that does not parse or is not one of an enum's members."""

    rule = "invalid_input"


class RuleViolated(TrackerError):
    """A legal or business rule refused the command; `rule` names it."""


class IllegalTransition(TrackerError):
    """The aggregate is not in a state that allows the command (e.g. a closed case)."""


class Conflict(TrackerError):
    """Someone else changed the aggregate first, or the thing already exists."""

    rule = "conflict"
