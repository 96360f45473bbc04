"""Why dyad units are missed: per-category counts of missed gold units, with examples.

Usage: python scripts/unit_misses.py GOLD.jsonl [CATEGORY] [--examples N]

Runs the pipeline on every record and, for each gold unit (see docs/evaluation.md) not recalled by
an event of an acceptable type, puts it in one category:

- ``no-event``: no predicted event of an acceptable type;
- ``no-participants``: events of the type, none with any participant;
- ``actor-country-absent``: the gold actor's country/code is on none of the events' actors;
- ``no-recipient``: the actor is found but the events have no recipient;
- ``recipient-country-absent``: recipients exist, none with the gold recipient;
- ``swapped``: actor and recipient both present but on the wrong sides;
- ``other``: actor and recipient present on separate events.

With CATEGORY, prints every example of that category (sentence, gold unit, predicted participants).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from dragoman.evaluate import (
    ASSERTED_STATUSES,
    _acceptable_types,
    _documents,
    _participant_matches,
    _unit_recalled,
    gold_units,
    load_gold,
)
from dragoman.pipeline import Pipeline
from dragoman.schema import Actor, Event


def _has(gold: dict | None, people: list[Actor]) -> bool:
    return gold is not None and any(_participant_matches(gold, p, with_sector=False) for p in people)


def categorise(unit: tuple[dict | None, dict | None, bool], events: list[Event]) -> str:
    actor, recipient, symmetric = unit
    if not events:
        return "no-event"
    if not any(e.actor or e.recipient for e in events):
        return "no-participants"
    actors = [a for e in events for a in e.actor]
    recips = [r for e in events for r in e.recipient]
    if symmetric:
        return "actor-country-absent"
    if actor is not None and not _has(actor, actors):
        if recipient is not None and _has(actor, recips) and _has(recipient, actors):
            return "swapped"
        return "actor-country-absent"
    if recipient is None:
        return "other"
    if not recips:
        return "no-recipient"
    if not _has(recipient, recips):
        return "swapped" if _has(recipient, actors) else "recipient-country-absent"
    return "other"


def _fmt(people: list[Actor]) -> str:
    return ",".join(f"{a.code or a.country or '?'}[{a.text}]" for a in people) or "-"


def _gold(p: dict | None) -> str:
    return "-" if p is None else f"{p.get('country') or p.get('code')}[{p.get('text')}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("category", nargs="?")
    ap.add_argument("--examples", type=int, default=3, help="examples per category without CATEGORY")
    args = ap.parse_args(argv)
    records = load_gold(args.gold)
    by_id = {r.id: r for r in records}
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    total = 0
    for doc in Pipeline()(_documents(records)):
        rec = by_id[doc.id]
        asserted = [e for e in doc.events if e.status in ASSERTED_STATUSES]
        for g in rec.events:
            if g.get("optional"):
                continue
            types = _acceptable_types(g, False)
            cands = [e for e in asserted if e.type in types]
            for unit in gold_units(g):
                total += 1
                if any(_unit_recalled(unit, e, with_sector=False) for e in cands):
                    continue
                cat = categorise(unit, cands)
                counts[cat] += 1
                preds = "; ".join(f"{e.type} {_fmt(e.actor)} -> {_fmt(e.recipient)} ({e.evidence[0].rule})"
                                  for e in cands) or "none"
                examples.setdefault(cat, []).append(
                    f"{rec.id} {g['type']}: gold {_gold(unit[0])} -> {_gold(unit[1])}\n"
                    f"    {rec.text[:300]}\n    predicted: {preds}")
    out: list[str] = [f"{args.gold}: {total} units, {sum(counts.values())} missed"]
    for cat, n in counts.most_common():
        out.append(f"  {cat:26} {n}")
    for cat, n in counts.most_common():
        if args.category and cat != args.category:
            continue
        shown = examples[cat] if args.category else examples[cat][: args.examples]
        out.append(f"\n== {cat} ({n})")
        out.extend(shown)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
