"""The event stage: triggers + arguments + status + date + place -> merged events.

Per sentence: find trigger candidates (``dragoman.events.lexicon``), apply the
entries' object constraints, attach actors and recipients through the parse
(``attach``), decide the status (``status``), date and place the event (the
dates and places stages), then merge the mentions of the same event within the
document (``merge``). Every decision is written to ``Document.trace`` so
``dragoman explain`` can say why a sentence gave an event or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from dragoman import __version__
from dragoman.pipeline import per_document
from dragoman.schema import QUAD_CLASS, Document, Event, Evidence, Sentence, Span

__all__ = ["EventStage", "code_document"]

# Trace outcomes (stable strings: explain and tests use them).
CODED = "coded"
NO_ARGS = "no actor or recipient"
NEGATED = "negated"
OBJECT_NOT_ALLOWED = "object not allowed"
NO_TRIGGER = "no trigger in sentence"
FURNITURE = "page furniture"
IN_ACTOR_NAME = "trigger inside an actor name"
SUPERSEDED = "superseded by a longer trigger"
SUBSUMED = "restates another event"
NOT_AGENTIVE = "no agent that can act"
STRAY_CLITIC = "reflexive clitic of another verb"
OTHER_FRAME = "not a political event here"


class EventStage:
    name = "events"

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return per_document(self.name, docs, code_document)


@dataclass
class _Candidate:
    match: Any
    head: Any


def _orig_span(doc: Document, sent: Sentence, first, last) -> Span:
    start = doc.orig(sent.norm_offset + first.idx)
    end = doc.orig(sent.norm_offset + last.idx + len(last.text))
    return Span(doc.text[start:end], start, end)


def _title_sentences(doc: Document) -> set[int]:
    if not doc.title:
        return set()
    title = doc.title.strip()
    pos = doc.text.find(title)
    if pos < 0 or pos > 5:
        return set()
    end = pos + len(title)
    return {s.index for s in doc.sentences if s.start < end}


def _strong(entry: Any, head_tok: Any) -> bool:
    """Triggers that state an event even when no participant is found.

    Verbs and phrases, and nouns of material actions (protests, strikes,
    arrests, attacks): "des manifestations ont éclaté" is news without a who.
    """
    if entry.is_phrase or entry.pos == "VERB" and head_tok.pos_ in ("VERB", "AUX"):
        return True
    return entry.pos == "NOUN" and QUAD_CLASS.get(entry.type) in (2, 4)


def _content_head(doc_sp: Any, m: Any) -> Any:
    """The word arguments attach to: the match head, unless it is a clitic or function word
    ("**se** rendre" with head 0): then the phrase's verb, else its noun."""
    tok = doc_sp[m.head]
    if tok.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ"):
        return tok
    span = [doc_sp[i] for i in range(m.token_start, m.token_end)]
    for pos in (("VERB",), ("AUX",), ("NOUN", "PROPN")):
        for t in span:
            if t.pos_ in pos:
                return t
    return tok


def _stray_clitic(m: Any, doc_sp: Any) -> bool:
    """A pronominal phrase whose reflexive clitic belongs to another verb: in "se dit disposée à
    retirer", the "se" is the one of "se dire", not of "se retirer"."""
    lemmas = m.entry.lemmas
    if not m.entry.is_phrase or len(lemmas) < 2:
        return False
    first = doc_sp[m.token_start]
    if (first.pos_ == "SCONJ" or first.dep_ == "mark") and first.lemma_.lower() != lemmas[0] or \
            first.dep_ == "mark" and first.pos_ == "PRON":
        return True  # "s'il leur accordait" is "si il", not the "s'" of "s'accorder"
    if first.pos_ != "PRON" or first.lemma_.lower() != lemmas[0] or "Yes" not in first.morph.get("Reflex"):
        return False
    head = first.head
    return head != first and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() != lemmas[1]


def _choose(lexicon: Any, matches: list[Any], doc_sp: Any) -> tuple[list[_Candidate], list[tuple[Any, str]]]:
    """One entry per trigger span (object constraints applied); rejected matches with the reason."""
    from dragoman.events.lexicon import objects_of

    groups: dict[tuple[int, int, int], list[Any]] = {}
    rejected: list[tuple[Any, str]] = []
    pending = list(matches)
    seen_stray: set[tuple[int, int]] = set()
    while pending:
        m = pending.pop(0)
        if _stray_clitic(m, doc_sp):
            rejected.append((m, STRAY_CLITIC))
            if (m.token_start, m.token_end) not in seen_stray:
                # the words the phrase had hidden ("retirer" in "se dit disposée à retirer") come back
                seen_stray.add((m.token_start, m.token_end))
                pending.extend(lexicon.match(doc_sp[m.token_start + 1:m.token_end]))
            continue
        groups.setdefault((m.token_start, m.token_end, m.head), []).append(m)
    chosen: list[_Candidate] = []
    for (_s, _e, head), group in sorted(groups.items()):
        objs = objects_of(doc_sp[head])
        ok = [m for m in group if lexicon.select(m, objs)]
        if not ok:
            rejected.extend((m, OBJECT_NOT_ALLOWED) for m in group)
            continue
        constrained = [m for m in ok if m.entry.args.objects]
        best = (constrained or ok)[0]
        chosen.append(_Candidate(best, _content_head(doc_sp, best)))
    # a trigger whose head lies inside a longer chosen trigger is the same word
    final: list[_Candidate] = []
    for c in chosen:
        m = c.match
        if any(o is not c and o.match.token_start <= m.head < o.match.token_end
               and (o.match.token_end - o.match.token_start) > (m.token_end - m.token_start) for o in chosen):
            rejected.append((m, SUPERSEDED))
            continue
        final.append(c)
    return final, rejected


# Verbal and diplomatic types: words and visits are political only between political participants,
# so a trigger with none found is not coded (material acts and protests still are).
_VERBAL = frozenset({"CONSULT", "AGREE", "SUPPORT", "REQUEST", "AID", "ACCUSE", "REJECT", "THREATEN", "CONCEDE",
                     "COOPERATE", "RETREAT", "MOBILIZE"})


# A conflictual act announced by its own actor, or made conditional ("will withdraw unless…", "could
# impose sanctions if…"), is also a threat (PLOVER THREATEN): CAMEO code of the threat by act type.
_THREAT_CAMEO = {"SANCTION": "1312", "PROTEST": "133", "COERCE": "137", "ASSAULT": "138", "MOBILIZE": "138"}


# A cooperative act announced for the future ("Finland will give Tanzania a grant", "Syria is
# willing to withdraw", "X will visit Y") is an expression of intent to cooperate (PLOVER AGREE, CAMEO 03x;
# a visit or talks announced: 036 intent to meet or negotiate).
_INTENT_CAMEO = {"AID": "033", "COOPERATE": "031", "RETREAT": "035", "CONCEDE": "035",
                 "SUPPORT": "032", "CONSULT": "036"}


def _conditional(st: Any, lang: str) -> bool:
    """An if/unless/si/à moins que clause bears on the event."""
    from dragoman.events.cues import load_status_cues

    cues = load_status_cues(lang)
    cue = (st.cue or "").lower()
    return st.conditional or cue in cues.condition_marks or any(cue.startswith(m) for m in cues.condition_marks)


def _intent(ev: Event, st: Any, lang: str) -> Event | None:
    code = _INTENT_CAMEO.get(ev.type)
    if code is None or not ev.actor:
        return None
    # "would meet the mediator if he gave them a veto": a conditional offer is an intent too (a
    # conditional withdrawal is a threat, see _threat)
    if not (ev.status == "planned" or ev.status == "hypothetical" and ev.type != "RETREAT"
            and _conditional(st, lang)):
        return None
    return _derived(ev, "AGREE", code, "intent", round(ev.confidence - 0.1, 3))


def _derived(ev: Event, type_: str, code: str, rule: str, confidence: float) -> Event:
    from dragoman.events.lexicon import load_cameo

    row = load_cameo()[code]
    ev2 = Event(
        doc_id=ev.doc_id, event_id="", type=type_, mode=row.mode, contexts=list(row.contexts), cameo=code,
        quad_class=row.quad_class, goldstein=row.goldstein, actor=[replace(a) for a in ev.actor],
        recipient=[replace(a) for a in ev.recipient], date=ev.date, date_precision=ev.date_precision,
        date_text=ev.date_text, location=ev.location, status="occurred", confidence=confidence, lang=ev.lang,
        evidence=[replace(e, rule=(e.rule or "") + "+" + rule, score=confidence) for e in ev.evidence],
        version=ev.version,
        reported_by=[replace(a) for a in ev.reported_by],
    )
    return ev2


def _threat(ev: Event, att: Any, st: Any, lang: str) -> Event | None:
    code = _THREAT_CAMEO.get(ev.type) or ("131" if ev.type == "RETREAT" else None)
    if code is None or ev.status not in ("planned", "hypothetical") or not ev.actor:
        return None
    conditional = _conditional(st, lang)
    speakers = {p.actor.country for p in att.reported_by if p.actor.country}
    own_word = bool(speakers & {a.country for a in ev.actor}) or "pronoun" in att.rules
    if not (conditional or (own_word and ev.type != "RETREAT")):
        return None  # an announced withdrawal is a plan; a conditional one ("unless…") is a threat
    return _derived(ev, "THREATEN", code, "threat", round(ev.confidence - 0.1, 3))


def _obligation_event(doc: Document, sent: Sentence, ob: Any, lang: str) -> Event:
    from dragoman.events.lexicon import load_cameo

    row = load_cameo()["10"]
    trig = _orig_span(doc, sent, ob.modal, ob.modal)
    score = 0.6 if ob.speakers else 0.45
    return Event(
        doc_id=doc.id, event_id="", type="REQUEST", mode=row.mode, contexts=list(row.contexts), cameo="10",
        quad_class=row.quad_class, goldstein=row.goldstein,
        actor=[replace(p.actor) for p in ob.speakers], recipient=[replace(p.actor) for p in ob.addressees],
        date=None, date_precision="inferred", date_text=None, location=None, status="occurred",
        confidence=score, lang=lang,
        evidence=[Evidence(sentence_index=sent.index, sentence=sent.text, start=sent.start, end=sent.end,
                           trigger=trig, rule="speech-obligation", entry=None, score=score)],
        version=__version__,
    )


def _fill_countries(actors: list[Any], recipients: list[Any], location: Any, etype: str) -> None:
    """Participants known only by their role ("protesters", "the police") take the country of the
    place where the event happens; for repression (COERCE) the recipient otherwise takes the
    actor's country ("police arrested protesters": domestic by default)."""
    loc_country = location.country if location is not None else None
    state_actor = next((a.country for a in actors if a.country), None)
    for side in (actors, recipients):
        for i, a in enumerate(side):
            if a.country or not a.sector or (a.code and a.code != a.sector):
                continue  # only bare roles ("protesters", "the police") take a country
            country = loc_country
            if country is None and side is recipients and etype == "COERCE":
                country = state_actor
            if country:
                side[i] = replace(a, country=country, code=country + a.sector)


def _frame_check(entry: Any, head_tok: Any, span: Any, sent_index: int, att: Any, frames: Any, cues: Any,
                 agents: list[Any]) -> str | None:
    """Sense frames (``events/frames.py``) and required actor sectors of an entry: why the trigger
    is not a political event of its type here, or None."""
    from dragoman.events.frames import (
        aspectual,
        equipment,
        ordinary_crime,
        own_thing,
        place_name,
        protest_frame,
        protest_topic,
        protested_clause,
        topic,
    )

    why = protest_frame(entry, head_tok, span, sent_index, frames, cues) or place_name(head_tok, cues) \
        or aspectual(entry, head_tok) or own_thing(entry, head_tok)
    if not why and entry.type in ("ASSAULT", "COERCE", "PROTEST"):
        why = topic(head_tok, cues) or protested_clause(head_tok, att.actors, cues)
    if not why and entry.type == "ASSAULT":
        why = equipment(head_tok, cues) or ordinary_crime(
            head_tok, att.actors, att.recipients, agents, sent_index, frames, cues)
    if not why and entry.type == "REQUEST":
        why = protest_topic(att.actors, span, sent_index, frames, cues, att.recipients)
    # the actor; for a swapped entry ("came under fire") the subject is the recipient and counts too
    parts = att.actors + (att.recipients if entry.args.swap else [])
    if not why and entry.args.actor_sectors and not any(
            _sector(p) in entry.args.actor_sectors for p in parts):
        why = f"needs an actor of sector {'/'.join(entry.args.actor_sectors)}"
    return why


def _sector(part: Any) -> str | None:
    """The participant's sector; a country or an intergovernmental body named without one acts as a
    government ("la Chine", "l'ONU"), a person of that country does not ("un homme d'origine espagnole"), nor
    does a nationality word standing alone for people ("d'origine pakistanaise", "une jeune Grecque")."""
    actor = part.actor
    if actor.sector:
        return actor.sector
    if part.mention is not None and part.mention.kind == "person":
        return None
    if (actor.entry or "").startswith(("nationality:", "demonym:")):
        return None  # "deux garçons d'origine pakistanaise", "une jeune Grecque": people, not their state
    if actor.country or (actor.code and actor.code[:3] in ("IGO", "UNO", "EUR")):
        return "GOV"
    return None


def _recoded(entry: Any, code: str) -> Any:
    """The entry recoded as CAMEO ``code`` (type, mode, contexts, quad class, Goldstein from the crosswalk)."""
    from dragoman.events.lexicon import load_cameo

    row = load_cameo()[code]
    return replace(entry, type=row.type, mode=row.mode, cameo=code, contexts=row.contexts,
                   quad_class=row.quad_class, goldstein=row.goldstein)


def _as_riot(entry: Any) -> Any:
    """The entry recoded as PROTEST riot (CAMEO 145): violence that is part of a riot."""
    return _recoded(entry, "145")


def code_document(doc: Document) -> None:
    """Fill ``doc.events`` (and ``doc.trace``) for one parsed document."""
    from dragoman.dates import event_date
    from dragoman.events.agentivity import agent_tokens, non_agentive, non_political
    from dragoman.events.attach import MentionIndex, Participant, attach, obligations, usable
    from dragoman.events.calibration import calibrate_events
    from dragoman.events.context import add_context_recipient
    from dragoman.events.cues import load_event_cues
    from dragoman.events.frames import FrameIndex, riot_violence
    from dragoman.events.lexicon import load_triggers
    from dragoman.events.merge import Features, confidence, merge_events
    from dragoman.events.status import detect_status
    from dragoman.places import event_location

    lang = doc.lang
    if lang is None:
        return
    lexicon = load_triggers(lang)
    cues = load_event_cues(lang)
    titles = _title_sentences(doc)
    by_sent: dict[int, list[Any]] = {}
    for m in doc.actor_mentions:
        by_sent.setdefault(m.sentence_index, []).append(m)
    events: list[Event] = []
    history: list[tuple[Event, list[Participant], list[Participant]]] = []
    frames = FrameIndex(doc.sentences)

    def trace(sent: Sentence, outcome: str, **info: Any) -> None:
        doc.trace.append({"sentence_index": sent.index, "outcome": outcome, **info})

    for sent in doc.sentences:
        span = sent.span
        if span is None:
            continue
        if cues.is_furniture(sent.text):
            trace(sent, FURNITURE, trigger=None, entry=None, rule=None)
            continue
        matches = lexicon.match(span)
        if not matches:
            trace(sent, NO_TRIGGER, trigger=None, entry=None, rule=None)
            continue
        sdoc = span.doc
        idx = MentionIndex(by_sent.get(sent.index, []))
        candidates, rejected = _choose(lexicon, matches, sdoc)
        types_at: dict[int, set[str]] = {}
        for m in matches:
            types_at.setdefault(m.head, set()).add(m.entry.type)
        for m, why in rejected:
            trace(sent, why, trigger=sdoc[m.token_start:m.token_end].text, entry=m.entry.id, rule=None)
        for ob in obligations(span, idx, lang):
            ev = _obligation_event(doc, sent, ob, lang)
            d, prec, dtext = event_date(doc, sent.index, ob.speech.i)
            ev.date, ev.date_precision, ev.date_text = d, prec or "inferred", dtext
            events.append(ev)
            trace(sent, CODED, trigger=ev.evidence[0].trigger.text, entry=None, rule=ev.evidence[0].rule,
                  status=ev.status, actor=[a.code or a.country or a.text for a in ev.actor],
                  recipient=[a.code or a.country or a.text for a in ev.recipient], coded=True,
                  confidence=ev.confidence, reason="reported obligation (X said Y must …) is a demand")
        for cand in candidates:
            m, head_tok = cand.match, cand.head
            entry = m.entry
            trig_text = sdoc[m.token_start:m.token_end].text
            inside = idx.covering(head_tok)
            if inside is not None and inside.kind not in ("pronoun",):
                trace(sent, IN_ACTOR_NAME, trigger=trig_text, entry=entry.id, rule=None,
                      actor=[inside.actor.code or inside.actor.text])
                continue
            host = _purpose_host(cand, candidates)
            if host is not None:
                trace(sent, SUBSUMED, trigger=trig_text, entry=entry.id, rule=None,
                      reason=f"the purpose of '{sdoc[host.match.token_start:host.match.token_end].text}'")
                continue
            host = _accompanying_host(cand, candidates, cues)
            if host is not None:
                trace(sent, SUBSUMED, trigger=trig_text, entry=entry.id, rule=None,
                      reason=f"the setting of '{sdoc[host.match.token_start:host.match.token_end].text}'")
                continue

            def previous(hist=history, si=sent.index) -> list[Participant]:
                # "the two leaders": the last event within two sentences with two or more participants
                for ev, acts, recs in reversed(hist):
                    if not ev.evidence or si - ev.evidence[0].sentence_index > 2:
                        break
                    if len(acts) + len(recs) >= 2:
                        return acts + recs
                return []

            def previous_event_actors(obj, act_noun: bool, hist=history, si=sent.index,
                                      types=types_at) -> list[Participant]:
                # the object names an event ("protested the meeting"): an event of that type;
                # or a generic act ("un acte de provocation"): the last material event
                wanted = set().union(*(types.get(t.i, set()) for t in obj.subtree))
                if not wanted and not act_noun:
                    return []
                for ev, acts, recs in reversed(hist):
                    if not ev.evidence or si - ev.evidence[0].sentence_index > 2:
                        break
                    if wanted and ev.type not in wanted and not (act_noun and QUAD_CLASS.get(ev.type) in (2, 4)):
                        continue
                    if not wanted and QUAD_CLASS.get(ev.type) not in (2, 4):
                        continue
                    # a condemned act is its author's; a condemned meeting is everyone's
                    parts = acts + recs if QUAD_CLASS.get(ev.type) in (1, 2) else acts
                    if parts:
                        return parts
                return []

            def previous_actors(hist=history, si=sent.index) -> list[Participant]:
                # only across one sentence boundary: pronouns rarely reach further back
                for ev, acts, _recs in reversed(hist):
                    if not ev.evidence or si - ev.evidence[0].sentence_index > 1:
                        break
                    if acts:
                        return acts
                return []

            att = attach(m, head_tok, idx, lang, previous=previous,
                         previous_event_actors=previous_event_actors, previous_actors=previous_actors,
                         trigger_types=lambda i, types=types_at: types.get(i, set()))
            st = detect_status(head_tok, lang, conditions=entry.type != "THREATEN",
                               inside=_phrase_tokens(sdoc, m, lang))
            if st.purpose and st.status == "hypothetical" and entry.type == "PROTEST":
                # "descendus dans la rue pour manifester": taking to the streets to protest is the protest
                st = replace(st, status="occurred", cue=None)
            has_args = bool(att.actors or att.recipients)
            info = {
                "trigger": trig_text, "entry": entry.id, "rule": att.rule, "status": st.status,
                "status_cue": st.cue,
                "actor": [p.actor.code or p.actor.country or p.actor.text for p in att.actors],
                "recipient": [p.actor.code or p.actor.country or p.actor.text for p in att.recipients],
            }
            agents = agent_tokens(head_tok, cues)  # who does the act: read by several checks below
            why_not = non_agentive(entry.type, head_tok, bool(att.actors), cues, phrase=entry.is_phrase,
                                   agents=agents)
            if not why_not and (entry.type in _VERBAL or entry.type == "PROTEST") and entry.type != "AID":
                # helpers handing over medicine is still AID; they do not protest or negotiate
                why_not = non_political(head_tok, cues, entry.type, agents)
            if why_not:
                trace(sent, NOT_AGENTIVE, **info, reason=why_not)
                continue
            why_not = _frame_check(entry, head_tok, sdoc[m.token_start:m.token_end], sent.index, att, frames, cues,
                                   agents)
            if why_not:
                trace(sent, OTHER_FRAME, **info, reason=why_not)
                continue
            riot = riot_violence(entry, att.actors, agents, sent.index, frames, cues)
            if riot:
                entry = _as_riot(entry)
                info["entry"] = entry.id
                info["frame"] = riot
            if (entry.args.official and att.actors and "pronoun" not in att.rule.split("+")
                    and all(_sector(p) == "GOV" and p.mention is not None for p in att.actors)):
                # a government named as the subject that "protests" complains officially (ACCUSE
                # 114); crowds demonstrate, and "ils ont protesté" may be the crowd of the last sentence
                entry = _recoded(entry, entry.args.official)
                info["official"] = entry.cameo
            if not has_args and entry.type in _VERBAL and not any(usable(m.actor) for m in idx.mentions):
                # "ils ont promis", "a été appelé": a political event needs a political participant
                trace(sent, NO_ARGS, **info, reason="verbal/diplomatic trigger in a sentence with no actor")
                continue
            if not has_args and not _strong(entry, head_tok):
                trace(sent, NO_ARGS, **info, reason="weak trigger (noun/adjective) with no participant")
                continue
            date, precision, date_text = event_date(doc, sent.index, head_tok.i, future=st.status == "planned")
            location = event_location(doc, sent.index, head_tok.i)
            actors_out = [replace(p.actor) for p in att.actors]
            recips_out = [replace(p.actor) for p in att.recipients]
            _fill_countries(actors_out, recips_out, location, entry.type)
            trig = _orig_span(doc, sent, sdoc[m.token_start], sdoc[m.token_end - 1])
            indirect = any(r in att.rules for r in ("coordination-repair", "pair-anaphora", "pronoun",
                                                    "object-event-anaphora", "adjacency-fallback",
                                                    "subject-repair"))
            feats = Features(
                trigger_pos=entry.pos, phrase=entry.is_phrase, has_actor=bool(att.actors),
                has_recipient=bool(att.recipients), symmetric=entry.args.symmetric, status=st.status,
                indirect=indirect,
                parse_agreement=(entry.pos == "VERB") == (head_tok.pos_ in ("VERB", "AUX")),
                in_title=sent.index in titles,
            )
            score = confidence(feats)
            ev = Event(
                doc_id=doc.id, event_id="", type=entry.type, mode=entry.mode, contexts=list(entry.contexts),
                cameo=entry.cameo, quad_class=entry.quad_class, goldstein=entry.goldstein,
                actor=actors_out,
                recipient=recips_out,
                date=date, date_precision=precision or "inferred", date_text=date_text,
                location=location, status=st.status, confidence=score, lang=lang,
                evidence=[Evidence(sentence_index=sent.index, sentence=sent.text, start=sent.start, end=sent.end,
                                   trigger=trig, rule=att.rule, entry=entry.id, score=score)],
                version=__version__,
                reported_by=[replace(p.actor) for p in att.reported_by],
            )
            events.append(ev)
            # context inference (events/context.py): no recipient attached -> condition, argument or domestic default
            add_context_recipient(doc, sent, head_tok, ev, over_location=bool(att.recipients) and all(
                p.via == "location" for p in att.recipients), mentions=idx.mentions)
            history.append((ev, att.actors, att.recipients))
            threat = _threat(ev, att, st, lang)
            intent = _intent(ev, st, lang)
            if intent is not None:
                events.append(intent)
                trace(sent, CODED, trigger=trig_text, entry=entry.id, rule=intent.evidence[0].rule,
                      status=intent.status, actor=info["actor"], recipient=info["recipient"], coded=True,
                      confidence=intent.confidence, reason=f"planned {entry.type} is an intent to cooperate")
            if threat is not None:
                events.append(threat)
                trace(sent, CODED, trigger=trig_text, entry=entry.id, rule=threat.evidence[0].rule,
                      status=threat.status, actor=info["actor"], recipient=info["recipient"], coded=True,
                      confidence=threat.confidence, reason=f"announced or conditional {entry.type} is a threat")
            outcome = CODED
            if st.status == "negated":
                outcome = NEGATED
            elif not has_args:
                outcome = NO_ARGS
            trace(sent, outcome, **info, coded=True, confidence=ev.confidence,
                  reason=None if has_args else "strong trigger coded without participants (lower confidence)")
    events = _drop_protest_topics(doc, _drop_background(doc, _drop_subsumed(doc, events)))
    doc.events = merge_events(events, titles)
    # confidence becomes the calibrated probability (events/calibration.py); the raw feature
    # score stays in each evidence entry's ``score``
    calibrate_events(doc.events)


def _phrase_tokens(sdoc: Any, m: Any, lang: str) -> list[int]:
    """The tokens of a trigger phrase whose negation is part of its meaning: the whole span, except a
    negation word the entry does not spell ("ne pas parvenir à un accord" is a failure, but "n'ont pas
    l'intention de" negates "avoir l'intention")."""
    from dragoman.events.cues import load_status_cues

    negations = load_status_cues(lang).negation_words
    spelled = set(m.entry.lemmas)
    return [i for i in range(m.token_start, m.token_end)
            if sdoc[i].lower_ not in negations or sdoc[i].lower_ in spelled
            or (sdoc[i].lemma_ or "").lower() in spelled]


def _purpose_host(cand: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
    """ "began a hunger strike **to protest**", "ont entamé une grève de la faim **pour protester**": an
    infinitive purpose clause of a trigger of the same type (or of the verb carrying it) states the
    same act; the host trigger is returned."""
    tok = cand.head
    if tok.dep_ not in ("advcl", "xcomp", "acl") or "Inf" not in tok.morph.get("VerbForm") or tok.head == tok:
        return None
    gov = tok.head
    for other in candidates:
        if other is cand or other.match.entry.type != cand.match.entry.type:
            continue
        span = range(other.match.token_start, other.match.token_end)
        if gov.i in span or any(c.i in span for c in gov.children if c.dep_ in ("dobj", "obj")):
            return other
    return None


def _accompanying_host(cand: _Candidate, candidates: list[_Candidate], cues: Any) -> _Candidate | None:
    """ "threw stones **during demonstrations** against the army", "lancé des pierres lors de
    manifestations": a noun trigger that sets a verb trigger of the same type in time names the same
    event (the verb's event takes the noun's target, ``attach._accompanying_recipients``)."""
    from dragoman.events import syntax

    tok = cand.head
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    verb, prep = syntax.noun_prep_verb(tok)
    if verb is None or prep not in cues.accompanying_preps:
        return None
    for other in candidates:
        # the verb heads the other trigger or is one of its words ("ont **eu** recours aux jets de pierres")
        if other is not cand and other.match.entry.type == cand.match.entry.type and \
                (other.head.i == verb.i or other.match.token_start <= verb.i < other.match.token_end):
            return other
    return None


def _drop_subsumed(doc: Document, events: list[Event]) -> list[Event]:
    """A participant-less event (or one whose participants have no country or code) whose trigger sits
    inside the phrase of a coded event of the same type in the same sentence restates it ("wounded two
    soldiers **in a bomb attack**")."""
    def located(ev: Event) -> bool:
        return any(a.country or a.code for a in ev.actor + ev.recipient)

    out = []
    for ev in events:
        e = ev.evidence[0]
        # a mention whose only participants are roles with no country ("killing ?", "rocket fire")
        # says no more than the event it sits in
        if not located(ev):
            host = next((o for o in events if o is not ev and o.type == ev.type
                         and o.evidence[0].sentence_index == e.sentence_index
                         and located(o)
                         and _dominates(doc, e.sentence_index, o.evidence[0].trigger, e.trigger)), None)
            if host is not None:
                _retrace(doc, ev, SUBSUMED, f"restates '{host.evidence[0].trigger.text}'")
                continue
        out.append(ev)
    return out


def _retrace(doc: Document, ev: Event, outcome: str, why: str) -> None:
    """Turn the "coded" trace note of a dropped event into the reason it was dropped."""
    e = ev.evidence[0]
    for note in reversed(doc.trace):
        if note.get("sentence_index") == e.sentence_index and note.get("entry") == e.entry \
                and note.get("trigger") == e.trigger.text and note.get("coded"):
            note.update(outcome=outcome, coded=False, reason=why)
            return
    doc.trace.append({"sentence_index": e.sentence_index, "outcome": outcome, "trigger": e.trigger.text,
                      "entry": e.entry, "rule": e.rule, "reason": why})


def _drop_background(doc: Document, events: list[Event]) -> list[Event]:
    """Participant-less mentions next to an event with participants in the same sentence are
    background ("after five days of fighting"); participant-less events that are not asserted
    (hypothetical, negated) say nothing usable. Both are traced, not coded."""
    with_args = {ev.evidence[0].sentence_index for ev in events if ev.actor or ev.recipient}
    out = []
    for ev in events:
        e = ev.evidence[0]
        if not ev.actor and not ev.recipient:
            why = None
            if ev.status in ("hypothetical", "negated"):
                why = f"{ev.status} and without participants"
            elif e.sentence_index in with_args:
                why = "background mention beside an event with participants"
            if why:
                _retrace(doc, ev, NO_ARGS, why)
                continue
        out.append(ev)
    return out


def _drop_protest_topics(doc: Document, events: list[Event]) -> list[Event]:
    """Demands and denunciations that state what a coded protest is about (``frames.topic_of_protest``)."""
    from dragoman.events.frames import topic_of_protest

    protests = [ev for ev in events if ev.type == "PROTEST" and ev.status in ("occurred", "planned")]
    if not protests:
        return events
    out = []
    for ev in events:
        why = topic_of_protest(ev, protests)
        if why:
            _retrace(doc, ev, OTHER_FRAME, why)
            continue
        out.append(ev)
    return out


def _dominates(doc: Document, si: int, outer: Span, inner: Span) -> bool:
    """Is the trigger ``inner`` in the dependency subtree of the trigger ``outer`` (or its head's)?"""
    sent = next((s for s in doc.sentences if s.index == si), None)
    if sent is None or sent.span is None:
        return False
    toks = {(doc.orig(sent.norm_offset + t.idx)): t for t in sent.span}
    o, i = toks.get(outer.start), toks.get(inner.start)
    if o is None or i is None:
        return False
    return i in o.subtree or (o.head != o and i in o.head.subtree and i.head == o.head)
