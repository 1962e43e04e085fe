"""Shared helpers for the HTTP API tests (tests/test_api_*.py).

The small public surface, all importable with `from tests.api_support import ...`:

- `SECRET`, `PASSWORD`: the signing key the test app uses and every test user's password.
- `USERS`: role → username of the test user created for it (one per role); `ROLES`: its keys.
- `api_client(database_url, *, seed=True)`: context manager yielding a started
  `litestar.testing.TestClient` around `create_app(Tracker(database_url), secret_key=SECRET)`,
  with the demo data seeded and the `USERS` added; the Tracker is closed on exit.
- `client` (pytest fixture): `api_client(database_url)`, a fresh app per test, on both backends
  (it uses conftest's `database_url`).
- `demo_client` (pytest fixture, module scope): one seeded app per backend shared by the tests of a
  module — for tests that only read or whose writes are all refused (much faster than `client`).
- `login(client, username, password=PASSWORD)`: `{"Authorization": "Bearer …"}` for that user.
- `headers_for(client, role)`: the same for the test user of a role (tokens are cached per client).
- `position(client)`: the event log position from `/health` (to prove a refused write stored nothing).
- `assert_problem(response, status, *, rule=None, field=None)`: checks an RFC 9457 answer and
  returns its body.
- `items(client, path, role="admin", **params)`: the `items` of a paginated GET (asserting 200).

Fixtures are used by importing them into the test module (`from tests.api_support import client`);
the test functions then name them as parameters. Run with `python -m pytest` from the repository root
(so that `tests` is importable).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient

import api.users
from api.app import create_app
from tracker.bootstrap import Tracker
from tracker.demo import seed_demo

SECRET = "test-secret-key-for-the-api-tests-0123456789"
PASSWORD = "mat-khau-thu-nghiem"
PROBLEM = "application/problem+json"

USERS: dict[str, str] = {
    "inspector": "api.thanhtra",
    "home_affairs": "api.noivu",
    "auditor": "api.kiemtoan",
    "admin": "api.quantri",
}
ROLES: tuple[str, ...] = tuple(USERS)

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@contextmanager
def api_client(database_url: str, *, seed: bool = True, token_minutes: int | None = None,
               run_projections: bool = True) -> Iterator[TestClient[Any]]:
    """A started TestClient on a fresh app (demo data seeded, one user per role added).

    The projector follows the log in a thread of the app, as in `tracker serve`; reads wait for it to
    reach the log's head (api.writes.Freshness). `run_projections=False` leaves it to a worker.
    Passwords are hashed with cheap argon2 parameters meanwhile (the production ones cost ~0.25 s a hash).
    """
    hasher, api.users._hasher = api.users._hasher, FAST_HASHER
    tracker = Tracker(database_url)
    try:
        if seed:
            seed_demo(tracker.services)
        app = create_app(tracker, secret_key=SECRET, token_minutes=token_minutes,
                         run_projections=run_projections)
        for role, username in USERS.items():
            app.state.users.add(username, role, PASSWORD)
        with TestClient(app=app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        tracker.close()
        api.users._hasher = hasher


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient[Any]]:
    """A TestClient on a freshly seeded app, on SQLite and on PostgreSQL."""
    with api_client(database_url) as test_client:
        yield test_client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_client(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    """One seeded app per backend for a whole module: only for tests that leave the data as it is."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'tracker.db'}"
    else:  # a new schema in conftest's session database, as its `database_url` makes one
        base = request.getfixturevalue("postgres_database")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
    with api_client(url) as test_client:
        yield test_client


def login(client: TestClient[Any], username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for a user, from POST /api/v1/auth/token."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def headers_for(client: TestClient[Any], role: str) -> dict[str, str]:
    """Authorization headers for the test user of `role` (one login per client and role)."""
    cache: dict[str, dict[str, str]] = client.__dict__.setdefault("_api_tokens", {})
    if role not in cache:
        cache[role] = login(client, USERS[role])
    return dict(cache[role])


def position(client: TestClient[Any]) -> int:
    """The position of the last event in the log (GET /health)."""
    response = client.get("/health")
    assert response.status_code == 200, response.text
    return int(response.json()["position"])


def assert_problem(response: Any, status: int, *, rule: str | None = None,
                   field: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem answer with this status (and rule/field if given); return its body."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith(PROBLEM), response.headers["content-type"]
    body = response.json()
    for name in ("type", "title", "status", "detail"):
        assert name in body, f"problem without {name!r}: {body}"
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    if rule is not None:
        assert body.get("rule") == rule, body
        assert body["type"].endswith("/" + rule), body
    if field is not None:
        assert body.get("field") == field, body
    return body


def items(client: TestClient[Any], path: str, role: str = "admin", **params: Any) -> list[dict[str, Any]]:
    """The items of a paginated list answer (the request must succeed)."""
    response = client.get(path, params=params, headers=headers_for(client, role))
    assert response.status_code == 200, response.text
    body = response.json()
    return body["items"] if isinstance(body, dict) else body
