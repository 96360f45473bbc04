"""Summarise src/dragoman/data/common/people.yaml and answer "who held this office on that day?".

Usage:
    .venv/bin/python scripts/check_people.py                      # coverage summary
    .venv/bin/python scripts/check_people.py --on 2013-06-01 --owner CHN [--role foreign_minister]
    .venv/bin/python scripts/check_people.py --risky                # surnames that are also places or words

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


def risky() -> list[tuple[str, str, str]]:
    """(surname, bearers, why) for surnames that are also something else, and what covers them:
    a large place (``dragoman.actors.resolve.large_place``: the surname alone needs a title, a
    first name or an earlier mention), another dictionary entry (it outranks the surname except
    after a title or as a subject once the person is named), or a
    word our lexicons write in lower case (a surname must be capitalised and, at the start of a
    sentence, a proper noun)."""
    import re

    from dragoman.actors.kb import DATA, ActorKB
    from dragoman.actors.resolve import large_place
    from dragoman.actors.text import subtokens

    kb = ActorKB.load()
    words: set[str] = set()
    for lang in ("en", "fr"):
        for path in sorted((DATA / lang).iterdir()):
            if path.suffix in (".yaml", ".tsv", ".txt"):
                words.update(re.findall(r"(?<![\w'’])[a-zà-ÿ]+(?![\w'’])", path.read_text(encoding="utf-8")))
    others: dict[str, set[str]] = {}
    for lang in ("en", "fr"):
        for _lg, pattern, entry, _ in kb._patterns:
            if entry.kind not in ("person", "surname", "role") and _lg in (lang, "*"):
                others.setdefault(" ".join(subtokens(pattern)), set()).add(entry.id)
    out = []
    for key, bearers in sorted(kb.surname_bearers.items()):
        who = ", ".join(sorted({b.id for b in bearers}))
        written = next((s for b in bearers for s in kb.surnames_of.get(b.id, []) if " ".join(subtokens(s)) == key), key)
        if key in others:
            out.append((written, who, "also " + ", ".join(sorted(others[key])) + " (the person only after a title or as a "
                        "subject once named)"))
        if large_place(written):
            out.append((written, who, "large place (alone needs a title, first name or earlier mention)"))
        if written.lower() in words:
            out.append((written, who, "lower-case word of our lexicons (needs a capital, a proper noun at "
                        "a sentence start)"))
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--on", type=dt.date.fromisoformat, help="day to query (YYYY-MM-DD)")
    ap.add_argument("--owner", help="ISO3 country or non-state code (UNO, EUR, IGO, IMG)")
    ap.add_argument("--role", help="restrict to one role")
    ap.add_argument("--risky", action="store_true", help="list surnames that are also places or words")
    args = ap.parse_args(argv)
    if args.risky:
        for surname, who, why in risky():
            print(f"{surname:20} {who:40} {why}")
        return 0
    with PEOPLE.open(encoding="utf-8") as fh:
        people = yaml.safe_load(fh)["people"]
    if args.on and args.owner:
        on_day(people, args.on, args.owner, args.role)
    else:
        summary(people)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
