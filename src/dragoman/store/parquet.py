"""Coded documents as Arrow rows in the store's export schemas, and back into the store.

``dragoman batch`` (``dragoman.scale``) codes documents on many workers without a
database and writes the rows built here as Parquet; ``ingest_parquet`` loads that
output into a DuckDB store through the normal write path (so clusters, actors and
errors are computed exactly as for ``dragoman ingest``). The row builders reuse
``writer.mention_row`` and ``export.MENTION_SCHEMA``/``DOCUMENT_SCHEMA``: the
Parquet files of both commands have one schema.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dragoman.errors import StoreError
from dragoman.schema import Actor, Document, Event, Evidence, Location, Span, StageError
from dragoman.store.export import DOCUMENT_SCHEMA, MENTION_SCHEMA, arrow_schema
from dragoman.store.writer import (
    MENTION_COLUMNS,
    Coded,
    doc_id_for,
    doc_status,
    mention_row,
    record_error,
    site_of,
    write_documents,
)

ERROR_SCHEMA = pa.schema([
    pa.field("source", pa.string()), pa.field("doc_id", pa.string()), pa.field("stage", pa.string()),
    pa.field("code", pa.string()), pa.field("message", pa.string()),
])


def mention_records(doc: Document, text_hash: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The mentions export rows of one coded document (same ids and values as ``write_document``)."""
    doc_id = doc_id_for(text_hash)
    events = doc.events if doc_status(doc) == "coded" else []
    site = site_of(doc.url, doc.site)
    doc_fields = {"url": doc.url, "site": site, "title": doc.title, "pub_date": doc.pub_date, "source": doc.source}
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for i, ev in enumerate(events):
        base = f"{doc_id}/{ev.event_id or i}"
        mention_id, n = base, 1
        while mention_id in used:  # the same de-duplication of ids as write_document
            n += 1
            mention_id = f"{base}~{n}"
        used.add(mention_id)
        rec = {**dict(zip(MENTION_COLUMNS, mention_row(doc_id, i, mention_id, ev, doc.lang, run_id),
                          strict=True)), **doc_fields}
        out.append({name: rec[name] for name, _, _ in MENTION_SCHEMA})
    return out


def document_record(doc: Document, text_hash: str, fingerprint: str | None, *, ingested_at: datetime,
                    keep_text: bool = False, run_id: int | None = None) -> dict[str, Any]:
    """The documents export row of one coded document (the columns ``write_document`` stores)."""
    status = doc_status(doc)
    rec = {
        "doc_id": doc_id_for(text_hash), "input_id": doc.id, "text_hash": text_hash, "fingerprint": fingerprint,
        "url": doc.url, "site": site_of(doc.url, doc.site), "source": doc.source, "title": doc.title,
        "lang": doc.lang or doc.lang_detected, "pub_date": doc.pub_date, "input_format": doc.input_format,
        "num_chars": len(doc.text), "num_events": len(doc.events) if status == "coded" else 0, "status": status,
        "skip_reason": doc.skipped, "num_errors": len(doc.errors),
        "meta": json.dumps(doc.meta, ensure_ascii=False, default=str) if doc.meta else None,
        "ingested_at": ingested_at, "run_id": run_id, "text": doc.text if keep_text else None,
    }
    return {name: rec[name] for name, _, _ in DOCUMENT_SCHEMA}


def table(level: str, records: list[dict[str, Any]]) -> pa.Table:
    """Records -> Arrow table in the export schema of ``level`` (mentions, documents) or errors."""
    schema = ERROR_SCHEMA if level == "errors" else arrow_schema(level)
    return pa.Table.from_pylist(records, schema=schema)


# ---------------------------------------------------------------- reading back


def _actors(text: str | None) -> list[Actor]:
    return [Actor(**a) for a in json.loads(text or "[]")]


def event_from_record(rec: dict[str, Any], doc: Document) -> Event:
    """Rebuild the pipeline's ``Event`` from one mentions row (inverse of ``mention_records``)."""
    doc_id = rec["doc_id"]
    loc = json.loads(rec["location"]) if rec["location"] else None
    return Event(
        doc_id=doc.id, event_id=rec["mention_id"][len(doc_id) + 1:], type=rec["type"], mode=rec["mode"],
        contexts=list(rec["contexts"] or []), cameo=rec["cameo"], quad_class=rec["quad_class"],
        goldstein=rec["goldstein"], actor=_actors(rec["actor"]), recipient=_actors(rec["recipient"]),
        date=rec["date"].isoformat() if rec["date"] else None, date_precision=rec["date_precision"] or "inferred",
        date_text=rec["date_text"], location=Location(**loc) if loc else None, status=rec["status"],
        confidence=rec["confidence"], lang=rec["lang"],
        evidence=[Evidence(**{**e, "trigger": Span(**e["trigger"])}) for e in json.loads(rec["evidence"] or "[]")],
        version=rec["version"] or "", reported_by=_actors(rec["reported_by"]),
    )


def _read(path: Path, level: str) -> list[dict[str, Any]]:
    names = ERROR_SCHEMA.names if level == "errors" else arrow_schema(level).names
    try:
        return pq.read_table(path, columns=names).to_pylist()
    except (OSError, pa.ArrowInvalid, KeyError) as err:
        raise StoreError(f"cannot read Parquet part: {err}", where=str(path), code="E310") from err


def _parts(root: Path, dataset: str) -> list[Path]:
    # Hidden and temporary files (".part-*.tmp") are unfinished writes: never read them.
    base = root / dataset
    return sorted(p for p in base.rglob("*.parquet") if not p.name.startswith((".", "_"))) if base.is_dir() else []


@dataclass
class CodedRow:
    doc: Document
    text_hash: str | None  # None: an input that could not be read (errors only)
    fingerprint: str | None = None
    has_text: bool = False  # the documents row holds the text (batch --keep-text)


def read_coded(root: str | Path) -> Iterator[CodedRow]:
    """Every document of a ``dragoman batch`` output directory, with its events and errors.

    Input failures (errors rows without a document) come back as documents whose
    ``errors`` are set and whose text hash is None. Part files are read one at a time.
    """
    root = Path(root)
    if not (root / "documents").is_dir():
        raise StoreError("not a dragoman batch output (no documents/ directory)", where=str(root), code="E310")
    errors: dict[str | None, list[dict[str, Any]]] = {}
    for part in _parts(root, "errors"):
        for rec in _read(part, "errors"):
            errors.setdefault(rec["doc_id"], []).append(rec)
    for rec in errors.pop(None, []):
        yield CodedRow(Document(id=rec["source"] or "?", text="", source=rec["source"], norm_text="",
                                errors=[StageError(rec["stage"], rec["code"], rec["message"])]), None)
    for part in _parts(root, "documents"):
        mentions: dict[str, list[dict[str, Any]]] = {}
        mpart = root / "mentions" / part.relative_to(root / "documents")
        if mpart.is_file():
            for rec in _read(mpart, "mentions"):
                mentions.setdefault(rec["doc_id"], []).append(rec)
        for rec in _read(part, "documents"):
            doc = Document(
                id=rec["input_id"] or rec["doc_id"],
                # Without --keep-text only the length is known: write_document reads len(text), nothing else.
                text=rec["text"] if rec["text"] is not None else " " * (rec["num_chars"] or 0),
                title=rec["title"], pub_date=rec["pub_date"], lang=rec["lang"], url=rec["url"], site=rec["site"],
                source=rec["source"], input_format=rec["input_format"] or "text",
                meta=json.loads(rec["meta"]) if rec["meta"] else {}, skipped=rec["skip_reason"],
                errors=[StageError(e["stage"], e["code"], e["message"]) for e in errors.get(rec["doc_id"], [])],
            )
            if rec["status"] == "failed" and not doc.errors:
                doc.errors.append(StageError("batch", "E500", "failed in dragoman batch (error row missing)"))
            ms = sorted(mentions.get(rec["doc_id"], []), key=lambda m: (m["mention_index"] or 0, m["mention_id"]))
            doc.events = [event_from_record(m, doc) for m in ms]
            yield CodedRow(doc, rec["text_hash"], rec["fingerprint"], rec["text"] is not None)


def _with_code(code: str, message: str) -> str:
    return message if message.startswith(f"[{code}]") else f"[{code}] {message}"


def ingest_parquet(con: duckdb.DuckDBPyConnection, root: str | Path, *, command: str = "ingest --from-parquet",
                   progress: Any = None, group_size: int = 64) -> Any:
    """Load a ``dragoman batch`` output directory into the store; documents already stored are kept.

    Same write path as ``dragoman ingest`` (``write_documents``: whole documents per
    transaction, clustering, actors, errors; a row in ``runs``); returns the ``IngestSummary``.
    """
    from dragoman.store.ingest import IngestOptions, Ingestor

    ing = Ingestor(con, IngestOptions(), command=command)
    s = ing.summary
    started = time.monotonic()
    s.run_id = ing._start_run()

    def note(source: str | None, code: str, message: str) -> None:
        if len(s.errors) < 20:
            s.errors.append(f"{source}: {_with_code(code, message)}")

    def count(row: CodedRow, outcome: str, n: int) -> None:
        if outcome == "present":
            s.present += 1
            return
        s.mentions += n
        s.new += outcome == "new"
        s.recoded += outcome == "recoded"
        if row.doc.errors:
            s.failed += 1
            for e in row.doc.errors:
                note(row.doc.source or row.doc.id, e.code, e.message)
        elif row.doc.skipped is not None:
            s.skipped += 1

    def write(rows: list[CodedRow], keep_text: bool) -> None:
        try:
            results = write_documents(con, [Coded(r.doc, r.text_hash, r.fingerprint) for r in rows],
                                      run_id=s.run_id, keep_text=keep_text)
        except duckdb.Error as err:
            if len(rows) > 1:  # find the document the store cannot take; keep the others
                for r in rows:
                    write([r], keep_text)
                return
            con.execute("BEGIN TRANSACTION")
            record_error(con, s.run_id, rows[0].doc.source, doc_id_for(rows[0].text_hash), "store", "E306",
                         f"cannot store document: {err}")
            con.execute("COMMIT")
            note(rows[0].doc.source, "E306", f"cannot store document: {err}")
            s.failed += 1
            return
        for r, (outcome, n) in zip(rows, results, strict=True):
            count(r, outcome, n)

    def flush(group: list[CodedRow]) -> None:
        for keep in (False, True):  # the text is stored only when the batch kept it
            rows = [r for r in group if r.has_text == keep]
            if rows:
                write(rows, keep)
        group.clear()
        if progress:
            progress(s)

    seen: set[str] = set()
    group: list[CodedRow] = []
    for row in read_coded(root):
        s.read += 1
        if row.text_hash is None:  # could not be read: an errors row, no document row
            con.execute("BEGIN TRANSACTION")
            for e in row.doc.errors:
                record_error(con, s.run_id, row.doc.source, None, e.stage, e.code, e.message)
                note(row.doc.source, e.code, e.message)
            con.execute("COMMIT")
            s.failed += 1
        elif row.text_hash in seen:
            s.present += 1  # copies of one text in the batch output
        else:
            seen.add(row.text_hash)
            group.append(row)
            if len(group) >= group_size:
                flush(group)
    flush(group)
    ing._finish_run(started)
    return s
