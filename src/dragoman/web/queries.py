"""Read access to the store for the web app: one read-only DuckDB connection,
a cursor per query, parameterised SQL only, and a small cache for counts/facets.

Writes (ingest from the coder page or ``POST /api/documents``) close the
read-only connection, let the store write through a short read-write
connection, then reopen read-only (DuckDB will not mix both modes on one file
in one process).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from dragoman.errors import StoreError
from dragoman.store.filters import EventFilter, after_cursor, encode_cursor, like_pattern, order_by, sort_expr
from dragoman.web.errors import NotFound, Unavailable
from dragoman.web.filters import Page

JSON_COLUMNS = ("actor", "recipient", "location", "evidence", "reported_by", "meta", "options")
LIST_COLUMNS = (
    "event_id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein", "actor", "recipient",
    "actor_codes", "recipient_codes", "actor_countries", "recipient_countries", "date", "date_precision",
    "location_name", "location_country", "lat", "lon", "status", "confidence", "num_mentions",
    "num_sources", "num_articles", "best_mention_id", "source_urls",
)
EXPORT_COLUMNS = (
    "event_id", "date", "date_precision", "type", "mode", "contexts", "quad_class", "cameo", "goldstein",
    "actor_codes", "actor_countries", "actor_names", "recipient_codes", "recipient_countries",
    "recipient_names", "location_name", "location_country", "lat", "lon", "geonameid", "status",
    "confidence", "num_mentions", "num_sources", "num_articles", "first_seen", "last_seen", "source_urls",
)
PERIODS = ("day", "week", "month", "quarter", "year")


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """JSON columns come back from DuckDB as strings: parse them; dates to ISO strings."""
    out = {}
    for key, value in row.items():
        if key in JSON_COLUMNS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        out[key] = jsonable(value)
    return out


def _connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        from dragoman.store.db import connect  # the store's opener: version check, lock messages
    except ImportError:  # pragma: no cover - the store package is part of dragoman
        connect = None
    try:
        if connect is not None:
            return connect(path, read_only=True)
        return duckdb.connect(str(path), read_only=True)
    except StoreError as err:
        raise Unavailable(str(err), code="E430") from err
    except duckdb.Error as err:
        raise Unavailable(f"cannot open database {path}: {err}", code="E430") from err


class Database:
    """The web app's handle on one store file."""

    def __init__(self, path: str | os.PathLike[str], *, cache_size: int = 256, idle_close: float | None = 10.0):
        self.path = Path(path)
        # DuckDB lets no other process write while we hold the file open (even read-only), so the
        # connection is closed after ``idle_close`` seconds without requests: `dragoman ingest` can
        # then run next to a server that nobody is browsing.
        self.idle_close = idle_close
        self._timer: threading.Timer | None = None
        self._last_used = 0.0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_size = cache_size
        self._columns: dict[str, set[str]] = {}

    # -- connection handling -------------------------------------------------
    def _file_stamp(self) -> tuple:
        try:
            st = self.path.stat()
        except OSError:
            return (None,)
        wal = self.path.with_name(self.path.name + ".wal")
        wal_m = wal.stat().st_mtime_ns if wal.exists() else 0
        return (st.st_mtime_ns, st.st_size, wal_m)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            if self._con is None:
                self._con = _connect_read_only(self.path)
                self._columns.clear()
            self._readers += 1
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()
            with self._cond:
                self._readers -= 1
                self._last_used = time.monotonic()
                self._cond.notify_all()
                if self.idle_close is not None and self._timer is None:
                    self._timer = threading.Timer(self.idle_close, self._close_if_idle)
                    self._timer.daemon = True
                    self._timer.start()

    def _close_if_idle(self) -> None:
        with self._cond:
            self._timer = None
            if self._con is None or self.idle_close is None:
                return
            idle = time.monotonic() - self._last_used
            if self._readers == 0 and not self._writing and idle >= self.idle_close:
                self._con.close()
                self._con = None
                return
            # Used meanwhile: look again when the idle period could be over.
            self._timer = threading.Timer(max(self.idle_close - idle, 0.05), self._close_if_idle)
            self._timer.daemon = True
            self._timer.start()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive section: the read-only connection is closed while the store writes."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._writing = True
            while self._readers:
                self._cond.wait()
            if self._con is not None:
                self._con.close()
                self._con = None
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cache.clear()
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._con is not None:
                self._con.close()
                self._con = None

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            try:
                res = cur.execute(sql, params or [])
                cols = [d[0] for d in res.description]
                return [dict(zip(cols, row, strict=True)) for row in res.fetchall()]
            except duckdb.CatalogException as err:
                raise Unavailable(f"database {self.path} lacks a table or column the web app needs: {err}",
                                  code="E431") from err

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Memoise per database state: the key includes the file stamp, so outside writes invalidate."""
        full = (self._file_stamp(), *key)
        with self._cond:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = compute()
        with self._cond:
            self._cache[full] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    def has_column(self, table: str, column: str) -> bool:
        if table not in self._columns:
            cols = self.rows("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])
            self._columns[table] = {r["column_name"] for r in cols}
        return column in self._columns[table]

    def where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        return flt.where("", languages_column=self.has_column("events", "languages"))

    # -- events --------------------------------------------------------------
    def list_events(self, flt: EventFilter, page: Page, *, use_offset: bool = False
                    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of events; returns (rows, next_cursor)."""
        expr = sort_expr(page.sort)
        where, params = self.where(flt)
        after, after_params = after_cursor(page.sort, page.order, None if use_offset else page.cursor)
        conds = f"{where} AND {after}" if after_params else where
        params = [*params, *after_params]
        ordering = order_by(page.sort, page.order, key="_sortkey")
        offset = (page.page - 1) * page.limit if use_offset else 0
        if offset == 0:
            # First pages and cursor pages: DuckDB's top-N (with late materialisation) is fastest.
            rows = self.rows(f"SELECT {', '.join(LIST_COLUMNS)}, {expr} AS _sortkey FROM events "
                             f"WHERE {conds} ORDER BY {ordering} LIMIT ?", [*params, page.limit + 1])
            more = len(rows) > page.limit
            rows = rows[: page.limit]
            last = rows[-1] if rows else None
        else:
            # Deep pages: sort a narrow projection (key + id), then fetch the page's wide rows by id.
            keys = self.rows(f"SELECT event_id, {expr} AS _sortkey FROM events WHERE {conds} "
                             f"ORDER BY {ordering} LIMIT ? OFFSET ?",
                             [*params, page.limit + 1, offset])
            more = len(keys) > page.limit
            keys = keys[: page.limit]
            last = keys[-1] if keys else None
            rows = []
            if keys:
                ids = [k["event_id"] for k in keys]
                # One list parameter: a long IN (?, ?, ...) list is far slower in DuckDB.
                wide = self.rows(f"SELECT {', '.join(LIST_COLUMNS)} FROM events WHERE event_id IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [ids])
                by_id = {r["event_id"]: r for r in wide}
                rows = [by_id[i] for i in ids if i in by_id]
        next_cursor = encode_cursor(page.sort, last["_sortkey"], last["event_id"]) if more and last else None
        self._attach_sentences(rows)
        out = []
        for row in rows:
            row.pop("_sortkey", None)
            out.append(decode_row(row))
        return out, next_cursor

    def _attach_sentences(self, rows: list[dict[str, Any]]) -> None:
        ids = [r["best_mention_id"] for r in rows if r.get("best_mention_id")]
        if not ids:
            return
        found = self.rows(
            "SELECT mention_id, sentence FROM mentions WHERE mention_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        by_id = {r["mention_id"]: r["sentence"] for r in found}
        for r in rows:
            r["sentence"] = by_id.get(r.get("best_mention_id"))

    def facets(self, flt: EventFilter, top: int = 12) -> dict[str, list[tuple[Any, int]]]:
        """Counts per type, quad class, status, actor/recipient country and language, plus the total.

        One query: when the filter needs a scan of the mentions (free text), the matching events
        are materialised once and every facet reads them.
        """
        where, params = self.where(flt)
        materialise = bool(flt.text) or (bool(flt.lang) and not self.has_column("events", "languages"))
        if materialise:
            prefix, src, cond, branch_params = (f"WITH f AS MATERIALIZED (SELECT * FROM events WHERE {where}) ",
                                                "f", "TRUE", [])
            head_params = params
        else:
            prefix, src, cond, branch_params, head_params = "", "events", where, params, []
        if self.has_column("events", "languages"):
            lang_branch = f"SELECT 'lang', k, count(*) FROM (SELECT unnest(languages) AS k FROM {src} WHERE {cond}) GROUP BY k"
        else:
            lang_branch = (f"SELECT 'lang', lang, count(DISTINCT event_id) FROM mentions WHERE event_id IN "
                           f"(SELECT event_id FROM {src} WHERE {cond}) GROUP BY lang")
        branches = [
            f"SELECT 'type' AS facet, type AS k, count(*) AS n FROM {src} WHERE {cond} GROUP BY type",
            f"SELECT 'quad', CAST(quad_class AS VARCHAR), count(*) FROM {src} WHERE {cond} GROUP BY quad_class",
            f"SELECT 'status', status, count(*) FROM {src} WHERE {cond} GROUP BY status",
            f"SELECT 'actor_country', k, count(*) FROM (SELECT unnest(actor_countries) AS k FROM {src} "
            f"WHERE {cond}) GROUP BY k",
            f"SELECT 'recipient_country', k, count(*) FROM (SELECT unnest(recipient_countries) AS k FROM {src} "
            f"WHERE {cond}) GROUP BY k",
            lang_branch,
            f"SELECT 'total', NULL, count(*) FROM {src} WHERE {cond}",
        ]
        sql = prefix + " UNION ALL ".join(branches)

        def compute() -> dict[str, list[tuple[Any, int]]]:
            rows = self.rows(sql, head_params + branch_params * len(branches))
            out: dict[str, list[tuple[Any, int]]] = {k: [] for k in
                                                      ("type", "quad", "status", "actor_country",
                                                       "recipient_country", "lang", "total")}
            for r in rows:
                if r["k"] is not None or r["facet"] == "total":
                    out[r["facet"]].append((int(r["k"]) if r["facet"] == "quad" else r["k"], int(r["n"])))
            for key, values in out.items():
                values.sort(key=lambda kv: (-kv[1], str(kv[0])))
                if key in ("actor_country", "recipient_country"):
                    del values[top:]
            return out

        return self.cached(("facets", flt.key(), top), compute)

    def count_events(self, flt: EventFilter) -> int:
        return self.facets(flt)["total"][0][1]

    def _export_schema(self) -> list[tuple[str, str, Any]]:
        try:
            from dragoman.store.export import EVENT_SCHEMA
        except ImportError:  # pragma: no cover - the store is part of dragoman
            EVENT_SCHEMA = [(c, f"e.{c}", None) for c in EXPORT_COLUMNS]
        # Columns a version-1 store lacks are left out rather than failing the download.
        return [(n, x, t) for n, x, t in EVENT_SCHEMA if not x.startswith("e.") or self.has_column("events", x[2:])]

    def _export_sql(self, flt: EventFilter, page: Page, columns: list[str]) -> tuple[str, list[Any]]:
        where, params = flt.where("e", languages_column=self.has_column("events", "languages"))
        return (f"SELECT {', '.join(columns)} FROM events e "
                f"LEFT JOIN mentions b ON b.mention_id = e.best_mention_id WHERE {where} "
                f"ORDER BY {order_by(page.sort, page.order, 'e')}"), params

    def export_table(self, flt: EventFilter, page: Page) -> Any:
        """The selection in the store's typed events export schema (same columns as ``dragoman export``)."""
        import pyarrow as pa

        schema = self._export_schema()
        sql, params = self._export_sql(flt, page, [f"{x} AS {n}" for n, x, _ in schema])
        with self.cursor() as cur:
            table = cur.sql(sql, params=params).to_arrow_table()
        if all(t is not None for _, _, t in schema):
            table = table.cast(pa.schema([pa.field(n, t) for n, _, t in schema]))
        return table

    def iter_export_text(self, flt: EventFilter, page: Page, fmt: str, batch: int = 5000) -> Iterator[str]:
        """CSV or JSONL text chunks, formatted by DuckDB (Python per-row formatting is far slower).

        Same conventions as ``dragoman export``: in JSONL the JSON columns are nested objects,
        in CSV lists are JSON arrays and objects JSON text.
        """
        import pyarrow as pa
        import pyarrow.csv as pacsv

        schema = self._export_schema()
        if fmt == "jsonl":
            cols = [f"{x.replace('CAST(', '').replace(' AS VARCHAR)', '') if 'AS VARCHAR' in x else x} AS {n}"
                    for n, x, _ in schema]
            sql, params = self._export_sql(flt, page, cols)
            sql = f"SELECT to_json(x)::VARCHAR AS line FROM ({sql}) AS x"
            with self.cursor() as cur:
                res = cur.execute(sql, params)
                while True:
                    rows = res.fetchmany(batch)
                    if not rows:
                        return
                    yield "".join(r[0] + "\n" for r in rows)
        cols = [f"to_json({x})::VARCHAR AS {n}" if isinstance(t, pa.ListType) else f"{x} AS {n}"
                for n, x, t in schema]
        sql, params = self._export_sql(flt, page, cols)
        with self.cursor() as cur:
            reader = cur.sql(sql, params=params).to_arrow_reader(batch)
            header = True
            for record_batch in reader:
                buf = pa.BufferOutputStream()
                pacsv.write_csv(pa.Table.from_batches([record_batch]), buf,
                                write_options=pacsv.WriteOptions(include_header=header))
                header = False
                yield buf.getvalue().to_pybytes().decode("utf-8")
            if header:  # no row: still give the header
                yield ",".join(f'"{n}"' for n, _, _ in schema) + "\n"

    def get_event(self, event_id: str) -> dict[str, Any]:
        rows = self.rows("SELECT * FROM events WHERE event_id = ?", [event_id])
        if not rows:
            raise NotFound("event", event_id)
        event = decode_row(rows[0])
        mentions = self.rows(
            "SELECT m.*, d.title AS doc_title, d.url AS doc_url, d.site AS doc_site, d.pub_date AS doc_pub_date "
            "FROM mentions m LEFT JOIN documents d USING (doc_id) WHERE m.event_id = ? "
            "ORDER BY d.pub_date NULLS LAST, m.mention_id", [event_id])
        event["mentions"] = [decode_row(m) for m in mentions]
        return event

    def get_document(self, doc_id: str) -> dict[str, Any]:
        rows = self.rows("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        if not rows:
            raise NotFound("document", doc_id)
        doc = decode_row(rows[0])
        order = "mention_index NULLS LAST, " if self.has_column("mentions", "mention_index") else ""
        mentions = self.rows(f"SELECT * FROM mentions WHERE doc_id = ? ORDER BY {order}mention_id", [doc_id])
        doc["mentions"] = [decode_row(m) for m in mentions]
        errors = self.rows('SELECT stage, code, message FROM errors WHERE doc_id = ? ORDER BY "at"', [doc_id])
        doc["errors"] = [decode_row(e) for e in errors]
        return doc

    # -- aggregates ------------------------------------------------------------
    @staticmethod
    def _actor_cond(value: str, side: str) -> str:
        col = f"{side}_countries" if len(value) == 3 else f"{side}_codes"
        return f"list_contains({col}, ?)"

    def dyad_series(self, a: str, b: str, period: str, flt: EventFilter, both: bool = False
                    ) -> dict[str, Any]:
        where, params = self.where(flt)
        pair = f"({self._actor_cond(a, 'actor')} AND {self._actor_cond(b, 'recipient')})"
        pair_params: list[Any] = [a, b]
        if both:
            pair = f"({pair} OR ({self._actor_cond(b, 'actor')} AND {self._actor_cond(a, 'recipient')}))"
            pair_params += [b, a]
        cond = f"{where} AND {pair} AND date IS NOT NULL"
        all_params = [*params, *pair_params]

        def compute() -> dict[str, Any]:
            series = self.rows(
                f"SELECT date_trunc(?, date)::DATE AS bucket, quad_class, count(*) AS n, sum(goldstein) AS gsum "
                f"FROM events WHERE {cond} GROUP BY 1, 2 ORDER BY 1, 2", [period, *all_params])
            by_type = self.rows(
                f"SELECT date_trunc(?, date)::DATE AS bucket, type, count(*) AS n FROM events WHERE {cond} "
                f"GROUP BY 1, 2 ORDER BY 1, 2", [period, *all_params])
            buckets: dict[str, dict[str, Any]] = {}
            for r in series:
                key = r["bucket"].isoformat()
                slot = buckets.setdefault(key, {"period": key, "count": 0, "goldstein_sum": 0.0,
                                                "quad": {1: 0, 2: 0, 3: 0, 4: 0}, "types": {}})
                slot["count"] += r["n"]
                slot["goldstein_sum"] += r["gsum"] or 0.0
                if r["quad_class"] in slot["quad"]:
                    slot["quad"][r["quad_class"]] += r["n"]
            for r in by_type:
                buckets[r["bucket"].isoformat()]["types"][r["type"]] = r["n"]
            out = []
            for slot in buckets.values():
                slot["goldstein_mean"] = round(slot["goldstein_sum"] / slot["count"], 3) if slot["count"] else None
                slot["goldstein_sum"] = round(slot["goldstein_sum"], 3)
                slot["quad"] = {str(k): v for k, v in slot["quad"].items()}
                out.append(slot)
            return {"actor": a, "recipient": b, "period": period, "both_directions": both, "series": out}

        return self.cached(("dyad", a, b, period, both, flt.key()), compute)

    def _pair_counts(self, flt: EventFilter, acol: str, rcol: str, limit: int, digits: int
                     ) -> list[tuple[str, str, int, float | None]]:
        """(actor, recipient, events, mean Goldstein rounded to ``digits``) of the busiest directed pairs
        of an ``acol`` value and an ``rcol`` value of the same event (never a value with itself)."""
        where, params = self.where(flt)
        rows = self.rows(
            f"SELECT a, r, count(*) AS n, round(avg(goldstein), {int(digits)}) AS g "
            f"FROM (SELECT a, unnest(rc) AS r, goldstein FROM (SELECT unnest({acol}) AS a, {rcol} AS rc, "
            f"goldstein FROM events WHERE {where})) WHERE a IS NOT NULL AND r IS NOT NULL AND a <> r "
            "GROUP BY 1, 2 ORDER BY n DESC, a, r LIMIT ?", [*params, limit])
        return [(r["a"], r["r"], r["n"], r["g"]) for r in rows]

    def top_dyads(self, flt: EventFilter, limit: int = 50) -> list[dict[str, Any]]:
        def compute() -> list[dict[str, Any]]:
            return [{"actor": a, "recipient": r, "events": n, "goldstein_mean": g}
                    for a, r, n, g in self._pair_counts(flt, "actor_countries", "recipient_countries", limit, 3)]

        return self.cached(("topdyads", flt.key(), limit), compute)

    def network(self, flt: EventFilter, limit: int = 60, level: str = "country") -> list[dict[str, Any]]:
        acol, rcol = ("actor_countries", "recipient_countries") if level == "country" else \
            ("actor_codes", "recipient_codes")

        def compute() -> list[dict[str, Any]]:
            return [{"source": a, "target": r, "weight": n, "goldstein": g}
                    for a, r, n, g in self._pair_counts(flt, acol, rcol, limit, 2)]

        return self.cached(("network", flt.key(), limit, level), compute)

    def map_points(self, flt: EventFilter, limit: int = 2000) -> list[dict[str, Any]]:
        where, params = self.where(flt)

        def compute() -> list[dict[str, Any]]:
            return self.rows(
                "SELECT round(lat, 1) AS lat, round(lon, 1) AS lon, any_value(location_name) AS name, "
                "any_value(location_country) AS country, count(*) AS events, round(avg(goldstein), 2) AS goldstein "
                f"FROM events WHERE {where} AND lat IS NOT NULL AND lon IS NOT NULL "
                "GROUP BY 1, 2 ORDER BY events DESC LIMIT ?", [*params, limit])

        return self.cached(("map", flt.key(), limit), compute)

    def country_counts(self, flt: EventFilter) -> dict[str, int]:
        where, params = self.where(flt)

        def compute() -> dict[str, int]:
            rows = self.rows(f"SELECT location_country AS k, count(*) AS n FROM events WHERE {where} "
                             "AND location_country IS NOT NULL GROUP BY 1", params)
            return {r["k"]: r["n"] for r in rows}

        return self.cached(("countries", flt.key()), compute)

    def actors(self, q: str | None, country: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        conds, params = ["TRUE"], []
        if q:
            conds.append("(name ILIKE ? ESCAPE '\\' OR code ILIKE ? ESCAPE '\\')")
            params += [like_pattern(q), like_pattern(q)]
        if country:
            conds.append("country = ?")
            params.append(country)
        return self.rows(f"SELECT * FROM actors WHERE {' AND '.join(conds)} "
                         "ORDER BY num_mentions DESC NULLS LAST, actor_key LIMIT ? OFFSET ?",
                         [*params, limit, offset])

    def stats(self) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            out: dict[str, Any] = {}
            for table in ("documents", "mentions", "events", "actors"):
                out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
            row = self.rows("SELECT min(date) AS first, max(date) AS last FROM events")[0]
            out["date_range"] = [jsonable(row["first"]), jsonable(row["last"])]
            out["by_type"] = {r["type"]: r["n"] for r in self.rows(
                "SELECT type, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC")}
            out["by_quad_class"] = {str(r["q"]): r["n"] for r in self.rows(
                "SELECT quad_class AS q, count(*) AS n FROM events GROUP BY 1 ORDER BY 1")}
            out["by_language"] = {r["lang"]: r["n"] for r in self.rows(
                "SELECT lang, count(*) AS n FROM documents WHERE lang IS NOT NULL GROUP BY 1 ORDER BY n DESC")}
            out["documents_by_status"] = {r["status"]: r["n"] for r in self.rows(
                "SELECT status, count(*) AS n FROM documents WHERE status IS NOT NULL GROUP BY 1")}
            runs = self.rows("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1")
            out["last_run"] = decode_row(runs[0]) if runs else None
            meta = self.rows("SELECT key, value FROM meta")
            out["meta"] = {r["key"]: r["value"] for r in meta}
            return out

        return self.cached(("stats",), compute)
