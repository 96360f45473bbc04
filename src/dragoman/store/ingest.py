"""Batch ingest: read inputs, skip what is stored, code the rest (optionally in worker
processes), and write each document in its own transaction from this process only.

Workers are separate processes (forkserver/spawn context), each building one
``Pipeline`` once; they receive batches of documents and send back slimmed
coded documents plus a text fingerprint. DuckDB is written by the parent alone.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import duckdb

from dragoman import __version__
from dragoman.errors import StoreError
from dragoman.pipeline import Pipeline, PipelineConfig
from dragoman.schema import Document, StageError
from dragoman.store.fingerprint import fingerprint
from dragoman.store.writer import Coded, doc_id_for, record_error, write_documents


@dataclass
class IngestOptions:
    lang: str | None = None
    pub_date: date | None = None
    input_format: str = "auto"
    keep_text: bool = False
    recode: bool = False
    retry_failed: bool = False  # code again documents stored with status 'failed'
    workers: int = 1
    actor_files: list[Path] = field(default_factory=list)
    batch_size: int | None = None  # documents per coding batch: 32 inline, 8 per worker task

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(lang=self.lang or "auto", pub_date=self.pub_date,
                              actor_files=list(self.actor_files))


@dataclass
class IngestSummary:
    run_id: int = 0
    read: int = 0
    new: int = 0
    recoded: int = 0
    present: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    clusters: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # first few messages, for the CLI

    @property
    def coded(self) -> int:
        return self.new + self.recoded


Progress = Callable[[IngestSummary], None]


# ---------------------------------------------------------------- hashes for runs


def _hash_files(paths: Iterable[Path], base: Path | None = None) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=str):
        name = str(p.relative_to(base)) if base else p.name
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def dictionary_hash(actor_files: Iterable[Path] = ()) -> str:
    """Hash of every data file shipped under dragoman/data plus the user's dictionaries."""
    data_dir = Path(str(resources.files("dragoman") / "data"))
    files = [p for p in data_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    h = hashlib.sha256(_hash_files(files, data_dir).encode())
    for f in actor_files:
        h.update(Path(f).read_bytes() if Path(f).is_file() else str(f).encode())
    return h.hexdigest()[:16]


def config_hash(options: IngestOptions) -> str:
    cfg = {"lang": options.lang, "pub_date": str(options.pub_date) if options.pub_date else None,
           "input_format": options.input_format, "actor_files": [str(p) for p in options.actor_files]}
    return hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- coding (in workers or inline)

_PIPELINE: Pipeline | None = None


def _init_worker(config: PipelineConfig, parent_pid: int) -> None:
    global _PIPELINE
    _watch_parent(parent_pid)
    _PIPELINE = Pipeline(config)


def _watch_parent(pid: int) -> None:
    """Exit when the ingest process is gone (killed with -9, the pool cannot tell its workers)."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pid reused by another user's process: the parent is gone
                os._exit(1)

    threading.Thread(target=watch, name="dragoman-parent-watch", daemon=True).start()


def _worker_code(docs: list[Document]) -> list[tuple[Document, str | None]]:
    assert _PIPELINE is not None
    return code_batch(_PIPELINE, docs)


def _slim(doc: Document) -> Document:
    # spaCy spans and per-token structures are neither needed by the store nor cheap to pickle.
    doc.sentences = []
    doc.actor_mentions = []
    doc.date_phrases = []
    doc.place_mentions = []
    doc.trace = []
    doc.norm_map = None
    doc.norm_text = None
    return doc


def code_batch(pipeline: Callable[[Iterable[Document]], Iterator[Document]],
               docs: list[Document]) -> list[tuple[Document, str | None]]:
    """Code documents; a crash of the whole batch is retried document by document."""
    try:
        coded = list(pipeline(docs))
    except Exception:  # noqa: BLE001 - isolate the document that breaks the batch
        coded = []
        for doc in docs:
            try:
                coded.extend(pipeline([doc]))
            except Exception as err:  # noqa: BLE001
                doc.errors.append(StageError("pipeline", "E200", f"{type(err).__name__}: {err}"))
                coded.append(doc)
    return [(_slim(d), fingerprint(d.text)) for d in coded]


def _with_code(err: StageError) -> str:
    # Messages made from a DragomanError already start with their "[Exxx]" code.
    return err.message if err.message.startswith(f"[{err.code}]") else f"[{err.code}] {err.message}"


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")


# ---------------------------------------------------------------- the ingest loop


class Ingestor:
    MAX_GROUP = 64  # documents per write transaction at most
    def __init__(self, con: duckdb.DuckDBPyConnection, options: IngestOptions, *, command: str = "ingest",
                 progress: Progress | None = None, pipeline: Pipeline | None = None):
        self.con = con
        self.options = options
        self.command = command
        self.progress = progress
        self.pipeline = pipeline
        self.summary = IngestSummary()

    def _start_run(self) -> int:
        opts = self.options
        self.con.execute("BEGIN TRANSACTION")
        run_id = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, version, config_hash, dictionary_hash, command, status, "
            "workers, options) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
            [run_id, datetime.now(), __version__, config_hash(opts), dictionary_hash(opts.actor_files),
             self.command, opts.workers,
             json.dumps({"lang": opts.lang, "pub_date": str(opts.pub_date) if opts.pub_date else None,
                         "input_format": opts.input_format, "keep_text": opts.keep_text,
                         "recode": opts.recode, "retry_failed": opts.retry_failed, "actor_files": [str(p) for p in opts.actor_files]})],
        )
        self.con.execute("COMMIT")
        return run_id

    def _finish_run(self, started: float) -> None:
        s = self.summary
        s.seconds = time.monotonic() - started
        s.clusters = self.con.execute("SELECT count(*) FROM events").fetchone()[0]
        num_errors = self.con.execute("SELECT count(*) FROM errors WHERE run_id = ?", [s.run_id]).fetchone()[0]
        self.con.execute(
            "UPDATE runs SET finished_at = ?, num_documents = ?, num_mentions = ?, num_errors = ?, seconds = ?, "
            "status = 'finished', num_new = ?, num_present = ?, num_skipped = ?, num_failed = ?, "
            "num_clusters = ? WHERE run_id = ?",
            [datetime.now(), s.coded, s.mentions, num_errors, s.seconds, s.new, s.present, s.skipped,
             s.failed, s.clusters, s.run_id],
        )

    def _note_error(self, message: str) -> None:
        if len(self.summary.errors) < 20:
            self.summary.errors.append(message)

    def _input_failure(self, doc: Document) -> None:
        """A record that could not even be read: an errors row, no document row."""
        self.con.execute("BEGIN TRANSACTION")
        for err in doc.errors:
            record_error(self.con, self.summary.run_id, doc.source or doc.id, None, err.stage, err.code,
                         err.message)
            self._note_error(f"{doc.source or doc.id}: {_with_code(err)}")
        self.con.execute("COMMIT")
        self.summary.failed += 1

    def _write_group(self, items: list[Coded]) -> None:
        """Write coded documents in one transaction; if that fails, one transaction each, so that
        a document the store cannot take is recorded (E306) and the others are kept."""
        try:
            results = write_documents(self.con, items, run_id=self.summary.run_id,
                                      keep_text=self.options.keep_text,
                                      recode=self.options.recode or self.options.retry_failed)
        except duckdb.Error as err:
            if len(items) > 1:
                for it in items:
                    self._write_group([it])
            else:
                self._store_failure(items[0], err)
                self._tick()
            return
        for it, result in zip(items, results, strict=True):
            self._count(it, result)
            self._tick()

    def _store_failure(self, it: Coded, err: Exception) -> None:
        """The document's transaction rolled back: record why and go on with the others."""
        doc, message = it.doc, f"cannot store document: {err}"
        self.con.execute("BEGIN TRANSACTION")
        record_error(self.con, self.summary.run_id, doc.source or doc.id, doc_id_for(it.text_hash), "store",
                     "E306", message)
        self.con.execute("COMMIT")
        self._note_error(f"{doc.source or doc.id}: [E306] {message}")
        self.summary.failed += 1

    def _count(self, it: Coded, result: tuple[str, int]) -> None:
        s, doc = self.summary, it.doc
        outcome, n = result
        if outcome == "present":
            s.present += 1
            return
        s.mentions += n
        if outcome == "recoded":
            s.recoded += 1
        else:
            s.new += 1
        if doc.errors:
            s.failed += 1
            for err in doc.errors:
                self._note_error(f"{doc.source or doc.id}: {_with_code(err)}")
        elif doc.skipped is not None:
            s.skipped += 1

    def _tick(self) -> None:
        if self.progress:
            self.progress(self.summary)

    def _pending(self, docs: Iterable[Document]) -> Iterator[tuple[Document, str]]:
        """Documents that need coding, with their text hash; the others go straight to the writer."""
        seen: set[str] = set()
        for doc in docs:
            self.summary.read += 1
            if doc.errors and not doc.text.strip():
                self._put(("failure", doc))
                continue
            if doc.norm_text is None and doc.text:
                # Identity hashes the normalised text: normalise documents that arrive without it
                # (slimmed elsewhere) so they match what read_inputs produces.
                from dragoman.textnorm import prepare

                prepare(doc)
            text_hash = doc.text_hash()
            if text_hash in seen:
                self._put(("present", doc))
                continue
            seen.add(text_hash)
            if not self.options.recode:
                stored = self._reader.execute("SELECT status FROM documents WHERE doc_id = ?",
                                              [doc_id_for(text_hash)]).fetchall()
                if stored and not (self.options.retry_failed and stored[0][0] == "failed"):
                    self._put(("present", doc))
                    continue
            yield doc, text_hash

    # The writer thread: the only code that writes to DuckDB during a run. DuckDB releases the GIL
    # while it executes, so writing overlaps with coding in this process (or with reading inputs).
    def _put(self, task: tuple) -> None:
        while True:
            if self._writer_error is not None:
                raise self._writer_error
            try:
                self._queue.put(task, timeout=0.5)
                return
            except queue.Full:
                continue

    def _writer_loop(self) -> None:
        pending: list[tuple] = []
        while True:
            task = pending.pop(0) if pending else self._queue.get()
            if task is None:
                return
            if self._writer_error is not None:
                continue  # drain so the producer never blocks; it re-raises the error
            try:
                kind = task[0]
                if kind == "failure":
                    self._input_failure(task[1])
                    self._tick()
                elif kind == "present":
                    self.summary.present += 1
                    self._tick()
                else:
                    group = [Coded(doc, text_hash, fp)
                             for (_, text_hash), (doc, fp) in zip(task[1], task[2], strict=True)]
                    # Batches already waiting join this transaction: fewer, larger writes.
                    while len(group) < self.MAX_GROUP and not pending:
                        try:
                            nxt = self._queue.get_nowait()
                        except queue.Empty:
                            break
                        if nxt is not None and nxt[0] == "write":
                            group += [Coded(doc, text_hash, fp)
                                      for (_, text_hash), (doc, fp) in zip(nxt[1], nxt[2], strict=True)]
                        else:
                            pending.append(nxt)
                    self._write_group(group)
            except BaseException as err:  # noqa: BLE001 - handed to the main thread
                self._writer_error = err

    def run(self, docs: Iterable[Document]) -> IngestSummary:
        started = time.monotonic()
        self.summary.run_id = self._start_run()
        self._reader = self.con.cursor()
        self._queue: queue.Queue = queue.Queue(maxsize=8)
        self._writer_error: BaseException | None = None
        writer = threading.Thread(target=self._writer_loop, name="dragoman-store-writer", daemon=True)
        writer.start()
        try:
            if self.options.workers <= 1:
                self._run_inline(docs)
            else:
                self._run_pool(docs)
        finally:
            self._queue.put(None)
            writer.join()
            self._reader.close()
        if self._writer_error is not None:
            raise self._writer_error
        self._finish_run(started)
        return self.summary

    def _batches(self, docs: Iterable[Document]) -> Iterator[list[tuple[Document, str]]]:
        size = self.options.batch_size or (32 if self.options.workers <= 1 else 8)
        batch: list[tuple[Document, str]] = []
        for item in self._pending(docs):
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _write_batch(self, items: list[tuple[Document, str]], coded: list[tuple[Document, str | None]]) -> None:
        self._put(("write", items, coded))

    def _run_inline(self, docs: Iterable[Document]) -> None:
        pipeline = self.pipeline or Pipeline(self.options.pipeline_config())
        for items in self._batches(docs):
            self._write_batch(items, code_batch(pipeline, [d for d, _ in items]))

    def _run_pool(self, docs: Iterable[Document]) -> None:
        workers = self.options.workers
        config = self.options.pipeline_config()

        def new_pool() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                       initializer=_init_worker, initargs=(config, os.getpid()))

        pool = new_pool()
        in_flight: dict[Future, list[tuple[Document, str]]] = {}

        def collect(fut: Future) -> bool:
            """Write one finished batch; False when its worker died (the pool is then unusable)."""
            items = in_flight.pop(fut)
            try:
                coded = fut.result()
                ok = True
            except BrokenProcessPool as err:
                ok = False
                coded = []
                for doc, _ in items:
                    doc.errors.append(StageError("worker", "E201", f"worker process died: {err}"))
                    coded.append((doc, fingerprint(doc.text)))
            self._write_batch(items, coded)
            return ok

        def drain(block_until: int) -> None:
            nonlocal pool
            while len(in_flight) > block_until:
                done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                ok = all([collect(fut) for fut in done])
                if not ok:  # every other batch of that pool fails too; then go on with a fresh pool
                    for fut in list(in_flight):
                        wait([fut])
                        collect(fut)
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()

        try:
            for items in self._batches(docs):
                in_flight[pool.submit(_worker_code, [d for d, _ in items])] = items
                drain(2 * workers)
            drain(0)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def ingest_documents(con: duckdb.DuckDBPyConnection, docs: Iterable[Document], options: IngestOptions, *,
                     command: str = "ingest", progress: Progress | None = None,
                     pipeline: Pipeline | None = None) -> IngestSummary:
    return Ingestor(con, options, command=command, progress=progress, pipeline=pipeline).run(docs)


def read_documents(paths: list[str], options: IngestOptions) -> Iterator[Document]:
    try:
        from dragoman.ingest import read_inputs
    except ImportError as err:  # the ingest module lands separately
        raise StoreError(f"dragoman.ingest is not available: {err}", code="E300") from err
    return read_inputs(paths, input_format=options.input_format, lang=options.lang, pub_date=options.pub_date)
