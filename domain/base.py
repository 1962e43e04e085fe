"""Common ground of every aggregate: events carry who recorded them; ids are stable."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
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


# The one boundary for text: every text an event carries, whoever sent it (API, web form, CLI, demo),
# is checked here before the event exists. C0 control characters but tab, newline and carriage return
# are refused (PostgreSQL cannot store NUL; no report file may hold them), and no text is longer than
# MAX_TEXT characters.
MAX_TEXT = 4000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def check_text(value: str, field: str) -> None:
    """Refuse a control character or an over-long text, naming the field (camelCase, as users sent it)."""
    found = _CONTROL.search(value)
    if found:
        raise InvalidInput(
            f"Trường '{field}' chứa ký tự điều khiển không được phép (mã {ord(found.group()):#04x}, vị trí "
            f"{found.start() + 1}); hãy xóa ký tự đó và gửi lại.", field=field, value=None)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"Trường '{field}' dài {len(value):,} ký tự, vượt giới hạn {MAX_TEXT:,} ký tự.",
                           field=field, value=None)


def check_texts(value: Any, field: str) -> None:
    """Every text inside a value (lists, mappings, dataclasses), each named by its path."""
    if isinstance(value, str):
        check_text(value, field)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_texts(item, f"{field}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_text(key, field)
            check_texts(item, f"{field}.{_camel(key) if isinstance(key, str) else key}")
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            check_texts(getattr(value, f.name), f"{field}.{_camel(f.name)}")


class TrackerAggregate(Aggregate):
    """Base aggregate: every event records its actor (`recorded_by`); every text it carries passes the
    text boundary."""

    class Event(Aggregate.Event):
        recorded_by: Actor

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:  # noqa: A002 - library's name
        for name, value in kwargs.items():
            check_texts(value, _camel(name))
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        for name, value in kwargs.items():
            check_texts(value, _camel(name))
        super().trigger_event(event_class, **kwargs)


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
