"""Event trigger lexicons and the CAMEO crosswalk.

Data files (written by the project, validated here at load time):

- ``data/common/cameo.tsv``: every CAMEO event code with its label, the PLOVER
  type/mode/contexts it maps to, the PLOVER quad class and the Goldstein value.
- ``data/<lang>/triggers.yaml``: trigger words and multiword phrases (by lemma)
  with the PLOVER type, mode, CAMEO code, extra contexts and argument hints.

``TriggerLexicon.match`` finds candidate triggers in a spaCy sentence span; it
returns every candidate (several entries may share a lemma with different
``objects`` constraints). ``TriggerLexicon.select`` / ``match_selected`` apply
the object constraints for callers that want one decision per trigger.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import DataFileError
from dragoman.schema import PLOVER_TYPES, QUAD_CLASS, SECTORS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CAMEO_PATH = DATA_DIR / "common" / "cameo.tsv"
LANGS = ("en", "fr")

# PLOVER ontology (manual draft 2021): modes allowed per type, and contexts.
# This is the schema the data files are checked against, not vocabulary.
PLOVER_MODES: dict[str, frozenset[str]] = {
    "AGREE": frozenset(),
    "CONSULT": frozenset({"visit", "third-party", "multilateral", "phone"}),
    "SUPPORT": frozenset(),
    "CONCEDE": frozenset(),
    "COOPERATE": frozenset(),
    "AID": frozenset(),
    "RETREAT": frozenset({"withdraw", "release", "disarm", "ceasefire", "access", "resign"}),
    "REQUEST": frozenset({"assist", "change", "yield", "meet"}),
    "ACCUSE": frozenset({"disapprove", "investigate", "allege"}),
    "REJECT": frozenset({"assist", "change", "yield", "meet"}),
    "THREATEN": frozenset({"restrict", "arrest", "relations", "expel", "territory", "violence"}),
    "PROTEST": frozenset({"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"}),
    "SANCTION": frozenset({"convict", "expel", "withdraw", "discontinue"}),
    "MOBILIZE": frozenset({"troops", "weapons", "police", "militia"}),
    "COERCE": frozenset({
        "seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
        "misinformation", "cyber",
    }),
    "ASSAULT": frozenset({
        "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
        "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
        "unconventional",
    }),
}
PLOVER_CONTEXTS: frozenset[str] = frozenset({
    "military", "intelligence", "executive", "legislative", "election", "political_institutions",
    "pro_democracy", "pro_autocracy", "economic", "legal", "reparations", "human_rights",
    "rights_freedoms", "repression", "human_security", "gender", "lgbt", "religion_ethnicity",
    "inequality", "diplomatic", "territory", "peacekeeping", "health", "asylum", "migration",
    "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn", "cyber",
    "misinformation", "crime", "corruption", "illegal_drugs", "trafficking",
})
POS_TAGS = ("VERB", "NOUN", "ADJ")
# spaCy POS tags a trigger of each lexicon POS may carry (participles are often
# tagged ADJ, nouns at the start of a headline PROPN).
_POS_COMPAT: dict[str, frozenset[str]] = {
    "VERB": frozenset({"VERB", "AUX", "ADJ"}),
    "NOUN": frozenset({"NOUN", "PROPN"}),
    "ADJ": frozenset({"ADJ", "VERB"}),
}
# "speaker": the source of the reported speech the trigger sits in ("said that X is out of the question")
_ARG_ROLES = frozenset({"obj", "iobj", "nsubj", "poss", "comp", "speaker"})
_ARGS_KEYS = ("recipient", "actor", "destination", "symmetric", "objects", "not_objects", "swap", "frame",
              "actor_sectors", "official", "not_own")
# Sense frames an entry may require (``args.frame``): the word is an event of its type only
# inside that frame ("une marche" is a protest only among protest words; see events/frames.py).
FRAMES = frozenset({"protest"})
_ENTRY_KEYS = frozenset({
    "id", "lemma", "phrase", "head", "pos", "type", "mode", "cameo", "contexts", "args", "forms",
    "note",
})
MAX_PHRASE_GAP = 4  # tokens allowed between two consecutive lemmas of a phrase...
MAX_FAR_GAP = 14  # ...or this many when the word depends on the head (child or grandchild)
CAMEO_COLUMNS = ("cameo", "label", "plover_type", "mode", "contexts", "quad_class", "goldstein")

# Dependency labels (UD for French, ClearNLP for the English model) whose
# dependents count as the "object" of a trigger for ``objects`` constraints.
_OBJECT_DEPS = frozenset({
    "obj", "dobj", "iobj", "obl", "obl:arg", "obl:mod", "obl:agent", "agent", "nmod", "nmod:poss", "pobj",
    "compound", "nsubj:pass", "nsubjpass", "attr", "xcomp", "oprd", "dative", "prep", "amod",
    "flat:name", "appos", "conj", "npadvmod", "expl:comp",
})


# French elided words in phrases are written as in text ("s'entretenir", "d'accord")
# and matched by their lemma ("se entretenir", "de accord").
_ELISION = re.compile(r"\b(qu|[dljmnst])'")


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """Lowercase ``text`` without diacritics ("Exhorté" -> "exhorte")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class CameoRow:
    cameo: str
    label: str
    type: str | None  # PLOVER type, None for the few CAMEO codes PLOVER dropped
    mode: str | None
    contexts: tuple[str, ...]
    quad_class: int
    goldstein: float

    @property
    def root(self) -> str:
        return self.cameo[:2]


@dataclass(frozen=True)
class TriggerArgs:
    recipient: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    destination: bool = False
    symmetric: bool = False
    objects: tuple[str, ...] = ()
    not_objects: tuple[str, ...] = ()
    swap: bool = False
    frame: str | None = None  # a sense frame the trigger needs ("protest")
    actor_sectors: tuple[str, ...] = ()  # the event needs an actor of one of these sectors
    official: str | None = None  # CAMEO code of the event when every actor is a government
    not_own: bool = False  # the act on the actor's own thing ("dissoudre leur organisation") is voluntary


@dataclass(frozen=True)
class TriggerEntry:
    id: str
    lang: str
    lemma: str | None
    phrase: tuple[str, ...] | None
    head: int
    pos: str
    type: str
    mode: str | None
    cameo: str
    contexts: tuple[str, ...]  # cameo row contexts + the entry's own, no duplicates
    args: TriggerArgs
    quad_class: int
    goldstein: float
    forms: tuple[str, ...] = ()  # extra forms/lemmas the lemmatizer produces for this word
    line: int | None = None

    @property
    def lemmas(self) -> tuple[str, ...]:
        """The lemma sequence (one element for single-word entries)."""
        return self.phrase if self.phrase is not None else (self.lemma or "",)

    @property
    def head_lemma(self) -> str:
        return self.lemmas[self.head]

    @property
    def is_phrase(self) -> bool:
        return self.phrase is not None and len(self.phrase) > 1


@dataclass(frozen=True)
class TriggerMatch:
    entry: TriggerEntry
    token_start: int  # doc-level token index, inclusive
    token_end: int  # exclusive
    head: int  # doc-level index of the head token (where arguments attach)

    @property
    def length(self) -> int:
        return self.token_end - self.token_start


# --------------------------------------------------------------------------- CAMEO crosswalk


def _parse_cameo(path: Path) -> dict[str, CameoRow]:
    rows: dict[str, CameoRow] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc}", where=str(path)) from exc
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([raw], delimiter="\t", quoting=csv.QUOTE_NONE))
        where = f"{path}:{lineno}"
        if not header_seen:
            if tuple(c.strip() for c in cells) != CAMEO_COLUMNS:
                raise DataFileError(f"header must be {'/'.join(CAMEO_COLUMNS)} (tab-separated)", where=where)
            header_seen = True
            continue
        if len(cells) != len(CAMEO_COLUMNS):
            raise DataFileError(f"expected {len(CAMEO_COLUMNS)} tab-separated cells, got {len(cells)}",
                                where=where)
        code, label, ptype, mode, contexts, quad, gold = (c.strip() for c in cells)
        if not code.isdigit() or not 2 <= len(code) <= 4:
            raise DataFileError(f"bad CAMEO code {code!r}", where=where)
        if code in rows:
            raise DataFileError(f"duplicate CAMEO code {code}", where=where)
        ptype_v = ptype or None
        if ptype_v is not None and ptype_v not in PLOVER_TYPES:
            raise DataFileError(f"{code}: unknown PLOVER type {ptype!r}", where=where)
        mode_v = mode or None
        if mode_v is not None and (ptype_v is None or mode_v not in PLOVER_MODES[ptype_v]):
            raise DataFileError(f"{code}: mode {mode!r} not allowed for {ptype or 'no type'}", where=where)
        ctx = tuple(c.strip() for c in contexts.split(",") if c.strip())
        bad = [c for c in ctx if c not in PLOVER_CONTEXTS]
        if bad:
            raise DataFileError(f"{code}: unknown context(s) {bad}", where=where)
        try:
            quad_v = int(quad)
            gold_v = float(gold)
        except ValueError as exc:
            raise DataFileError(f"{code}: quad_class/goldstein not numeric", where=where) from exc
        if ptype_v is not None and quad_v != QUAD_CLASS[ptype_v]:
            raise DataFileError(f"{code}: quad class {quad_v} but {ptype_v} is {QUAD_CLASS[ptype_v]}",
                                where=where)
        if quad_v not in (1, 2, 3, 4) or not -10.0 <= gold_v <= 10.0:
            raise DataFileError(f"{code}: quad class or Goldstein out of range", where=where)
        if len(code) > 2 and code[:2] not in rows:
            raise DataFileError(f"{code}: root {code[:2]} must come first", where=where)
        rows[code] = CameoRow(code, label, ptype_v, mode_v, ctx, quad_v, gold_v)
    if not header_seen:
        raise DataFileError("empty file (no header)", where=str(path))
    return rows


@lru_cache(maxsize=4)
def _load_cameo_cached(path: str) -> dict[str, CameoRow]:
    return _parse_cameo(Path(path))


def load_cameo(path: str | Path | None = None) -> dict[str, CameoRow]:
    """The CAMEO crosswalk, keyed by code ("042"). Cached; do not mutate."""
    return _load_cameo_cached(str(path or CAMEO_PATH))


# --------------------------------------------------------------------------- YAML loading


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _str_list(value: Any, what: str, fail: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"{what} must be a list of strings")
    return tuple(_norm(v) for v in value)


def _parse_args(raw: Any, fail: Any, cameo: dict[str, CameoRow]) -> TriggerArgs:
    if raw is None:
        return TriggerArgs()
    if not isinstance(raw, dict):
        fail("args must be a mapping")
    unknown = sorted(k for k in raw if k != "__line__" and k not in _ARGS_KEYS)
    if unknown:
        fail(f"unknown args key(s) {unknown}")
    roles: dict[str, tuple[str, ...]] = {}
    for key in ("recipient", "actor"):
        vals = _str_list(raw.get(key), f"args.{key}", fail)
        for v in vals:
            if v not in _ARG_ROLES and not (v.startswith("prep:") and len(v) > 5):
                fail(f"args.{key}: {v!r} is not one of {sorted(_ARG_ROLES)} or 'prep:<word>'")
        roles[key] = vals
    flags: dict[str, bool] = {}
    for key in ("destination", "symmetric", "swap", "not_own"):
        val = raw.get(key, False)
        if not isinstance(val, bool):
            fail(f"args.{key} must be true or false")
        flags[key] = val
    frame = raw.get("frame")
    if frame is not None and frame not in FRAMES:
        fail(f"args.frame must be one of {sorted(FRAMES)}, got {frame!r}")
    sectors = tuple(s.upper() for s in _str_list(raw.get("actor_sectors"), "args.actor_sectors", fail))
    bad = [s for s in sectors if s not in SECTORS]
    if bad:
        fail(f"args.actor_sectors: {bad} are not PLOVER sectors")
    official = raw.get("official")
    if official is not None and (not isinstance(official, str) or official not in cameo):
        fail(f"args.official must be a CAMEO code of data/common/cameo.tsv, got {official!r}")
    return TriggerArgs(
        recipient=roles["recipient"],
        actor=roles["actor"],
        objects=_str_list(raw.get("objects"), "args.objects", fail),
        not_objects=_str_list(raw.get("not_objects"), "args.not_objects", fail),
        frame=frame,
        actor_sectors=sectors,
        official=official,
        **flags,
    )


def _parse_entry(raw: Any, idx: int, lang: str, path: Path, cameo: dict[str, CameoRow]) -> TriggerEntry:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    entry_id = raw.get("id") if isinstance(raw, dict) else None

    def fail(problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        name = f"entry {entry_id!r}" if entry_id else f"entry #{idx + 1}"
        raise DataFileError(f"{name}: {problem}", where=where)

    if not isinstance(raw, dict):
        fail("must be a mapping")
    unknown = sorted(k for k in raw if k != "__line__" and k not in _ENTRY_KEYS)
    if unknown:
        fail(f"unknown key(s) {unknown}")
    if not isinstance(entry_id, str) or not entry_id.startswith(f"{lang}."):
        fail(f"id must be a string starting with '{lang}.'")
    lemma, phrase = raw.get("lemma"), raw.get("phrase")
    if (lemma is None) == (phrase is None):
        fail("needs exactly one of 'lemma' or 'phrase'")
    lemma_v: str | None = None
    phrase_v: tuple[str, ...] | None = None
    if lemma is not None:
        if not isinstance(lemma, str) or not lemma.strip() or " " in lemma.strip():
            fail("lemma must be one word (use 'phrase' for multiword triggers)")
        lemma_v = _norm(lemma)
    else:
        if isinstance(phrase, str):
            phrase_v = tuple(_ELISION.sub(lambda m: m.group(1) + "e ", _norm(phrase)).split())
        if not isinstance(phrase, str) or phrase_v is None or len(phrase_v) < 2:
            fail("phrase must be a string of at least two lemmas")
    n_lemmas = len(phrase_v) if phrase_v else 1
    head = raw.get("head", 0)
    if not isinstance(head, int) or isinstance(head, bool) or not 0 <= head < n_lemmas:
        fail(f"head must be an index in 0..{n_lemmas - 1}")
    pos = raw.get("pos")
    if pos not in POS_TAGS:
        fail(f"pos must be one of {POS_TAGS}, got {pos!r}")
    ptype = raw.get("type")
    if ptype not in PLOVER_TYPES:
        fail(f"unknown PLOVER type {ptype!r}")
    mode = raw.get("mode")
    if mode is not None and mode not in PLOVER_MODES[ptype]:
        allowed = sorted(PLOVER_MODES[ptype]) or "none"
        fail(f"mode {mode!r} not allowed for {ptype} (allowed: {allowed})")
    code = raw.get("cameo")
    if isinstance(code, int):
        fail("cameo must be a quoted string (leading zeros matter)")
    if not isinstance(code, str) or code not in cameo:
        fail(f"cameo code {code!r} not in {CAMEO_PATH.name}")
    row = cameo[code]
    if row.type != ptype:
        fail(f"type {ptype} does not match cameo {code} ({row.type}); pick a {ptype} code")
    own_ctx = _str_list(raw.get("contexts"), "contexts", fail)
    bad = [c for c in own_ctx if c not in PLOVER_CONTEXTS]
    if bad:
        fail(f"unknown context(s) {bad}")
    contexts = tuple(dict.fromkeys(row.contexts + own_ctx))
    args = _parse_args(raw.get("args"), fail, cameo)
    forms = _str_list(raw.get("forms"), "forms", fail)
    if forms and phrase_v is not None:
        fail("forms are only allowed on single-lemma entries")
    return TriggerEntry(
        id=entry_id, lang=lang, lemma=lemma_v, phrase=phrase_v, head=head, pos=pos, type=ptype,
        mode=mode, cameo=code, contexts=contexts, args=args, quad_class=row.quad_class,
        goldstein=row.goldstein, forms=forms, line=line,
    )


def load_triggers_file(path: str | Path, lang: str, cameo: dict[str, CameoRow] | None = None
                       ) -> TriggerLexicon:
    """Load and validate one trigger file (uncached; ``load_triggers`` is the cached entry point)."""
    path = Path(path)
    cameo = cameo if cameo is not None else load_cameo()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (SafeLoader)
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc}", where=str(path)) from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"invalid YAML: {exc}", where=str(path)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise DataFileError("top level must be a mapping with an 'entries' list", where=str(path))
    if data.get("version") != 1:
        raise DataFileError(f"unsupported version {data.get('version')!r} (expected 1)", where=str(path))
    if data.get("lang") != lang:
        raise DataFileError(f"lang is {data.get('lang')!r}, expected {lang!r}", where=str(path))
    entries: list[TriggerEntry] = []
    seen_ids: dict[str, int | None] = {}
    seen_keys: dict[tuple[Any, ...], str] = {}
    for idx, raw in enumerate(data["entries"]):
        entry = _parse_entry(raw, idx, lang, path, cameo)
        where = f"{path}:{entry.line}"
        if entry.id in seen_ids:
            raise DataFileError(f"entry {entry.id!r}: duplicate id (first at line {seen_ids[entry.id]})",
                                where=where)
        seen_ids[entry.id] = entry.line
        key = (entry.lemmas, entry.pos, frozenset(entry.args.objects))
        if key in seen_keys:
            raise DataFileError(
                f"entry {entry.id!r}: same lemma/phrase, pos and objects as {seen_keys[key]!r}", where=where)
        seen_keys[key] = entry.id
        entries.append(entry)
    return TriggerLexicon(lang, tuple(entries), str(path))


@lru_cache(maxsize=4)
def load_triggers(lang: str) -> TriggerLexicon:
    """The validated trigger lexicon of ``lang`` ("en" or "fr"), cached."""
    if lang not in LANGS:
        raise DataFileError(f"no trigger lexicon for language {lang!r}", where=str(DATA_DIR))
    return load_triggers_file(DATA_DIR / lang / "triggers.yaml", lang)


# --------------------------------------------------------------------------- matching


# French inflections the lemmatizer sometimes leaves as they are: (ending, infinitive ending)
_FR_VERB_ENDINGS: tuple[tuple[str, str], ...] = (
    ("eraient", "er"), ("erait", "er"), ("eront", "er"), ("erons", "er"), ("erez", "er"), ("erai", "er"),
    ("era", "er"), ("èrent", "er"), ("iraient", "ir"), ("irait", "ir"), ("iront", "ir"), ("ira", "ir"),
    ("ées", "er"), ("és", "er"), ("ée", "er"), ("é", "er"), ("aient", "er"), ("ait", "er"), ("ent", "er"),
    ("es", "er"), ("e", "er"), ("a", "er"),
)
# endings no French noun or adjective has: the token is a verb whatever its tag
_FR_VERBAL_ONLY = ("eraient", "erait", "eront", "erons", "erez", "èrent", "iraient", "irait", "iront", "era")


def _fr_verb_guesses(token: Any) -> list[str]:
    """Infinitives for a French verb the lemmatizer left inflected ("frappe" -> "frapper",
    "boycotteraient" -> "boycotter")."""
    if token.lang_ != "fr":
        return []
    form = _norm(token.text)
    lemma = _norm(token.lemma_ or token.text)
    if token.pos_ not in ("VERB", "AUX") and not (
        form.endswith(_FR_VERBAL_ONLY) or (token.pos_ in ("ADJ", "ADV", "PROPN") and form.endswith("ent"))
    ):
        return []
    if lemma.endswith(("er", "ir", "re", "oir")) and token.pos_ in ("VERB", "AUX"):
        return []
    for ending, inf in _FR_VERB_ENDINGS:
        if form.endswith(ending) and len(form) - len(ending) >= 3:
            return [form[: -len(ending)] + inf]
    return []


def _en_verb_guesses(token: Any) -> list[str]:
    """Base forms for an English verb the lemmatizer got wrong ("staged" -> "stag")."""
    if token.lang_ != "en" or token.pos_ not in ("VERB", "AUX", "ADJ"):
        return []
    form = _norm(token.text)
    out: list[str] = []
    if form.endswith("ied"):
        out.append(form[:-3] + "y")
    elif form.endswith("ed"):
        out += [form[:-1], form[:-2]]
        if len(form) > 4 and form[-3] == form[-4]:  # "shelled" -> "shell", "planned" -> "plan"
            out.append(form[:-3])
    elif form.endswith("ing"):
        out += [form[:-3], form[:-3] + "e"]
    elif form.endswith("es"):
        out += [form[:-1], form[:-2]]
    elif form.endswith("s"):
        out.append(form[:-1])
    lemma = _norm(token.lemma_ or "")
    return [g for g in out if len(g) >= 3 and g != lemma]


def _verb_guesses(token: Any) -> list[str]:
    return list(_verb_guesses_cached(token.text, token.lemma_, token.pos_, token.lang_))


class _Tok:
    """The token attributes the guessers read (so their results can be cached on strings)."""

    __slots__ = ("text", "lemma_", "pos_", "lang_")

    def __init__(self, text: str, lemma: str, pos: str, lang: str):
        self.text, self.lemma_, self.pos_, self.lang_ = text, lemma, pos, lang


@lru_cache(maxsize=65536)
def _verb_guesses_cached(text: str, lemma: str, pos: str, lang: str) -> tuple[str, ...]:
    tok = _Tok(text, lemma, pos, lang)
    return tuple(_fr_verb_guesses(tok) or _en_verb_guesses(tok))


def _token_keys(token: Any) -> tuple[str, ...]:
    """Lookup keys for a token, best first: lemma, lemma without accents, form, form without
    accents (French verbs also get a repaired infinitive, see ``_fr_verb_guesses``)."""
    return _keys_cached(token.lemma_ or "", token.text)


@lru_cache(maxsize=65536)
def _keys_cached(lemma_raw: str, text: str) -> tuple[str, ...]:
    lemma = _norm(lemma_raw)
    form = _norm(text)
    keys = [lemma, strip_accents(lemma), form, strip_accents(form)]
    if form.endswith("'") and _ELISION.fullmatch(form):  # "d’" left unlemmatized -> "de"
        keys.append(form[:-1] + "e")
    return tuple(k for k in dict.fromkeys(keys) if k)


_INFINITIVE_MARKS = frozenset({"to", "de", "d'", "à", "pour"})
# The pseudo-object of a trigger whose object is told to do something ("invited X to leave"),
# usable in ``objects``/``not_objects`` lists.
INFINITIVE = "@infinitive"


class _Links:
    """Tokens syntactically linked to a phrase head, computed only when a gap needs them."""

    def __init__(self, head: Any):
        self.head = head
        self._related: set[int] | None = None
        self._close: set[int] | None = None

    @property
    def related(self) -> set[int]:
        if self._related is None:
            rel = {t.i for t in self.head.subtree}
            anc = self.head.head
            for _ in range(2):  # "mettre en garde": the head may hang below a support word
                rel.add(anc.i)
                rel.update(c.i for c in anc.children)
                anc = anc.head
            self._related = rel
        return self._related

    def inner_comma(self, j: int) -> bool:
        """A comma inside a noun argument of the head ("forced the agency, UNHCR, out"): an
        apposition's punctuation, not a clause boundary."""
        comma = self.head.doc[j]
        owner = comma.head
        return (owner.pos_ in ("NOUN", "PROPN") and owner.head == self.head
                and owner.dep_ in ("dobj", "obj") and owner.i != self.head.i)

    @property
    def close(self) -> set[int]:
        if self._close is None:
            kids = list(self.head.children)
            self._close = {c.i for c in kids} | {g.i for c in kids for g in c.children}
        return self._close


class _SentenceWords:
    """Token features of one sentence for trigger matching, read from spaCy once.

    ``keys``/``guesses`` are ``_token_keys`` and ``_verb_guesses`` per token;
    ``candidates(lemma)`` is the set of token indices (doc-level) for which
    ``TriggerLexicon._phrase_word(token, lemma)`` holds, found through an
    inverted index of the keys instead of testing every token of every walk.
    """

    def __init__(self, sent: Any):
        self.lo, self.hi = sent.start, sent.end
        self.tokens = list(sent)
        self.skip: list[bool] = []
        self.keys: list[tuple[str, ...]] = []
        self.guesses: list[tuple[str, ...]] = []
        self._folded: list[str] = []  # strip_accents(text) per token
        self._by_start: dict[str, list[int]] = defaultdict(list)  # first 4 folded characters -> tokens
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._by_guess: dict[str, list[int]] = defaultdict(list)
        self._cands: dict[str, frozenset[int]] = {}
        stops: list[int] = []
        commas: list[int] = []
        lang = sent.doc.lang_
        for tok in self.tokens:
            text, lemma, pos, i = tok.text, tok.lemma_, tok.pos_, tok.i
            self.skip.append(tok.is_punct or tok.is_space)
            keys = _keys_cached(lemma or "", text)
            guesses = _verb_guesses_cached(text, lemma, pos, lang)
            self.keys.append(keys)
            self.guesses.append(guesses)
            folded = strip_accents(text)
            self._folded.append(folded)
            self._by_start[folded[:4]].append(i)
            for key in keys:
                self._by_key[key].append(i)
            for guess in guesses:
                self._by_guess[guess].append(i)
            if text in (";", ":", "!", "?"):
                stops.append(i)
            elif text == ",":
                commas.append(i)
        self.stops = frozenset(stops)
        self.commas = frozenset(commas)

    def candidates(self, lemma: str) -> frozenset[int]:
        """Tokens that can stand for ``lemma`` as a non-head word of a phrase (``_phrase_word``)."""
        found = self._cands.get(lemma)
        if found is not None:
            return found
        folded = strip_accents(lemma)
        hits = set(self._by_key.get(lemma, ()))
        # without accents, but an auxiliary keeps its own word: "a" (has) is not "à"
        hits.update(i for i in self._by_key.get(folded, ()) if folded == lemma or self.tokens[i - self.lo].pos_ != "AUX")
        hits.update(self._by_guess.get(lemma, ()))
        if len(lemma) >= 4:  # an inflected form: the token's text starts with the lemma
            if len(folded) >= 4:
                hits.update(i for i in self._by_start.get(folded[:4], ()) if self._folded[i - self.lo].startswith(folded))
            else:
                hits.update(self.lo + p for p, f in enumerate(self._folded) if f.startswith(folded))
        for i in [i for i in hits if self.tokens[i - self.lo].pos_ == "ADP"]:
            if _governs_date(self.tokens[i - self.lo]):
                hits.discard(i)  # "called Xi on Tuesday" is not "called on"
        found = self._cands[lemma] = frozenset(hits)
        return found


def _governs_date(prep: Any) -> bool:
    """A preposition introducing a date ("on Tuesday", "à la mi-août")."""
    nouns = [c for c in prep.children if c.dep_ in ("pobj", "obj")] + [prep.head]
    return any(n.ent_type_ in ("DATE", "TIME") for n in nouns if n is not prep)


def _is_participle(token: Any) -> bool:
    return token.tag_ in ("VBN", "VBD", "VBG") or "Part" in token.morph.get("VerbForm")


def _instrument_nouns(lang: str) -> frozenset[str]:
    from dragoman.events.cues import load_event_cues

    try:
        return load_event_cues(lang).instrument_nouns
    except DataFileError:
        return frozenset()  # a language without cues (tests with bare models)


def objects_of(token: Any) -> set[str]:
    """Lemmas of the complements of a trigger token, used by ``objects``/``not_objects``.

    Direct objects, obliques and nominal modifiers, compounds ("missile launch"),
    the passive subject ("a missile was fired") and, one level down, their own
    complements ("une salve de roquettes", "fired a barrage of rockets").
    """
    out: set[str] = set()
    instruments = _instrument_nouns(token.doc.lang_)

    def add(tok: Any) -> None:
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("obl", "obl:mod", "obl:arg", "pobj") \
                and _norm(tok.lemma_ or tok.text) in instruments and any(c.dep_ in ("nmod", "prep") for c in tok.children):
            return  # "à l'aide de branches", "with the help of smugglers": how, not what
        lem = _norm(tok.lemma_ or tok.text)
        out.add(lem)
        out.add(strip_accents(lem))
        out.add(_norm(tok.text))

    for child in token.children:
        if child.ent_type_ in ("DATE", "TIME") or (child.pos_ == "ADP" and _governs_date(child)):
            continue  # "on Tuesday", "la semaine dernière" say when, not what
        if child.dep_ == "advcl" and any(
            g.dep_ in ("aux", "mark") and g.lower_ in _INFINITIVE_MARKS for g in child.children
        ):
            add(child)  # "vowed to fight" parsed as advcl: the infinitive is the content
            continue
        if child.dep_ in ("poss", "nmod:poss"):
            add(child)  # "their strike"; not deeper ("welcomed Reagan's statement")
            continue
        if child.dep_ in ("acl", "ccomp"):  # "the demand that Israel ease...", "ready to talk"
            add(child)
            for g in child.children:
                if g.dep_ in ("mark", "aux"):
                    add(g)  # "qu'" counts as "que"
            continue
        if child.dep_ == "xcomp" and any(
            g.dep_ in ("aux", "mark") and g.lower_ in _INFINITIVE_MARKS for g in child.children
        ):
            out.add(INFINITIVE)  # "invited the protesters to leave", "inviter X à partir": an act asked for
            for g in child.children:
                if g.dep_ in ("aux", "mark") and g.lower_ in _INFINITIVE_MARKS:
                    out.add(g.lower_)  # "inciter X à faire": the marker counts as "à"
        if child.dep_ in _OBJECT_DEPS and child.pos_ not in ("PUNCT", "CCONJ", "DET"):
            add(child)
            for grand in child.children:
                if grand.dep_ in _OBJECT_DEPS and grand.pos_ not in ("PUNCT", "CCONJ", "DET"):
                    add(grand)
                    for great in grand.children:  # "fired a barrage of rockets": prep -> pobj
                        if great.dep_ in ("pobj", "conj", "nmod", "compound"):
                            add(great)
    if token.pos_ in ("NOUN", "PROPN"):
        from dragoman.events.syntax import complement_clauses

        for clause in complement_clauses(token):
            if clause.head != token:  # "reiterated its demand today that…": the parser hung it on the verb
                add(clause)
                for g in clause.children:
                    if g.dep_ == "mark":
                        add(g)
    return out


@dataclass
class TriggerLexicon:
    lang: str
    entries: tuple[TriggerEntry, ...]
    path: str = ""
    _single: dict[str, list[TriggerEntry]] = field(default_factory=dict, repr=False)
    _phrase: dict[str, list[TriggerEntry]] = field(default_factory=dict, repr=False)
    _by_id: dict[str, TriggerEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        single: dict[str, list[TriggerEntry]] = defaultdict(list)
        phrase: dict[str, list[TriggerEntry]] = defaultdict(list)
        for e in self.entries:
            self._by_id[e.id] = e
            if e.is_phrase:
                for key in dict.fromkeys((e.head_lemma, strip_accents(e.head_lemma))):
                    phrase[key].append(e)
            else:
                for form in (e.lemmas[0], *e.forms):
                    for key in dict.fromkeys((form, strip_accents(form))):
                        if e not in single[key]:
                            single[key].append(e)
        self._single = dict(single)
        self._phrase = dict(phrase)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> TriggerEntry | None:
        return self._by_id.get(entry_id)

    def by_type(self) -> dict[str, list[TriggerEntry]]:
        out: dict[str, list[TriggerEntry]] = defaultdict(list)
        for e in self.entries:
            out[e.type].append(e)
        return dict(out)

    # ---- lookup

    @staticmethod
    def _lookup_keys(index: dict[str, list[TriggerEntry]], keys: Sequence[str]) -> list[TriggerEntry]:
        found: list[TriggerEntry] = []
        for key in keys:
            for e in index.get(key, ()):
                if e not in found:
                    found.append(e)
        return found

    @staticmethod
    def _pos_filter(entries: list[TriggerEntry], token: Any) -> list[TriggerEntry]:
        if token.ent_type_ in ("DATE", "TIME"):  # "March", "in May"
            return []
        pos = token.pos_
        if pos == "PROPN" and token.i > token.sent.start and token.text[:1].isupper() and not token.is_upper:
            return []  # a capitalised word inside a sentence is a name, not an event noun
        if (token.lang_ == "en" and token.dep_ == "amod" and token.i < token.head.i
                and token.head.pos_ in ("NOUN", "PROPN")
                and any(c.dep_ in ("det", "poss") and c.i < token.i for c in token.head.children)):
            entries = [e for e in entries if e.pos != "VERB"]  # "the so-called plan", "occupied territories"
        if pos == "ADJ" and not _is_participle(token):
            pos = "ADJ-plain"  # "fine", "ready": only ADJ entries, no VERB entry
        fitting = [e for e in entries if pos in _POS_COMPAT[e.pos] or (pos == "ADJ-plain" and e.pos == "ADJ")]
        if not fitting and pos == "VERB":
            # nouns tagged as verbs ("Protests erupt"); never the reverse ("a fire broke out")
            fitting = [e for e in entries if e.pos == "NOUN"]
        # a noun used as a modifier ("riot police", "protest movement") is not an event
        if token.dep_ == "compound":
            fitting = [e for e in fitting if e.pos != "NOUN" or e.is_phrase]
        return fitting

    @staticmethod
    def _token_has(token: Any, lemma: str) -> bool:
        keys = _token_keys(token)
        return lemma in keys or (strip_accents(lemma) in keys and token.pos_ != "AUX")

    @classmethod
    def _phrase_word(cls, tok: Any, lemma: str) -> bool:
        """A non-head word of a phrase: by lemma, or an inflected form of it when the
        lemmatizer missed ("piégée" for "piégé")."""
        if tok.pos_ == "ADP" and _governs_date(tok):
            return False  # "called Xi on Tuesday" is not "called on"
        if cls._token_has(tok, lemma) or lemma in _verb_guesses(tok):
            return True
        return len(lemma) >= 4 and strip_accents(tok.text).startswith(strip_accents(lemma))

    def _match_phrase(self, entry: TriggerEntry, head_tok: Any, sent: Any,
                      words: _SentenceWords | None = None) -> TriggerMatch | None:
        """Find the other lemmas of ``entry`` around ``head_tok``, in order, within the sentence.

        ``words`` (built once per sentence by ``match``) says which tokens can stand for
        each lemma (``_phrase_word``), so the walk below only compares token indices.
        """
        if words is None:
            words = _SentenceWords(sent)
        lemmas = entry.lemmas
        head_i = head_tok.i
        cands: list[frozenset[int]] = []
        for k, lemma in enumerate(lemmas):
            cands.append(words.candidates(lemma) if k != entry.head else frozenset())
            if k != entry.head and not cands[k]:
                return None  # a word of the phrase is nowhere in the sentence
        lo, hi = words.lo, words.hi
        stops, commas = words.stops, words.commas
        positions: list[int] = [0] * len(lemmas)
        positions[entry.head] = head_i
        links = _Links(head_tok)

        def ok(j: int, gap: int) -> bool:
            if gap > MAX_PHRASE_GAP:  # far words only when the parse links them closely
                return j in links.close
            return gap <= 1 or j in links.related

        # left of the head, walking backwards; right of the head, walking forwards
        for step, rng in ((-1, range(entry.head - 1, -1, -1)), (1, range(entry.head + 1, len(lemmas)))):
            cur = head_i
            for k in rng:
                found = None
                cand = cands[k]
                j = cur + step
                gap = 0
                while lo <= j < hi and gap <= MAX_FAR_GAP:
                    if j in stops or (gap > 0 and j in commas and not links.inner_comma(j)):
                        break
                    if j in cand and ok(j, gap):
                        found = j
                        break
                    j += step
                    gap += 1
                if found is None:
                    return None
                positions[k] = found
                cur = found
        return TriggerMatch(entry, min(positions), max(positions) + 1, head_i)

    def match(self, sent: Any) -> list[TriggerMatch]:
        """All candidate triggers in a sentence ``Span`` (doc-level token indices).

        Phrases win over the words they contain: a single-word or shorter match
        lying inside a longer phrase match is dropped. Entries sharing a lemma
        are all returned; see ``select`` for their ``objects`` constraints. A match
        whose subject is one of its ``not_objects`` is not returned.
        """
        matches: list[TriggerMatch] = []
        words = _SentenceWords(sent)
        for p, tok in enumerate(words.tokens):
            if words.skip[p]:
                continue
            keys, guesses = words.keys[p], words.guesses[p]
            found = self._lookup_keys(self._single, keys)
            singles = self._pos_filter(found, tok) if found else []
            for guess in guesses:  # lemmatizer misses; a verbal form whatever the tag
                singles += [e for e in self._single.get(guess, ()) if e.pos == "VERB" and e not in singles]
            for e in singles:
                matches.append(TriggerMatch(e, tok.i, tok.i + 1, tok.i))
            found = self._lookup_keys(self._phrase, keys)
            phrases = self._pos_filter(found, tok) if found else []
            for guess in guesses:
                phrases += [e for e in self._phrase.get(guess, ()) if e.pos == "VERB" and e not in phrases]
            for e in phrases:
                m = self._match_phrase(e, tok, sent, words)
                if m is not None:
                    matches.append(m)
        doc = sent.doc
        # "an earthquake struck", "the film, shot in...": never a candidate
        matches = [m for m in matches
                   if not (m.entry.args.not_objects and self._subject_excluded(m, doc[m.head]))]
        if not any(m.entry.is_phrase for m in matches):
            return matches
        ok = [self._allowed(m, doc[m.head]) for m in matches]
        return _prefer_longest(matches, ok)

    def _allowed(self, match: TriggerMatch, head: Any) -> bool:
        """Object constraints (and the subject side of ``not_objects``) hold."""
        if match.entry.args.not_objects and self._subject_excluded(match, head):
            return False
        return self.select(match, objects_of(head))

    # ---- object constraints

    @staticmethod
    def select(match: TriggerMatch, object_lemmas: Iterable[str]) -> bool:
        """Does ``match``'s entry accept a trigger whose complements have these lemmas?"""
        args = match.entry.args
        objs = {strip_accents(_norm(o)) for o in object_lemmas}
        if args.not_objects and objs & {strip_accents(o) for o in args.not_objects}:
            return False
        if args.objects:
            return bool(objs & {strip_accents(o) for o in args.objects})
        return True

    @staticmethod
    def _subject_excluded(match: TriggerMatch, head: Any) -> bool:
        """``not_objects`` also bars a subject: "une épidémie frappe la région"."""
        banned = {strip_accents(o) for o in match.entry.args.not_objects}
        children = list(head.children)
        if head.dep_ in ("advcl", "acl", "conj") and not any(c.dep_.startswith("nsubj") for c in children):
            children += list(head.head.children)  # "an earthquake struck, killing ten"
        if head.dep_ == "acl" and strip_accents(_norm(head.head.lemma_ or head.head.text)) in banned:
            return True  # "the film, shot in Morocco"
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") \
                and strip_accents(_norm(head.head.lemma_ or head.head.text)) in banned:
            return True  # a noun subject of a barred verb: "la menace pèse toujours", "the threat looms"
        for child in children:
            if child.dep_ in ("nsubj", "nsubj:pass", "nsubjpass"):
                if strip_accents(_norm(child.lemma_ or child.text)) in banned:
                    return True
        return False

    def match_selected(self, sent: Any) -> list[TriggerMatch]:
        """``match`` with object constraints applied, one entry per trigger span.

        For the same span and head, an entry whose ``objects`` list matched is
        preferred over entries without an ``objects`` constraint.
        """
        doc = sent.doc
        kept: dict[tuple[int, int, int], list[TriggerMatch]] = defaultdict(list)
        for m in self.match(sent):
            if self._allowed(m, doc[m.head]):
                kept[(m.token_start, m.token_end, m.head)].append(m)
        out: list[TriggerMatch] = []
        for group in kept.values():
            constrained = [m for m in group if m.entry.args.objects]
            out.append((constrained or group)[0])
        return sorted(out, key=lambda m: (m.token_start, m.token_end))


def _prefer_longest(matches: list[TriggerMatch], ok: list[bool]) -> list[TriggerMatch]:
    """Keep, for each head token, the matches with the most lemmas; drop matches lying
    inside a match with more lemmas ("ouvrir le feu" hides "feu"). Only matches whose
    object constraints hold (``ok``) can hide others."""
    if not any(m.entry.is_phrase for m in matches):
        return matches
    best: dict[int, int] = {}
    for m, good in zip(matches, ok, strict=True):
        if good:
            best[m.head] = max(best.get(m.head, 0), len(m.entry.lemmas))
    kept = [(m, good) for m, good in zip(matches, ok, strict=True)
            if len(m.entry.lemmas) >= best.get(m.head, 0)]
    hiders = [m for m, good in kept if good and m.entry.is_phrase]
    return [
        m for m, _good in kept
        if not any(
            p.token_start <= m.head < p.token_end and len(p.entry.lemmas) > len(m.entry.lemmas)
            for p in hiders
        )
    ]


# PLOVER codes announced cooperation as AGREE, announced retreats as CONCEDE and
# announced material conflict as THREATEN (manual, AGREE/CONCEDE/THREATEN sections).
# type -> (new type, default CAMEO code); modes refine the THREATEN content below.
_FUTURE_SHIFT: dict[str, tuple[str, str]] = {
    "CONSULT": ("AGREE", "036"), "SUPPORT": ("AGREE", "032"), "COOPERATE": ("AGREE", "031"),
    "AID": ("AGREE", "033"), "RETREAT": ("CONCEDE", "080"), "PROTEST": ("THREATEN", "133"),
    "SANCTION": ("THREATEN", "1313"), "COERCE": ("THREATEN", "132"), "ASSAULT": ("THREATEN", "138"),
}
_FUTURE_MODE: dict[tuple[str, str | None], tuple[str, str]] = {
    ("SANCTION", "expel"): ("expel", "136"), ("SANCTION", "discontinue"): ("relations", "1313"),
    ("SANCTION", "withdraw"): ("relations", "1313"), ("SANCTION", "convict"): ("arrest", "137"),
    ("COERCE", "arrest"): ("arrest", "137"), ("COERCE", "deport"): ("expel", "136"),
    ("COERCE", "curfew"): ("restrict", "1323"), ("COERCE", "martial-law"): ("restrict", "1324"),
    ("PROTEST", None): ("restrict", "133"),
}


def shift_for_future(entry: TriggerEntry, cameo: dict[str, CameoRow] | None = None) -> TriggerEntry | None:
    """The entry to code when the event is announced, not done ("X will visit Y" is AGREE,
    "will withdraw" CONCEDE, "would blockade" THREATEN); None when the type stays."""
    target = _FUTURE_SHIFT.get(entry.type)
    if target is None:
        return None
    rows = cameo if cameo is not None else load_cameo()
    new_type, code = target
    mode: str | None = None
    if new_type == "THREATEN":
        mode = "violence" if entry.type == "ASSAULT" else "restrict"
        key = (entry.type, entry.mode) if (entry.type, entry.mode) in _FUTURE_MODE else (entry.type, None)
        if key in _FUTURE_MODE:
            mode, code = _FUTURE_MODE[key]
        if entry.type == "SANCTION" and entry.cameo == "163":
            mode, code = "restrict", "1312"
    if entry.type == "AID" and entry.cameo in ("071", "072", "073", "074"):
        code = "033" + entry.cameo[-1]  # 0331..0334: intent to give that kind of aid
    if entry.type == "COOPERATE" and entry.cameo in ("061", "062", "063", "064"):
        code = "031" + entry.cameo[-1]
    row = rows[code]
    extra = tuple(c for c in entry.contexts if c not in row.contexts)
    return replace(entry, type=new_type, mode=mode, cameo=code, contexts=row.contexts + extra,
                   quad_class=row.quad_class, goldstein=row.goldstein)


def iter_entries(langs: Sequence[str] = LANGS) -> Iterable[TriggerEntry]:
    for lang in langs:
        yield from load_triggers(lang).entries
