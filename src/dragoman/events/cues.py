"""Loading of the word lists that attachment and status detection use.

The lists live in ``src/dragoman/data/<lang>/event_cues.yaml`` and
``status_cues.yaml``; each is validated at load time so a typo is reported
with the file and key rather than silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

_EVENT_LIST_KEYS = (
    "speech_verbs", "source_preps", "support_verbs", "object_control", "subject_control",
    "locative_preps", "genitive_preps", "agent_preps", "noun_actor", "noun_recipient",
    "verb_actor", "verb_recipient", "pair_words", "furniture", "destination_preps",
    "act_nouns", "obligation_modals", "personal_pronouns",
)
_EVENT_OPTIONAL_LISTS = ("nonagent_causes", "human_agents", "weapon_cues", "nonpolitical_agents",
                         "protest_events", "protest_cues", "nonprotest_cues", "protest_agents", "theft_cues", "criminal_agents",
                         "war_weapon_cues", "political_cues", "equipment_words", "topic_words",
                         "kind_nouns", "unaccusative_verbs", "participation_frames", "accompanying_preps",
                         "instrument_nouns")
_STATUS_LIST_KEYS = (
    "future_aux", "backshift_aux", "hypothetical_aux", "hedges", "planned_governors",
    "hypothetical_governors", "negating_governors", "negation_words", "condition_marks",
)
_STATUS_OPTIONAL_LISTS = ("planned_conditional", "future_endings", "conditional_endings", "planned_adjectives",
                          "present_only_governors", "prospective_governors", "purpose_marks", "purpose_nouns",
                          "negation_needs_particle", "negation_particles", "allegation_governors",
                          "preventing_governors",
                          "reportive_aux", "ruling_out")


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataFileError("data file is missing", where=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise DataFileError(f"invalid YAML: {getattr(err, 'problem', err)}", where=where) from err
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping of lists at the top level", where=str(path))
    return data


def _str_list(data: dict[str, Any], key: str, path: Path, *, required: bool = True) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            raise DataFileError(f"missing key {key!r}", where=str(path))
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(f"key {key!r} must be a list of non-empty strings", where=str(path))
    return tuple(v.strip().lower() if key != "furniture" else v for v in value)


@dataclass(frozen=True)
class EventCues:
    lang: str
    speech_verbs: frozenset[str]
    source_preps: tuple[str, ...]
    support_verbs: frozenset[str]
    object_control: frozenset[str]
    subject_control: frozenset[str]
    locative_preps: frozenset[str]
    genitive_preps: frozenset[str]
    agent_preps: frozenset[str]
    noun_actor: tuple[str, ...]
    noun_recipient: tuple[str, ...]
    verb_actor: tuple[str, ...]
    verb_recipient: tuple[str, ...]
    pair_words: frozenset[str]
    furniture: tuple[re.Pattern[str], ...] = field(default=())
    destination_preps: frozenset[str] = frozenset()
    act_nouns: frozenset[str] = frozenset()
    obligation_modals: frozenset[str] = frozenset()
    personal_pronouns: frozenset[str] = frozenset()
    # verbs whose compound tenses take "être" ("est revenu sur", "sont parvenus à"): not passives
    unaccusative_verbs: frozenset[str] = frozenset()
    # agentivity of material conflict (dragoman.events.agentivity)
    nonagent_causes: frozenset[str] = frozenset()
    human_agents: frozenset[str] = frozenset()
    weapon_cues: frozenset[str] = frozenset()
    nonpolitical_agents: frozenset[str] = frozenset()
    # sense frames of incident reports (dragoman.events.frames)
    protest_events: frozenset[str] = frozenset()  # protests and riots ("manifestation", "émeute", "grève")
    protest_cues: frozenset[str] = frozenset()  # words of protest around "une marche", "se rassembler"
    nonprotest_cues: frozenset[str] = frozenset()  # festivals, funerals, sport, rescue: not a protest
    protest_agents: frozenset[str] = frozenset()  # protesters and rioters: their violence is a riot
    theft_cues: frozenset[str] = frozenset()  # robbery and burglary: ordinary crime, not political violence
    criminal_agents: frozenset[str] = frozenset()  # thieves, robbers, traffickers
    war_weapon_cues: frozenset[str] = frozenset()  # bombs, missiles: never ordinary crime
    political_cues: frozenset[str] = frozenset()  # elections, parties, regimes: violence around them is political
    equipment_words: frozenset[str] = frozenset()  # "munis de", "équipés de": carrying is not using
    topic_words: frozenset[str] = frozenset()  # "la lutte contre les violences": a campaign's topic
    kind_nouns: frozenset[str] = frozenset()  # "maison de détention", "voiture de patrouille": a kind of place
    # "verb preposition" pairs whose subject takes part in the event the noun after them names
    # ("return for talks", "revenir pour des pourparlers", "engage in ethnic cleansing")
    participation_frames: frozenset[str] = frozenset()
    # prepositions that set an act inside an event named by a noun ("threw stones during
    # demonstrations", "lors de manifestations"): the same event when the act is of its type
    accompanying_preps: frozenset[str] = frozenset()
    instrument_nouns: frozenset[str] = frozenset()  # "à l'aide de", "with the help of": an instrument, not an object

    def is_furniture(self, text: str) -> bool:
        return any(p.search(text) for p in self.furniture)


@dataclass(frozen=True)
class StatusCues:
    lang: str
    future_aux: frozenset[str]
    backshift_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    hedges: frozenset[str]
    planned_governors: frozenset[str]
    hypothetical_governors: frozenset[str]
    negating_governors: frozenset[str]
    negation_words: frozenset[str]
    condition_marks: tuple[str, ...]
    planned_conditional: frozenset[str]
    future_endings: tuple[str, ...]
    conditional_endings: tuple[str, ...]
    irregular_stems: dict[str, str]
    planned_adjectives: frozenset[str] = frozenset()
    present_only_governors: frozenset[str] = frozenset()
    # present-only governors whose imperfective past still looks ahead ("allait être libéré", "was going to")
    prospective_governors: frozenset[str] = frozenset()
    purpose_marks: tuple[str, ...] = ()  # "pour", "afin de", "in order to": a goal, not a fact
    purpose_nouns: frozenset[str] = frozenset()  # "dans le but de", "with the aim of"
    # words that negate only with a particle ("ne ... plus"; "une fois de plus" is no negation)
    negation_needs_particle: frozenset[str] = frozenset()
    negation_particles: frozenset[str] = frozenset()
    allegation_governors: frozenset[str] = frozenset()  # "accusé de", "soupçonné du meurtre": alleged, not reported
    preventing_governors: frozenset[str] = frozenset()  # "éviter la guerre", "prevent a coup": the noun did not happen
    # auxiliaries of the French journalistic past conditional ("aurait cédé": reportedly conceded)
    reportive_aux: frozenset[str] = frozenset()
    # idioms of refusal: their subject or object did not happen ("out of the question", "hors de question")
    ruling_out: frozenset[str] = frozenset()


@lru_cache(maxsize=8)
def load_event_cues(lang: str) -> EventCues:
    path = DATA_DIR / lang / "event_cues.yaml"
    data = _read(path)
    lists = {k: _str_list(data, k, path) for k in _EVENT_LIST_KEYS}
    patterns = []
    for i, pat in enumerate(lists.pop("furniture")):
        try:
            patterns.append(re.compile(pat, re.IGNORECASE))
        except re.error as err:
            raise DataFileError(f"furniture pattern {i + 1} is not a valid regex: {err}", where=str(path)) from err
    for frame in _str_list(data, "participation_frames", path, required=False):
        if len(frame.split()) < 2:
            raise DataFileError(f"participation frame {frame!r} must be a verb lemma and a preposition",
                                where=str(path))
    for key in ("noun_actor", "noun_recipient", "verb_actor", "verb_recipient"):
        for hint in lists[key]:
            if hint not in ("nsubj", "obj", "iobj", "poss", "amod", "compound") and not hint.startswith("prep:"):
                raise DataFileError(f"unknown argument hint {hint!r} in {key!r}", where=str(path))
    return EventCues(
        lang=lang,
        speech_verbs=frozenset(lists["speech_verbs"]),
        source_preps=lists["source_preps"],
        support_verbs=frozenset(lists["support_verbs"]),
        object_control=frozenset(lists["object_control"]),
        subject_control=frozenset(lists["subject_control"]),
        locative_preps=frozenset(lists["locative_preps"]),
        genitive_preps=frozenset(lists["genitive_preps"]),
        agent_preps=frozenset(lists["agent_preps"]),
        noun_actor=lists["noun_actor"],
        noun_recipient=lists["noun_recipient"],
        verb_actor=lists["verb_actor"],
        verb_recipient=lists["verb_recipient"],
        pair_words=frozenset(lists["pair_words"]),
        furniture=tuple(patterns),
        destination_preps=frozenset(lists["destination_preps"]),
        act_nouns=frozenset(lists["act_nouns"]),
        obligation_modals=frozenset(lists["obligation_modals"]),
        personal_pronouns=frozenset(lists["personal_pronouns"]),
        **{k: frozenset(_str_list(data, k, path, required=False)) for k in _EVENT_OPTIONAL_LISTS},
    )


@lru_cache(maxsize=8)
def load_status_cues(lang: str) -> StatusCues:
    path = DATA_DIR / lang / "status_cues.yaml"
    data = _read(path)
    lists = {k: _str_list(data, k, path) for k in _STATUS_LIST_KEYS}
    opt = {k: _str_list(data, k, path, required=False) for k in _STATUS_OPTIONAL_LISTS}
    stems = data.get("irregular_stems") or {}
    if not isinstance(stems, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in stems.items()):
        raise DataFileError("key 'irregular_stems' must map stems to infinitives", where=str(path))
    return StatusCues(
        lang=lang,
        future_aux=frozenset(lists["future_aux"]),
        backshift_aux=frozenset(lists["backshift_aux"]),
        hypothetical_aux=frozenset(lists["hypothetical_aux"]),
        hedges=frozenset(lists["hedges"]),
        planned_governors=frozenset(lists["planned_governors"]),
        hypothetical_governors=frozenset(lists["hypothetical_governors"]),
        negating_governors=frozenset(lists["negating_governors"]),
        negation_words=frozenset(lists["negation_words"]),
        condition_marks=lists["condition_marks"],
        planned_conditional=frozenset(opt["planned_conditional"]),
        future_endings=opt["future_endings"],
        conditional_endings=opt["conditional_endings"],
        irregular_stems={k.lower(): v.lower() for k, v in stems.items()},
        planned_adjectives=frozenset(opt["planned_adjectives"]),
        present_only_governors=frozenset(opt["present_only_governors"]),
        prospective_governors=frozenset(opt["prospective_governors"]),
        purpose_marks=opt["purpose_marks"],
        purpose_nouns=frozenset(opt["purpose_nouns"]),
        negation_needs_particle=frozenset(opt["negation_needs_particle"]),
        negation_particles=frozenset(opt["negation_particles"]),
        allegation_governors=frozenset(opt["allegation_governors"]),
        preventing_governors=frozenset(opt["preventing_governors"]),
        reportive_aux=frozenset(opt["reportive_aux"]),
        ruling_out=frozenset(opt["ruling_out"]),
    )
