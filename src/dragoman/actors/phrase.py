"""``resolve_phrase``: code a short phrase ("le vice-ministre nord-coréen ...") to one Actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from dragoman.actors.kb import ActorKB, get_kb
from dragoman.actors.resolve import DocState, Found, Resolver
from dragoman.schema import Actor


def _nlp(lang: str) -> Any:
    from dragoman.nlp import load_nlp

    return load_nlp(lang)


def _best(found: list[Found]) -> Found | None:
    cands = [f for f in found if f.kind not in ("place-part",)]
    if not cands:
        return None
    # the widest mention is the phrase's head ("police in Seoul", not "Seoul")
    return max(cands, key=lambda f: (f.end - f.start, -f.start))


def resolve_phrases(texts: Iterable[str], lang: str, date: dt.date | None = None,
                    kb: ActorKB | None = None, dates: Iterable[dt.date | None] | None = None) -> list[Actor | None]:
    """Resolve many phrases of one language (spaCy runs as a batch)."""
    kb = kb or get_kb()
    resolver = Resolver(kb, lang)
    texts = list(texts)
    day_list = list(dates) if dates is not None else [date] * len(texts)
    out: list[Actor | None] = []
    for sdoc, day in zip(_nlp(resolver.lang).pipe(texts), day_list, strict=True):
        state = DocState(lang=resolver.lang, day=day or date or dt.date.today())
        resolver.begin(state)
        found: list[Found] = []
        for sent in sdoc.sents:
            found += resolver.sentence(sent, state)
        best = _best(found)
        if best is None:
            out.append(None)
            continue
        a = best.actor
        a.start, a.end = sdoc[best.start].idx, sdoc[best.end - 1].idx + len(sdoc[best.end - 1].text)
        a.text = sdoc.text[a.start:a.end]
        out.append(a)
    return out


def resolve_phrase(text: str, lang: str, date: dt.date | None = None, kb: ActorKB | None = None) -> Actor | None:
    """The actor a short phrase names, resolved at ``date`` (today when None), or None."""
    return resolve_phrases([text], lang, date, kb)[0]
