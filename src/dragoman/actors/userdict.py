"""User actor dictionaries (``--actors FILE``): YAML or CSV, overriding or extending built-ins.

YAML::

    version: 1
    actors:
      - id: acme-rebels                # required, unique in the file
        type: org                      # org (default), person, role, country
        case: words                    # capitals required: words (default; also when null or absent),
                                       # first (first word), any
        names: {en: [Acme Front], fr: [Front Acme]}   # or a plain list for every language
        country: COD                   # ISO3, or null with a non-state code
        sector: REB                    # PLOVER sector
        code: null                     # default country + sector
        periods: [{from: 2019, to: 2022-06, country: COD, sector: GOV}]   # date-bounded codes
      - id: jane-doe
        type: person
        names: [Jane Doe]
        surnames: [Doe]
        country: FRA
        offices: [{office: Minister of X, role: other, sector: GOV, from: 2020, to: null}]
    people: [...]                      # optional, people.yaml format

CSV (header required; one row per name; rows sharing an id make one entry, dated rows add periods
or offices): ``id,type,lang,name,country,sector,code,from,to,role,office`` (+ optional ``case``, an
empty cell = words).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dragoman.actors.kb import (
    LANGS,
    ROLE_FAMILIES,
    ROLE_KEYS,
    ActorKB,
    Entry,
    check_code,
    check_country,
    check_sector,
    load_yaml,
    names_of,
    org_entry,
    read_csv_rows,
)
from dragoman.actors.people import add_person, person_entry
from dragoman.errors import DataFileError
from dragoman.schema import NONSTATE_CODES

CSV_COLUMNS = ("id", "type", "lang", "name", "country", "sector", "code", "from", "to", "role", "office")
TYPES = ("org", "person", "role", "country")
CASES = ("words", "first", "any")


def check_case(value: Any, where: str, entry_id: Any) -> str:
    """The ``case`` of an entry: null or absent (an empty CSV cell) means the default, ``words``."""
    if value is None:
        return "words"
    if value not in CASES:
        raise DataFileError(f"entry {entry_id!r}: bad case {value!r} ({', '.join(CASES)}, or null for words)",
                            where=where)
    return value


def _entry(kb: ActorKB, item: dict[str, Any], path: Path) -> tuple[Entry, dict[str, list[str]]]:
    entry, surnames = _entry_of_type(kb, item, path)
    entry.case = check_case(item.get("case"), f"{path}:{item.get('__line__', '?')}", item.get("id"))
    return entry, surnames


def _entry_of_type(kb: ActorKB, item: dict[str, Any], path: Path) -> tuple[Entry, dict[str, list[str]]]:
    where = f"{path}:{item.get('__line__', '?')}"
    if not isinstance(item.get("id"), str) or not item["id"]:
        raise DataFileError("entry without an 'id'", where=where)
    typ = item.get("type") or ("person" if item.get("offices") else "org")
    if typ not in TYPES:
        raise DataFileError(f"bad type {typ!r} (expected {', '.join(TYPES)})", where=where)
    if typ == "person":
        e = person_entry(item, kb, path, prefix="user")
        return e, names_of(item.get("surnames"), where)
    if typ == "role":
        names = names_of(item.get("names"), where)
        sector = check_sector(item.get("sector"), where)
        role = item.get("role")
        if role and role not in ROLE_KEYS and role not in ROLE_FAMILIES:
            raise DataFileError(f"unknown role key {role!r}", where=where)
        rtype = item.get("rtype") or "group"
        if rtype not in ("title", "group", "body"):
            raise DataFileError(f"bad rtype {rtype!r} (title, group, body)", where=where)
        if not sector or not any(names.values()):
            raise DataFileError("a role needs names and a sector", where=where)
        return Entry(id=f"user:{item['id']}", kind="role", sector=sector, role=role, rtype=rtype,
                     names=names, source=str(path)), {}
    item = {**item, "names": item.get("names")}
    e = org_entry(item, kb.countries, where, str(path), prefix="user")
    if typ == "country":
        e.kind = "country"
        if not e.country:
            raise DataFileError("a country entry needs 'country'", where=where)
    return e, {}


def _yaml_items(path: Path) -> list[dict[str, Any]]:
    data = load_yaml(path)
    items = []
    for key in ("actors", "people"):
        part = data.get(key) or []
        if not isinstance(part, list):
            raise DataFileError(f"'{key}' must be a list", where=f"{path}:{data.get('__line__', 1)}")
        for it in part:
            if not isinstance(it, dict):
                raise DataFileError(f"each item of '{key}' must be a mapping", where=str(path))
            if key == "people":
                it = {**it, "type": "person"}
            items.append(it)
    if not items:
        raise DataFileError("no 'actors' or 'people' entries", where=f"{path}:1")
    return items


def _csv_items(path: Path, errors: list[DataFileError] | None) -> list[dict[str, Any]]:
    """Group CSV rows by id into YAML-like items."""
    items: dict[str, dict[str, Any]] = {}
    rows = list(read_csv_rows(path))
    if rows:
        missing = [c for c in ("id", "name") if c not in rows[0][1]]
        if missing:
            raise DataFileError(f"missing column(s) {', '.join(missing)} (columns: {','.join(CSV_COLUMNS)})",
                                where=f"{path}:1")
    for no, row in rows:
        where = f"{path}:{no}"
        try:
            if not row.get("id") or not row.get("name"):
                raise DataFileError("empty id or name", where=where)
            lang = row.get("lang") or "*"
            if lang not in (*LANGS, "*"):
                raise DataFileError(f"bad lang {lang!r} (en, fr or empty)", where=where)
            check_case(row.get("case") or None, where, row["id"])  # named at its own row
        except DataFileError as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        it = items.get(row["id"])
        if it is None:
            it = items[row["id"]] = {"id": row["id"], "__line__": no, "names": {"en": [], "fr": []},
                                     "type": row.get("type") or "org"}
        for lg in (LANGS if lang == "*" else (lang,)):
            if row["name"] not in it["names"][lg]:
                it["names"][lg].append(row["name"])
        if row.get("case"):
            it["case"] = row["case"]
        for key in ("country", "sector", "code", "role"):
            if row.get(key) and not row.get("from") and not row.get("to"):
                it[key] = row[key]
        if row.get("from") or row.get("to"):
            period = {"__line__": no, "from": row.get("from") or None, "to": row.get("to") or None,
                      "country": row.get("country") or None, "sector": row.get("sector") or None,
                      "code": row.get("code") or None}
            if it["type"] == "person":
                it.setdefault("offices", []).append({**period, "role": row.get("role") or "other",
                                                     "office": row.get("office") or None})
                it.setdefault("country", row.get("country") or None)
            else:
                it.setdefault("periods", []).append(period)
    return list(items.values())


def _simple_csv_entries(kb: ActorKB, path: Path, items: list[dict[str, Any]],
                        errors: list[DataFileError] | None) -> list[dict[str, Any]]:
    """Undated org/country items (the bulk of big dictionaries, CSV or YAML) become entries
    directly; the rest goes through the general path."""
    rest = []
    src = str(path)
    for it in items:
        if (it.get("type") or "org") not in ("org", "country") or it.get("periods") or it.get("offices") \
                or not isinstance(it.get("names"), (list, dict)) or not isinstance(it.get("id"), str):
            rest.append(it)
            continue
        where = f"{path}:{it.get('__line__', '?')}"
        try:
            it["type"] = it.get("type") or "org"
            if isinstance(it["names"], list) or "__line__" in it["names"]:
                it["names"] = names_of(it["names"], where)
            if not any(it["names"].values()):
                raise DataFileError("entry has no names", where=where)
            country = check_country(it.get("country"), kb.countries, where)
            sector = check_sector(it.get("sector"), where)
            code = check_code(it.get("code"), where)
            if code and code[:3] in NONSTATE_CODES and country:
                raise DataFileError(f"non-state code {code} must not have a country", where=where)
            if it["type"] == "country" and not country:
                raise DataFileError("a country entry needs 'country'", where=where)
            if not code and not country:
                raise DataFileError("needs a country or a code", where=where)
            case = check_case(it.get("case"), where, it["id"])
        except DataFileError as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        it["_entry"] = Entry(id=f"user:{it['id']}", kind=it["type"], country=country, sector=sector,
                             code=code or (country + (sector or "") if country else None),
                             names=it["names"], source=src, case=case)
        rest.append(it)
    return rest


def _walk(kb: ActorKB, path: Path, on_entry: Callable[[Entry, dict[str, list[str]]], None],
          errors: list[DataFileError] | None) -> int:
    if not path.exists():
        raise DataFileError("no such file", where=str(path))
    if path.suffix.lower() in (".csv", ".tsv"):
        items = _simple_csv_entries(kb, path, _csv_items(path, errors), errors)
    else:
        items = _simple_csv_entries(kb, path, _yaml_items(path), errors)
    seen: set[str] = set()
    count = 0
    for item in items:
        try:
            if item.get("id") in seen:
                raise DataFileError(f"duplicate id {item.get('id')!r}", where=f"{path}:{item.get('__line__', '?')}")
            seen.add(item.get("id"))
            entry, surnames = (item["_entry"], {}) if "_entry" in item else _entry(kb, item, path)
            on_entry(entry, surnames)
            count += 1
        except DataFileError as err:
            if errors is None:
                raise
            errors.append(err)
    return count


def load_user_file(kb: ActorKB, path: Path) -> int:
    """Add a user dictionary to ``kb``; its phrases replace built-in entries of the same phrase."""

    def add(entry: Entry, surnames: dict[str, list[str]]) -> None:
        kb.user_entries.append(entry)
        if entry.kind == "person":
            add_person(kb, entry, surnames, override=True)
        else:
            kb.add(entry, entry.names, override=True)

    return _walk(kb, path, add, None)


def lint_file(path: Path, kb: ActorKB | None = None) -> tuple[int, list[DataFileError]]:
    """(number of good entries, every problem found) for a user dictionary."""
    from dragoman.actors.kb import get_kb

    kb = kb or get_kb()
    errors: list[DataFileError] = []
    try:
        count = _walk(kb, path, lambda e, s: None, errors)
    except DataFileError as err:
        return 0, [*errors, err]
    return count, errors
