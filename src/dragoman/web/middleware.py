"""ASGI middlewares: body size limit, same-origin check for writes, security headers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from dragoman.web.errors import problem

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self, limit: int):
        super().__init__(status_code=413, detail=f"request body over {limit} bytes")


async def _send_problem(send: Any, status: int, detail: str, code: str, html: bool) -> None:
    if html:
        body = (f"<!doctype html><meta charset=utf-8><title>Error {status}</title>"
                f"<h1>Error {status}</h1><p>{detail}</p><p><a href=\"/\">Back to Dragoman</a></p>").encode()
        ctype = b"text/html; charset=utf-8"
    else:
        body = json.dumps(problem(status, detail, code=code)).encode()
        ctype = b"application/problem+json"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
                + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


def _same_origin(headers: dict[str, str]) -> bool:
    """Writes must come from our own pages (or from non-browser clients, which send neither header)."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":  # opaque origin: only trust the browser's own same-origin statement
        return fetch_site == "same-origin"
    return urlsplit(origin).netloc == headers.get("host", "")


class GuardMiddleware:
    """Outermost layer: adds security headers to every answer, refuses cross-site writes
    and request bodies over ``max_body`` bytes (413, counted as they arrive)."""

    def __init__(self, app: Any, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        html = not scope.get("path", "").startswith("/api")
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE") and not _same_origin(headers):
            await _send_problem(send, 403, "cross-site write refused", "E403", html)
            return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await _send_problem(send, 400, "invalid Content-Length", "E400", html)
                return
            if too_big:
                await _send_problem(send, 413, f"request body over {self.max_body} bytes", "E413", html)
                return

        received = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def send_with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _send_problem(send, 413, f"request body over {self.max_body} bytes", "E413", html)
