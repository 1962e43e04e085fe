"""The web UI: server-rendered Vietnamese pages in the same litestar app as the API."""

from __future__ import annotations

from pathlib import Path

from litestar.static_files import create_static_files_router

from api.web.audit import EventPages, LogPages, VerifyPages
from api.web.common import SESSION_COOKIE, for_pages_too, register_filters
from api.web.csrf import SessionCSRF
from api.web.discipline import CasePages
from api.web.heads import ChartPages, DecisionPages, RankingPages
from api.web.plans import KpiPages, TaskPages
from api.web.reports import ReportPages
from api.web.inspections import InspectionPages, OfficialSearch
from api.web.officials import OfficialPages
from api.web.session import SessionPages

TEMPLATES = Path(__file__).parent.parent / "templates"
STATIC = Path(__file__).parent.parent / "static"

WEB_HANDLERS = [SessionPages, LogPages, EventPages, VerifyPages, CasePages, RankingPages, ChartPages, DecisionPages,
                ReportPages, TaskPages, KpiPages,
                InspectionPages, OfficialSearch, OfficialPages,
                create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False,
                                           opt={"exclude_from_auth": True})]

__all__ = ["SESSION_COOKIE", "STATIC", "TEMPLATES", "WEB_HANDLERS", "SessionCSRF", "for_pages_too",
           "register_filters"]
