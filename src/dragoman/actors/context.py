"""Actor context: role-only mentions take the country their context makes clear.

"Judge X opened investigations against 28 Chilean officials", "the government of Sindh province",
"la police" in an article about one country: the mention has a sector but no country. It takes,
in order, the country named inside its own noun phrase, else the one country named in its
sentence, else the dominant country of the document's title and first paragraph. When two
countries compete nothing is guessed; an explicit country or a non-state code is never replaced.
Filled actors carry ``entry = "context:<where>:<ISO3>"`` so ``explain`` shows the inference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from dragoman.nlp import ents_between
from dragoman.schema import Actor, ActorMention, Document

CONTEXT_PREFIX = "context:"
ETHNIC_PREFIX = "ethnic"  # set by the resolver on "ethnic Albanians", "Turcs de souche"
_TAKERS = frozenset(("role", "person", "group"))
# Dependencies that leave a noun phrase: clauses and coordinated phrases are other participants.
_PHRASE_STOP = frozenset(("relcl", "acl", "acl:relcl", "advcl", "ccomp", "xcomp", "conj", "cc", "parataxis",
                          "punct"))
_PLACE_LABELS = frozenset(("GPE", "LOC"))
# Genitive and locative prepositions that keep a complement inside a noun phrase (grammar words
# shared by every mention, like the dependency labels above).
_PHRASE_PREPS = frozenset(("of", "in", "from", "de", "du", "des", "d'", "en"))
# Locative prepositions of a participle that places its noun ("based in", "basé au").
_PARTICIPLE_PREPS = frozenset(("in", "at", "en", "à", "au", "aux", "dans"))
# Who commands armed men: "forces under Vietnamese command", "des forces sous commandement vietnamien".
_COMMAND_PREPS = frozenset(("under", "sous"))
_ARMED_SECTORS = frozenset(("MIL", "REB", "COP", "SPY", "UAF"))


def needs_country(m: ActorMention) -> bool:
    a = m.actor
    return m.kind in _TAKERS and a.country is None and a.code is None and bool(a.sector)


def named_country(actor: Actor) -> str | None:
    """The actor's country when its own words give it, not the context stage's inference."""
    if actor.country and not (actor.entry or "").startswith(CONTEXT_PREFIX):
        return actor.country
    return None


def _explicit(m: ActorMention) -> str | None:
    return named_country(m.actor)


def _place_countries(span: Any, taken: list[tuple[int, int]], gaz: Any) -> list[tuple[int, str]]:
    """(token index, country) of gazetteer places among the sentence's GPE/LOC entities that no actor
    mention covers; a name whose candidates lie in several countries says nothing."""
    out = []
    for ent in ents_between(span.doc, span.start, span.end):
        if ent.label_ not in _PLACE_LABELS or any(s < ent.end and ent.start < e for s, e in taken):
            continue
        countries = {p.country for p in gaz.lookup(ent.text) if p.country}
        if len(countries) == 1:
            out.append((ent.root.i, next(iter(countries))))
    return out


def _phrase_tokens(head: Any, extra_preps: frozenset[str] = frozenset()) -> set[int]:
    """Indices of the noun phrase headed by ``head``: its modifiers, appositions and genitive or
    locative complements ("the government of Sindh province", "police in Seoul", "la police du
    Sind"), not its clauses, conjuncts or other prepositional phrases ("the army along its border
    with Israel"); ``extra_preps`` adds prepositions for this phrase."""
    preps = _PHRASE_PREPS | extra_preps
    out, stack = set(), [head]
    while stack:
        t = stack.pop()
        out.add(t.i)
        for c in t.children:
            if c.dep_ == "acl" and t.pos_ in ("NOUN", "PROPN") and {"Part", "Ger"} & set(c.morph.get("VerbForm")) \
                    and not any(x.dep_ in ("dobj", "obj") for x in c.children):
                # "guerrillas operating in Macedonia", "a group based in Trinidad", "basés au Mali": the
                # participle's locative complement still places the phrase (its objects do not)
                out.add(c.i)
                stack.extend(x for x in c.children if x.dep_ in ("prep", "obl", "obl:mod", "obl:arg")
                             and (x.lower_ in _PARTICIPLE_PREPS
                                  or any(g.dep_ == "case" and g.lower_ in _PARTICIPLE_PREPS for g in x.children)))
                continue
            if c.dep_ in _PHRASE_STOP:
                continue
            if c.dep_ == "prep" and c.lower_ not in preps:
                continue
            if c.dep_.startswith("nmod") and any(g.dep_ == "case" and g.lower_ not in preps
                                                 for g in c.children):
                continue
            stack.append(c)
    return out


def _unique(counts: Counter[str], dominance: float = 0.0) -> str | None:
    """The only country, or (with ``dominance``) one counted at least that many times the next."""
    if not counts:
        return None
    ranked = counts.most_common()
    if len(ranked) == 1:
        return ranked[0][0]
    if dominance and ranked[0][1] >= 2 and ranked[0][1] >= dominance * ranked[1][1]:
        return ranked[0][0]
    return None


def apply_context(doc: Document, gazetteer: Any = None) -> None:
    """Give a country to sector-only actor mentions of ``doc`` (in place)."""
    if not any(needs_country(m) for m in doc.actor_mentions):
        return
    by_sent: dict[int, list[ActorMention]] = {}
    for m in doc.actor_mentions:
        by_sent.setdefault(m.sentence_index, []).append(m)
    sents = {s.index: s for s in doc.sentences}
    speech, pairs = _event_cue_words(doc.lang)
    lead = _lead_sentences(doc)
    # (token, country) clues per sentence: explicit actor countries and unambiguous places; read
    # only for the lead (the document's country) and for sentences with a mention to fill
    needed = set(lead) | {m.sentence_index for m in doc.actor_mentions if needs_country(m)}
    clues: dict[int, list[tuple[int, str]]] = {}
    for si, sent in sents.items():
        if si not in needed:
            continue
        ms = by_sent.get(si, [])
        found = [(m.token_start, c) for m in ms if (c := _explicit(m))]
        if gazetteer is not None and sent.span is not None:
            found += _place_countries(sent.span, [(m.token_start, m.token_end) for m in ms], gazetteer)
        clues[si] = found
    doc_country = _unique(Counter(c for si in lead for _t, c in clues.get(si, [])), dominance=2.0)
    for si, ms in by_sent.items():
        sent = sents.get(si)
        people = None  # the sentence's persons with their own country: filling a mention never adds one
        for m in ms:
            if not needs_country(m) or _pair(m, sent, pairs):
                continue
            if people is None:
                people = [(c, o.actor.sector) for o in ms
                          if o.kind in _TAKERS and (c := _explicit(o)) and not _reporter(o, sent, speech)]
            # a named office-holder ("President X") is not of the country of another government of the
            # scene: governments deal with foreign leaders as often as with their own ("the German
            # government welcomed President X's statement"); a judge or the police act at home
            named = m.kind == "person" and bool(m.actor.name) and m.actor.sector == "GOV"
            scene = [c for c, sector in people if not (named and sector == "GOV")]
            where, country = _context_country(m, sent, clues.get(si, []), scene, doc_country)
            if country is None:
                continue
            a = m.actor
            a.country = country
            a.code = country + (a.sector or "")
            a.entry = f"{CONTEXT_PREFIX}{where}:{country}" + (f"+{a.entry}" if a.entry else "")


def _context_country(m: ActorMention, sent: Any, clues: list[tuple[int, str]], participants: list[str],
                     doc_country: str | None) -> tuple[str, str | None]:
    if sent is not None and sent.span is not None and sent.span.doc.has_annotation("DEP"):
        sdoc = sent.span.doc
        head = sdoc[m.token_start:m.token_end].root
        # armed men take the country of whoever commands them ("forces sous commandement vietnamien")
        phrase = _phrase_tokens(head, _COMMAND_PREPS if m.actor.sector in _ARMED_SECTORS else frozenset())
        own = Counter(c for t, c in clues if t in phrase and not m.token_start <= t < m.token_end)
        if own:
            return "phrase", _unique(own)
    sentence = _unique(Counter(c for _t, c in clues))
    if sentence is not None:
        return "sentence", sentence
    if len({c for _t, c in clues}) > 1:
        # countries compete: the people of the scene (nationality + role/person) may still agree
        # ("an Argentine judge ordered ex-president X ... arms sales to Croatia"), else no guess
        agreed = _unique(Counter(participants))
        if agreed is None and (m.actor.entry or "").startswith(ETHNIC_PREFIX):
            # an ethnic group lives in the country the document is about, whatever its sentence's
            # neighbours ("ethnic Albanians ... near Macedonia's border with Bulgaria")
            return "document", doc_country
        return "participants", agreed
    return "document", doc_country


def _event_cue_words(lang: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """Speech verbs and pair words ("the two", "les deux") of the events stage's data file."""
    if lang not in ("en", "fr"):
        return frozenset(), frozenset()
    from dragoman.events.cues import load_event_cues

    cues = load_event_cues(lang)
    return cues.speech_verbs, frozenset(p.split()[-1] for p in cues.pair_words)  # "les deux" -> "deux"


def _pair(m: ActorMention, sent: Any, pairs: frozenset[str]) -> bool:
    """"The two leaders", "les deux ministres": two parties, not one country's."""
    if sent is None or sent.span is None:
        return False
    sdoc = sent.span.doc
    before = {sdoc[i].lower_ for i in range(max(0, m.token_start - 2), m.token_start)}
    inside = {sdoc[i].lower_ for i in range(m.token_start, m.token_end)}
    return bool((before | inside) & pairs)


def _reporter(m: ActorMention, sent: Any, speech: frozenset[str]) -> bool:
    """Is the mention the source of a report ("..., a spokeswoman of the US embassy said")? Its
    country says where the news comes from, not whose people act."""
    if sent is None or sent.span is None or not sent.span.doc.has_annotation("DEP"):
        return False
    t = sent.span.doc[m.token_start:m.token_end].root
    while t.pos_ not in ("VERB", "AUX") and t.head.i != t.i:
        t = t.head
    return t.lemma_.lower() in speech


def _lead_sentences(doc: Document) -> Iterable[int]:
    """Title and first paragraph: the first paragraph, and the next one when a title precedes it."""
    paragraphs = sorted({s.paragraph for s in doc.sentences})[: 2 if doc.title else 1]
    return [s.index for s in doc.sentences if s.paragraph in paragraphs]
