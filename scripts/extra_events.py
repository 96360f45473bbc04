"""Events a doc-level gold file does not annotate, for judging by hand.

Usage: python scripts/extra_events.py GOLD.jsonl [--focus-fp] [--types T,T] [--jsonl OUT]

Runs the pipeline on every record of a ``doc_level`` gold file (POPCORN) and prints each asserted
event (status occurred or planned, the ones doc precision counts) that the gold cannot confirm:

- by default, events of a type outside PROTEST/COERCE/ASSAULT (POPCORN never annotates them, so
  doc precision counts them all as false positives even when they are real events);
- with ``--focus-fp``, PROTEST/COERCE/ASSAULT events whose type no gold event of the text accepts.

Each event is printed with the record id, the gold types of the text, type/mode, status, trigger,
lexicon entry, rule, actor and recipient (code or country, and text) and its sentence. ``--jsonl``
also writes them one JSON object a line (for comparing two runs).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from dragoman.evaluate import ASSERTED_STATUSES, DOC_LEVEL_FOCUS, _acceptable_types, _documents, load_gold
from dragoman.pipeline import Pipeline
from dragoman.schema import Actor


def _people(people: list[Actor]) -> str:
    return ", ".join(f"{a.code or a.country or '?'}[{a.text}]" for a in people) or "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("--focus-fp", action="store_true",
                    help="PROTEST/COERCE/ASSAULT events of a type the text's gold does not accept")
    ap.add_argument("--types", help="only these types (comma-separated)")
    ap.add_argument("--jsonl", help="also write the events to this file, one JSON object a line")
    args = ap.parse_args(argv)
    records = load_gold(args.gold)
    by_id = {r.id: r for r in records}
    only = set(args.types.split(",")) if args.types else None
    rows: list[dict] = []
    for doc in Pipeline()(_documents(records)):
        rec = by_id[doc.id]
        gold = [g for g in rec.events if not g.get("optional")]
        accepted = set().union(*(_acceptable_types(g, False) for g in gold)) if gold else set()
        for ev in doc.events:
            if ev.status not in ASSERTED_STATUSES or (only and ev.type not in only):
                continue
            if args.focus_fp:
                if ev.type not in DOC_LEVEL_FOCUS or ev.type in accepted:
                    continue
            elif ev.type in DOC_LEVEL_FOCUS:
                continue
            evid = ev.evidence[0]
            rows.append({"id": rec.id, "gold": sorted({g["type"] for g in gold}), "type": ev.type,
                         "mode": ev.mode, "status": ev.status, "trigger": evid.trigger.text,
                         "entry": evid.entry, "rule": evid.rule, "actor": _people(ev.actor),
                         "recipient": _people(ev.recipient), "sentence": evid.sentence.strip(),
                         "statements": len(ev.evidence)})
    out: list[str] = []
    for n, r in enumerate(rows, 1):
        out.append(f"[{n}] {r['id']} gold={','.join(r['gold']) or '-'}  {r['type']}/{r['mode'] or '-'} "
                   f"{r['status']}  trigger={r['trigger']!r} ({r['entry']}, {r['rule']})\n"
                   f"    actor: {r['actor']}  recipient: {r['recipient']}"
                   f"{'  +' + str(r['statements'] - 1) + ' statements' if r['statements'] > 1 else ''}\n"
                   f"    {r['sentence'][:400]}")
    counts = Counter(r["type"] for r in rows)
    docs = len({(r["id"], r["type"]) for r in rows})
    out.append(f"\n{len(rows)} events, {docs} (text, type) pairs: "
               + ", ".join(f"{t} {n}" for t, n in counts.most_common()))
    sys.stdout.write("\n".join(out) + "\n")
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
