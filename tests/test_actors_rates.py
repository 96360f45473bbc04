"""Resolution rate on our own phrase sets (tests/data/actor_phrases_{en,fr}.tsv) and phrase speed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from dragoman.actors import get_kb, resolve_phrases
from dragoman.schema import NONSTATE_CODES

DATA = Path(__file__).resolve().parent / "data"
FLOORS = {"en": 0.90, "fr": 0.80}


def _rows(lang: str) -> list[list[str]]:
    lines = (DATA / f"actor_phrases_{lang}.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")][1:]
    return [r + [""] * (4 - len(r)) for r in rows]


def _correct(row: list[str], actor) -> bool:
    expected, sector = row[2], row[3]
    if actor is None:
        return False
    got = actor.code if expected[:3] in NONSTATE_CODES else actor.country
    return (got or "") == expected and (actor.sector or "") == sector


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_resolution_rate(lang):
    rows = _rows(lang)
    assert len(rows) >= 150
    actors = resolve_phrases([r[0] for r in rows], lang, kb=get_kb(),
                             dates=[dt.date.fromisoformat(r[1]) for r in rows])
    misses = [(r[0], r[2], r[3], a and (a.country, a.code, a.sector)) for r, a in zip(rows, actors, strict=True)
              if not _correct(r, a)]
    rate = 1 - len(misses) / len(rows)
    assert rate >= FLOORS[lang], f"{lang}: {rate:.3f} < {FLOORS[lang]}; misses: {misses}"


@pytest.mark.slow
def test_hundred_phrases_under_a_second():
    rows = (_rows("en") * 2)[:100]
    resolve_phrases(["warm-up"], "en")  # model and dictionaries loaded once
    t0 = time.process_time()
    out = resolve_phrases([r[0] for r in rows], "en", dt.date(2024, 3, 1))
    took = time.process_time() - t0
    assert len(out) == 100 and sum(a is not None for a in out) >= 95
    assert took < 1.0, f"100 phrases took {took:.2f}s of CPU"


GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.mark.slow
@pytest.mark.skipif(not GOLD.exists(), reason="/work/shared/gold not available")
@pytest.mark.parametrize(("name", "floor"), [("plover_gsr_en.dev.jsonl", 0.85), ("plover_gsr_fr.dev.jsonl", 0.85)])
def test_gold_participants_found_in_document(name, floor):
    """Recall of the GSR participants' countries/codes among the document's actor mentions."""
    import json

    from dragoman.actors import ActorStage
    from dragoman.ingest import document_from_text
    from dragoman.nlp import NlpStage

    recs = [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines()]
    docs = [document_from_text(r["text"], doc_id=r["id"], lang=r["lang"], pub_date=dt.date(2000, 1, 1)) for r in recs]
    docs = list(ActorStage()(NlpStage()(docs)))
    total = found = 0
    for rec, doc in zip(recs, docs, strict=True):
        got = {(m.actor.code[:3] if m.actor.code and m.actor.code[:3] in NONSTATE_CODES else m.actor.country)
               for m in doc.actor_mentions}
        for ev in rec["events"]:
            for part in ev["actor"] + ev["recipient"]:
                gold = part.get("code") or part.get("country")
                if gold:
                    total += 1
                    found += gold in got
    assert found / total >= floor, f"{name}: {found}/{total}"
