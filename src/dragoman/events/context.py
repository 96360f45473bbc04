"""Recipient defaults from an event's context, for events the parse left without a recipient.

In order (the first that finds something wins; an attached recipient is never replaced):

1. *condition*: the subject of a conditional clause ("if"/"unless"/"si"/"à moins que") of the
   trigger or its complements: "threatened to launch an offensive unless Baghdad accepted" -> IRQ;
2. *argument*: a country or place in a nominal/locative argument of the trigger, of its
   complement chain (xcomp/ccomp) or of their objects: "suspension of air links with Serbia",
   "lifted a curfew in Montenegro", "dispatched inspectors to Esfahan" (the place's country);
3. *domestic default*: protests, strikes, riots by a country's people with no target, and
   concessions, rejections and coercion by domestic non-government actors, are aimed at that
   country's government (PLOVER/CAMEO practice): recipient = country + GOV.

The evidence ``rule`` gets ``+recipient:<mechanism>`` so ``explain`` shows the inference.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import DataFileError
from dragoman.schema import Actor, Document, Event, Sentence

_DATA = Path(__file__).resolve().parents[1] / "data"

_COMPLEMENTS = frozenset(("xcomp", "ccomp", "advcl"))
_OBJECTS = frozenset(("dobj", "obj", "nsubjpass", "nsubj:pass", "attr"))
_SUBJECTS = frozenset(("nsubj", "nsubjpass", "nsubj:pass", "csubj"))
_DOMESTIC_TYPES = frozenset(("PROTEST", "CONCEDE", "REJECT", "COERCE"))
# Sectors of a country's people rather than its state: their protests target their government.
_NON_STATE = frozenset(("OPP", "PTY", "REB", "CVL", "LAB", "EDU", "MED", "REL", "SOC", "BUS", "AGR", "JRN",
                        "UAF", "REF"))
_NO_PLACE_TYPES = frozenset(("CONSULT", "AGREE"))  # where people meet or sign is no recipient
# A refusal answers the pressure it resists: "declined to resign despite pressure by X" -> X
_CONCESSIVE_TYPES = frozenset(("REJECT",))


@dataclass(frozen=True)
class ContextCues:
    argument_preps: frozenset[str]
    condition_marks: frozenset[str]
    purpose_marks: frozenset[str]
    concessive_preps: frozenset[str] = frozenset()


@lru_cache(maxsize=4)
def load_context_cues(lang: str) -> ContextCues | None:
    """``data/<lang>/context_cues.yaml`` (None for a language without one)."""
    path = _DATA / lang / "context_cues.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DataFileError(f"invalid YAML: {getattr(err, 'problem', err)}",
                            where=f"{path}:{mark.line + 1}" if mark else str(path)) from err
    data = data if isinstance(data, dict) else {}
    lists = {}
    # (key, required): a required key is a non-empty list; an optional one may be absent or empty
    for key, required in (("argument_preps", True), ("condition_marks", True), ("purpose_marks", True),
                          ("concessive_preps", False)):
        value = data.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value) or not all(
                isinstance(v, str) and v.strip() for v in value):
            kind = "a non-empty list" if required else "a list"
            raise DataFileError(f"key {key!r} must be {kind} of strings", where=str(path))
        lists[key] = frozenset(v.strip().lower() for v in value)
    return ContextCues(**lists)


def add_context_recipient(doc: Document, sent: Sentence, head: Any, ev: Event, *,
                          over_location: bool = False, mentions: list[Any] | None = None) -> None:
    """Fill ``ev.recipient`` from the context when it is empty (in place).

    ``over_location``: the recipient is only the country where the act happened (attach's
    location-recipient); an argument of the act or of its complements ("bloqué une route à Bagdad
    pour exprimer leur désapprobation de la politique des États-Unis") names the target better."""
    if ev.recipient and not over_location or not ev.actor or doc.lang is None:
        return  # a participant-less mention is background or a duplicate: a recipient would keep it
    cues = load_context_cues(doc.lang)
    if cues is None:
        return
    if mentions is None:  # the events stage passes the sentence's mentions it already holds
        mentions = [m for m in doc.actor_mentions if m.sentence_index == sent.index]
    actor_keys = {a.start for a in ev.actor if a.start is not None}
    from dragoman.events.cues import load_event_cues

    chain = _chain(head, cues, load_event_cues(doc.lang).speech_verbs)
    if over_location:
        places = {r.start for r in ev.recipient if r.start is not None}
        found = _argument(doc, sent, chain, mentions, doc.lang, cues, actor_keys | places, ev.type)
        if found is not None and found.start not in places and found.country not in {r.country for r in ev.recipient}:
            ev.recipient = [found] + _conjoined(found, mentions, head.doc, actor_keys | places)
            for e in ev.evidence:
                e.rule = (e.rule or "") + "+recipient:argument"
        return
    found = _condition(chain, mentions, cues, actor_keys)
    how = "condition"
    if found is None:
        found, how = _argument(doc, sent, chain, mentions, doc.lang, cues, actor_keys, ev.type), "argument"
    if found is None:
        found, how = _domestic(ev), "domestic-default"
    if found is None:
        return
    ev.recipient = [found] + (_conjoined(found, mentions, head.doc, actor_keys) if how != "domestic-default" else [])
    for e in ev.evidence:
        e.rule = (e.rule or "") + "+recipient:" + how


def _chain(head: Any, cues: ContextCues, speech: frozenset[str]) -> list[Any]:
    """The trigger and its objects, then its complement clauses (two levels) and theirs, nearest first.

    Speech verbs ("..., a rapporté un journal") and adverbial clauses with a mark other than a
    purpose mark ("while", "tandis que") are other statements, not complements."""
    def objects(t: Any) -> list[Any]:
        objs = [c for c in t.children if c.dep_ in _OBJECTS and c.pos_ != "PRON"]
        # "a suspension of flights with X": the argument hangs on the noun after "of"
        return objs + [g for o in [t, *objs] for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"]

    def complement(c: Any) -> bool:
        if c.dep_ not in _COMPLEMENTS or c.pos_ not in ("VERB", "AUX") or c.lemma_.lower() in speech:
            return False
        marks = {m.lower_ for m in c.children if m.dep_ == "mark"}
        return c.dep_ != "advcl" or not marks or bool(marks & cues.purpose_marks)

    out, frontier = [head, *objects(head)], [head]
    for _ in range(2):
        frontier = [c for t in frontier for c in t.children if complement(c)]
        for c in frontier:
            out += [c, *objects(c)]
    return out


def _conjoined(found: Actor, mentions: list[Any], doc: Any, actor_keys: set) -> list[Actor]:
    """Mentions coordinated with the one found: "porter des coups aux États-Unis et à Israël"."""
    from dragoman.events.syntax import conjuncts

    m = next((x for x in mentions if x.actor == found or found.start is not None and x.start == found.start), None)
    if m is None:
        return []
    toks = [doc[i] for i in range(m.token_start, m.token_end)]
    heads = [t for t in toks if not (m.token_start <= t.head.i < m.token_end) or t.head == t]
    out: list[Actor] = []
    for h in heads[:1]:
        for c in conjuncts(h)[1:]:
            o = _mention_at(mentions, [c])
            if o is not None and o is not m and o.start not in actor_keys and all(o.actor != a for a in out):
                out.append(_copy(o.actor))
    return out


def _mention_at(mentions: list[Any], tokens: Any) -> Any:
    idx = {t.i for t in tokens}
    for m in mentions:
        if any(m.token_start <= i < m.token_end for i in idx) and (m.actor.country or m.actor.code):
            return m
    return None


def _condition(chain: list[Any], mentions: list[Any], cues: ContextCues, actor_keys: set) -> Actor | None:
    for t in chain:
        for c in t.children:
            if c.dep_ != "advcl":
                continue
            marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "fixed") or m.dep_.startswith("mark")}
            marks |= {g.lower_ for m in c.children if m.dep_ == "mark" for g in m.children}
            if not marks & cues.condition_marks:
                continue
            subj = [s for s in c.children if s.dep_ in _SUBJECTS]
            for s in subj:
                m = _mention_at(mentions, [s, *s.subtree])
                if m is not None and m.start not in actor_keys:
                    return _copy(m.actor)
    return None


def _argument(doc: Document, sent: Sentence, chain: list[Any], mentions: list[Any], lang: str,
              cues: ContextCues, actor_keys: set, etype: str) -> Actor | None:
    concessive = cues.concessive_preps if etype in _CONCESSIVE_TYPES else frozenset()
    preps = cues.argument_preps | concessive
    places = [p for p in doc.place_mentions if p.sentence_index == sent.index and p.location.country]
    # a participant inside an object names the target: "rejected an American offer", "rejected the
    # changes proposed by X", "went on hunger strike to protest X's failure"
    for t in chain[1:]:
        if t.dep_ in _OBJECTS and t.head.pos_ in ("VERB", "AUX"):
            m = _mention_at(mentions, list(t.subtree))
            if m is not None and m.start not in actor_keys:
                return _copy(m.actor)
    for t in chain:
        for c in t.children:
            if lang == "en":
                if c.dep_ != "prep" or c.lower_ not in preps:
                    continue
                obj = [g for g in c.children if g.dep_ == "pobj"]
            elif c.pos_ == "VERB" and c.lower_ in preps:
                # an argument preposition mis-tagged as a verb heads its noun as an object: "revenu sur
                # sa promesse **envers** les syndicats" (envers: VERB, parataxis; syndicats: its obj)
                obj = [g for g in c.children if g.dep_ in ("obj", "nmod", "obl")]
            else:
                if c.dep_ not in ("obl", "obl:arg", "obl:mod", "nmod") or not any(
                        g.dep_ == "case" and g.lower_ in preps for g in c.children):
                    continue
                obj = [c]
            word = c.lower_ if lang == "en" or c.pos_ == "VERB" else \
                next((g.lower_ for g in c.children if g.dep_ == "case" and g.lower_ in preps), "")
            for o in obj:
                sub = list(o.subtree)
                m = _mention_at(mentions, sub)
                if m is not None and m.kind in ("country", "capital", "igo", "group", "role", "person"):
                    if m.start not in actor_keys:
                        return _copy(m.actor)
                    continue
                if etype in _NO_PLACE_TYPES or word in concessive:
                    continue
                ids = {x.i for x in sub}
                for p in places:
                    if any(i in ids for i in range(p.token_start, p.token_end)):
                        loc = p.location
                        return Actor(text=loc.text, name=loc.name, country=loc.country, code=loc.country,
                                     start=loc.start, end=loc.end, entry=f"context:place:{loc.country}")
    return None


def _domestic(ev: Event) -> Actor | None:
    if ev.type not in _DOMESTIC_TYPES:
        return None
    actors = [a for a in ev.actor if a.country and (a.code is None or a.code[:3] == a.country)]
    if not actors:
        return None
    a = actors[0]
    if ev.type == "PROTEST":
        if a.sector in ("GOV", "MIL", "SPY"):
            return None  # a government's "protest" is diplomatic and needs a named target
    elif a.sector not in _NON_STATE:
        return None
    if len({x.country for x in actors}) > 1:
        return None
    return Actor(text=a.text, country=a.country, sector="GOV", code=a.country + "GOV",
                 entry=f"context:domestic-default:{a.country}")


def _copy(a: Actor) -> Actor:
    from dataclasses import replace

    return replace(a)
