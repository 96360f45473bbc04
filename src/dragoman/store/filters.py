"""Event filters and keyset cursors: the one place that turns filter options into SQL.

``dragoman events``, ``export``, ``dyads`` (through ``Store``) and the web app's pages and API all
read events through ``EventFilter``; values always reach DuckDB as parameters, never as SQL text.
``EventFilter.from_options`` checks raw option values (strings from a command line or a query
string) and names the option at fault in a ``FilterError``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from dragoman.errors import StoreError
from dragoman.schema import PLOVER_TYPES, STATUSES

COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
CODE_RE = re.compile(r"^[A-Z0-9]{2,20}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
MAX_TEXT = 200  # characters of a person or text filter


class FilterError(StoreError):
    """A filter option with a bad value. ``option`` is the ``EventFilter`` field (or ``cursor``),
    ``reason`` the message without it, ``choices`` the accepted values when they are few."""

    def __init__(self, option: str, reason: str, choices: Sequence[str] = ()):
        super().__init__(reason, where=f"option {option!r}", code="E307")
        self.option = option
        self.reason = reason
        self.choices = tuple(choices)


@dataclass
class EventFilter:
    """Which events (or mentions) to read. Every field is optional; all given ones must hold.

    ``actor``/``recipient`` match a full actor code ("PRKGOV") or a country ("PRK") of any
    participant on that side, ``actor_country``/``recipient_country`` a country only;
    ``person`` is a case-insensitive substring of an actor or recipient name; ``text`` a
    case-insensitive substring of an evidence sentence; ``types``, ``quad`` and ``status``
    match any of their values. A single status string is accepted for ``status``.
    """

    types: list[str] = field(default_factory=list)
    quad: list[int] = field(default_factory=list)
    actor_country: str | None = None
    recipient_country: str | None = None
    actor: str | None = None
    recipient: str | None = None
    person: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: list[str] = field(default_factory=list)
    lang: str | None = None
    text: str | None = None
    doc_id: str | None = None
    event_id: str | None = None
    min_sources: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.status, str):  # the library's older single-status form
            self.status = [self.status]
        elif self.status is None:
            self.status = []

    @classmethod
    def from_options(cls, *, types: Iterable[str] = (), quad: Iterable[str | int] = (),
                     status: Iterable[str] = (), actor_country: str | Sequence[str] | None = None,
                     recipient_country: str | Sequence[str] | None = None, actor: str | Sequence[str] | None = None,
                     recipient: str | Sequence[str] | None = None, lang: str | Sequence[str] | None = None,
                     person: str | Sequence[str] | None = None, text: str | Sequence[str] | None = None,
                     date_from: str | date | Sequence[str] | None = None,
                     date_to: str | date | Sequence[str] | None = None) -> EventFilter:
        """A filter from raw option values, checked; a bad value raises ``FilterError``.

        List options take already split values. A single-valued option may come as a list of the
        values given (a query string can repeat a parameter): more than one is an error.
        """
        types = [t.upper() for t in types]
        for t in types:
            if t not in PLOVER_TYPES:
                raise FilterError("types", f"unknown PLOVER type {t[:30]!r}", PLOVER_TYPES)
        quads = [parse_int(q, "quad", 1, 4) for q in quad]
        status = list(status)
        for s in status:
            if s not in STATUSES:
                raise FilterError("status", f"must be one of {', '.join(STATUSES)}", STATUSES)
        countries = {}
        for name, value in (("actor_country", actor_country), ("recipient_country", recipient_country)):
            value = (single_value(value, name) or "").upper()
            if value and not COUNTRY_RE.match(value):
                raise FilterError(name, "expected an ISO 3166-1 alpha-3 code such as FRA")
            countries[name] = value or None
        actors = {name: parse_actor(single_value(value, name), name)
                  for name, value in (("actor", actor), ("recipient", recipient))}
        lang = single_value(lang, "lang")
        if lang and not LANG_RE.match(lang):
            raise FilterError("lang", "expected a language code such as fr or en")
        person, text = single_value(person, "person"), single_value(text, "text")
        for name, value in (("person", person), ("text", text)):
            if value and len(value) > MAX_TEXT:
                raise FilterError(name, f"at most {MAX_TEXT} characters")
        return cls(types=types, quad=quads, status=status, lang=lang or None, person=person or None,
                   text=text or None, date_from=parse_date(single_value(date_from, "date_from"), "date_from"),
                   date_to=parse_date(single_value(date_to, "date_to"), "date_to"), **countries, **actors)

    def key(self) -> tuple:
        """Hashable identity (for caches)."""
        return tuple((f.name, tuple(v) if isinstance(v, list) else v)
                     for f in fields(self) for v in [getattr(self, f.name)])

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def where(self, alias: str = "e", level: str = "events", *, languages_column: bool = True
              ) -> tuple[str, list[Any]]:
        """SQL condition (``?`` placeholders) and its parameters, over the events or mentions table.

        Columns are prefixed by ``alias`` (none when empty). ``languages_column``: the events table
        has ``languages`` (schema 2+); without it the language filter reads the mentions.
        """
        p = f"{alias}." if alias else ""
        events = level == "events"
        conds: list[str] = []
        params: list[Any] = []

        def any_of(column: str, values: list[Any]) -> None:
            conds.append(f"{p}{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)

        def in_mentions(cond: str, value: Any) -> None:
            """Events with a mention that satisfies ``cond`` (a semi-join, alias-free)."""
            conds.append(f"{p}event_id IN (SELECT event_id FROM mentions WHERE {cond})")
            params.append(value)

        if self.types:
            any_of("type", [t.upper() for t in self.types])
        if self.quad:
            any_of("quad_class", list(self.quad))
        for side, value in (("actor", self.actor_country), ("recipient", self.recipient_country)):
            if value:
                conds.append(f"list_contains({p}{side}_countries, ?)")
                params.append(value.upper())
        for side, value in (("actor", self.actor), ("recipient", self.recipient)):
            if value:
                conds.append(f"(list_contains({p}{side}_codes, ?) OR list_contains({p}{side}_countries, ?))")
                params += [value.upper(), value.upper()]
        if self.person:
            conds.append(f"(array_to_string({p}actor_names, '\x1f') ILIKE ? ESCAPE '\\' "
                         f"OR array_to_string({p}recipient_names, '\x1f') ILIKE ? ESCAPE '\\')")
            params += [like_pattern(self.person)] * 2
        if self.date_from:
            conds.append(f"{p}date >= ?")
            params.append(self.date_from)
        if self.date_to:
            conds.append(f"{p}date <= ?")
            params.append(self.date_to)
        if self.status:
            any_of("status", list(self.status))
        if self.lang and events and languages_column:
            conds.append(f"list_contains({p}languages, ?)")
            params.append(self.lang)
        elif self.lang and events:
            in_mentions("lang = ?", self.lang)
        elif self.lang:
            conds.append(f"{p}lang = ?")
            params.append(self.lang)
        if self.text and events:
            in_mentions("contains(lower(sentence), ?)", self.text.lower())
        elif self.text:
            conds.append(f"contains(lower({p}sentence), ?)")
            params.append(self.text.lower())
        if self.doc_id and events:
            in_mentions("doc_id = ?", self.doc_id)
        elif self.doc_id:
            conds.append(f"{p}doc_id = ?")
            params.append(self.doc_id)
        if self.event_id:
            conds.append(f"{p}event_id = ?")
            params.append(self.event_id)
        if self.min_sources and events:
            conds.append(f"{p}num_sources >= ?")
            params.append(self.min_sources)
        return (" AND ".join(conds) or "TRUE"), params


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE ... ESCAPE '\\', with the user's ``%``, ``_`` and ``\\`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def split_values(values: Sequence[str] | None) -> list[str]:
    """The values of a list option given repeated and/or comma-separated ("ACCUSE,REJECT")."""
    return [v.strip() for part in (values or []) for v in part.split(",") if v.strip()]


def single_value(value: str | Sequence[str] | None, name: str) -> str | None:
    """A single-valued option; given as a list (a repeated query parameter) it must hold one value."""
    if value is None or isinstance(value, (str, date)):
        return value.strip() if isinstance(value, str) else value
    values = [v for v in value if v != ""]
    if len(values) > 1:
        raise FilterError(name, "give this parameter once")
    return values[0].strip() if values else None


def parse_int(value: str | int, name: str, lo: int, hi: int) -> int:
    """A whole number from ``lo`` to ``hi``."""
    try:
        number = int(value)
    except ValueError:
        raise FilterError(name, f"expected an integer, got {str(value)[:40]!r}") from None
    if not lo <= number <= hi:
        raise FilterError(name, f"must be between {lo} and {hi}")
    return number


def parse_date(value: str | date | None, name: str) -> date | None:
    """``YYYY-MM-DD`` (or a date) to a date; empty gives None."""
    if not value or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, f"expected a date YYYY-MM-DD, got {value[:40]!r}") from None


def parse_actor(value: str | None, name: str) -> str | None:
    """A country (ISO3) or full actor code, upper-cased."""
    if not value:
        return None
    value = value.strip().upper()
    if not CODE_RE.match(value):
        raise FilterError(name, "expected an ISO 3166-1 alpha-3 country or an actor code (letters/digits)")
    return value


# -- keyset pagination --------------------------------------------------------------------------
# Sort keys: name -> (SQL expression on the events table, kind of its value). NULLs are folded to
# sentinels so that the (key, event_id) comparison of a cursor is total.
SORTS: dict[str, tuple[str, str]] = {
    "date": ("coalesce({p}date, DATE '0001-01-01')", "date"),
    "goldstein": ("coalesce({p}goldstein, -99.0)", "float"),
    "confidence": ("coalesce({p}confidence, -1.0)", "float"),
    "mentions": ("coalesce({p}num_mentions, 0)", "int"),
    "type": ("{p}type", "str"),
}
ORDERS = ("asc", "desc")
CURSOR_HELP = "invalid cursor (use the next_cursor of a previous answer with the same sort)"


def sort_expr(sort: str, alias: str = "") -> str:
    return SORTS[sort][0].format(p=f"{alias}." if alias else "")


def order_by(sort: str, order: str, alias: str = "", key: str | None = None) -> str:
    """``ORDER BY`` terms: the sort key (or the column ``key`` that holds it), then the event id."""
    direction = "DESC" if order == "desc" else "ASC"
    p = f"{alias}." if alias else ""
    return f"{key or sort_expr(sort, alias)} {direction}, {p}event_id {direction}"


def keyset_after(terms: Sequence[tuple[str, str]], values: Sequence[Any]) -> tuple[str, list[Any]]:
    """Condition for the rows after the row whose keys are ``values`` in the order ``terms``:
    (SQL expression without NULLs, "ASC" or "DESC") pairs, the last one unique (an id). Directions may
    differ between terms, hence the expanded form rather than a row comparison."""
    cond, params = "", []
    for (expr, direction), value in reversed(list(zip(terms, values, strict=True))):
        op = "<" if direction == "DESC" else ">"
        if cond:
            cond, params = f"({expr} {op} ? OR ({expr} = ? AND {cond}))", [value, value, *params]
        else:
            cond, params = f"{expr} {op} ?", [value]
    return cond, params


def after_cursor(sort: str, order: str, cursor: tuple[Any, str] | None, alias: str = ""
                 ) -> tuple[str, list[Any]]:
    """Condition for the rows after a decoded ``cursor`` (sort key value, event id) in that order."""
    if cursor is None:
        return "TRUE", []
    direction, p = "DESC" if order == "desc" else "ASC", f"{alias}." if alias else ""
    return keyset_after([(sort_expr(sort, alias), direction), (f"{p}event_id", direction)], cursor)


def encode_keys(name: str, values: Sequence[Any]) -> str:
    """An opaque cursor: the ordering's ``name`` and the key ``values`` of the last row read."""
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]  # dates and timestamps
    raw = json.dumps([name, *plain], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


_KEY_KINDS: dict[str, Any] = {"date": date.fromisoformat, "timestamp": datetime.fromisoformat, "float": float,
                              "int": int}


def decode_keys(raw: str, name: str, kinds: Sequence[str]) -> list[Any]:
    """The key values of a cursor made by ``encode_keys(name, ...)`` with keys of these ``kinds``
    (date, timestamp, float, int, str); ``FilterError`` (option ``cursor``) for anything else."""
    try:
        padded = raw + "=" * (-len(raw) % 4)
        got, *values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if got != name or len(values) != len(kinds):
            raise ValueError("cursor belongs to another order")
        out = []
        for kind, value in zip(kinds, values, strict=True):
            if kind == "str":
                if not isinstance(value, str):
                    raise ValueError("bad key")
                out.append(value)
            else:
                out.append(_KEY_KINDS[kind](value))
    except (ValueError, TypeError, KeyError, UnicodeError):
        raise FilterError("cursor", CURSOR_HELP) from None
    return out


def encode_cursor(sort: str, value: Any, event_id: str) -> str:
    """The opaque cursor of the row with this sort key ``value`` and ``event_id``."""
    return encode_keys(sort, [value, event_id])


def decode_cursor(raw: str, sort: str) -> tuple[Any, str]:
    """(sort key value, event id) of a cursor made for ``sort``; ``FilterError`` otherwise."""
    if sort not in SORTS:
        raise FilterError("cursor", CURSOR_HELP)
    value, event_id = decode_keys(raw, sort, [SORTS[sort][1], "str"])
    return value, event_id
