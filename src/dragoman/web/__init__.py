"""Web app and HTTP API over the event store (FastAPI, server-rendered, offline).

``create_app(db_path)`` returns the ASGI app; ``dragoman serve`` runs it with uvicorn.
"""

from __future__ import annotations

from typing import Any


def create_app(db_path: Any, **kwargs: Any) -> Any:
    from dragoman.web.app import create_app as _create

    return _create(db_path, **kwargs)


__all__ = ["create_app"]
