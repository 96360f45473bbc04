"""Loader for ``data/common/people.yaml`` (and the people part of user dictionaries).

Each person becomes one ``Entry`` of kind "person" with one ``Period`` per office; full names
are indexed in every language (a name is a name whatever the language of the text) and surnames
as kind "surname" (used alone only when unambiguous or already met in the document).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dragoman.actors.kb import (
    LANGS,
    ROLE_KEYS,
    ActorKB,
    Entry,
    Period,
    check_code,
    check_country,
    check_sector,
    load_yaml,
    names_of,
    parse_date,
)
from dragoman.actors.text import subtokens
from dragoman.errors import DataFileError
from dragoman.schema import NONSTATE_CODES


def person_entry(item: dict[str, Any], kb: ActorKB, path: Path, prefix: str = "person") -> Entry:
    where = f"{path}:{item.get('__line__', '?')}"
    codes = kb.countries
    pid = item.get("id")
    if not isinstance(pid, str) or not pid:
        raise DataFileError("person without an 'id'", where=where)
    country = check_country(item.get("country"), codes, where)
    code = check_code(item.get("code"), where)
    if code and code[:3] in NONSTATE_CODES and country:
        raise DataFileError(f"non-state code {code} with a country", where=where)
    names = names_of(item.get("names"), where)
    if not any(names.values()):
        raise DataFileError(f"person {pid!r} has no names", where=where)
    periods = []
    offices = item.get("offices") or []
    if not isinstance(offices, list):
        raise DataFileError("'offices' must be a list", where=where)
    for off in offices:
        ow = f"{path}:{off.get('__line__', '?')}" if isinstance(off, dict) else where
        if not isinstance(off, dict):
            raise DataFileError("each office must be a mapping", where=ow)
        role = off.get("role") or "other"
        if role not in ROLE_KEYS:
            raise DataFileError(f"unknown role {role!r}", where=ow)
        start = parse_date(off.get("from"), where=ow)
        end = parse_date(off.get("to"), end=True, where=ow)
        if start and end and end < start:
            raise DataFileError(f"office ends ({end}) before it starts ({start})", where=ow)
        periods.append(Period(
            start, end, check_country(off.get("country"), codes, ow), check_sector(off.get("sector"), ow) or "GOV",
            check_code(off.get("code"), ow), off.get("office"), off.get("office_fr"), role,
        ))
    return Entry(id=f"{prefix}:{pid}", kind="person", country=country, code=code, qid=item.get("qid"),
                 names=names, periods=periods, source=str(path))


def add_person(kb: ActorKB, entry: Entry, surnames: dict[str, list[str]], override: bool = False) -> None:
    # full names in every language: "Vladimir Poutine" may turn up in an English text
    every = sorted({n for lg in LANGS for n in entry.names.get(lg, [])})
    kb.add(entry, {"*": every}, override=override)
    kb.people[entry.id] = entry
    for period in entry.periods:
        key = period.code or (period.country or entry.country) or entry.code
        if key and period.role:
            kb.by_role.setdefault((key, period.role), []).append((period, entry))
    sur = sorted({s for lg in LANGS for s in surnames.get(lg, [])})
    kb.surnames_of[entry.id] = sur
    if sur:
        sentry = Entry(id=entry.id, kind="surname", country=entry.country, code=entry.code, qid=entry.qid,
                       names=entry.names, periods=entry.periods, source=entry.source)
        kb.add(sentry, {"*": sur}, override=override)
        # "Türk" and "Turk" are one key: the person bears it once (else a surname alone had two
        # bearers in office, the same person, and named no one)
        for key in dict.fromkeys(" ".join(subtokens(s)) for s in sur):
            kb.surname_bearers.setdefault(key, []).append(sentry)


def load_people(kb: ActorKB, path: Path, override: bool = False) -> int:
    data = load_yaml(path)
    people = data.get("people")
    if people is None:
        return 0
    if not isinstance(people, list):
        raise DataFileError("'people' must be a list", where=f"{path}:{data.get('__line__', 1)}")
    seen: set[str] = set()
    for item in people:
        if not isinstance(item, dict):
            raise DataFileError("each person must be a mapping", where=str(path))
        entry = person_entry(item, kb, path)
        if entry.id in seen:
            raise DataFileError(f"duplicate id {entry.id!r}", where=f"{path}:{item['__line__']}")
        seen.add(entry.id)
        add_person(kb, entry, names_of(item.get("surnames"), f"{path}:{item['__line__']}"), override)
    return len(seen)
