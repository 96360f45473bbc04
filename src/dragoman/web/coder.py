"""The "code an article" feature: text or an uploaded file in, coded events out,
optionally stored. Uploads are parsed in memory (never written under a user-chosen path).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from dragoman.errors import DragomanError
from dragoman.schema import Document
from dragoman.web.errors import BadParameter, Unavailable
from dragoman.web.highlight import Segment, document_segments

MAX_TEXT = 1_000_000


class CodeRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="article text (plain)")
    lang: str = Field("auto", pattern="^(auto|fr|en)$", description="auto, fr or en")
    pub_date: date | None = Field(None, description="publication date, anchors relative dates")
    title: str | None = Field(None, max_length=1000)


class IngestRequest(CodeRequest):
    url: str | None = Field(None, max_length=2000, description="source URL (kept as provenance)")
    doc_id: str | None = Field(None, max_length=300, pattern=r"^[\w.:/@+-]+$")
    keep_text: bool = Field(True, description="store the article text (else offsets and sentences only)")


@dataclass
class CodedDocument:
    doc: Document
    events: list[dict[str, Any]]
    segments: list[Segment]

    def to_json(self) -> dict[str, Any]:
        d = self.doc
        return {"id": d.id, "title": d.title, "lang": d.lang, "pub_date": d.pub_date.isoformat() if d.pub_date
                else None, "url": d.url, "num_chars": len(d.text), "skipped": d.skipped,
                "errors": [{"stage": e.stage, "code": e.code, "message": e.message} for e in d.errors],
                "events": self.events, "trace": self.trace()}

    def trace(self) -> list[dict[str, Any]]:
        """Why each trigger did or did not become an event (the pipeline's explain notes), JSON-safe."""
        return json.loads(json.dumps(self.doc.trace, default=str))


@dataclass
class CodeResult:
    coded: list[CodedDocument] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [c.doc for c in self.coded]

    def to_json(self) -> dict[str, Any]:
        docs = [c.to_json() for c in self.coded]
        return {"documents": docs, "events": [e for d in docs for e in d["events"]]}


def _default_factory(lang: str) -> Any:
    try:
        from dragoman.pipeline import Pipeline, PipelineConfig
    except ImportError as err:  # pragma: no cover - the pipeline module is part of dragoman
        raise Unavailable(f"the coding pipeline is not available: {err}", code="E420") from err
    return Pipeline(PipelineConfig(lang=lang))


class Coder:
    """Holds one pipeline per language choice (models load once) and codes under a lock."""

    def __init__(self, factory: Any = None):
        self.factory = factory or _default_factory
        self._pipelines: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _pipeline(self, lang: str) -> Any:
        if lang not in self._pipelines:
            self._pipelines[lang] = self.factory(lang)
        return self._pipelines[lang]

    def _documents(self, text: str | None, data: bytes | None, filename: str | None, lang: str,
                   pub_date: date | None, title: str | None, url: str | None, doc_id: str | None
                   ) -> list[Document]:
        forced = None if lang == "auto" else lang
        try:
            from dragoman import ingest
        except ImportError as err:
            raise Unavailable(f"the ingest module is not available yet: {err}", code="E420") from err
        if data is not None:
            # Only the name's suffix is used (to guess the format); nothing is written to disk.
            name = Path(filename or "upload.txt").name or "upload.txt"
            try:
                docs = list(ingest.iter_documents_from_bytes(data, name, lang=forced, pub_date=pub_date))
            except Exception as err:  # noqa: BLE001 - any parse failure is the upload's fault
                raise BadParameter("file", f"cannot read {name!r}: {err}") from err
        else:
            try:
                docs = [ingest.document_from_text(text or "", doc_id=doc_id or "pasted", lang=forced,
                                                  pub_date=pub_date, title=title)]
            except DragomanError as err:  # empty or undecodable text: the request's fault
                raise BadParameter("text", str(err)) from err
        for doc in docs:
            if title and not doc.title:
                doc.title = title
            if url:
                doc.url = url
            if pub_date and not doc.pub_date:
                doc.pub_date = pub_date
        if not docs:
            raise BadParameter("file", "no document found in the upload")
        return docs

    def code(self, text: str | None, data: bytes | None, filename: str | None, lang: str = "auto",
             pub_date: date | None = None, title: str | None = None, url: str | None = None,
             doc_id: str | None = None) -> CodeResult:
        if lang not in ("auto", "fr", "en"):
            raise BadParameter("lang", "must be auto, fr or en")
        docs = self._documents(text, data, filename, lang, pub_date, title, url, doc_id)
        with self._lock:
            try:
                pipeline = self._pipeline(lang)
                coded = list(pipeline(docs))
            except ImportError as err:
                raise Unavailable(f"the coding pipeline is not available yet: {err}", code="E420") from err
        result = CodeResult()
        for doc in coded:
            events = [e.to_dict() for e in doc.events]
            # Not stored: the marks must not link to event pages that do not exist.
            unlinked = [{**e, "event_id": None} for e in events]
            result.coded.append(CodedDocument(doc, events, document_segments(doc.text, unlinked)))
        return result


def store_documents(db_path: Path, documents: list[Document], keep_text: bool = True) -> dict[str, Any]:
    """Write already coded documents through the store (its own short read-write connection)."""
    try:
        from dragoman.store import Store
        from dragoman.store.writer import doc_id_for
    except ImportError as err:
        raise Unavailable(f"the store cannot ingest yet: {err}", code="E432") from err
    from dragoman.errors import StoreError

    try:
        with Store(db_path) as store:
            summary = store.add_coded(documents, keep_text=keep_text, command="web")
    except StoreError as err:
        raise Unavailable(str(err), code="E433") from err
    return {"run_id": summary.run_id, "new": summary.new, "present": summary.present,
            "failed": summary.failed, "mentions": summary.mentions,
            "doc_ids": [doc_id_for(d.text_hash()) for d in documents], "errors": summary.errors}
