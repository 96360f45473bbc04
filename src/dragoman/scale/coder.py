"""One batch of documents: code, build the store's export rows, write the Parquet parts.

``BatchCoder`` is built once per worker (a Ray actor or a local process): the
``Pipeline`` loads spaCy models and dictionaries lazily, once, and every batch
reuses them. Both engines run exactly this code, so their output is the same.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dragoman.errors import DragomanError
from dragoman.pipeline import Pipeline, PipelineConfig
from dragoman.scale.output import UNKNOWN_MONTH, Output, batch_name, failure_key
from dragoman.schema import Document
from dragoman.store.ingest import code_batch
from dragoman.store.parquet import document_record, mention_records, table
from dragoman.store.writer import doc_id_for


class ScaleError(DragomanError):
    """dragoman batch cannot start or go on (output directory, Ray cluster, options)."""

    code = "E500"


@dataclass
class BatchOptions:
    out: str
    engine: str = "local"  # local | ray
    address: str | None = None  # Ray cluster ("auto", "ray://host:10001"); None starts a local instance
    workers: int | None = None  # coding workers (default: one per CPU)
    resume: bool = False
    lang: str | None = None
    pub_date: date | None = None
    input_format: str = "auto"
    batch_size: int = 16  # documents per batch (and per part file)
    keep_text: bool = False
    actor_files: list[Path] = field(default_factory=list)
    num_cpus: int | None = None  # size of a local Ray instance (default: all CPUs)

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(lang=self.lang or "auto", pub_date=self.pub_date, actor_files=list(self.actor_files))


@dataclass
class BatchResult:
    """What one batch did (small: sent back from workers to the driver)."""

    batch: str | None = None
    read: int = 0
    coded: int = 0
    already_done: int = 0  # skipped by --resume
    skipped: int = 0  # not coded (unsupported language, no article text)
    failed: int = 0
    mentions: int = 0
    messages: list[str] = field(default_factory=list)  # first error messages
    worker: str = ""  # host:pid of the worker that coded the batch
    finished_at: float = 0.0  # when the worker finished it (epoch seconds; for throughput measurements)
    cpu_seconds: float = 0.0  # CPU time of the worker process so far (model loading included)

    def to_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _month(doc: Document) -> str:
    return doc.pub_date.strftime("%Y-%m") if doc.pub_date else UNKNOWN_MONTH


def _message(source: str | None, code: str, message: str) -> str:
    text = message if message.startswith(f"[{code}]") else f"[{code}] {message}"
    return f"{source}: {text}" if source and source not in text else text


class BatchCoder:
    def __init__(self, options: BatchOptions, done_ids: Iterable[str] = (), done_failures: Iterable[str] = ()):
        self.options = options
        self.pipeline = Pipeline(options.pipeline_config())
        self.output = Output(options.out)
        self.done_ids = frozenset(done_ids)
        self.done_failures = frozenset(done_failures)

    def warm_up(self) -> None:
        """Load both languages' models and every dictionary now (to measure a worker's memory)."""
        from dragoman.ingest import document_from_text

        docs = [document_from_text("Le président a rencontré le Premier ministre à Paris.", doc_id="fr", lang="fr"),
                document_from_text("The president met the prime minister in London.", doc_id="en", lang="en")]
        list(self.pipeline(docs))

    def code(self, docs: list[Document]) -> BatchResult:
        res = BatchResult(read=len(docs), worker=f"{socket.gethostname()}:{os.getpid()}")
        errors: list[dict[str, Any]] = []
        keys: list[str] = []
        live: list[tuple[Document, str]] = []
        for doc in docs:
            if doc.errors and not doc.text.strip():  # could not be read: an errors row, no document row
                for err in doc.errors:
                    key = failure_key(doc.source or doc.id, err.code, err.message)
                    if key in self.done_failures:
                        continue
                    keys.append(key)
                    errors.append({"source": doc.source or doc.id, "doc_id": None, "stage": err.stage,
                                   "code": err.code, "message": err.message})
                    res.failed += 1
                    res.messages.append(_message(doc.source or doc.id, err.code, err.message))
                continue
            text_hash = doc.text_hash()  # before coding: the hash reads norm_text, which coding drops
            if doc_id_for(text_hash) in self.done_ids:
                res.already_done += 1
                continue
            keys.append(doc_id_for(text_hash))
            live.append((doc, text_hash))
        if not keys:
            res.finished_at, res.cpu_seconds = time.time(), time.process_time()
            return res
        res.batch = batch_name(keys)
        now = datetime.now()
        mentions: dict[str, list[dict[str, Any]]] = {}
        documents: dict[str, list[dict[str, Any]]] = {}
        coded = code_batch(self.pipeline, [d for d, _ in live]) if live else []
        for (_, text_hash), (doc, fp) in zip(live, coded, strict=True):
            month = _month(doc)
            documents.setdefault(month, []).append(
                document_record(doc, text_hash, fp, ingested_at=now, keep_text=self.options.keep_text))
            rows = mention_records(doc, text_hash)
            mentions.setdefault(month, []).extend(rows)
            res.mentions += len(rows)
            for err in doc.errors:
                errors.append({"source": doc.source or doc.id, "doc_id": doc_id_for(text_hash), "stage": err.stage,
                               "code": err.code, "message": err.message})
                res.messages.append(_message(doc.source or doc.id, err.code, err.message))
            if doc.errors:
                res.failed += 1
            elif doc.skipped is not None:
                res.skipped += 1
            else:
                res.coded += 1
        del res.messages[10:]
        self._write(res.batch, mentions, documents, errors)
        res.finished_at, res.cpu_seconds = time.time(), time.process_time()
        return res

    def _write(self, batch: str, mentions: dict[str, list[dict[str, Any]]],
               documents: dict[str, list[dict[str, Any]]], errors: list[dict[str, Any]]) -> None:
        out = self.output
        # Sorted rows: a part's content does not depend on the order documents arrived in.
        if errors:
            errors.sort(key=lambda r: (r["source"] or "", r["doc_id"] or "", r["stage"], r["code"], r["message"]))
            out.write_table(out.part_path("errors", batch, None), table("errors", errors))
        for month, rows in sorted(mentions.items()):
            if rows:
                rows.sort(key=lambda r: (r["doc_id"], r["mention_index"], r["mention_id"]))
                out.write_table(out.part_path("mentions", batch, month), table("mentions", rows))
        # Documents last, then the marker: --resume trusts documents only from completed batches.
        for month, rows in sorted(documents.items()):
            rows.sort(key=lambda r: (r["doc_id"], r["source"] or ""))
            out.write_table(out.part_path("documents", batch, month), table("documents", rows))
        out.mark_done(batch)
