"""``Store``: the corpus store's library API (CLI, web app and scale-out use it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

import duckdb

from dragoman.errors import StoreError
from dragoman.pipeline import Pipeline
from dragoman.schema import Document
from dragoman.store.db import connect, schema_version
from dragoman.store.filters import EventFilter, decode_keys, encode_keys, keyset_after
from dragoman.store.ingest import IngestOptions, IngestSummary, Progress, ingest_documents, read_documents

DEFAULT_DB = "dragoman.duckdb"

# Orders of query_events as keyset terms (SQL expression, kind of value, direction), then the event id.
# NULLs are folded to sentinels where NULLS LAST puts them, so that a cursor's comparison is total.
_DATE_DESC = ("coalesce(e.date, DATE '0001-01-01')", "date", "DESC")
EVENT_ORDERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "date": (("coalesce(e.date, DATE '9999-12-31')", "date", "ASC"),),
    "-date": (_DATE_DESC,),
    "-num_mentions": (("coalesce(e.num_mentions, -1)", "int", "DESC"), _DATE_DESC),
    "-num_sources": (("coalesce(e.num_sources, -1)", "int", "DESC"), _DATE_DESC),
    "-confidence": (("coalesce(e.confidence, -1.0)", "float", "DESC"),),
    "-last_seen": (("coalesce(e.last_seen, TIMESTAMP '0001-01-01')", "timestamp", "DESC"),),
}
MENTION_ORDER = (("coalesce(m.date, DATE '0001-01-01')", "date", "DESC"),)
_JSON_COLUMNS = {"actor", "recipient", "location", "evidence", "reported_by", "meta", "options"}


def _identity(docs: Iterable[Document]) -> Iterator[Document]:
    yield from docs


def rows_to_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        rec = dict(zip(names, row, strict=True))
        for k in _JSON_COLUMNS & rec.keys():
            if isinstance(rec[k], str):
                rec[k] = json.loads(rec[k])
        out.append(rec)
    return out


class Store:
    """A DuckDB corpus store. ``Store(path)`` creates/migrates it; ``read_only=True`` never writes.

    One process may hold a store open for writing; others get ``StoreError`` E303.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self.con = connect(path, read_only=read_only)

    # -------------------------------------------------------------- lifecycle
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int | None:
        return schema_version(self.con)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("store opened read-only", where=self.path, code="E302")

    # -------------------------------------------------------------- writing
    def ingest_paths(self, paths: list[str], options: IngestOptions | None = None, *,
                     progress: Progress | None = None, command: str = "ingest") -> IngestSummary:
        """Read files/dirs/JSONL/WARC/RSS (via ``dragoman.ingest.read_inputs``), code and store them."""
        self._writable()
        options = options or IngestOptions()
        return ingest_documents(self.con, read_documents(paths, options), options, command=command,
                                progress=progress)

    def ingest_documents(self, docs: Iterable[Document], options: IngestOptions | None = None, *,
                         progress: Progress | None = None, pipeline: Pipeline | None = None,
                         command: str = "ingest") -> IngestSummary:
        """Code ``docs`` with the pipeline (or ``options.workers`` processes) and store them."""
        self._writable()
        return ingest_documents(self.con, docs, options or IngestOptions(), command=command,
                                progress=progress, pipeline=pipeline)

    def add_coded(self, docs: Iterable[Document], *, recode: bool = False, keep_text: bool = False,
                  command: str = "add-coded") -> IngestSummary:
        """Store documents that were already coded elsewhere (e.g. on Ray workers)."""
        self._writable()
        options = IngestOptions(recode=recode, keep_text=keep_text)
        return ingest_documents(self.con, docs, options, command=command, pipeline=_identity)  # type: ignore[arg-type]

    def ingest_parquet(self, directory: str | os.PathLike[str], *, progress: Progress | None = None,
                       command: str = "ingest --from-parquet") -> IngestSummary:
        """Load the output of ``dragoman batch`` (Parquet) with the normal write path (clusters included)."""
        from dragoman.store.parquet import ingest_parquet

        self._writable()
        return ingest_parquet(self.con, directory, command=command, progress=progress)

    # -------------------------------------------------------------- reading
    def query_events(self, filters: EventFilter | None = None, order: str = "-date", limit: int = 50,
                     cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of events and the cursor of the next page (None at the end). The cursor holds the
        last row's sort keys and id (keyset), so pages neither skip nor repeat events, even when the
        store changes between pages."""
        filters = filters or EventFilter()
        if order not in EVENT_ORDERS:
            raise StoreError(f"unknown order {order!r}; use one of {', '.join(EVENT_ORDERS)}", code="E307")
        where, params = filters.where("e", "events")
        return self._page("e.*", "events e", where, params, f"events:{order}",
                          [*EVENT_ORDERS[order], ("e.event_id", "str", "ASC")], limit, cursor)

    def count_events(self, filters: EventFilter | None = None) -> int:
        where, params = (filters or EventFilter()).where("e", "events")
        return self.con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]

    def query_mentions(self, filters: EventFilter | None = None, limit: int = 50,
                       cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of mentions (newest event date first) and the keyset cursor of the next page."""
        where, params = (filters or EventFilter()).where("m", "mentions")
        return self._page("m.*, d.url, d.site, d.pub_date, d.title",
                          "mentions m JOIN documents d ON d.doc_id = m.doc_id", where, params, "mentions",
                          [*MENTION_ORDER, ("m.mention_id", "str", "ASC")], limit, cursor)

    def _page(self, columns: str, source: str, where: str, params: list[Any], name: str,
              terms: list[tuple[str, str, str]], limit: int, cursor: str | None
              ) -> tuple[list[dict[str, Any]], str | None]:
        """``limit`` rows after ``cursor`` in the order of ``terms`` (the last one unique)."""
        if limit < 1:
            raise StoreError(f"limit must be at least 1 (got {limit})", code="E307")
        after, after_params = "TRUE", []
        if cursor:
            keys = decode_keys(cursor, name, [kind for _, kind, _ in terms])
            after, after_params = keyset_after([(expr, d) for expr, _, d in terms], keys)
        key_columns = ", ".join(f"{expr} AS _key{i}" for i, (expr, _, _) in enumerate(terms))
        order_by = ", ".join(f"{expr} {d}" for expr, _, d in terms)
        rows = rows_to_dicts(self.con.execute(
            f"SELECT {columns}, {key_columns} FROM {source} WHERE {where} AND {after} "
            f"ORDER BY {order_by} LIMIT ?", [*params, *after_params, limit + 1]))
        keys = [[row.pop(f"_key{i}") for i in range(len(terms))] for row in rows[:limit]]
        return rows[:limit], (encode_keys(name, keys[-1]) if len(rows) > limit else None)

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its mentions (each with its document's url, site, title, pub_date)."""
        rows = rows_to_dicts(self.con.execute("SELECT * FROM events WHERE event_id = ?", [event_id]))
        if not rows:
            return None
        event = rows[0]
        event["mentions"] = rows_to_dicts(self.con.execute(
            "SELECT m.*, d.url, d.site, d.title, d.pub_date, d.source FROM mentions m JOIN documents d "
            "ON d.doc_id = m.doc_id WHERE m.event_id = ? ORDER BY m.confidence DESC, m.mention_id",
            [event_id]))
        return event

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        """One document with its mentions and errors."""
        rows = rows_to_dicts(self.con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id]))
        if not rows:
            return None
        doc = rows[0]
        doc["mentions"] = rows_to_dicts(self.con.execute(
            "SELECT * FROM mentions WHERE doc_id = ? ORDER BY mention_index", [doc_id]))
        doc["errors"] = rows_to_dicts(self.con.execute(
            "SELECT * FROM errors WHERE doc_id = ? ORDER BY \"at\"", [doc_id]))
        return doc

    def actors(self, prefix: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Actors by number of mentions; ``prefix`` matches the start of code or name (case-insensitive)."""
        if prefix:
            cur = self.con.execute(
                "SELECT * FROM actors WHERE starts_with(lower(code), lower(?)) OR starts_with(lower(name), "
                "lower(?)) ORDER BY num_mentions DESC, actor_key LIMIT ?", [prefix, prefix, limit])
        else:
            cur = self.con.execute("SELECT * FROM actors ORDER BY num_mentions DESC, actor_key LIMIT ?", [limit])
        return rows_to_dicts(cur)

    def errors(self, limit: int = 100) -> list[dict[str, Any]]:
        return rows_to_dicts(self.con.execute("SELECT * FROM errors ORDER BY \"at\" DESC LIMIT ?", [limit]))

    def runs(self) -> list[dict[str, Any]]:
        return rows_to_dicts(self.con.execute("SELECT * FROM runs ORDER BY run_id"))

    def stats(self) -> dict[str, Any]:
        q = self.con.execute
        out: dict[str, Any] = {"schema_version": self.schema_version}
        for table in ("documents", "mentions", "events", "actors", "errors", "runs"):
            out[table] = q(f"SELECT count(*) FROM {table}").fetchone()[0]  # table names are ours
        out["documents_by_status"] = dict(q("SELECT status, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall())
        out["documents_by_lang"] = dict(q("SELECT coalesce(lang, '?'), count(*) FROM documents GROUP BY 1 "
                                          "ORDER BY 1").fetchall())
        out["events_by_type"] = dict(q("SELECT type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
        lo, hi = q("SELECT min(date), max(date) FROM events").fetchone()
        out["date_min"], out["date_max"] = lo, hi
        return out

    def dyads(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Dyad-period aggregates; see ``dragoman.store.aggregate.dyads``."""
        from dragoman.store.aggregate import dyads

        return dyads(self.con, **kwargs)

    def export(self, out: Any, fmt: str = "jsonl", **kwargs: Any) -> int:
        """Write events/mentions to a path or text stream; see ``dragoman.store.export.export``."""
        from dragoman.store.export import export

        return export(self.con, out, fmt, **kwargs)

    def sql(self, query: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        """Run a query; on a read-only store only SELECT statements run (``check_read_only_sql``)."""
        if self.read_only:
            check_read_only_sql(query)
        cur = self.con.execute(query, params or [])
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()


def check_read_only_sql(query: str) -> None:
    """Refuse anything but SELECT (``duckdb.InvalidInputException``, as DuckDB refuses a DELETE): a
    read-only DuckDB connection still runs COPY ... TO, EXPORT DATABASE, INSTALL/LOAD, ATTACH and
    CREATE SECRET, which write files or download code."""
    for st in duckdb.extract_statements(query):  # a syntax error raises duckdb.ParserException
        if st.type != duckdb.StatementType.SELECT:
            raise duckdb.InvalidInputException(
                f"read-only query: {st.type.name} statements are refused (only SELECT, DESCRIBE, SHOW, "
                "SUMMARIZE); nothing was run")
