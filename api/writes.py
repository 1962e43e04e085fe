"""Every write goes through here: actor, If-Match, Idempotency-Key, then read-your-writes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Request

from api.deps import actor, expected_version
from api.users import User
from domain.actor import Actor
from services import Written

log = logging.getLogger("tracker.api")
R = TypeVar("R")


def run_write(request: Request[Any, Any, Any], data: Any, response_type: type[R],
              command: Callable[[Actor, int | None], Written], answer: Callable[[Written], R]) -> R:
    """Run a command once per Idempotency-Key, then bring the read models up to its position."""
    state = request.app.state
    user = request.user
    assert isinstance(user, User)
    version = expected_version(request)

    def execute() -> R:
        written = command(actor(request), version)
        try:
            state.tracker.projector.catch_up()
        except Exception:  # the write is safe in the log; the worker will retry the projection
            log.exception("read models did not catch up after a write")
        return answer(written)

    return state.idempotency.run(user.username, request.headers.get("idempotency-key"), request.method,
                                 request.url.path, data, response_type, execute)
