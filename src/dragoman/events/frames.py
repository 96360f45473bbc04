"""Sense frames of incident reports: what kind of happening a violent or collective word belongs to.

Short incident reports use the same words for political and non-political happenings: "une marche"
is a protest or a hike, "se rassembler" a rally or a festival, "une agression" political violence
or a mugging, "ils ont brûlé des voitures" an attack or a riot. The frame is read from the words
around the trigger (its sentence, then the neighbouring sentences), with word lists from
``data/<lang>/event_cues.yaml``:

- **protest frame** (entries with ``args.frame: protest``): the trigger is a protest only with a
  protest word in its sentence (``protest_events``, ``protest_agents``, ``protest_cues``: banderoles,
  revendications, "pour dénoncer"), or in the two sentences either side when its own sentence has no
  word of another frame (``nonprotest_cues``: festival, funérailles, kilomètres, secourir); a
  complement with "contre" is enough ("une marche contre la réforme").
- **ordinary crime**: an ASSAULT whose agent is a thief, robber or trafficker (``criminal_agents``),
  or that is told among robbery words (``theft_cues``, or the same people) with no protest, no
  weapon of war (``war_weapon_cues``), no election or party (``political_cues``) and no state
  participant, is crime news, not political violence.
- **riot**: violence by protesters or rioters (``protest_agents`` among the actors or agents), or
  destruction of property or clashes with no actor told among protest words, is the riot itself (PLOVER PROTEST riot: "distinct,
  continuous and violent action ... property damage"), not a separate ASSAULT. Police violence and
  crowd-control stay ASSAULT; bombs and missiles are never a riot.
- **protest topic**: a REQUEST by protesters or told with protest words is the protest's topic, which
  PLOVER does not code as a separate event; so is a demand or a denunciation (REQUEST, ACCUSE
  disapprove/allege) by the actors of a protest coded in the same or a neighbouring sentence ("Ils
  dénoncent la hausse des prix" after "Des ouvriers ont défilé"), or with no actor next to one
  (``topic_of_protest``, applied to the coded events).
- **topic**: an event noun that a campaign fights ("la lutte contre les violences sexuelles",
  ``topic_words``) is its topic, not a reported event.
- **kind of place**: "maison de détention", "salle de réunion", "voiture de patrouille" (``kind_nouns``)
  name a place or a vehicle, not an event.
- **equipment**: a weapon noun that is what someone carries ("munis de gaz lacrymogène") is not its use.

Every decision returns a reason string for ``dragoman explain`` (None: the frame does not apply).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dragoman.events import syntax

# Participants of these sectors make violence political whatever the words around it.
# A coup or a war is never the violence of a riot, whatever the words around it.
_NOT_RIOT_CONTEXTS = frozenset({"pro_autocracy", "political_institutions", "terrorism"})
STATE_SECTORS = frozenset({"GOV", "COP", "MIL", "JUD", "LEG", "SPY", "PRM", "REB", "UAF", "PTY"})


def token_words(tok: Any) -> set[str]:
    return {tok.lower_, (tok.lemma_ or tok.lower_).lower()}


def text_words(text: str) -> set[str]:
    return {w for w in text.lower().replace("’", "'").replace("'", " ").split() if w}


class FrameIndex:
    """The words (forms and lemmas) of each sentence of a document, computed once."""

    def __init__(self, sentences: Iterable[Any]):
        self.words: dict[int, set[str]] = {}
        for s in sentences:
            if s.span is None:
                continue
            ws: set[str] = set()
            for t in s.span:
                if not t.is_punct:
                    ws |= token_words(t)
            self.words[s.index] = ws

    def window(self, index: int, k: int) -> set[str]:
        out: set[str] = set()
        for i in range(index - k, index + k + 1):
            out |= self.words.get(i, set())
        return out


def _protest_words(cues: Any) -> frozenset[str]:
    return cues.protest_events | cues.protest_agents | cues.protest_cues


def _first(words: set[str], wanted: frozenset[str]) -> str | None:
    hit = sorted(words & wanted)
    return hit[0] if hit else None


def protest_frame(entry: Any, head: Any, span: Any, sent_index: int, index: FrameIndex, cues: Any) -> str | None:
    """Why an entry that needs the protest frame is not a protest here (None: it is)."""
    if entry.args.frame != "protest":
        return None
    if any(c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod") and syntax.prep_of(c) == "contre" for c in head.children):
        return None  # "une marche contre la réforme", "se sont rassemblés contre le projet"
    own: set[str] = set()
    for t in span:
        own |= token_words(t)
    sent = index.words.get(sent_index, set()) - own
    wanted = _protest_words(cues)
    if sent & wanted:
        return None
    other = _first(sent, cues.nonprotest_cues)
    if other:
        return f"not a protest: '{other}' in the sentence"
    around = index.window(sent_index, 2) - index.words.get(sent_index, set())
    if around & wanted:
        return None
    return "not a protest: no protest word in or around the sentence"


def _participant_words(parts: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for p in parts:
        out |= text_words(p.actor.text or "")
    return out


def ordinary_crime(head: Any, actors: list[Any], recipients: list[Any], agents: list[Any], sent_index: int,
                   index: FrameIndex, cues: Any) -> str | None:
    """Why this ASSAULT is ordinary crime (a mugging, a robbery), or None."""
    sent = index.words.get(sent_index, set())
    if sent & cues.war_weapon_cues or sent & _protest_words(cues):
        return None
    if any(p.actor.sector in STATE_SECTORS for p in [*actors, *recipients]):
        return None
    agent_words: set[str] = _participant_words(actors)
    for t in agents:
        agent_words |= token_words(t)
    crim = _first(agent_words, cues.criminal_agents)
    if crim:
        return f"ordinary crime: agent '{crim}'"
    around = index.window(sent_index, 3)
    theft = _first(around, cues.theft_cues | cues.criminal_agents)
    if theft and not around & (cues.war_weapon_cues | cues.protest_events | cues.protest_agents | cues.political_cues):
        return f"ordinary crime: theft ('{theft}') around"
    return None


def riot_violence(entry: Any, actors: list[Any], agents: list[Any], sent_index: int, index: FrameIndex,
                  cues: Any) -> str | None:
    """Why this ASSAULT is the violence of a riot (to be coded PROTEST riot), or None."""
    if entry.type != "ASSAULT" or entry.mode == "crowd-control" or set(entry.contexts) & _NOT_RIOT_CONTEXTS:
        return None
    if index.words.get(sent_index, set()) & cues.war_weapon_cues:
        return None
    words = _participant_words(actors)
    for t in agents:
        words |= token_words(t)
    who = _first(words, cues.protest_agents | cues.protest_events)
    if who:
        return f"violence by protesters ('{who}') is a riot"
    if actors or not (entry.mode == "destroy" or entry.args.symmetric):
        return None  # "plusieurs personnes ont été blessées": who hurt them is not said
    near = _first(index.window(sent_index, 1), cues.protest_agents | cues.protest_events)
    if near:
        what = "clashes" if entry.args.symmetric else "destruction"
        return f"{what} with no actor among protest words ('{near}') is a riot"
    return None


def protest_topic(actors: list[Any], span: Any, sent_index: int, index: FrameIndex, cues: Any,
                  recipients: Iterable[Any] = ()) -> str | None:
    """A demand made by protesters, or told with a protest, is the protest's topic: PLOVER codes the
    protest and not the demand as a separate REQUEST ("les grévistes réclament une hausse des
    salaires"). A demand made *of* protesters by someone else ("le préfet a invité les manifestants
    à se disperser") is an appeal to them, coded as such."""
    who = _first(_participant_words(actors), cues.protest_agents)
    if who:
        return f"demand of protesters ('{who}') is the topic of their protest"
    if _first(_participant_words(recipients), cues.protest_agents):
        return None
    own: set[str] = set()
    for t in span:
        own |= token_words(t)
    sent = index.words.get(sent_index, set()) - own
    strong = cues.protest_events | cues.protest_agents  # not "lutte", "colère": a demand may mention them
    near = _first(sent | (index.window(sent_index, 1) - own), strong)
    if near:
        return f"demand told with a protest ('{near}') is its topic"
    return None


# verbal acts that state what a protest is about: demands, denunciations, complaints and accusations
# (not investigations, which are acts of their own)
_TOPIC_MODES = {"REQUEST": None, "ACCUSE": frozenset({"disapprove", "allege"})}


def _side_keys(people: Iterable[Any]) -> set[tuple[str | None, str | None]]:
    return {(a.country, a.sector) for a in people if a.sector}


def topic_of_protest(ev: Any, protests: list[Any]) -> str | None:
    """A demand or denunciation told beside a coded protest is that protest's topic (PLOVER, PROTEST
    ambiguities: "the topic of the protest---which will typically be a REQUEST---is not coded as a
    separate event"): when its actors are the protest's (same country and sector: "des ouvriers ont
    défilé ... Ils dénoncent la fermeture"), within two sentences, or when it has no actor at all
    and the protest is in the same or the next sentence ("une foule brandissait des pancartes et
    réclamait justice"). Without an actor, only a demand or a complaint: an allegation ("a accusé la
    police d'avoir menti") may be anyone's."""
    if ev.type not in _TOPIC_MODES:
        return None
    modes = _TOPIC_MODES[ev.type]
    if modes is not None and ev.mode not in modes:
        return None
    si = ev.evidence[0].sentence_index
    mine = _side_keys(ev.actor)
    for p in protests:
        dist = abs(p.evidence[0].sentence_index - si)
        if mine and dist <= 2 and mine & _side_keys(p.actor):
            return f"said by the actors of the protest '{p.evidence[0].trigger.text}': its topic"
        if not ev.actor and dist <= 1 and (ev.type == "REQUEST" or ev.mode == "disapprove"):
            return f"demand with no actor beside the protest '{p.evidence[0].trigger.text}': its topic"
    return None


def topic(head: Any, cues: Any) -> str | None:
    """An event noun that is what a campaign fights ("la marche pour la lutte contre les violences
    sexuelles", "la prévention des agressions"): the topic, not a reported event."""
    if head.pos_ not in ("NOUN", "PROPN") or not cues.topic_words:
        return None
    t = head
    for _ in range(2):
        if t.head == t or t.dep_ not in ("nmod", "obl", "obl:arg", "obl:mod", "conj"):
            return None
        t = t.head
        if token_words(t) & cues.topic_words:
            return f"topic of a campaign ('{t.text}'), not an event"
    return None


def protested_clause(head: Any, actors: list[Any], cues: Any) -> str | None:
    """A verb without an actor in a relative clause on what a protest opposes ("protestaient contre
    cette loi **qui interdit** les avortements"): the protest's topic (a law, a reform), not an act
    of anyone. With an actor ("contre la police qui a frappé des étudiants") it stays an event."""
    if actors or head.pos_ not in ("VERB", "AUX") or head.dep_ not in ("acl:relcl", "relcl"):
        return None
    # the antecedent's governor, or the clause's own head when the parser hung the relative clause on
    # the protest verb itself ("manifestaient contre cette réforme qui interdit": acl:relcl of the verb)
    noun = head.head
    govs = [noun]
    if noun.dep_ in ("obl", "obl:arg", "obl:mod", "nmod", "obj") and noun.head != noun:
        govs.append(noun.head)
    for gov in govs:
        if token_words(gov) & (cues.protest_events | cues.protest_agents):
            return f"what the protest ('{gov.text}') opposes ('{head.text}'), not an act"
    return None


def aspectual(entry: Any, head: Any) -> str | None:
    """An arrest verb governing "de" + infinitive means to stop doing ("arrêter de saccager")."""
    if entry.type != "COERCE" or entry.mode != "arrest" or head.pos_ not in ("VERB", "AUX"):
        return None
    for c in head.children:
        if c.dep_ in ("xcomp", "ccomp", "advcl") and c.pos_ in ("VERB", "AUX") and any(
                m.dep_ == "mark" and m.lower_ in ("de", "d'", "d’") for m in c.children):
            return f"'{head.text} de {c.text}': to stop doing, not an arrest"
    return None


def own_thing(entry: Any, head: Any) -> str | None:
    """An entry with ``args.not_own`` acting on what its actor owns ("ont annoncé la dissolution de leur
    organisation", "dissolved its own party"): a voluntary act, not coercion of anyone."""
    if not entry.args.not_own:
        return None
    for c in head.children:
        if c.dep_ not in ("obj", "dobj", "nmod", "obl", "obl:arg", "prep", "nsubj:pass", "nsubjpass"):
            continue
        for t in (c, *c.children):  # "of their party": prep -> pobj
            if any(g.dep_ in ("poss", "nmod:poss", "det:poss") or (g.dep_ == "det" and "Yes" in g.morph.get("Poss"))
                   for g in t.children):
                return f"'{head.text}' of its own '{t.text}': voluntary, not coercion"
    return None


def place_name(head: Any, cues: Any) -> str | None:
    """An event noun that only says what kind of place or vehicle another noun is ("maison de
    détention", "salle de réunion", "voiture de patrouille", "avion de combat"): no event."""
    if head.pos_ not in ("NOUN", "PROPN") or not cues.kind_nouns or head.dep_ not in ("nmod", "compound"):
        return None
    if any(c.dep_ in ("det", "nummod") for c in head.children):
        return None  # "la maison de la réunion": a particular event
    if token_words(head.head) & cues.kind_nouns and head.head.i < head.i:
        return f"kind of '{head.head.text}', not an event"
    return None


def equipment(head: Any, cues: Any) -> str | None:
    """A weapon noun that is carried ("munis de gaz lacrymogène", "armés de bâtons"), not used."""
    if head.pos_ not in ("NOUN", "PROPN") or not cues.equipment_words:
        return None
    t = head
    for _ in range(3):
        if t.head == t or t.dep_ in ("ROOT", "root"):
            return None
        # "des policiers munis de gaz": the parser may hang the noun beside the participle
        for c in t.head.children:
            if c.i < t.i and c.dep_ in ("amod", "acl") and token_words(c) & cues.equipment_words:
                return f"equipment, not use ('{c.text}')"
        t = t.head
        if token_words(t) & cues.equipment_words:
            return f"equipment, not use ('{t.text}')"
        if t.pos_ in ("VERB", "AUX") and not token_words(t) & cues.equipment_words:
            return None
    return None
