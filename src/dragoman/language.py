"""Language identification: which spaCy model codes each document.

``LanguageStage`` sets ``Document.lang`` from, in order: the language forced
by the user, the record's own ``lang`` (JSONL field, ``--lang``), or the
lingua detector, built once over French, English and the languages most often
met in news feeds so that a German or Arabic article is recognised as such
(and skipped with ``doc.skipped = "unsupported language 'de'"``) instead of
being coded with the wrong model. Detection stores ``lang_detected`` and
``lang_confidence``; very short texts fall back to the better of fr/en, then
to an HTML ``lang`` hint.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from dragoman.errors import PipelineError
from dragoman.pipeline import SUPPORTED_LANGUAGES, per_document
from dragoman.schema import Document

# Languages the detector knows: the supported ones plus frequent others, so that
# "not French or English" can be said with confidence.
DETECTED: tuple[Language, ...] = (
    Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.ITALIAN,
    Language.PORTUGUESE, Language.DUTCH, Language.ARABIC, Language.RUSSIAN, Language.CHINESE,
    Language.JAPANESE, Language.TURKISH, Language.POLISH, Language.UKRAINIAN, Language.PERSIAN,
)
SAMPLE_CHARS = 3000  # detection reads the beginning of the text: enough, and fast
MIN_LETTERS = 25  # below this many letters a detection is a guess: use the fr/en fallback
MIN_CONFIDENCE = 0.5  # an unsupported language below this is not trusted on short texts

_DETECTOR: LanguageDetector | None = None
_LOCK = threading.Lock()


def detector() -> LanguageDetector:
    """The lingua detector over ``DETECTED`` with preloaded models (built once per process)."""
    global _DETECTOR
    if _DETECTOR is None:
        with _LOCK:
            if _DETECTOR is None:
                _DETECTOR = (LanguageDetectorBuilder.from_languages(*DETECTED)
                             .with_preloaded_language_models().build())
    return _DETECTOR


def _code(lang: Language) -> str:
    return lang.iso_code_639_1.name.lower()


def normalise_lang(value: str | None) -> str | None:
    """``"fr-FR"``, ``"FR"``, ``"fr_CA"`` -> ``"fr"``; empty -> None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code or None


def detect(text: str, hint: str | None = None) -> tuple[str, float]:
    """Return ``(language code, confidence)`` for ``text``.

    Short texts (fewer than ``MIN_LETTERS`` letters) or texts where an
    unsupported language wins with low confidence are given the better of fr/en
    (or the hint, when it is fr or en and no text evidence decides).
    """
    sample = text[:SAMPLE_CHARS]
    letters = sum(c.isalpha() for c in sample)
    if letters == 0:
        if hint in SUPPORTED_LANGUAGES:
            return hint, 0.0
        raise PipelineError("no letters in the text: cannot identify its language", code="E201")
    values = detector().compute_language_confidence_values(sample)
    if values and letters >= MIN_LETTERS:
        code, conf = _code(values[0].language), float(values[0].value)
        if code in SUPPORTED_LANGUAGES or conf >= MIN_CONFIDENCE:
            return code, conf
    elif hint in SUPPORTED_LANGUAGES:
        conf = next((float(v.value) for v in values if _code(v.language) == hint), 0.0)
        return hint, conf
    # Short or uncertain: the better of the supported languages.
    scores = {_code(v.language): float(v.value) for v in values}
    best = max(SUPPORTED_LANGUAGES, key=lambda c: scores.get(c, 0.0))
    return best, scores.get(best, 0.0)


class LanguageStage:
    """Pipeline stage 1: ``doc.lang`` (forced, given, or detected); unsupported languages are skipped."""

    name = "language"

    def __init__(self, force: str | None = None):
        force = normalise_lang(force)
        if force is not None and force not in SUPPORTED_LANGUAGES:
            raise PipelineError(f"unsupported language {force!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})",
                                code="E201")
        self.force = force

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return per_document(self.name, docs, self._one)

    def _one(self, doc: Document) -> None:
        if self.force:
            doc.lang = self.force
            return
        given = normalise_lang(doc.lang)
        if given:
            doc.lang = given
        else:
            hint = normalise_lang(doc.meta.get("html_lang")) if doc.meta else None
            code, conf = detect(doc.norm_text if doc.norm_text is not None else doc.text, hint)
            doc.lang_detected, doc.lang_confidence = code, round(conf, 4)
            doc.lang = code
        if doc.lang not in SUPPORTED_LANGUAGES:
            doc.skipped = f"unsupported language '{doc.lang}'"
