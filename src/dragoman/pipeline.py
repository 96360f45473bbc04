"""The coding pipeline: documents in, documents out, one stage per module.

Stages run in this order; each fills fields of ``Document`` (see
``dragoman.schema``) and must leave failed documents untouched:

1. ``dragoman.language.LanguageStage``  -> ``lang``
2. ``dragoman.nlp.NlpStage``            -> ``sentences`` (spaCy spans)
3. ``dragoman.actors.ActorStage``       -> ``actor_mentions``
4. ``dragoman.dates.DateStage``         -> ``date_phrases``
5. ``dragoman.places.PlaceStage``       -> ``place_mentions``
6. ``dragoman.events.EventStage``       -> ``events`` (typed, dated, placed, merged)

Ingest (``dragoman.ingest``) makes the documents; the same ``Pipeline`` runs
in the CLI, the web app, the store and on Ray workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from dragoman.errors import DragomanError
from dragoman.schema import Document, StageError

SUPPORTED_LANGUAGES: tuple[str, ...] = ("fr", "en")


class Stage(Protocol):
    name: str

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]: ...


def per_document(name: str, docs: Iterable[Document], fn: Callable[[Document], None]) -> Iterator[Document]:
    """Apply ``fn`` to each live document; an exception becomes a StageError on
    that document only, so the batch goes on."""
    for doc in docs:
        if not doc.failed:
            try:
                fn(doc)
            except DragomanError as err:
                doc.errors.append(StageError(name, err.code, str(err)))
            except Exception as err:  # noqa: BLE001 - one bad document must not stop a batch
                doc.errors.append(StageError(name, "E200", f"{type(err).__name__}: {err}"))
        yield doc


@dataclass
class PipelineConfig:
    lang: str = "auto"  # "auto" or a supported language code
    pub_date: date | None = None  # fallback publication date
    actor_files: list[Path] = field(default_factory=list)  # user dictionaries
    batch_size: int = 32


class Pipeline:
    """Runs all stages; construct once (models and dictionaries load lazily, once)."""

    def __init__(self, config: PipelineConfig | None = None):
        self.config = config or PipelineConfig()
        self._stages: list[Stage] | None = None

    @property
    def stages(self) -> list[Stage]:
        if self._stages is None:
            from dragoman.actors import ActorStage
            from dragoman.dates import DateStage
            from dragoman.events import EventStage
            from dragoman.language import LanguageStage
            from dragoman.nlp import NlpStage
            from dragoman.places import PlaceStage

            cfg = self.config
            self._stages = [
                LanguageStage(force=None if cfg.lang == "auto" else cfg.lang),
                NlpStage(batch_size=cfg.batch_size),
                ActorStage(extra_files=cfg.actor_files),
                DateStage(),
                PlaceStage(),
                EventStage(),
            ]
        return self._stages

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        stream: Iterable[Document] = (self._defaults(d) for d in docs)
        for stage in self.stages:
            stream = stage(stream)
        yield from stream

    def _defaults(self, doc: Document) -> Document:
        if doc.pub_date is None and self.config.pub_date is not None:
            doc.pub_date = self.config.pub_date
        return doc

    def code_text(self, text: str, *, doc_id: str = "text", lang: str | None = None,
                  pub_date: date | None = None, title: str | None = None) -> Document:
        """Code one string (used by ``explain``, the web coder and tests)."""
        from dragoman.ingest import document_from_text

        doc = document_from_text(text, doc_id=doc_id, lang=lang, pub_date=pub_date, title=title)
        return next(iter(self([doc])))
