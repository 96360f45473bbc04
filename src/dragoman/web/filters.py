"""Query parameters of the pages and the API: read, checked, and turned into the store's
``EventFilter`` and a keyset ``Page`` (the SQL itself comes from ``dragoman.store.filters``).
A bad value is a ``BadParameter`` (400, RFC 7807) that names the query parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from dragoman.store import filters as store_filters
from dragoman.store.filters import SORTS, EventFilter, FilterError, decode_cursor
from dragoman.web.errors import BadParameter

__all__ = ["SORTS", "EventFilter", "Page", "parse_actor", "parse_choice", "parse_date", "parse_filter",
           "parse_int", "parse_page"]

MAX_LIMIT = 500
# EventFilter field -> query parameter, where they differ.
PARAM_NAMES = {"types": "type", "text": "q"}
T = TypeVar("T")


@contextmanager
def _as_bad_parameter() -> Iterator[None]:
    try:
        yield
    except FilterError as err:
        raise BadParameter(PARAM_NAMES.get(err.option, err.option), err.reason) from None


def _checked(fn: Callable[..., T], *args: Any) -> T:
    with _as_bad_parameter():
        return fn(*args)


def _one(params: Any, name: str) -> str | None:
    return _checked(store_filters.single_value, params.getlist(name), name)


def _many(params: Any, name: str) -> list[str]:
    return store_filters.split_values(params.getlist(name))


def parse_date(value: str | None, name: str) -> date | None:
    return _checked(store_filters.parse_date, value, name)


def parse_actor(value: str | None, name: str) -> str | None:
    """A country (ISO3) or full actor code, upper-cased."""
    return _checked(store_filters.parse_actor, value, name)


def parse_int(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    return _checked(store_filters.parse_int, value, name, lo, hi)


def parse_choice(value: str | None, name: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in choices:
        raise BadParameter(name, f"must be one of {', '.join(choices)}")
    return value


def parse_filter(params: Any) -> EventFilter:
    """The filter parameters shared by the pages and the API (see docs/web.md)."""
    single = {field: params.getlist(PARAM_NAMES.get(field, field)) for field in (
        "actor_country", "recipient_country", "actor", "recipient", "lang", "person", "text", "date_from",
        "date_to")}
    with _as_bad_parameter():
        return EventFilter.from_options(types=_many(params, "type"), quad=_many(params, "quad"),
                                        status=_many(params, "status"), **single)


def query_items(flt: EventFilter) -> list[tuple[str, str]]:
    """The filter as query-string pairs (for links that keep the selection)."""
    items: list[tuple[str, str]] = [("type", t) for t in flt.types]
    items += [("quad", str(q)) for q in flt.quad]
    items += [("status", s) for s in flt.status]
    for name in ("actor_country", "recipient_country", "actor", "recipient", "person", "lang", "text"):
        value = getattr(flt, name)
        if value:
            items.append((PARAM_NAMES.get(name, name), value))
    if flt.date_from:
        items.append(("date_from", flt.date_from.isoformat()))
    if flt.date_to:
        items.append(("date_to", flt.date_to.isoformat()))
    return items


@dataclass
class Page:
    sort: str = "date"
    order: str = "desc"
    limit: int = 50
    cursor: tuple[Any, str] | None = None
    page: int = 1


def parse_page(params: Any, *, default_limit: int = 50) -> Page:
    sort = parse_choice(_one(params, "sort"), "sort", tuple(SORTS), "date")
    order = parse_choice(_one(params, "order"), "order", store_filters.ORDERS, "desc")
    limit = parse_int(_one(params, "limit"), "limit", default_limit, 1, MAX_LIMIT)
    page = parse_int(_one(params, "page"), "page", 1, 1, 1_000_000)
    raw = _one(params, "cursor")
    cursor = _checked(decode_cursor, raw, sort) if raw else None
    return Page(sort=sort, order=order, limit=limit, cursor=cursor, page=page)
