"""The one place that defines Dragoman's data: documents flowing through the
pipeline and the events they yield.

Every stage takes ``Document`` objects and returns them, filling more fields.
Every character offset stored here (``start``/``end``) refers to
``Document.text``: the text as read from the input (plain text file as decoded,
or the title + body that trafilatura extracted from HTML, or a JSONL ``text``).
Normalisation and boilerplate removal never shift offsets: see
``dragoman.textnorm``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

SCHEMA_VERSION = "1"

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
# PLOVER quad classes: 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict (same numbering as GDELT's QuadClass).
QUAD_CLASS: dict[str, int] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
STATUSES: tuple[str, ...] = ("occurred", "planned", "hypothetical", "negated")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "inferred")
SECTORS: tuple[str, ...] = (
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
    "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
    "PRE", "REL", "SOC",
)
NONSTATE_CODES: tuple[str, ...] = ("IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC")


@dataclass
class Span:
    """A piece of ``Document.text``; ``text == document.text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass
class Actor:
    """One participant of an event (or one resolved actor mention).

    ``country`` is ISO 3166-1 alpha-3 or None; ``code`` is the full actor code:
    country + sector for states ("PRKGOV"), or a non-state code starting with
    IGO/UNO/EUR/NGO/ISM/IMG/MNC ("IGOUNO", "NGOICRC"); ``entry`` names the
    dictionary entry that resolved it (for ``explain``).
    """

    text: str
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    start: int | None = None
    end: int | None = None
    office: str | None = None
    qid: str | None = None
    entry: str | None = None

    def key(self) -> tuple[str | None, str | None, str | None]:
        """What makes two participants the same for merging and dedup."""
        return (self.country, self.code, self.name)


@dataclass
class Location:
    text: str
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature_class: str | None = None  # "P" populated place, "A" country/admin, ...
    start: int | None = None
    end: int | None = None


@dataclass
class Evidence:
    """Where an event is stated: the sentence and the trigger, with offsets."""

    sentence_index: int
    sentence: str
    start: int
    end: int
    trigger: Span
    rule: str | None = None  # which attachment rule produced the event
    entry: str | None = None  # which trigger lexicon entry matched
    score: float | None = None  # raw feature score of this statement (events/merge.py), before calibration


@dataclass
class Event:
    doc_id: str
    event_id: str
    type: str
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    cameo: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    actor: list[Actor] = field(default_factory=list)
    recipient: list[Actor] = field(default_factory=list)
    date: str | None = None  # ISO date (first day of the period for month/year)
    date_precision: str = "inferred"
    date_text: str | None = None
    location: Location | None = None
    status: str = "occurred"
    confidence: float = 0.5
    lang: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    version: str = ""
    reported_by: list[Actor] = field(default_factory=list)  # "X said that ..." sources

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record of ``dragoman code`` (stable key order)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        data = dict(data)
        data["actor"] = [Actor(**a) for a in data.get("actor") or []]
        data["recipient"] = [Actor(**a) for a in data.get("recipient") or []]
        data["reported_by"] = [Actor(**a) for a in data.get("reported_by") or []]
        loc = data.get("location")
        data["location"] = Location(**loc) if loc else None
        data["evidence"] = [
            Evidence(**{**e, "trigger": Span(**e["trigger"])}) for e in data.get("evidence") or []
        ]
        return cls(**data)


@dataclass
class ActorMention:
    """An actor found in a sentence: resolved by the actors stage, used by events.

    ``token_start``/``token_end`` index tokens of the sentence's spaCy ``Doc``
    (``Sentence.span.doc``); ``start``/``end`` are offsets into ``Document.text``.
    ``kind`` is one of country, capital, igo, role, person, pronoun, group.
    """

    actor: Actor
    sentence_index: int
    token_start: int
    token_end: int
    start: int
    end: int
    kind: str


@dataclass
class DatePhrase:
    text: str
    start: int
    end: int
    date: str | None
    precision: str
    sentence_index: int
    background: bool = False  # "depuis 2019", "for decades": not an event date


@dataclass
class PlaceMention:
    location: Location
    sentence_index: int
    token_start: int
    token_end: int


@dataclass
class Sentence:
    """One sentence; ``span`` is the spaCy Span (not serialised).

    ``norm_offset`` converts a token's ``idx`` in ``span.doc`` into an index of
    ``Document.norm_text``; ``Document.orig(i)`` turns that into an index of
    ``Document.text``.
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    span: Any = None
    norm_offset: int = 0


@dataclass
class StageError:
    stage: str
    code: str
    message: str


@dataclass
class Document:
    id: str
    text: str
    title: str | None = None
    pub_date: date | None = None
    lang: str | None = None
    url: str | None = None
    site: str | None = None
    source: str | None = None  # file path, "stdin", or "FILE:LINE" for JSONL
    input_format: str = "text"
    meta: dict[str, Any] = field(default_factory=dict)
    # Filled by ingest/textnorm: same length as ``text`` unless ``norm_map`` is set.
    norm_text: str | None = None
    norm_map: list[int] | None = None  # norm index -> text index, len(norm_text)+1
    # Filled by later stages.
    lang_detected: str | None = None
    lang_confidence: float | None = None
    sentences: list[Sentence] = field(default_factory=list)
    actor_mentions: list[ActorMention] = field(default_factory=list)
    date_phrases: list[DatePhrase] = field(default_factory=list)
    place_mentions: list[PlaceMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[StageError] = field(default_factory=list)
    skipped: str | None = None  # why the document was not coded (e.g. unsupported language)
    trace: list[dict[str, Any]] = field(default_factory=list)  # explain notes: why nothing was coded

    @property
    def failed(self) -> bool:
        return bool(self.errors) or self.skipped is not None

    def orig(self, norm_index: int) -> int:
        """Map an index of ``norm_text`` to an index of ``text``."""
        if self.norm_map is None:
            return norm_index
        return self.norm_map[norm_index]

    def text_hash(self) -> str:
        """Identity of a document: hash of its normalised text (and URL when known)."""
        basis = " ".join((self.norm_text or self.text).split())
        if self.url:
            basis = self.url + "\n" + basis
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()
