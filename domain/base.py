"""Common ground of every aggregate: events carry who recorded them; ids are stable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.actor import Actor
from domain.errors import IllegalTransition, InvalidInput, RuleViolated

# Namespace of the ids derived from natural keys (unit code, personnel code, decision number).
NAMESPACE = UUID("6f1f3c52-3b0e-4a57-9d0c-2f6d1f1f8a11")


def natural_id(kind: str, key: str) -> UUID:
    """A stable id from a natural key, so registering the same thing twice is a conflict."""
    return uuid5(NAMESPACE, f"{kind}:{key.strip().upper()}")


def today() -> date:
    return datetime.now(UTC).date()


class TrackerAggregate(Aggregate):
    """Base aggregate: every event records its actor (`recorded_by`)."""

    class Event(Aggregate.Event):
        recorded_by: Actor

    class Created(Event, Aggregate.Created):
        pass


def require_text(value: str | None, field: str, what: str) -> str:
    """Strip and require a non-empty text; the message says what is missing in Vietnamese."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"Thiếu {what}.", field=field, value=value)
    return text


def require_reason(reason: str | None, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise RuleViolated("Phải ghi rõ lý do (mọi sửa đổi, rút lại, tạm hoãn đều được lưu vết).",
                           rule="reason_required", field=field, value=reason)
    return text


def require_date(value: Any, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"Ngày không hợp lệ ở trường '{field}': {value!r} (định dạng YYYY-MM-DD).",
                               field=field, value=value) from None
    return value


def parse_uuid(value: Any, field: str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput(f"Mã định danh không hợp lệ ở trường '{field}': {value!r}.",
                           field=field, value=value) from None


def not_before(later: date, earlier: date, *, rule: str, field: str, message: str) -> None:
    if later < earlier:
        raise RuleViolated(message, rule=rule, field=field, value=later.isoformat())


def not_in_future(on: date, field: str) -> None:
    if on > today():
        raise RuleViolated(f"Ngày ở trường '{field}' ({on:%d/%m/%Y}) nằm trong tương lai.",
                           rule="date_in_future", field=field, value=on.isoformat())


def illegal(message: str, rule: str, state: str | None = None) -> IllegalTransition:
    return IllegalTransition(message, rule=rule, field="state", value=state)


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def require_sha256(value: str, field: str) -> str:
    digest = (value or "").strip().lower()
    if not _SHA256.match(digest):
        raise InvalidInput(f"Mã SHA-256 không hợp lệ ở trường '{field}' (cần 64 ký tự hex).",
                           field=field, value=value)
    return digest
