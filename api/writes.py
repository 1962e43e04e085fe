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


class Freshness:
    """Commands do not run projections; reads wait (bounded) for the read models instead.

    A write answers its log position and nudges the projector, which follows the log in a thread of the
    server (`follow`) or, with `TRACKER_PROJECTIONS=worker`, in `tracker projections run` beside it. A
    read waits until the projector has processed the log up to the position it must see — the one the
    client names (`X-Tracker-Position`), else the log's head when the read began, so a client reads its
    own writes — or until WAIT_SECONDS pass, and then answers what there is (its position says how far).
    """

    WAIT_SECONDS = 5.0

    def __init__(self, tracker: Any, *, in_process: bool) -> None:
        self.tracker = tracker
        self.in_process = in_process
        self.reached = 0  # the log position every view has processed (a failed view: tried) up to
        self._changed = threading.Condition()
        self._nudge = threading.Event()

    def written(self, position: int) -> None:
        """A write is in the log: wake the projector."""
        self._nudge.set()

    def step(self) -> bool:
        """One catch-up to the log's head as it is now; publish how far it got."""
        self._nudge.clear()
        head = self.tracker.store.position()
        try:
            self.tracker.projector.catch_up(until=head)  # a failed view is recorded; the others go on
        except Exception:  # noqa: BLE001 - the loop must live; /health shows the lag
            log.exception("projections could not catch up; retrying")
            return False
        with self._changed:
            self.reached = max(self.reached, head)
            self._changed.notify_all()
        return True

    def follow(self, stop: threading.Event) -> None:
        """The projector's loop in the server: catch up, then wait for a nudge (a write, a read) or poll."""
        while not stop.is_set():
            if not self.step():
                stop.wait(1)
                continue
            self._nudge.wait(0.2)

    def wait_for(self, position: int) -> bool:
        """Wait until the read models have processed `position`; False when the wait ran out."""
        deadline = time.monotonic() + self.WAIT_SECONDS
        if self.in_process:
            self._nudge.set()
            with self._changed:
                while self.reached < position:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
            return True
        while self._worker_position() < position:  # the worker is another process: look, and wait a bit
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _worker_position(self) -> int:
        rows = self.tracker.db.query("SELECT MIN(position) AS p FROM rm_tracking WHERE error IS NULL AND view NOT LIKE '%~%'")
        return int(rows[0]["p"] or 0) if rows else 0


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
    request.app.state.freshness.written(written.position)
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
