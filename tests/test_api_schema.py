"""Property-based tests over the OpenAPI schema (schemathesis): no 5xx, every answer as documented.

The app runs on a SQLite file seeded with the demo, so reads find data (one backend is enough
here; the narratives cover PostgreSQL). Each role runs the operations it may use — the
administrator every read and the organisation writes, the inspector the inspection writes, Sở Nội
vụ the discipline, accountability, task and KPI writes, the auditor the audit log — in three steps:

- coverage: schemathesis' deterministic boundary cases for every parameter and body field
  (positive and negative), and its method/content-type probes;
- huge integers: each integer query parameter and body field set to 10**30 in turn (valid JSON the
  schema accepts, which no 64-bit column holds), run first, on the untouched demo;
- fuzzing: Hypothesis-generated cases, positive and negative, 25 per operation, derandomised so a
  run is reproducible.

Path parameters are drawn both from random UUIDs (404s) and from ids the demo holds, so writes
reach the domain rules. The checks are schemathesis' `not_a_server_error` and
`response_schema_conformance`, plus one of ours: a write the API accepted must be projectable
(`run_write` only logs a projection failure, so a poison event would otherwise go unseen).
Every failure of every operation is collected and reported together, with a curl to reproduce it.

schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) is not used: with the
locked pytest 9.2 it fails on `Function._nodeid`. The loop below uses the public `as_strategy` and
`call_and_validate`, and the coverage-phase generator the engine itself uses.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.app import create_app
from tracker.bootstrap import Tracker
from tracker.demo import seed_demo

SECRET = "schema-fuzzing-secret-key-0123456789abcdef"
PASSWORD = "mat-khau-du-dai-123"
ROLES = ("admin", "inspector", "home_affairs", "auditor")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
MAX_EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}  # 25 per operation
MAX_REPORTED_PER_OPERATION = 3

# The writes each role fuzzes (operationIds); reads are fuzzed as the administrator and the auditor.
WRITES = {
    "admin": {"createUnit", "createOfficial", "appointHead", "createUser", "createToken", "retireOfficial"},
    "inspector": {"openInspection", "recordFinding", "correctFinding", "retractFinding", "concludeInspection",
                  "implementRecommendation", "closeInspection", "referFinding"},
    "home_affairs": {"openCase", "deferCase", "resumeCase", "extendCase", "holdReviewMeeting", "conveneCouncil",
                     "decideCase", "exemptCase", "timeBarCase", "withdrawCase", "makeAccountabilityDecision",
                     "revokeAccountabilityDecision", "assignTask", "reportTaskProgress", "completeTask",
                     "reassignTask", "putKpiReport", "decideJointly", "requestHandling",
                     "recogniseInitiative"},
}


def username(role: str) -> str:
    return f"fuzz.{role.replace('_', '')}"


class Fuzzed:
    """The seeded app, its schema, a token per role and the demo's ids per path parameter."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.app = create_app(tracker, secret_key=SECRET)
        for role in ROLES:
            self.app.state.users.add(username(role), role, PASSWORD)
        self.schema = schemathesis.openapi.from_asgi("/schema/openapi.json", self.app)
        self.tokens = {role: self._login(username(role)) for role in ROLES}
        self.ids = self._known_ids()
        self.poisoned = False

    def _login(self, user: str) -> str:
        with asgi.get_client(self.app) as client:
            r = client.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, r.text
            return str(r.json()["accessToken"])

    def _known_ids(self) -> dict[str, list[str]]:
        def column(sql: str) -> list[str]:
            return sorted({str(next(iter(r.values()))) for r in self.tracker.db.query(sql)})[:8]

        return {
            "unit_id": column("SELECT unit_id FROM rm_units"),
            "official_id": column("SELECT official_id FROM rm_head_terms"),
            "inspection_id": column("SELECT inspection_id FROM rm_inspections"),
            "finding_id": column("SELECT finding_id FROM rm_findings"),
            "recommendation_id": column("SELECT recommendation_id FROM rm_recommendations"),
            "case_id": column("SELECT case_id FROM rm_cases"),
            "decision_id": column("SELECT decision_id FROM rm_decisions"),
            "task_id": column("SELECT task_id FROM rm_tasks"),
            "aggregate_id": column("SELECT aggregate_id FROM rm_log"),
            "period": ["2025", "2025-H1", "2026-H1", "2026"],
        }

    def known_path_parameters(self, operation: Any) -> list[dict[str, str]]:
        """Sets of path parameters naming things the demo holds (none if a parameter is unknown)."""
        names = [p.name for p in operation.path_parameters]
        if not names or not all(self.ids.get(n) for n in names):
            return []
        count = max(len(self.ids[n]) for n in names)
        return [{n: self.ids[n][i % len(self.ids[n])] for n in names} for i in range(count)]

    def projections_keep_up(self, ctx: Any, response: Any, case: Any) -> None:
        """A write the API accepted must be projectable: the read models reach the log's end again."""
        if self.poisoned or case.method.upper() in ("GET", "HEAD", "OPTIONS") \
                or not 200 <= response.status_code < 300:
            return
        try:
            self.tracker.projector.catch_up()
        except Exception as exc:
            self.poisoned = True  # reported once: every later write would fail the same way
            raise AssertionError(f"accepted write cannot be projected into the read models: {exc!r}") from exc
        store, projected = self.tracker.store.position(), self.tracker.projector.position()
        assert projected == store, f"read models stuck at position {projected}, log at {store}"


@pytest.fixture
def fuzzed(tmp_path: Path) -> Iterator[Fuzzed]:
    """A fresh seeded store per test, so one role's writes cannot spoil another role's run."""
    tracker = Tracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    seed_demo(tracker.services)
    tracker.projector.catch_up()
    try:
        yield Fuzzed(tracker)
    finally:
        asgi.shutdown_lifespans()  # stops the app's projection thread before the store closes
        tracker.close()


def describe(exc: BaseException) -> str:
    """Schemathesis' report (with a curl) for a check failure; the whole traceback for anything else."""
    if isinstance(exc, FailureGroup):
        return str(exc).strip()
    return "".join(traceback.format_exception(exc)).strip()


def coverage_cases(fuzzed: Fuzzed, operation: Any) -> Iterator[Any]:
    """Schemathesis' coverage phase: deterministic boundary cases, every other one on demo ids."""
    from schemathesis.generation.drivers import CoverageGenerator
    from schemathesis.generation.feedback import FeedbackSources
    from schemathesis.generation.overrides import Override

    generator = CoverageGenerator(
        operation=operation, generation_modes=list(MODES), auth_storage=None, override=Override(),
        generation_config=fuzzed.schema.config.generation_for(operation=operation, phase="coverage"),
        feedback=FeedbackSources())
    known = fuzzed.known_path_parameters(operation)
    for i, case in enumerate(generator):
        if known and i % 2 == 0:
            case.path_parameters = dict(known[(i // 2) % len(known)])
        yield case


HUGE = 10**30  # beyond any 64-bit column: what an unbounded JSON or query integer lets a client send


def _integer_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integer_paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _integer_paths(item, (*path, i))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(_is_integer(s) for s in schema.get("oneOf", []))


def huge_integer_cases(fuzzed: Fuzzed, operation: Any, valid: Any | None) -> Iterator[Any]:
    """Each integer query parameter and body field, in turn, set to an integer no database column holds.

    Neither phase above reliably sends one (the schema sets no maximum, the coverage phase probes
    only the documented bounds), yet a huge integer is valid JSON the schema accepts.
    """
    known = fuzzed.known_path_parameters(operation) or [valid.path_parameters if valid is not None else {}]
    body = valid.body if valid is not None and isinstance(valid.body, (dict, list)) else None
    with_body = {"body": body, "media_type": "application/json"} if body is not None else {}
    for path_parameters in known:  # several demo ids: some state lets the write through
        for parameter in operation.query:
            if _is_integer(parameter.definition.get("schema", {})):
                yield operation.Case(path_parameters=path_parameters, query={parameter.name: HUGE}, **with_body)
        if body is not None:
            for path in _integer_paths(body):
                yield operation.Case(path_parameters=path_parameters, body=_replaced(body, path, HUGE),
                                     media_type="application/json")


def fuzz(fuzzed: Fuzzed, role: str, wanted: Callable[[Any], bool]) -> None:
    headers = {"Authorization": f"Bearer {fuzzed.tokens[role]}"}
    checks = [not_a_server_error, response_schema_conformance, fuzzed.projections_keep_up]
    failures: list[str] = []
    ran = 0

    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    for result in fuzzed.schema.get_all_operations():
        operation = result.ok()
        if not wanted(operation):
            continue
        ran += 1
        found: list[str] = []

        # 1. Huge integers, built on the coverage phase's first valid case, on the untouched demo;
        #    then the coverage phase itself: every boundary case, keeping a few distinct failures.
        cases = list(coverage_cases(fuzzed, operation))
        valid = next((c for c in cases if c.meta is not None and c.meta.generation.mode is GenerationMode.POSITIVE
                      and isinstance(c.body, dict)), None)
        for case in [*huge_integer_cases(fuzzed, operation, valid), *cases]:
            try:
                call(case)
            except (Exception, BaseExceptionGroup) as exc:
                message = describe(exc)
                if message not in found and len(found) < MAX_REPORTED_PER_OPERATION:
                    found.append(message)

        # 2. Fuzzing phase: Hypothesis, per generation mode, on random and on demo ids.
        for mode in MODES:
            strategies = [operation.as_strategy(mode)]
            if mode is GenerationMode.POSITIVE:
                strategies += [operation.as_strategy(mode, path_parameters=p)
                               for p in fuzzed.known_path_parameters(operation)]

            @settings(max_examples=MAX_EXAMPLES[mode], derandomize=True, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                      phases=[Phase.explicit, Phase.generate, Phase.shrink])
            @given(case=st.one_of(*strategies))
            def run(case: Any) -> None:
                call(case)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                found.append(describe(exc))
        failures += [f"--- {role}: {operation.label}\n{message}" for message in found]
    assert ran, f"no operation selected for {role}"
    assert not failures, f"{len(failures)} failure(s) as {role}:\n\n" + "\n\n".join(failures)


def operation_id(operation: Any) -> str | None:
    return operation.definition.raw.get("operationId")


def test_admin_reads_and_organisation_writes(fuzzed: Fuzzed) -> None:
    fuzz(fuzzed, "admin", lambda op: op.method.upper() == "GET" or operation_id(op) in WRITES["admin"])


def test_inspector_writes(fuzzed: Fuzzed) -> None:
    fuzz(fuzzed, "inspector", lambda op: operation_id(op) in WRITES["inspector"])


def test_home_affairs_writes(fuzzed: Fuzzed) -> None:
    fuzz(fuzzed, "home_affairs", lambda op: operation_id(op) in WRITES["home_affairs"])


def test_auditor_reads_the_log(fuzzed: Fuzzed) -> None:
    fuzz(fuzzed, "auditor", lambda op: op.method.upper() == "GET" and "/audit/" in op.path)


@pytest.mark.parametrize(("method", "path", "query", "body"), [
    ("GET", "/api/v1/units", {"limit": 0}, None),                      # a domain rule on a query parameter
    ("POST", "/api/v1/units", None, {"code": "X-1", "kind": "commune"}),  # a body the schema rejects
    ("GET", "/api/v1/reports/conclusion-226", {"period": "2026-H1", "window": "quarter"}, None),  # a bad window
])
def test_error_answers_are_as_documented(fuzzed: Fuzzed, method: str, path: str, query: Any, body: Any) -> None:
    """The schema documents a 400 for every operation; the problem details answered must match it.

    (`response_schema_conformance` alone passes them: it skips a body whose media type the schema
    does not list, so the media type is checked first.)
    """
    headers = {"Authorization": f"Bearer {fuzzed.tokens['admin']}"}
    operation = fuzzed.schema[path][method]
    case = operation.Case(query=query, **({"body": body, "media_type": "application/json"} if body else {}))
    response = case.call(headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"][0].startswith("application/problem+json")
    case.validate_response(response, checks=[content_type_conformance, response_schema_conformance],
                           headers=headers)


def test_schema_names_every_operation(fuzzed: Fuzzed) -> None:
    raw = fuzzed.schema.raw_schema
    ids = [op.get("operationId") for path in raw["paths"].values() for op in path.values()]
    assert all(ids) and len(ids) == len(set(ids)), json.dumps(ids)
    assert set().union(*WRITES.values()) <= set(ids)
