"""Login throttling: wrong passwords buy waits that double, per account and per client address.

Kept in the database beside the users, so every API process sees the same counts. A failure past the
free ones makes the next attempt wait (1 s, 2 s, 4 s … up to a ceiling); a correct password clears the
account's count. The account's ceiling is short (a minute) on purpose: anyone may type wrong passwords
for someone else's name, and that must not keep the real user out for long — the address's ceiling,
which an attacker earns for themselves, is long. Counts are forgotten after a quiet period.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from projections.db import ReadDB

log = logging.getLogger("tracker.login")

DDL = ("CREATE TABLE IF NOT EXISTS tracker_login_failures (subject TEXT PRIMARY KEY, "
       "failures INTEGER NOT NULL, last_failure DOUBLE PRECISION NOT NULL, "
       "blocked_until DOUBLE PRECISION NOT NULL)")


@dataclass(frozen=True)
class Rule:
    """How many failures are free, the first wait after them (doubling with each further failure), the
    longest wait, and how long a quiet subject keeps its count."""

    free: int
    first: float
    longest: float
    forget: float

    def wait_after(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        return min(self.longest, self.first * 2.0 ** min(failures - self.free - 1, 30))


ACCOUNT = Rule(free=5, first=1.0, longest=60.0, forget=15 * 60.0)
ADDRESS = Rule(free=20, first=1.0, longest=15 * 60.0, forget=60 * 60.0)
STALE = 24 * 3600.0  # rows untouched for a day are dropped


@dataclass(frozen=True)
class Throttled:
    """Attempts are refused for `seconds` more (the Retry-After of the answer)."""

    seconds: int


class LoginThrottle:
    def __init__(self, db: ReadDB, *, account: Rule = ACCOUNT, address: Rule = ADDRESS,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.rules = {"account": account, "address": address}
        self.clock = clock
        with db.transaction() as cur:
            cur.execute(DDL)

    @staticmethod
    def subjects(username: str, address: str) -> dict[str, str]:
        return {"account": "account:" + (username or "").strip().lower()[:200],
                "address": "address:" + (address or "?")[:100]}

    def check(self, username: str, address: str) -> Throttled | None:
        """None if an attempt may be made now, else how long to wait."""
        subjects = self.subjects(username, address)
        rows = self.db.query("SELECT subject, blocked_until FROM tracker_login_failures WHERE subject IN (?, ?)",
                             (subjects["account"], subjects["address"]))
        wait = max((float(r["blocked_until"]) for r in rows), default=0.0) - self.clock()
        if wait <= 0:
            return None
        log.warning("login refused (throttled for %.0f s more): account %r from %s", wait, username, address)
        return Throttled(max(1, math.ceil(wait)))

    def failed(self, username: str, address: str) -> None:
        """Count a wrong password against the account and the address."""
        now = self.clock()
        subjects = self.subjects(username, address)
        with self.db.transaction() as cur:
            for kind, subject in subjects.items():
                rule = self.rules[kind]
                cur.execute(
                    "INSERT INTO tracker_login_failures (subject, failures, last_failure, blocked_until) "
                    "VALUES (?, 1, ?, 0) ON CONFLICT (subject) DO UPDATE SET "
                    "failures = CASE WHEN excluded.last_failure - tracker_login_failures.last_failure > ? THEN 1 "
                    "ELSE tracker_login_failures.failures + 1 END, last_failure = excluded.last_failure "
                    "RETURNING failures", (subject, now, rule.forget))
                failures = int(cur.fetchone()["failures"])
                wait = rule.wait_after(failures)
                if wait:
                    cur.execute("UPDATE tracker_login_failures SET blocked_until = ? WHERE subject = ?",
                                (now + wait, subject))
                    log.warning("login throttled: %s waits %.0f s after %d wrong passwords", subject, wait, failures)
            cur.execute("DELETE FROM tracker_login_failures WHERE last_failure < ?", (now - STALE,))

    def succeeded(self, username: str) -> None:
        """The account's own password was given: its count starts again (the address keeps its count)."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM tracker_login_failures WHERE subject = ?",
                        (self.subjects(username, "")["account"],))

