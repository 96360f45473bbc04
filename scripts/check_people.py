"""Summarise src/dragoman/data/common/people.yaml and answer "who held this office on that day?".

Usage:
    .venv/bin/python scripts/check_people.py                      # coverage summary
    .venv/bin/python scripts/check_people.py --on 2013-06-01 --owner CHN [--role foreign_minister]

Structure and consistency are enforced by tests/test_people_data.py; this script is for editors.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import yaml

PEOPLE = Path(__file__).resolve().parents[1] / "src" / "dragoman" / "data" / "common" / "people.yaml"


def _bounds(value) -> tuple[dt.date, dt.date]:
    """Earliest and latest day that a full or partial ('YYYY', 'YYYY-MM') date can stand for."""
    if isinstance(value, dt.date):
        return value, value
    parts = [int(x) for x in str(value).split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    last = calendar.monthrange(parts[0], parts[1])[1]
    return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)


def holds(office: dict, day: dt.date) -> str | None:
    """'yes' if the office surely covers the day, 'maybe' if only a partial date allows it."""
    f_lo, f_hi = _bounds(office["from"])
    t_lo, t_hi = (dt.date.max, dt.date.max) if office["to"] is None else _bounds(office["to"])
    if f_hi <= day <= t_lo:
        return "yes"
    if f_lo <= day <= t_hi:
        return "maybe"
    return None


def summary(people: list[dict]) -> None:
    offices = [o for p in people for o in p["offices"]]
    print(f"people: {len(people)}  offices: {len(offices)}")
    print(f"with QID: {sum(1 for p in people if p['qid'])}  qid null: {sum(1 for p in people if not p['qid'])}")
    partial = sum(1 for o in offices for k in ("from", "to") if isinstance(o[k], str))
    print(f"partial dates (YYYY or YYYY-MM): {partial}  open-ended offices: "
          f"{sum(1 for o in offices if o['to'] is None)}")
    owners = Counter(p["country"] or p["code"] for p in people)
    print(f"owners ({len(owners)}): " + ", ".join(f"{k} {v}" for k, v in owners.most_common()))
    roles = Counter(o["role"] for o in offices)
    print("roles: " + ", ".join(f"{k} {v}" for k, v in roles.most_common()))


def on_day(people: list[dict], day: dt.date, owner: str, role: str | None) -> None:
    for p in people:
        for o in p["offices"]:
            # an office held for another country or body names it; else it is the person's own
            if (o.get("code") or o.get("country") or p["country"] or p["code"]) != owner:
                continue
            if role and o["role"] != role:
                continue
            status = holds(o, day)
            if status:
                print(f"{status:5}  {o['role']:26} {p['id']:32} {o['office']} ({o['from']} - {o['to']})")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--on", type=dt.date.fromisoformat, help="day to query (YYYY-MM-DD)")
    ap.add_argument("--owner", help="ISO3 country or non-state code (UNO, EUR, IGO, IMG)")
    ap.add_argument("--role", help="restrict to one role")
    args = ap.parse_args(argv)
    with PEOPLE.open(encoding="utf-8") as fh:
        people = yaml.safe_load(fh)["people"]
    if args.on and args.owner:
        on_day(people, args.on, args.owner, args.role)
    else:
        summary(people)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
