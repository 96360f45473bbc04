"""Web/API errors (codes E4xx) and their RFC 7807 problem form."""

from __future__ import annotations

from typing import Any

from dragoman.errors import DragomanError

TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Internal error",
    503: "Service unavailable",
}


class WebError(DragomanError):
    """An error answered to the client with ``status``; ``code`` is E4xx."""

    code = "E400"
    status = 400

    def __init__(self, message: str, *, status: int = 400, code: str | None = None, where: str | None = None):
        super().__init__(message, where=where, code=code)
        self.status = status


class BadParameter(WebError):
    def __init__(self, name: str, message: str):
        super().__init__(message, status=400, code="E401", where=f"parameter {name!r}")
        self.param = name


class NotFound(WebError):
    def __init__(self, what: str, ident: str):
        super().__init__(f"no {what} with id {ident[:200]!r}", status=404, code="E404")


class Unavailable(WebError):
    def __init__(self, message: str, code: str = "E430"):
        super().__init__(message, status=503, code=code)


def problem(status: int, detail: str, *, code: str | None = None, title: str | None = None,
            **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:dragoman:error:{code}" if code else "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if code:
        body["code"] = code
    body.update(extra)
    return body
