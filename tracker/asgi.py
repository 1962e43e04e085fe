"""ASGI entry point for servers that import the app (uvicorn --factory tracker.asgi:create): wiring only."""

from __future__ import annotations

import os

from litestar import Litestar

from api.app import create_app
from tracker.bootstrap import Tracker
from tracker.crash import enable_crash_traces
from tracker.demo import DEMO_PASSWORD, DEMO_USERS


def create() -> Litestar:
    """Build the app from the environment: TRACKER_DATABASE_URL, TRACKER_SECRET_KEY."""
    enable_crash_traces()  # in every worker process
    demo = os.environ.get("TRACKER_DEMO", "").lower() in ("1", "true", "yes")
    accounts = [(username, DEMO_PASSWORD, name, role) for username, role, name in DEMO_USERS] if demo else []
    return create_app(Tracker(os.environ.get("TRACKER_DATABASE_URL")), demo_accounts=accounts)
