"""Every write goes through here: actor, If-Match, Idempotency-Key, then read-your-writes."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from litestar import Request

from api.deps import actor, expected_version
from api.users import User
from domain.actor import Actor
from domain.errors import Conflict
from services import Written, idempotency
from services.idempotency import CommandKey

log = logging.getLogger("tracker.api")
R = TypeVar("R")


class ReadYourWrites:
    """Brings the read models up to a write's log position before its answer goes out.

    Concurrent writes of a process share the work: one thread catches up at a time, and a write whose
    position the last catch-up already covered answers at once. Under load one catch-up serves many
    writes (the projections then write in batches), instead of every request running its own.
    """

    def __init__(self, projector: Any) -> None:
        self.projector = projector
        self.reached = 0
        self._gate = threading.Lock()

    def upto(self, position: int) -> None:
        if 0 < position <= self.reached:
            return
        with self._gate:
            if 0 < position <= self.reached:
                return
            target = self.projector.source.position()
            self.projector.catch_up(until=target)
            self.reached = max(self.reached, target)


def caught_up(state: Any, written: Written) -> None:
    """Read-your-writes for one write; a failure leaves the write safe in the log (the worker retries)."""
    try:
        state.read_your_writes.upto(written.position)
    except Exception:
        log.exception("read models did not catch up after a write")


RACE_ATTEMPTS = 10
_STRIPES = [threading.Lock() for _ in range(64)]


def one_writer_per_aggregate(request: Request[Any, Any, Any]) -> threading.Lock | None:
    """The lock this process holds while writing to the aggregate the path names (its first id):
    concurrent commands on one inspection or case take turns here instead of racing to a conflict;
    writers in other processes still race, and `without_races` runs the loser again."""
    for value in request.path_params.values():
        if isinstance(value, UUID):
            return _STRIPES[hash(value) % len(_STRIPES)]
    return None


def without_races(run: Callable[[], Written], expected_version: int | None) -> Written:
    """A command that names no version (no If-Match) and loses a race to another writer of the same
    aggregate runs again on the new state: two inspectors recording findings on one inspection at once
    both succeed. With a version named, the race is the caller's to see (409)."""
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            return run()
        except Conflict as e:
            if expected_version is not None or e.rule != "concurrent_update" or attempt == RACE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.002 * attempt))  # step out of the other writers' way
    raise AssertionError("unreachable")


class _Recorded(Exception):
    """The command's key already recorded it: answer from that record."""

    def __init__(self, written: Written) -> None:
        self.written = written


def execute(request: Request[Any, Any, Any], username: str, key: CommandKey | None, version: int | None,
            command: Callable[[], Written]) -> Written:
    """The one command path (JSON API and web forms): exactly once per key, one writer per aggregate in
    this process, a lost race re-run (without If-Match), then read-your-writes."""
    keys = request.app.state.idempotency

    def attempt() -> Written:
        if key is not None:
            recorded = keys.recorded(key)
            if recorded is not None:
                raise _Recorded(recorded)
        with idempotency.keyed(key):
            return command()

    try:
        with one_writer_per_aggregate(request) or nullcontext():
            written = without_races(attempt, version)
    except _Recorded as first:
        written = first.written
    except Conflict:
        recorded = keys.recorded(key) if key is not None else None  # a twin request got there first
        if recorded is None:
            raise
        written = recorded
    caught_up(request.app.state, written)
    return written


def run_write(request: Request[Any, Any, Any], data: Any, response_type: type[R],
              command: Callable[[Actor, int | None], Written], answer: Callable[[Written], R]) -> R:
    """Run an API command exactly once per Idempotency-Key and answer it.

    The key is stored with the command's events in one transaction (services/idempotency.py): a retry
    finds it and gets the first answer; a retry after a crash that lost the command runs it afresh."""
    user = request.user
    assert isinstance(user, User)
    version = expected_version(request)
    key = request.app.state.idempotency.key_for(user.username, request.headers.get("idempotency-key"),
                                                request.method, request.url.path, data)
    written = execute(request, user.username, key, version, lambda: command(actor(request), version))
    result = answer(written)
    if getattr(result, "position", 0) is None and written.position:
        result = msgspec.structs.replace(result, position=written.position)  # type: ignore[type-var]
    return result
