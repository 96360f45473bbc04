"""Agentivity of material conflict: an attack or an arrest needs someone who acts.

"Les flammes ont détruit la cuisine", "des inondations ont frappé la ville", "plusieurs vitres ont
explosé" use ASSAULT verbs without an agent that can act. An ASSAULT/COERCE trigger is dropped when
its agent (subject, "par"/"by" phrase, or genitive of a noun) is a natural force, fire, machine or
accident (``nonagent_causes`` in event_cues.yaml); an ASSAULT is also dropped when it has no actor, no
human agent (``human_agents``: "des voyous", "un kamikaze") and no weapon or attack cue in the sentence
(``weapon_cues``: bombe, arme, tir, attentat).

PROTEST verbs get the same test on their agent ("une inondation a saccagé la ville"), and an obstruction
verb with no agent next to an accident is the accident's doing ("le passage était bloqué"). A COERCE verb
whose patient cannot be coerced ("une fois la pluie arrêtée") is not an arrest.
"""

from __future__ import annotations

from typing import Any

from dragoman.events import syntax
from dragoman.events.frames import token_words as _words

_MATERIAL = ("ASSAULT", "COERCE", "PROTEST")


def agent_tokens(head: Any, cues: Any) -> list[Any]:
    """Who or what does the act: active subject, passive agent, or a noun's genitive/agent phrase."""
    from dragoman.events.attach import find_subjects

    out: list[Any] = list(syntax.agents(head))
    if head.pos_ in ("VERB", "AUX"):
        if not syntax.is_passive(head):
            subs, _ = find_subjects(head, cues)
            out.extend(subs)
    else:
        for c in head.children:
            if c.dep_ in ("nmod", "prep") and (syntax.prep_of(c) or c.lower_) in (
                    set(cues.genitive_preps) | set(cues.agent_preps)):
                out.append(c)
        if not out and head.dep_ in syntax.SUBJ:
            out.append(head)  # "l'incendie a tué": the noun is its own cause below
    # "des hommes armés", "les débris de verre": look at the head and its modifiers
    more = []
    for t in out:
        more.extend(c for c in t.children if c.dep_ in ("amod", "nmod", "acl", "compound", "flat:name"))
    return out + more


def _patients(head: Any) -> list[Any]:
    """What undergoes the act: direct object, passive subject, or the noun a participle modifies
    ("une fois la pluie arrêtée")."""
    out = [c for c in head.children if c.dep_ in ("obj", "dobj", "nsubj:pass", "nsubjpass")]
    if head.dep_ in ("acl", "amod") and head.head.pos_ in ("NOUN", "PROPN"):
        out.append(head.head)
    return out


def _pronominal(verb: Any) -> bool:
    # "s'attaquer à X", "s'en prendre à X" keep a target: still an attack
    if any(c.dep_ in ("obl", "obl:arg", "obl:mod", "iobj") and syntax.prep_of(c) == "à" for c in verb.children):
        return False
    return any(c.dep_ in ("expl:comp", "expl:pv", "expl:pass", "expl") or
               (c.pos_ == "PRON" and "Yes" in c.morph.get("Reflex") and c.dep_ in ("obj", "iobj"))
               for c in verb.children if c.i < verb.i)


def non_agentive(entry_type: str, head: Any, has_actor: bool, cues: Any, *, phrase: bool = False,
                 agents: list[Any] | None = None) -> str | None:
    """Why this material-conflict trigger has no agent that can act, or None if it has one.

    ``phrase``: the entry is a multi-word phrase (it may be pronominal itself: "se battre");
    ``agents``: ``agent_tokens(head, cues)`` when the caller has it already."""
    if entry_type not in _MATERIAL:
        return None
    if entry_type != "PROTEST" and not phrase and head.pos_ in ("VERB", "AUX") and _pronominal(head):
        # "s'est arrêté", "s'est blessé", "s'est déporté": the subject undergoes, nobody coerces
        return "pronominal use of a transitive verb"
    if _words(head) & cues.weapon_cues:
        return None  # "bombarder", "attentat": the trigger is itself an attack with weapons
    if agents is None:
        agents = agent_tokens(head, cues)
    if not any(_words(t) & cues.weapon_cues for t in agents):  # "tear gas", "une bombe": not a cause
        for t in agents:
            if _words(t) & cues.nonagent_causes:
                return f"non-agentive cause '{t.text}'"
    if entry_type == "COERCE" and head.pos_ in ("VERB", "AUX", "ADJ"):
        for t in _patients(head):
            if _words(t) & cues.nonagent_causes:
                return f"nothing coerced: '{t.text}' cannot be arrested or seized"
    if entry_type == "PROTEST" and not has_actor and head.pos_ in ("VERB", "AUX", "ADJ"):
        # "le passage était bloqué" after an accident: blocked by the crash, not by protesters
        if not any(t.pos_ in ("PRON", "PROPN") or _words(t) & cues.human_agents for t in agents):
            for t in head.sent:
                if _words(t) & cues.nonagent_causes:
                    return f"no agent, cause '{t.text}' in the sentence"
    if entry_type != "ASSAULT" or has_actor:
        return None
    sent = head.sent
    if any(_words(t) & cues.weapon_cues for t in sent):
        return None
    if any(t.pos_ in ("PRON", "PROPN") or _words(t) & cues.human_agents for t in agents):
        return None
    for t in sent:
        if _words(t) & cues.nonagent_causes:
            return f"no agent, cause '{t.text}' in the sentence"
    if head.pos_ not in ("VERB", "AUX"):
        return None  # an attack noun ("invasion", "meurtre") names a deliberate act by itself
    return "no agent and no weapon or attack cue"


def non_political(head: Any, cues: Any, entry_type: str = "", agents: list[Any] | None = None) -> str | None:
    """Emergency services and private helpers doing their job ("les secours se sont mobilisés",
    "firefighters were called") do not protest, mobilise or negotiate: the agent's words."""
    for t in agent_tokens(head, cues) if agents is None else agents:
        if _words(t) & cues.nonpolitical_agents:
            return f"non-political agent '{t.text}'"
    for t in _patients(head) if entry_type == "MOBILIZE" else ():
        if _words(t) & cues.nonpolitical_agents:  # "les pompiers ont été mobilisés": not troops
            return f"non-political participant '{t.text}'"
    return None
