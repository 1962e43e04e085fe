"""What handlers share: the moment to read at, the actor, If-Match and pagination."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from litestar import Request

from api.users import User
from domain.actor import Actor
from domain.errors import InvalidInput
from projections.queries import AsOf, ReadModel

_VERSION = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')  # a version fits in 64 bits


def actor(request: Request[Any, Any, Any]) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return user.actor


def expected_version(request: Request[Any, Any, Any]) -> int | None:
    """The version named by If-Match, if any (a stale one makes the write answer 409)."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    match = _VERSION.match(raw)
    if not match:
        raise InvalidInput("If-Match phải là số phiên bản, ví dụ If-Match: 3.", field="If-Match", value=raw)
    return int(match.group(1))


def read_at(reads: ReadModel, as_of: str | None = None, as_of_position: int | None = None,
            as_of_date: date | None = None) -> AsOf:
    return reads.as_of(position=as_of_position, moment=as_of, today=as_of_date)


def page_args(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= 500:
        raise InvalidInput("limit phải từ 1 đến 500.", field="limit", value=limit)
    if not 0 <= offset <= 10**9:
        raise InvalidInput("offset phải từ 0 đến 1000000000.", field="offset", value=offset)
    return limit, offset
