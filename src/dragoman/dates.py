"""Date phrases: find them, resolve them against the publication date, pick
the one that dates an event.

Phrases are found with our own data-driven patterns (``data/<lang>/dates.yaml``),
never with ``dateparser.search_dates`` (it reads "Sun" as Sunday and misses
"septembre dernier"). Absolute and relative phrases resolve with our own
calendar arithmetic (``dateparser.parse`` was once asked too, but its answer
was only kept when it equalled ours, so it never changed a date), so the rules
("same weekday as publication = publication day in the past, +7 in the future")
are explicit and testable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from dragoman.errors import DataFileError
from dragoman.pipeline import per_document
from dragoman.schema import DatePhrase, Document, Sentence

__all__ = [
    "DateStage", "DateRule", "DatePatterns", "ResolvedDate", "load_date_patterns", "find_dates",
    "resolve_phrase", "event_date", "clause_link", "phrase_tokens", "token_orig_span",
]

KINDS = ("date", "iso", "year", "offset", "weekday", "night", "period", "month_rel", "ago", "in", "none")
UNITS = ("day", "week", "month", "year")
_PLACEHOLDERS = ("MONTH", "WEEKDAY2", "WEEKDAY", "DAY", "YEAR", "NUM", "UNIT", "PART")


@dataclass(frozen=True)
class DateRule:
    regex: re.Pattern[str]
    kind: str
    background: bool
    params: dict[str, Any]
    line: int


@dataclass
class DatePatterns:
    lang: str
    rules: list[DateRule]
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    units: dict[str, str]
    future_verbs: frozenset[str]
    # All rules in one regex: a text it finds nothing in has no date phrase (see ``_scan``).
    any_rule: re.Pattern[str] | None = None


@dataclass(frozen=True)
class ResolvedDate:
    date: str | None
    precision: str
    background: bool


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("’", "'")


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "avant-hier" wins over "hier"; accents optional via _fold lookup.
    return "|".join(re.escape(w).replace("'", "['’]") for w in sorted(set(words), key=len, reverse=True))


class _Lines(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping (for error messages)."""


def _construct_mapping(loader: _Lines, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_Lines.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _word_map(raw: dict[str, Any], key: str, where: str, value_type: type) -> dict[str, Any]:
    table = raw.get(key)
    if not isinstance(table, dict):
        raise DataFileError(f"'{key}' must be a mapping", where=where)
    out: dict[str, Any] = {}
    for word, value in table.items():
        if word == "__line__":
            continue
        if not isinstance(value, value_type):
            raise DataFileError(f"'{key}': value of {word!r} must be {value_type.__name__}", where=where)
        out[_fold(str(word))] = value
        out[str(word).casefold()] = value
    return out


def load_date_patterns(lang: str, path: Any = None) -> DatePatterns:
    """Load and validate ``data/<lang>/dates.yaml`` (or ``path``)."""
    if path is None:
        res = resources.files("dragoman") / "data" / lang / "dates.yaml"
        where_file = f"data/{lang}/dates.yaml"
        text = res.read_text(encoding="utf-8")
    else:
        where_file = str(path)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    try:
        raw = yaml.load(text, Loader=_Lines)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise DataFileError(f"invalid YAML: {err}", where=f"{where_file}{line}") from err
    if not isinstance(raw, dict):
        raise DataFileError("top level must be a mapping", where=where_file)
    months = _word_map(raw, "months", where_file, int)
    weekdays = _word_map(raw, "weekdays", where_file, int)
    numbers = _word_map(raw, "numbers", where_file, int)
    units = _word_map(raw, "units", where_file, str)
    for word, unit in units.items():
        if unit not in UNITS:
            raise DataFileError(f"unit {word!r} -> {unit!r}: must be one of {UNITS}", where=where_file)
    parts = raw.get("day_parts") or []
    suffix = str(raw.get("day_suffix") or "")
    groups = {
        "MONTH": f"(?P<month>{_alternation(raw['months'].keys() - {'__line__'})})",
        "WEEKDAY": f"(?P<weekday>{_alternation(raw['weekdays'].keys() - {'__line__'})})",
        "WEEKDAY2": f"(?P<weekday2>{_alternation(raw['weekdays'].keys() - {'__line__'})})",
        "DAY": f"(?P<day>3[01]|[12][0-9]|0?[1-9]){suffix}",
        "YEAR": r"(?P<year>(?:1[89]|20)\d\d)",
        "NUM": f"(?P<num>\\d{{1,3}}|{_alternation(raw['numbers'].keys() - {'__line__'})})",
        "UNIT": f"(?P<unit>{_alternation(raw['units'].keys() - {'__line__'})})",
        "PART": f"(?:{_alternation(parts)})",
    }
    rules: list[DateRule] = []
    for entry in raw.get("patterns") or []:
        if not isinstance(entry, dict):
            raise DataFileError("each pattern must be a mapping", where=where_file)
        line = entry.pop("__line__", 0)
        where = f"{where_file}:{line}"
        pattern, kind = entry.get("pattern"), entry.get("kind")
        if not isinstance(pattern, str) or not pattern:
            raise DataFileError("missing 'pattern'", where=where)
        if kind not in KINDS:
            raise DataFileError(f"kind {kind!r} must be one of {KINDS}", where=where)
        if kind == "period" and entry.get("unit") not in UNITS:
            raise DataFileError(f"period needs unit in {UNITS}", where=where)
        if entry.get("precision") not in (None, *UNITS):
            raise DataFileError(f"precision must be one of {UNITS}", where=where)
        regex_src = pattern.replace("'", "['’]").replace(" ", r"\s+")
        for name in _PLACEHOLDERS:
            regex_src = regex_src.replace("{" + name + "}", groups[name])
        try:
            regex = re.compile(rf"(?<![\w-])(?:{regex_src})(?![\w-])", re.IGNORECASE)
        except re.error as err:
            raise DataFileError(f"bad pattern {pattern!r}: {err}", where=where) from err
        params = {k: v for k, v in entry.items() if k not in ("pattern", "kind", "background")}
        rules.append(DateRule(regex, kind, bool(entry.get("background")), params, line))
    if not rules:
        raise DataFileError("no patterns", where=where_file)
    return DatePatterns(lang, rules, months, weekdays, numbers, units,
                        frozenset(str(v) for v in raw.get("future_verbs") or []), _any_rule(rules))


_RULE_OPEN, _RULE_CLOSE = r"(?<![\w-])(?:", r")(?![\w-])"


def _any_rule(rules: list[DateRule]) -> re.Pattern[str] | None:
    """One regex matching wherever some rule matches: the rules' shared word-boundary
    guards around the alternation of their bodies (group names dropped, they would clash)."""
    bodies = []
    for rule in rules:
        src = rule.regex.pattern
        if not (src.startswith(_RULE_OPEN) and src.endswith(_RULE_CLOSE)) or "(?P=" in src or "(?(" in src \
                or rule.regex.flags != rules[0].regex.flags:
            return None
        bodies.append(re.sub(r"\(\?P<\w+>", "(?:", src[len(_RULE_OPEN):-len(_RULE_CLOSE)]))
    return re.compile(_RULE_OPEN + "|".join(f"(?:{b})" for b in bodies) + _RULE_CLOSE, rules[0].regex.flags)


@lru_cache(maxsize=8)
def date_words(lang: str) -> frozenset[str]:
    """Weekday and month names of ``lang`` (lower case), for parse repairs around dates."""
    pats = _patterns(lang)
    return frozenset(w.lower() for w in (*pats.weekdays, *pats.months))


@lru_cache(maxsize=8)
def _patterns(lang: str) -> DatePatterns:
    return load_date_patterns(lang)


# --------------------------------------------------------------------------- resolution


def _lookup(table: dict[str, Any], word: str | None) -> Any:
    if word is None:
        return None
    word = re.sub(r"\s+", " ", word)
    return table.get(word.casefold(), table.get(_fold(word)))


def _weekday_date(pub: date, weekday: int, shift: int, future: bool) -> date:
    delta = (weekday - pub.weekday()) % 7  # days forward to the next such weekday (0 = today)
    if shift < 0:
        return pub - timedelta(days=(7 - delta) % 7 or 7)
    if shift > 0 or future:
        return pub + timedelta(days=delta or 7)
    return pub - timedelta(days=(7 - delta) % 7)


def _month_year(pub: date, month: int, shift: int, future: bool) -> int:
    if shift < 0:
        return pub.year if month < pub.month else pub.year - 1
    if shift > 0:
        return pub.year if month > pub.month else pub.year + 1
    if future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _period_start(d: date, unit: str) -> date:
    if unit == "week":
        return d - timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    if unit == "year":
        return d.replace(month=1, day=1)
    return d


def _shift(pub: date, unit: str, n: int) -> date:
    if unit == "day":
        return pub + timedelta(days=n)
    if unit == "week":
        return pub + timedelta(weeks=n)
    if unit == "month":
        return _add_months(pub, n).replace(day=1)
    return date(pub.year + n, 1, 1)


def _resolve_calendar(rule: DateRule, m: re.Match[str], pats: DatePatterns, pub: date | None,
                      future: bool) -> ResolvedDate:
    g = m.groupdict()
    kind, p = rule.kind, rule.params
    bg = rule.background
    precision = p.get("precision")

    def out(d: date | None, prec: str) -> ResolvedDate:
        prec = precision or prec
        if d is not None:
            d = _period_start(d, prec)
        return ResolvedDate(d.isoformat() if d else None, prec, bg)

    if kind == "none":
        # "ces derniers mois" -> month: the first unit word of the phrase sets the precision.
        words = re.findall(r"[^\W\d_]+", m.group(0))
        unit = next((u for u in (_lookup(pats.units, w) for w in words) if u), None) or "year"
        return ResolvedDate(None, precision or unit, bg)
    if kind == "iso":
        try:
            return out(date(int(g["year"]), int(g["month_num"]), int(g["day"])), "day")
        except ValueError:
            return ResolvedDate(None, "day", bg)
    if kind == "year":
        return out(date(int(g["year"]), 1, 1), "year")
    if kind == "date":
        month = _lookup(pats.months, g.get("month"))
        year = int(g["year"]) if g.get("year") else None
        day = int(g["day"]) if g.get("day") else None
        prec = "day" if day else "month"
        if month is None:
            return ResolvedDate(None, prec, bg)
        if year is None:
            if pub is None:
                return ResolvedDate(None, prec, bg)
            year = _month_year(pub, month, 0, future)
            if day and pub is not None:
                # "le 12 mars" published on 14 March: 12 March this year, not last year.
                try:
                    cand = date(year, month, day)
                except ValueError:
                    return ResolvedDate(None, prec, bg)
                if not future and cand > pub:
                    year -= 1
                elif future and cand < pub:
                    year += 1
        try:
            own = date(year, month, day or 1)
        except ValueError:
            return ResolvedDate(None, prec, bg)
        return out(own, prec)
    if pub is None:
        # Relative phrase without a publication date: the phrase is kept, undated.
        unit = p.get("unit") or _lookup(pats.units, g.get("unit")) or (
            "month" if kind == "month_rel" else "day")
        return ResolvedDate(None, precision or unit, bg)
    if kind == "offset":
        return out(pub + timedelta(days=int(p.get("days", 0))), "day")
    if kind in ("weekday", "night"):
        wd = _lookup(pats.weekdays, g.get("weekday2") or g.get("weekday"))
        if wd is None:
            return ResolvedDate(None, "day", bg)
        return out(_weekday_date(pub, wd, int(p.get("shift", 0)), future), "day")
    if kind == "period":
        unit = p["unit"]
        if p.get("weekend"):
            # "ce week-end" / "last weekend": the week of the Saturday it names.
            return out(_weekday_date(pub, 5, int(p.get("shift", 0)), future), unit)
        return out(_shift(_period_start(pub, unit), unit, int(p.get("shift", 0))), unit)
    if kind == "month_rel":
        month = _lookup(pats.months, g.get("month"))
        if month is None:
            return ResolvedDate(None, "month", bg)
        return out(date(_month_year(pub, month, int(p.get("shift", 0)), future), month, 1), "month")
    if kind in ("ago", "in"):
        num_s = g.get("num") or "1"
        n = int(num_s) if num_s.isdigit() else _lookup(pats.numbers, num_s)
        unit = _lookup(pats.units, g.get("unit"))
        if n is None or unit is None:
            return ResolvedDate(None, unit or "day", bg)
        n = -n if kind == "ago" else n
        if unit == "day":
            return out(pub + timedelta(days=n), "day")
        if unit == "week":
            return out(pub + timedelta(weeks=n), "week")
        if unit == "month":
            return out(_add_months(pub, n), "month")
        return out(date(pub.year + n, 1, 1), "year")
    return ResolvedDate(None, "day", bg)


def _resolve_match(rule: DateRule, m: re.Match[str], pats: DatePatterns, pub: date | None,
                   future: bool) -> ResolvedDate:
    """``_resolve_calendar``, undated instead of raising when the arithmetic leaves years 1-9999
    ("yesterday" published on 0001-01-01, "next year" in 9999)."""
    try:
        return _resolve_calendar(rule, m, pats, pub, future)
    except (OverflowError, ValueError):
        return ResolvedDate(None, rule.params.get("precision") or rule.params.get("unit") or "day", rule.background)


@dataclass
class _Found:
    start: int
    end: int
    rule: DateRule
    match: re.Match[str]


def _scan(text: str, pats: DatePatterns) -> list[_Found]:
    """All pattern matches, then the longest non-overlapping ones (background wins ties)."""
    if pats.any_rule is not None and pats.any_rule.search(text) is None:
        return []  # most sentences have no date: one pass instead of one per rule
    found: list[_Found] = []
    for rule in pats.rules:
        for m in rule.regex.finditer(text):
            if m.end() > m.start():
                found.append(_Found(m.start(), m.end(), rule, m))
    found.sort(key=lambda f: (-(f.end - f.start), not f.rule.background, f.start))
    chosen: list[_Found] = []
    for f in found:
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def find_dates(text: str, lang: str, pub: date | None, *, future: bool = False) -> list[tuple[int, int, ResolvedDate]]:
    """Date phrases in ``text``: (start, end, resolution), offsets into ``text``."""
    if lang not in ("fr", "en"):
        return []
    pats = _patterns(lang)
    return [(f.start, f.end, _resolve_match(f.rule, f.match, pats, pub, future)) for f in _scan(text, pats)]


def resolve_phrase(text: str, lang: str, pub: date | None, *, future: bool = False) -> ResolvedDate | None:
    """Resolve one phrase (the longest date phrase found in ``text``); None if there is none."""
    found = find_dates(text, lang, pub, future=future)
    if not found:
        return None
    return max(found, key=lambda f: f[1] - f[0])[2]


# --------------------------------------------------------------------------- token helpers


def token_orig_span(doc: Document, sent: Sentence, tok: Any) -> tuple[int, int]:
    """Offsets of a spaCy token in ``doc.text``."""
    start = sent.norm_offset + tok.idx
    end = start + max(len(tok.text), 1)
    n = len(doc.norm_map) - 1 if doc.norm_map is not None else len(doc.text)
    # Map the last character, not the end: normalisation may have dropped what follows.
    if n <= 0:
        return 0, 0
    return doc.orig(min(start, n)), doc.orig(min(end - 1, n - 1)) + 1


def phrase_tokens(doc: Document, sent: Sentence, start: int, end: int) -> list[Any]:
    """Tokens of ``sent.span`` overlapping ``doc.text[start:end]``."""
    if sent.span is None:
        return []
    toks = []
    for tok in sent.span:
        s, e = token_orig_span(doc, sent, tok)
        if s < end and e > start:
            toks.append(tok)
    return toks


# A verb heads a clause only in a clausal relation; a verb form in a nominal one ("the
# wounded", "besieged town", French "est" mis-tagged AUX for "l'est") is a noun or adjective.
_CLAUSAL_DEPS = frozenset((
    "ROOT", "root", "ccomp", "xcomp", "advcl", "acl", "acl:relcl", "relcl", "conj", "parataxis", "csubj",
    "csubjpass", "csubj:pass", "pcomp", "dep",
))


def _is_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.dep_ in _CLAUSAL_DEPS


def _in_subject(tok: Any, clause: Any) -> bool:
    """Whether ``tok`` is (inside) a subject of ``clause`` ("un tiers des guérilleros")."""
    cur = tok
    for _ in range(6):
        if cur.dep_.startswith("nsubj"):
            return cur.head.i == clause.i
        if cur.dep_ not in ("nmod", "pobj", "prep", "compound", "appos") or cur.head == cur:
            return False
        cur = cur.head
    return False


def _clause_verb(tok: Any) -> Any:
    """The verb heading ``tok``'s clause; xcomp verbs belong to their governor's clause."""
    cur, seen = tok, 0
    while seen < 50:
        if _is_verb(cur) and cur.dep_ != "xcomp":
            return cur
        if cur.head == cur:
            return cur
        cur, seen = cur.head, seen + 1
    return cur


def _head_of(tokens: list[Any]) -> Any:
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.head.i not in ids or t.head == t:
            return t
    return tokens[0]


def clause_link(head: Any, trigger: Any, *, subject_modifiers: bool = False) -> tuple[int, int] | None:
    """How a phrase headed by ``head`` attaches to the event ``trigger``.

    Returns (tier, tree distance): tier 0 = in the trigger's clause (or under
    the trigger itself), tier 1 = under a verb coordinated with it (or, with
    ``subject_modifiers``, under a participle describing the subject: "des
    guérilleros opérant en Macédoine ont été démobilisés"); None = it belongs to
    another verb (reporting verb, subordinate or relative clause).
    """
    clause = _clause_verb(trigger)
    cur, steps = head, 0
    while steps < 50:
        if cur.i == trigger.i or cur.i == clause.i:
            return 0, steps
        if _is_verb(cur) and cur.i != head.i:
            if cur.dep_ == "xcomp":
                pass
            elif cur.dep_.startswith("acl") and cur.head.i == trigger.i:
                return 0, steps + 1
            elif subject_modifiers and cur.dep_ == "acl" and _in_subject(cur.head, clause):
                return 1, steps + 2
            elif cur.dep_ == "conj" and cur.head.i == clause.i:
                return 1, steps + 1
            elif clause.dep_ == "conj" and clause.head.i == cur.i:
                return 1, steps + 1
            else:
                return None
        if cur.head == cur:
            return None
        cur, steps = cur.head, steps + 1
    return None


def _is_future(head: Any, pats: DatePatterns) -> bool:
    """Whether the verb governing ``head`` is future tense or a plan verb."""
    verb = _clause_verb(head)
    if "Fut" in verb.morph.get("Tense"):
        return True
    for child in verb.children:
        if child.dep_ in ("aux", "aux:tense") and (
            child.lower_ in ("will", "shall", "'ll", "wo") or "Fut" in child.morph.get("Tense")
            or child.lemma_ == "aller"):
            return True
    for tok in (verb, verb.head):
        if tok.lemma_.casefold() in pats.future_verbs:
            return True
    return False


# --------------------------------------------------------------------------- stage


class DateStage:
    """Fills ``doc.date_phrases`` (all sentences, original offsets)."""

    name = "dates"

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return per_document(self.name, docs, annotate_dates)


def annotate_dates(doc: Document) -> None:
    doc.date_phrases = []
    lang = doc.lang or doc.lang_detected
    if lang not in ("fr", "en"):
        return
    pats = _patterns(lang)
    for sent in doc.sentences:
        text = doc.text[sent.start:sent.end]
        for f in _scan(text, pats):
            start, end = sent.start + f.start, sent.start + f.end
            future = False
            toks = phrase_tokens(doc, sent, start, end)
            if toks and sent.span is not None and sent.span.doc.has_annotation("DEP"):
                future = _is_future(_head_of(toks), pats)
            res = _resolve_match(f.rule, f.match, pats, doc.pub_date, future)
            doc.date_phrases.append(DatePhrase(
                text=doc.text[start:end], start=start, end=end, date=res.date,
                precision=res.precision, sentence_index=sent.index, background=res.background))


# --------------------------------------------------------------------------- event date


def event_date(doc: Document, sentence_index: int, trigger_token_i: int, *,
               future: bool = False) -> tuple[str | None, str, str | None]:
    """(date, precision, date_text) of the event triggered by token ``trigger_token_i``.

    Picks the non-background phrase of the sentence closest to the trigger in the
    dependency tree, preferring the trigger's own clause; phrases of another verb
    (e.g. the reporting verb "a annoncé mercredi") are not the event's. Without a
    phrase the publication date is returned with precision "inferred".
    """
    fallback = (doc.pub_date.isoformat() if doc.pub_date else None, "inferred", None)
    sent = next((s for s in doc.sentences if s.index == sentence_index), None)
    if sent is None:
        return fallback
    phrases = [p for p in doc.date_phrases if p.sentence_index == sentence_index and not p.background]
    if not phrases:
        return fallback
    lang = doc.lang or doc.lang_detected or "en"
    span = sent.span
    best: tuple[tuple[int, int, int], DatePhrase] | None = None
    if span is not None and 0 <= trigger_token_i < len(span.doc):
        trigger = span.doc[trigger_token_i]
        parsed = span.doc.has_annotation("DEP")
        trig_pos = token_orig_span(doc, sent, trigger)[0]
        for p in phrases:
            toks = phrase_tokens(doc, sent, p.start, p.end)
            if not toks:
                continue
            if any(t.i == trigger.i for t in toks):
                link: tuple[int, int] | None = (0, 0)
            elif parsed:
                link = clause_link(_head_of(toks), trigger)
            else:
                link = (0, 0)
            if link is None:
                continue
            key = (link[0], link[1], abs(p.start - trig_pos))
            if best is None or key < best[0]:
                best = (key, p)
    else:
        best = ((0, 0, 0), phrases[0]) if len(phrases) == 1 else None
    if best is None:
        return fallback
    phrase = best[1]
    if future:
        res = resolve_phrase(phrase.text, lang, doc.pub_date, future=True)
        date_iso, precision = (res.date, res.precision) if res else (phrase.date, phrase.precision)
    else:
        date_iso, precision = phrase.date, phrase.precision
    if date_iso is None:
        return None, "inferred", phrase.text
    return date_iso, precision, phrase.text
