"""Fixtures: every storage-touching test runs on SQLite and on PostgreSQL.

PostgreSQL comes from `TEST_DATABASE_URL`, else from testcontainers when Docker answers. Each test
session creates its own database and drops it afterwards; each test gets its own schema in it (or
its own SQLite file). With `CI=true` the PostgreSQL tests must run: a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from domain.actor import Actor
from services import Services, Store, open_store

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

ADMIN = Actor("admin", "admin")
INSPECTOR = Actor("thanhtra.lan", "inspector")
HOME_AFFAIRS = Actor("noivu.minh", "home_affairs")


def _with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def _server_url() -> tuple[str | None, object | None, str]:
    """A PostgreSQL server URL, the container that serves it (if any), or why there is none."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url, None, ""
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError as e:
        return None, None, f"testcontainers unavailable: {e}"
    try:
        container = PostgresContainer("postgres:16-alpine", driver=None)
        container.start()
    except Exception as e:  # DockerException without a Docker engine
        return None, None, f"no TEST_DATABASE_URL and no Docker: {type(e).__name__}"
    return container.get_connection_url(), container, ""


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    url, container, why = _server_url()
    if url is None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {why}")
        pytest.skip(f"PostgreSQL not available ({why})")
    dbname = f"tracker_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.OperationalError as e:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and did not answer: {e}")
        pytest.skip(f"PostgreSQL not reachable: {e}")
    yield _with_dbname(url, dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    if container is not None:
        container.stop()  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL naming an empty store: a new SQLite file, or a new schema in the session database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    base = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}schema={schema}"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An empty event store on the parametrised backend."""
    s = open_store(database_url)
    yield s
    s.close()


@pytest.fixture
def services(store: Store) -> Services:
    return Services(store)
