"""Errors of the query API as RFC 9457 problem documents, shaped like Camunda's v2 REST API."""

from __future__ import annotations

from starlette.responses import JSONResponse

TITLES = {
    400: "INVALID_ARGUMENT",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class QueryError(Exception):
    """A request the query API refuses; ``status`` is the HTTP status."""

    def __init__(self, status: int, detail: str, title: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "ERROR")


def problem(status: int, detail: str, instance: str, title: str | None = None) -> JSONResponse:
    return JSONResponse(
        {
            "type": "about:blank",
            "title": title or TITLES.get(status, "ERROR"),
            "status": status,
            "detail": detail,
            "instance": instance,
        },
        status_code=status,
        media_type="application/problem+json",
    )
