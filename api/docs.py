"""The API's documentation page at /schema: Swagger UI served by the app itself, never from a CDN.

Swagger UI 5 (it reads OpenAPI 3.1, which litestar writes) is vendored under api/static/vendor/swagger-ui/
with its licence (see the README there). The page has no inline script: it loads the bundle and
/static/api-docs.js, which starts Swagger UI on the schema at /schema/openapi.json, so the
Content-Security-Policy needs no exception for scripts.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

ASSETS = "/static/vendor/swagger-ui"


class LocalSwaggerUI(OpenAPIRenderPlugin):
    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"], favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema.get("info", {}).get("title", "API")))
        schema = escape(self.get_openapi_json_route(request))
        return (
            '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f'<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">\n'
            f'<script src="{ASSETS}/swagger-ui-bundle.js" defer></script>\n'
            '<script src="/static/api-docs.js" defer></script>\n'
            f'</head>\n<body>\n<div id="swagger-ui" data-schema-url="{schema}"></div>\n</body>\n</html>\n'
        ).encode()
