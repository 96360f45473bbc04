"""The output directory of ``dragoman batch``: Parquet parts partitioned by publication month.

Layout (hive partitioning, readable by DuckDB, pandas/pyarrow, Spark)::

    OUT/mentions/pub_month=2026-11/part-<batch>.parquet   store mentions export schema
    OUT/documents/pub_month=2026-11/part-<batch>.parquet  store documents export schema
    OUT/documents/pub_month=unknown/part-<batch>.parquet  documents without a date
    OUT/errors/part-<batch>.parquet                       source, doc_id, stage, code, message
    OUT/_batches/<batch>                                   written last: the batch is complete

``<batch>`` is a hash of the batch's document keys, so rerunning the same batch
rewrites the same files. Each file is written under a hidden temporary name and
renamed (atomic on a local or network file system; object stores publish an
object only when its upload completes), so a killed run leaves no half file.
Parts whose batch has no marker are leftovers of a killed run: ``--resume``
deletes them before it starts.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

DATASETS = ("mentions", "documents", "errors")
MARKERS = "_batches"
UNKNOWN_MONTH = "unknown"


def batch_name(keys: Iterable[str]) -> str:
    h = hashlib.sha256()
    for k in sorted(keys):
        h.update(k.encode("utf-8") + b"\0")
    return h.hexdigest()[:20]


class Output:
    """Writes and reads one output directory (a local path or an fsspec URI)."""

    def __init__(self, root: str):
        self.root = root.rstrip("/") or "/"
        self.fs, self.path = fsspec.core.url_to_fs(self.root)
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,))

    def _p(self, *parts: str) -> str:
        return "/".join([self.path.rstrip("/"), *parts])

    def part_path(self, dataset: str, batch: str, month: str | None) -> str:
        if dataset == "errors":
            return self._p("errors", f"part-{batch}.parquet")
        return self._p(dataset, f"pub_month={month}", f"part-{batch}.parquet")

    def _put(self, path: str, data: bytes) -> None:
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        if self.local:
            tmp = f"{parent}/.{path.rsplit('/', 1)[1]}.tmp-{os.getpid()}"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        else:
            with self.fs.open(path, "wb") as fh:
                fh.write(data)

    def write_table(self, path: str, table: pa.Table) -> None:
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        self._put(path, buf.getvalue())

    def mark_done(self, batch: str) -> None:
        self._put(self._p(MARKERS, batch), b"")

    # ------------------------------------------------------------ resume

    def _files(self, dataset: str) -> list[str]:
        base = self._p(dataset)
        if not self.fs.exists(base):
            return []
        return sorted(f for f in self.fs.find(base) if f.endswith(".parquet")
                      and not f.rsplit("/", 1)[-1].startswith((".", "_")))

    def done_batches(self) -> set[str]:
        base = self._p(MARKERS)
        return {f.rsplit("/", 1)[-1] for f in self.fs.find(base)} if self.fs.exists(base) else set()

    def remove_unfinished(self) -> int:
        """Delete parts (and temporary files) of batches without a completion marker; returns how many."""
        done = self.done_batches()
        removed = 0
        for dataset in DATASETS:
            base = self._p(dataset)
            if not self.fs.exists(base):
                continue
            for f in self.fs.find(base):
                name = f.rsplit("/", 1)[-1]
                batch = name.removeprefix("part-").removesuffix(".parquet")
                if name.startswith(".") or (name.startswith("part-") and batch not in done):
                    self.fs.rm(f)
                    removed += 1
        return removed

    def _column(self, dataset: str, columns: list[str]) -> list[dict]:
        rows: list[dict] = []
        for f in self._files(dataset):
            with self.fs.open(f, "rb") as fh:
                rows.extend(pq.read_table(fh, columns=columns).to_pylist())
        return rows

    def done_ids(self) -> set[str]:
        """Store ids (``doc_id``) of every document already written."""
        return {r["doc_id"] for r in self._column("documents", ["doc_id"])}

    def done_failures(self) -> set[str]:
        """Keys of inputs that could not be read and are already in the errors dataset."""
        return {failure_key(r["source"], r["code"], r["message"])
                for r in self._column("errors", ["source", "doc_id", "code", "message"]) if r["doc_id"] is None}


def failure_key(source: str | None, code: str, message: str) -> str:
    return f"{source}\0{code}\0{message}"
