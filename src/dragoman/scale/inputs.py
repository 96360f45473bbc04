"""Listing and reading the inputs of ``dragoman batch``: local paths or any fsspec URI.

The driver lists inputs (cheap: names only); workers open and read them, so a
corpus on S3/GCS/HTTP is read where it is coded. Reading reuses
``dragoman.ingest`` (format detection, decoding, JSONL/WARC streaming) and
never raises for bad data: a broken input becomes a document with ``errors``.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import fsspec

from dragoman.errors import InputError
from dragoman.ingest import (
    E_NOT_FOUND,
    E_READ,
    error_document,
    format_from_name,
    iter_documents_from_bytes,
    iter_streamed,
)
from dragoman.schema import Document


@dataclass(frozen=True)
class InputFile:
    uri: str  # what workers open (a local path or a URI)
    doc_id: str  # id of a single-document file: its path relative to the listed directory, or its name
    missing: bool = False  # listed by the user but absent: read_input reports it


def _join(root: str, rel: str) -> str:
    return root.rstrip("/") + "/" + rel


def list_inputs(paths: list[str]) -> list[InputFile]:
    """Files under ``paths`` (directories recursive, sorted, hidden files and unknown extensions skipped)."""
    out: list[InputFile] = []
    for p in paths:
        if "://" not in p:
            p = os.path.abspath(p)  # workers (Ray actors on other nodes) do not share the driver's cwd
        fs, root = fsspec.core.url_to_fs(p)
        protocol = p.split("://", 1)[0] + "://" if "://" in p else ""
        try:
            is_dir = fs.isdir(root)
            exists = is_dir or fs.exists(root)
        except OSError:
            exists, is_dir = False, False
        if not exists:
            out.append(InputFile(p, p, missing=True))
        elif is_dir:
            found = []
            for f in fs.find(root):
                rel = f[len(root.rstrip("/")) + 1:] if f.startswith(root.rstrip("/") + "/") else f.rsplit("/", 1)[-1]
                if any(part.startswith(".") for part in rel.split("/")) or format_from_name(rel) is None:
                    continue
                found.append(rel)
            # Local files keep the path as given (as ``dragoman ingest`` reports them); URIs keep their scheme.
            out.extend(InputFile(_join(p if not protocol else protocol + root, rel), rel) for rel in sorted(found))
        else:
            out.append(InputFile(p, p.rstrip("/").rsplit("/", 1)[-1]))
    return out


def read_input(item: InputFile, *, input_format: str = "auto", lang: str | None = None,
               pub_date: date | None = None) -> Iterator[Document]:
    """Documents of one input (streamed for JSONL and WARC); problems become error documents."""
    source = item.uri
    if item.missing:
        err = InputError("no such file or directory", where=source, code=E_NOT_FOUND)
        yield error_document(err, doc_id=source, source=source, input_format="text")
        return
    kind = input_format if input_format != "auto" else format_from_name(source)
    try:
        with fsspec.open(source, "rb") as fh:
            if kind in ("jsonl", "warc"):
                yield from iter_streamed(fh, kind, source, lang=lang, pub_date=pub_date)
                return
            data = fh.read()
    except (OSError, EOFError, zlib.error) as err:  # EOFError/zlib.error: truncated or corrupt .gz
        err2 = InputError(f"cannot read file: {getattr(err, 'strerror', None) or err}", where=source, code=E_READ)
        yield error_document(err2, doc_id=item.doc_id, source=source, input_format=kind or "text")
        return
    yield from iter_documents_from_bytes(data, item.doc_id.rsplit("/", 1)[-1], input_format=input_format,
                                         lang=lang, pub_date=pub_date, doc_id=item.doc_id, source=source)
