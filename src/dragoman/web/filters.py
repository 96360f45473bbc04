"""Event filters shared by the pages and the API: parsed and validated from query
parameters, turned into a parameterised WHERE clause (never string-formatted input).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from dragoman.schema import PLOVER_TYPES, STATUSES
from dragoman.web.errors import BadParameter

COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
CODE_RE = re.compile(r"^[A-Z0-9]{2,20}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
ID_RE = re.compile(r"^[\w.:/@+-]{1,300}$")

# Sort keys: name -> SQL expression on the events table. NULLs are folded to
# sentinels so the (key, event_id) cursor comparison is total.
SORTS: dict[str, tuple[str, str]] = {
    "date": ("coalesce({p}date, DATE '0001-01-01')", "date"),
    "goldstein": ("coalesce({p}goldstein, -99.0)", "float"),
    "confidence": ("coalesce({p}confidence, -1.0)", "float"),
    "mentions": ("coalesce({p}num_mentions, 0)", "int"),
    "type": ("{p}type", "str"),
}


def sort_expr(sort: str, alias: str = "") -> str:
    return SORTS[sort][0].format(p=f"{alias}." if alias else "")
MAX_LIMIT = 500


@dataclass
class EventFilter:
    types: list[str] = field(default_factory=list)
    quad: list[int] = field(default_factory=list)
    actor_country: str | None = None
    recipient_country: str | None = None
    actor: str | None = None  # full actor code or country, as ``dragoman events --actor``
    recipient: str | None = None
    person: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: list[str] = field(default_factory=list)
    lang: str | None = None
    q: str | None = None

    def key(self) -> tuple:
        """Hashable identity, for the facet cache."""
        return tuple((f.name, tuple(v) if isinstance(v, list) else v)
                     for f in fields(self) for v in [getattr(self, f.name)])

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def where(self, alias: str = "", languages_column: bool = False) -> tuple[str, list[Any]]:
        """SQL condition over the events table (columns prefixed by ``alias``) and its parameters.

        ``languages_column``: the store (schema 2+) keeps ``events.languages``; use it rather
        than a semi-join on mentions.
        """
        p = f"{alias}." if alias else ""
        conds: list[str] = []
        params: list[Any] = []
        if self.types:
            conds.append(f"{p}type IN ({', '.join('?' for _ in self.types)})")
            params += self.types
        if self.quad:
            conds.append(f"{p}quad_class IN ({', '.join('?' for _ in self.quad)})")
            params += self.quad
        if self.actor_country:
            conds.append(f"list_contains({p}actor_countries, ?)")
            params.append(self.actor_country)
        if self.recipient_country:
            conds.append(f"list_contains({p}recipient_countries, ?)")
            params.append(self.recipient_country)
        for side, value in (("actor", self.actor), ("recipient", self.recipient)):
            if value:
                conds.append(f"(list_contains({p}{side}_codes, ?) OR list_contains({p}{side}_countries, ?))")
                params += [value, value]
        if self.person:
            conds.append(f"(array_to_string({p}actor_names, '\x1f') ILIKE ? ESCAPE '\\' "
                         f"OR array_to_string({p}recipient_names, '\x1f') ILIKE ? ESCAPE '\\')")
            pat = like_pattern(self.person)
            params += [pat, pat]
        if self.date_from:
            conds.append(f"{p}date >= ?")
            params.append(self.date_from)
        if self.date_to:
            conds.append(f"{p}date <= ?")
            params.append(self.date_to)
        if self.status:
            conds.append(f"{p}status IN ({', '.join('?' for _ in self.status)})")
            params += self.status
        if self.lang and languages_column:
            conds.append(f"list_contains({p}languages, ?)")
            params.append(self.lang)
        elif self.lang:
            conds.append(f"{p}event_id IN (SELECT event_id FROM mentions WHERE lang = ?)")
            params.append(self.lang)
        if self.q:
            conds.append(f"{p}event_id IN (SELECT event_id FROM mentions WHERE contains(lower(sentence), ?))")
            params.append(self.q.lower())
        return (" AND ".join(conds) or "TRUE"), params

    def query_items(self) -> list[tuple[str, str]]:
        """The filter as query-string pairs (for links that keep the selection)."""
        items: list[tuple[str, str]] = [("type", t) for t in self.types]
        items += [("quad", str(q)) for q in self.quad]
        items += [("status", s) for s in self.status]
        for name in ("actor_country", "recipient_country", "actor", "recipient", "person", "lang", "q"):
            value = getattr(self, name)
            if value:
                items.append((name, value))
        if self.date_from:
            items.append(("date_from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("date_to", self.date_to.isoformat()))
        return items


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _one(params: Any, name: str) -> str | None:
    values = [v for v in params.getlist(name) if v != ""]
    if len(values) > 1:
        raise BadParameter(name, "give this parameter once")
    return values[0].strip() if values else None


def _many(params: Any, name: str) -> list[str]:
    out: list[str] = []
    for value in params.getlist(name):
        out += [v.strip() for v in value.split(",") if v.strip()]
    return out


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"expected a date YYYY-MM-DD, got {value[:40]!r}") from None


def parse_int(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, f"expected an integer, got {value[:40]!r}") from None
    if not lo <= number <= hi:
        raise BadParameter(name, f"must be between {lo} and {hi}")
    return number


def parse_choice(value: str | None, name: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in choices:
        raise BadParameter(name, f"must be one of {', '.join(choices)}")
    return value


def parse_actor(value: str | None, name: str) -> str | None:
    """A country (ISO3) or full actor code, upper-cased."""
    if not value:
        return None
    value = value.strip().upper()
    if not CODE_RE.match(value):
        raise BadParameter(name, "expected an ISO 3166-1 alpha-3 country or an actor code (letters/digits)")
    return value


def parse_filter(params: Any) -> EventFilter:
    types = [t.upper() for t in _many(params, "type")]
    for t in types:
        if t not in PLOVER_TYPES:
            raise BadParameter("type", f"unknown PLOVER type {t[:30]!r}")
    quads = [parse_int(q, "quad", 0, 1, 4) for q in _many(params, "quad")]
    statuses = _many(params, "status")
    for s in statuses:
        if s not in STATUSES:
            raise BadParameter("status", f"must be one of {', '.join(STATUSES)}")
    countries = {}
    for name in ("actor_country", "recipient_country"):
        value = _one(params, name)
        if value:
            value = value.upper()
            if not COUNTRY_RE.match(value):
                raise BadParameter(name, "expected an ISO 3166-1 alpha-3 code such as FRA")
        countries[name] = value or None
    actors = {name: parse_actor(_one(params, name), name) for name in ("actor", "recipient")}
    lang = _one(params, "lang")
    if lang and not LANG_RE.match(lang):
        raise BadParameter("lang", "expected a language code such as fr or en")
    person = _one(params, "person")
    q = _one(params, "q")
    for name, value in (("person", person), ("q", q)):
        if value and len(value) > 200:
            raise BadParameter(name, "at most 200 characters")
    flt = EventFilter(
        types=types, quad=quads, status=statuses, lang=lang or None, person=person or None, q=q or None,
        date_from=parse_date(_one(params, "date_from"), "date_from"),
        date_to=parse_date(_one(params, "date_to"), "date_to"),
        **countries, **actors,
    )
    return flt


@dataclass
class Page:
    sort: str = "date"
    order: str = "desc"
    limit: int = 50
    cursor: tuple[Any, str] | None = None
    page: int = 1


def parse_page(params: Any, *, default_limit: int = 50) -> Page:
    sort = parse_choice(_one(params, "sort"), "sort", tuple(SORTS), "date")
    order = parse_choice(_one(params, "order"), "order", ("asc", "desc"), "desc")
    limit = parse_int(_one(params, "limit"), "limit", default_limit, 1, MAX_LIMIT)
    page = parse_int(_one(params, "page"), "page", 1, 1, 1_000_000)
    raw = _one(params, "cursor")
    cursor = decode_cursor(raw, sort) if raw else None
    return Page(sort=sort, order=order, limit=limit, cursor=cursor, page=page)


def encode_cursor(sort: str, value: Any, event_id: str) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    raw = json.dumps([sort, value, event_id], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(raw: str, sort: str) -> tuple[Any, str]:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        name, value, event_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        kind = SORTS[sort][1]
        if name != sort or not isinstance(event_id, str):
            raise ValueError("cursor belongs to another sort")
        if kind == "date":
            value = date.fromisoformat(value)
        elif kind == "float":
            value = float(value)
        elif kind == "int":
            value = int(value)
        elif not isinstance(value, str):
            raise ValueError("bad key")
    except (ValueError, TypeError, KeyError, UnicodeError):
        raise BadParameter("cursor", "invalid cursor (use the next_cursor of a previous answer with the same sort)") \
            from None
    return value, event_id
