"""Dedup: mentions (one per report) grouped into events (one per happening).

A mention's *block* is what must be equal for two reports to describe one
happening: status, type group (``data/common/cluster_types.yaml``), and the
actor and recipient code sets (order-free). Within a block and calendar year
(a *partition*), clusters are a pure function of the set of mentions, so the
result does not depend on ingest order, and adding a document only recomputes
the partitions it touches:

1. day-precision mentions group by (date, place); a mention without place joins
   the largest placed group of its day;
2. inferred dates join the day group at 0, -1 or +1 day (nearest, then largest,
   then earliest); the rest form windows of two consecutive days;
3. week, month and year mentions join the largest finer group inside their
   period with a compatible place, else group by (period, place);
4. undated mentions stay alone.

Places are compatible when their geonameids are equal or one is missing.
A cluster's id hashes its block and anchor (date, precision, place), so it is
stable while reports keep arriving.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import yaml

from dragoman.errors import DataFileError
from dragoman.schema import PLOVER_TYPES, Actor


@lru_cache(maxsize=1)
def type_groups() -> dict[str, str]:
    """PLOVER type -> its group name (the sorted '+'-joined group, or the type itself)."""
    path = resources.files("dragoman") / "data" / "common" / "cluster_types.yaml"
    return load_type_groups(path.read_text(encoding="utf-8"), "data/common/cluster_types.yaml")


def load_type_groups(text: str, where: str) -> dict[str, str]:
    """Validate a cluster_types.yaml text; errors name the file and the group."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise DataFileError(f"invalid YAML: {err}", where=where) from err
    groups = data.get("groups") or [] if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise DataFileError("'groups' must be a list of lists of PLOVER types", where=where)
    mapping = {t: t for t in PLOVER_TYPES}
    seen: set[str] = set()
    for i, group in enumerate(groups, 1):
        if not isinstance(group, list) or not group:
            raise DataFileError(f"group {i} must be a non-empty list of PLOVER types", where=where)
        for t in group:
            if t not in PLOVER_TYPES:
                raise DataFileError(f"group {i}: unknown PLOVER type {t!r}", where=where)
            if t in seen:
                raise DataFileError(f"group {i}: type {t} is already in another group", where=where)
            seen.add(t)
        name = "+".join(sorted(group))
        for t in group:
            mapping[t] = name
    return mapping


def participant_key(actors: Iterable[Actor]) -> str:
    """Order-free code set of a participant list (code, else country, else lower-cased name)."""
    keys = set()
    for a in actors:
        k = a.code or a.country or (a.name or a.text or "").strip().lower()
        if k:
            keys.add(k)
    return "+".join(sorted(keys))


def block_key(status: str | None, type_: str, actors: Iterable[Actor], recipients: Iterable[Actor]) -> str:
    group = type_groups().get(type_, type_)
    return f"{status or 'occurred'}|{group}|{participant_key(actors)}|{participant_key(recipients)}"


@dataclass
class Item:
    """What clustering needs to know about one mention."""

    mention_id: str
    date: date | None
    precision: str
    geonameid: int | None


@dataclass
class _Group:
    anchor: str
    date: date | None
    precision: str
    geonameid: int | None
    members: list[Item] = field(default_factory=list)


def _compatible(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _period(d: date, precision: str) -> tuple[date, date]:
    if precision == "week":
        return d, d + timedelta(days=6)
    if precision == "month":
        start = d.replace(day=1)
        nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return start, nxt - timedelta(days=1)
    return d.replace(month=1, day=1), d.replace(month=12, day=31)


def _group_by_place(items: list[Item], anchor: str, d: date | None, precision: str) -> list[_Group]:
    """Placed items group by geonameid; unplaced ones join the largest placed group."""
    placed: dict[int, list[Item]] = {}
    unplaced: list[Item] = []
    for it in items:
        (placed.setdefault(it.geonameid, []) if it.geonameid is not None else unplaced).append(it)
    groups = [_Group(f"{anchor}:{g}", d, precision, g, members) for g, members in sorted(placed.items())]
    if unplaced:
        if groups:
            max(groups, key=lambda g: (len(g.members), -(g.geonameid or 0))).members.extend(unplaced)
        else:
            groups.append(_Group(f"{anchor}:-", d, precision, None, unplaced))
    return groups


def cluster_items(items: Iterable[Item]) -> dict[str, str]:
    """Assign every mention of one partition to an anchor (mention_id -> anchor string)."""
    by_prec: dict[str, list[Item]] = {}
    for it in sorted(items, key=lambda i: i.mention_id):
        prec = it.precision if it.date is not None else "none"
        by_prec.setdefault(prec if prec in ("day", "week", "month", "year", "inferred", "none") else "day",
                           []).append(it)
    groups: list[_Group] = []

    # 1. Explicit days.
    days: dict[date, list[Item]] = {}
    for it in by_prec.get("day", []):
        days.setdefault(it.date, []).append(it)
    for d in sorted(days):
        groups.extend(_group_by_place(days[d], f"day:{d}", d, "day"))

    # 2. Inferred dates: near a day group, else two-day windows.
    leftover: list[Item] = []
    for it in by_prec.get("inferred", []):
        best = None
        for g in groups:
            delta = abs((g.date - it.date).days)
            if delta <= 1 and _compatible(g.geonameid, it.geonameid):
                rank = (delta, -len(g.members), g.date, g.anchor)
                if best is None or rank < best[0]:
                    best = (rank, g)
        if best:
            best[1].members.append(it)
        else:
            leftover.append(it)
    leftover.sort(key=lambda i: (i.date, i.mention_id))
    while leftover:
        start = leftover[0].date
        window = [i for i in leftover if (i.date - start).days <= 1]
        leftover = [i for i in leftover if (i.date - start).days > 1]
        groups.extend(_group_by_place(window, f"inferred:{start}", start, "inferred"))

    # 3. Coarser precisions join a finer group inside their period, else group by period.
    for prec in ("week", "month", "year"):
        periods: dict[date, list[Item]] = {}
        for it in by_prec.get(prec, []):
            lo, hi = _period(it.date, prec)
            inside = [g for g in groups if lo <= g.date <= hi and _compatible(g.geonameid, it.geonameid)]
            if inside:
                max(inside, key=lambda g: (len(g.members), -g.date.toordinal(), g.anchor)).members.append(it)
            else:
                periods.setdefault(lo, []).append(it)
        for lo in sorted(periods):
            groups.extend(_group_by_place(periods[lo], f"{prec}:{lo}", lo, prec))

    # 4. Undated: alone.
    for it in by_prec.get("none", []):
        groups.append(_Group(f"none:{it.mention_id}", None, "none", it.geonameid, [it]))

    return {it.mention_id: g.anchor for g in groups for it in g.members}


def anchor_date(anchor: str) -> tuple[str, date | None]:
    """(precision, date) of a cluster from its anchor string."""
    prec, _, rest = anchor.partition(":")
    if prec == "none":
        return "none", None
    return prec, date.fromisoformat(rest.split(":", 1)[0])


def event_id(block: str, anchor: str) -> str:
    return "ev" + hashlib.sha256(f"{block}\x1f{anchor}".encode()).hexdigest()[:16]


def partition_year(d: date | None) -> int | None:
    return d.year if d is not None else None
