"""The litestar application: controllers, auth, problem details, OpenAPI, in-process projections."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol


import anyio
from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from api.controllers.accountability import AccountabilityController, KpiController, TaskController
from api.controllers.auth import AuthController
from api.controllers.discipline import DisciplineController
from api.controllers.inspections import InspectionController
from api.controllers.organisation import OfficialController, UnitController
from api.controllers.reports import ReportController
from api.controllers.scorecards import (
    AuditController,
    DeadlineController,
    HealthController,
    ScorecardController,
)
from api.controllers.verification import VerificationController
from api.idempotency import IdempotencyStore
from api.web import TEMPLATES, WEB_HANDLERS, for_pages_too, register_filters
from api.problems import EXCEPTION_HANDLERS
from api.security import jwt_auth, signing_key
from api.users import Users
from api.writes import Freshness
from projections.db import ReadDB
from projections.queries import Lists, ReadModel
from projections.runner import Projector
from services import Services

log = logging.getLogger("tracker.api")


class Tracker(Protocol):
    """What the app is built around: the composition root's `tracker.bootstrap.Tracker` (the API does not
    import the entry points; it names what it uses)."""

    store: Any
    db: ReadDB
    projector: Projector
    services: Services


def create_app(tracker: Tracker, *, secret_key: str | None = None, token_minutes: int | None = None,
               run_projections: bool | None = None,
               demo_accounts: Sequence[tuple[str, str, str, str]] = ()) -> Litestar:
    """Build the app around one Tracker; on SQLite the projections follow the log inside it."""
    secret = signing_key(secret_key or os.environ.get("TRACKER_SECRET_KEY") or secrets.token_urlsafe(32))
    minutes = token_minutes or int(os.environ.get("TRACKER_TOKEN_MINUTES", "480"))
    auth = jwt_auth(secret, timedelta(minutes=minutes))
    if run_projections is None:  # the projector follows the log in the server unless a worker does
        run_projections = os.environ.get("TRACKER_PROJECTIONS", "server").lower() != "worker"
    stop = threading.Event()
    freshness = Freshness(tracker, in_process=run_projections)

    followers: list[threading.Thread] = []

    def start_projections() -> None:
        if run_projections:
            freshness.step()  # the read models are current when the server starts answering
            thread = threading.Thread(target=freshness.follow, args=(stop,), name="projections", daemon=True)
            thread.start()
            followers.append(thread)

    async def fresh_reads(request: Request[Any, Any, Any]) -> None:
        """A read sees the log as it was when the read began (or the position the client names)."""
        if request.method not in ("GET", "HEAD") or request.url.path.startswith(("/health", "/schema", "/static")):
            return
        named = request.headers.get("x-tracker-position", "")
        target = int(named) if named.isdigit() and len(named) <= 18 else None
        await anyio.to_thread.run_sync(_wait, freshness, tracker, target)

    def stop_projections() -> None:
        stop.set()
        freshness.written(0)  # wake it
        for thread in followers:  # its connections close with the store: let it finish its batch first
            thread.join(timeout=60)

    state = State({
        "tracker": tracker,
        "reads": ReadModel(tracker.db, tracker.projector),
        "lists": Lists(tracker.db),
        "users": Users(tracker.db),
        "idempotency": IdempotencyStore(tracker.db),
        "jwt_auth": auth,
        # (username, password, full name, role) shown on the sign-in page in demo mode (`tracker serve --demo`)
        "demo_accounts": list(demo_accounts),
        "freshness": freshness,
    })
    app = Litestar(
        route_handlers=[HealthController, AuthController, UnitController, OfficialController,
                        InspectionController, DisciplineController, AccountabilityController, TaskController,
                        KpiController, ScorecardController, DeadlineController, ReportController, AuditController,
                        VerificationController, *WEB_HANDLERS],
        state=state,
        on_app_init=[auth.on_app_init],
        on_startup=[start_projections],
        on_shutdown=[stop_projections],
        before_request=fresh_reads,
        exception_handlers={cls: for_pages_too(handler) for cls, handler in EXCEPTION_HANDLERS.items()},
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine,
                                       engine_callback=register_filters),
        csrf_config=CSRFConfig(secret=hashlib.sha256(("csrf:" + secret).encode()).hexdigest(),
                               exclude=["^/api/", "^/health", "^/schema", "^/static/"], cookie_samesite="lax",
                               cookie_httponly=True),
        openapi_config=OpenAPIConfig(
            title="Sổ Trách Nhiệm API", version="1.0.0", path="/schema",
            description="Thanh tra, kỷ luật và trách nhiệm người đứng đầu — API JSON (camelCase, RFC 9457).",
            components=Components(security_schemes={"BearerToken": SecurityScheme(
                type="http", scheme="bearer", bearer_format="JWT")}),
        ),
        debug=False,
    )
    _document_problems(app)
    return app


def _document_problems(app: Litestar) -> None:
    """Every error answer is an RFC 9457 problem (application/problem+json): say so in the schema."""
    from litestar.openapi.spec import OpenAPIMediaType as MediaType, OpenAPIResponse, Reference, Schema
    from litestar.openapi.spec.enums import OpenAPIType
    schema = app.openapi_schema
    assert schema.components is not None
    schema.components.schemas = dict(schema.components.schemas or {})
    schema.components.schemas["Problem"] = Schema(
        type=OpenAPIType.OBJECT, required=["type", "title", "status", "detail"],
        properties={"type": Schema(type=OpenAPIType.STRING), "title": Schema(type=OpenAPIType.STRING),
                    "status": Schema(type=OpenAPIType.INTEGER), "detail": Schema(type=OpenAPIType.STRING),
                    "instance": Schema(type=OpenAPIType.STRING), "rule": Schema(type=OpenAPIType.STRING),
                    "field": Schema(type=OpenAPIType.STRING),
                    "errors": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT))})
    content = {"application/problem+json": MediaType(schema=Reference(ref="#/components/schemas/Problem"))}
    for item in (schema.paths or {}).values():
        for op in (item.get, item.put, item.post, item.delete, item.patch):
            if op is None or op.responses is None:
                continue
            for code in ("400", "401", "403", "404", "409", "422", "500", "503"):
                op.responses[code] = OpenAPIResponse(description="Problem details (RFC 9457)", content=content)


def _wait(freshness: Freshness, tracker: Tracker, target: int | None) -> None:
    if not freshness.wait_for(tracker.store.position() if target is None else target):
        log.warning("a read answered before the read models reached its position")
