"""RFC 9457 problem details for every error, in one place: nothing answers a bare 500."""

from __future__ import annotations

import logging
import re
from typing import Any

from eventsourcing.persistence import OperationalError, PersistenceError
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain.errors import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotFound,
    RuleViolated,
    TrackerError,
)

log = logging.getLogger("tracker.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://so-trach-nhiem.invalid/problems/"

STATUS_OF: list[tuple[type[TrackerError], int, str]] = [
    (NotFound, 404, "Không tìm thấy"),
    (InvalidInput, 400, "Dữ liệu không hợp lệ"),
    (RuleViolated, 422, "Vi phạm quy định"),
    (IllegalTransition, 409, "Thao tác không hợp lệ ở trạng thái hiện tại"),
    (Conflict, 409, "Xung đột dữ liệu"),
]
TITLES = {400: "Yêu cầu không hợp lệ", 401: "Chưa đăng nhập hoặc phiên đã hết hạn", 403: "Không có quyền",
          404: "Không tìm thấy", 405: "Phương thức không được hỗ trợ", 409: "Xung đột dữ liệu",
          413: "Yêu cầu quá lớn", 415: "Kiểu nội dung không được hỗ trợ", 422: "Vi phạm quy định",
          429: "Quá nhiều yêu cầu", 500: "Lỗi hệ thống", 503: "Dịch vụ tạm thời không sẵn sàng"}


class FormRefused(PermissionDeniedException):
    """A web form whose CSRF token does not belong to the session sending it (its detail says what to do)."""


def problem(request: Request[Any, Any, Any], status: int, detail: str, *, rule: str | None = None,
            field: str | None = None, value: Any = None, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (rule or str(status)),
        "title": TITLES.get(status, "Lỗi"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if rule:
        body["rule"] = rule
    if field:
        body["field"] = field
    if value is not None and isinstance(value, (str, int, float, bool)):
        body["value"] = value
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(exc: TrackerError) -> int:
    """The HTTP status of a domain error, the same for the JSON API and the web forms."""
    return next((status for cls, status, _ in STATUS_OF if isinstance(exc, cls)), 400)


def tracker_error(request: Request[Any, Any, Any], exc: TrackerError) -> Response[dict[str, Any]]:
    return problem(request, status_of(exc), exc.message, rule=exc.rule, field=_camel(exc.field), value=exc.value)


_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_MISSING_PARAM = re.compile(r"Missing required (?:\w+ )?parameter '([^']+)'")


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key, message = item.get("key"), str(item.get("message") or "")
            missing = _MISSING_FIELD.search(message)
            if missing:  # msgspec names the missing field in the message, litestar keys it "data"
                key = missing.group(1) if key in (None, "", "data") else f"{key}.{missing.group(1)}"
            errors.append({"field": key, "message": message, "source": str(item.get("source") or "")})
    if not errors:
        missing = _MISSING_PARAM.search(str(exc.detail))
        if missing:
            errors.append({"field": missing.group(1), "message": str(exc.detail), "source": "query"})
    field = errors[0]["field"] if errors else None
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(request, 400, f"Dữ liệu không hợp lệ — {detail}", rule="invalid_input",
                   field=field, errors=errors)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    detail = {401: "Cần đăng nhập (Authorization: Bearer <token>) hoặc token đã hết hạn.",
              403: "Vai trò của bạn không được phép thực hiện thao tác này.",
              404: "Không có đường dẫn này.", 405: "Đường dẫn không hỗ trợ phương thức này.",
              413: "Nội dung yêu cầu quá lớn.", 415: "Kiểu nội dung không được hỗ trợ; hãy gửi JSON."}.get(
        status, str(exc.detail))
    if status == 400 and "JSON is malformed" in str(exc.detail):
        detail = f"Nội dung không phải JSON hợp lệ ({exc.detail})."
    if isinstance(exc, NotAuthorizedException):
        return problem(request, 401, detail, rule="not_authenticated",
                       headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, FormRefused):
        return problem(request, 403, str(exc.detail), rule="form_refused")
    if isinstance(exc, PermissionDeniedException):
        return problem(request, 403, detail, rule="forbidden")
    if status == 429:
        return problem(request, 429, detail, rule="too_many_attempts", headers=exc.headers or None)
    return problem(request, status, detail, headers=exc.headers or None)


def storage_error(request: Request[Any, Any, Any], exc: PersistenceError) -> Response[dict[str, Any]]:
    log.exception("storage error on %s", request.url.path)
    if isinstance(exc, OperationalError):
        return problem(request, 503, "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại.",
                       rule="storage_unavailable", headers={"Retry-After": "2"})
    return problem(request, 500, "Lỗi lưu trữ; yêu cầu không được ghi nhận.", rule="storage_error")


def too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[dict[str, Any]]:
    """A body nested deeper than the decoder goes (e.g. 10,000 brackets) is bad input, not a fault."""
    return problem(request, 400, "Dữ liệu JSON lồng nhau quá sâu; không có yêu cầu hợp lệ nào như vậy.",
                   rule="invalid_input")


def too_large(request: Request[Any, Any, Any], exc: OverflowError) -> Response[dict[str, Any]]:
    """A number no column holds (a 30-digit position in a path or query) is bad input, not a fault."""
    return problem(request, 400, "Số quá lớn: không có bản ghi nào ở vị trí này.", rule="invalid_input")


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error on %s", request.url.path)
    return problem(request, HTTP_500_INTERNAL_SERVER_ERROR,
                   "Lỗi hệ thống không mong đợi; yêu cầu không được ghi nhận. Đã ghi nhật ký lỗi.",
                   rule="internal_error")


def _camel(field: str | None) -> str | None:
    if not field or "_" not in field:
        return field
    head, *rest = field.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    TrackerError: tracker_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    PersistenceError: storage_error,
    RecursionError: too_deep,
    OverflowError: too_large,
    Exception: unexpected_error,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM", "MediaType", "problem"]
