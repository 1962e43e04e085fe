"""What every answer carries: security headers, and `Secure` cookies when the browser came over HTTPS.

One `before_send` hook of the app, so it sees every answer — pages, API, errors, unknown addresses,
static files. The pages have no inline script or style (app.js and app.css only; the API docs page
starts the vendored Swagger UI from a file too), so the Content-Security-Policy allows scripts and
styles from the app's own origin alone (`data:` images: Swagger UI's icons).

Behind a reverse proxy that terminates TLS the app sees plain HTTP: `TRACKER_TRUST_PROXY=1` lets it
believe the proxy's `X-Forwarded-Proto` (and `X-Forwarded-For`, for the client's address). Without that
setting the headers are ignored, since any client could send them.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000"


def trust_proxy_from_env() -> bool:
    """`TRACKER_TRUST_PROXY=1`: the app runs behind a reverse proxy whose X-Forwarded-* headers it believes."""
    return os.environ.get("TRACKER_TRUST_PROXY", "").strip().lower() in ("1", "true", "yes")


def _forwarded(scope: Any, name: bytes) -> str | None:
    """The last value of an X-Forwarded-* header: the one our own proxy appended (a client may send the
    header too, and its values come first)."""
    values = [v for k, v in scope.get("headers", ()) if k.lower() == name]
    if not values:
        return None
    return values[-1].decode("latin-1").split(",")[-1].strip() or None


def is_secure(scope: Any, trust_proxy: bool) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy that says so)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    return trust_proxy and (_forwarded(scope, b"x-forwarded-proto") or "").lower() == "https"


def client_address(connection: ASGIConnection[Any, Any, Any, Any], trust_proxy: bool) -> str:
    """The client's address: the peer's, or behind a trusted proxy the one it forwarded."""
    if trust_proxy:
        forwarded = _forwarded(connection.scope, b"x-forwarded-for")
        if forwarded:
            return forwarded
    client = connection.client
    return client.host if client else "?"


def security_headers(trust_proxy: Callable[[Any], bool]) -> Callable[[Any, Any], Awaitable[None]]:
    """The app's `before_send` hook; `trust_proxy(scope)` tells whether X-Forwarded-Proto is believed."""

    async def before_send(message: Any, scope: Any) -> None:
        if message.get("type") != "http.response.start" or scope.get("type") != "http":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["content-security-policy"] = POLICY
        for name, value in ALWAYS.items():
            headers[name] = value
        if is_secure(scope, trust_proxy(scope)):
            headers["strict-transport-security"] = HSTS
            cookies = headers.getall("set-cookie", [])
            if cookies:
                del headers["set-cookie"]
                for cookie in cookies:
                    headers.add("set-cookie", cookie if "secure" in _attributes(cookie) else cookie + "; Secure")

    return before_send


def _attributes(cookie: str) -> set[str]:
    return {part.strip().split("=", 1)[0].lower() for part in cookie.split(";")[1:]}
