"""ASGI entry point for servers that import the app (uvicorn --factory api.asgi:create)."""

from __future__ import annotations

import os

from litestar import Litestar

from api.app import create_app
from tracker.bootstrap import Tracker
from tracker.crash import enable_crash_traces


def create() -> Litestar:
    """Build the app from the environment: TRACKER_DATABASE_URL, TRACKER_SECRET_KEY."""
    enable_crash_traces()  # in every worker process
    return create_app(Tracker(os.environ.get("TRACKER_DATABASE_URL")))
