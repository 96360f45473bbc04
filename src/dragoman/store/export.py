"""Exports: one typed schema for JSONL, CSV and Parquet (mentions or events), plus the
GDELT 2.0 events layout (61 columns, no header) and POLECAT's TSV columns.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dragoman import __version__
from dragoman.errors import StoreError
from dragoman.store.filters import EventFilter

FORMATS = ("jsonl", "csv", "parquet", "gdelt", "polecat")
_S, _L = pa.string(), pa.list_(pa.string())

# The typed schemas (column, SQL expression, Arrow type). JSON columns are JSON text in CSV and
# Parquet and nested objects in JSONL; lists are JSON arrays in CSV.
MENTION_SCHEMA: list[tuple[str, str, pa.DataType]] = [
    ("mention_id", "m.mention_id", _S), ("event_id", "m.event_id", _S), ("doc_id", "m.doc_id", _S),
    ("type", "m.type", _S), ("mode", "m.mode", _S), ("contexts", "m.contexts", _L), ("cameo", "m.cameo", _S),
    ("quad_class", "CAST(m.quad_class AS INTEGER)", pa.int32()), ("goldstein", "m.goldstein", pa.float64()),
    ("actor_codes", "m.actor_codes", _L), ("actor_countries", "m.actor_countries", _L),
    ("actor_names", "m.actor_names", _L), ("recipient_codes", "m.recipient_codes", _L),
    ("recipient_countries", "m.recipient_countries", _L), ("recipient_names", "m.recipient_names", _L),
    ("actor", "CAST(m.actor AS VARCHAR)", _S), ("recipient", "CAST(m.recipient AS VARCHAR)", _S),
    ("date", "m.date", pa.date32()), ("date_precision", "m.date_precision", _S), ("date_text", "m.date_text", _S),
    ("location_name", "m.location_name", _S), ("location_country", "m.location_country", _S),
    ("lat", "m.lat", pa.float64()), ("lon", "m.lon", pa.float64()), ("geonameid", "m.geonameid", pa.int64()),
    ("location", "CAST(m.location AS VARCHAR)", _S),
    ("status", "m.status", _S), ("confidence", "m.confidence", pa.float64()), ("lang", "m.lang", _S),
    ("sentence", "m.sentence", _S), ("evidence", "CAST(m.evidence AS VARCHAR)", _S),
    ("url", "d.url", _S), ("site", "d.site", _S), ("title", "d.title", _S), ("pub_date", "d.pub_date", pa.date32()),
    ("source", "d.source", _S), ("version", "m.version", _S), ("run_id", "m.run_id", pa.int32()),
    # Order within the document and "X said that" sources: what a lossless reload needs (dragoman batch).
    ("mention_index", "m.mention_index", pa.int32()), ("reported_by", "CAST(m.reported_by AS VARCHAR)", _S),
]
# One row per stored document (``export --level documents``; the documents dataset of ``dragoman batch``).
DOCUMENT_SCHEMA: list[tuple[str, str, pa.DataType]] = [
    ("doc_id", "d.doc_id", _S), ("input_id", "d.input_id", _S), ("text_hash", "d.text_hash", _S),
    ("fingerprint", "d.fingerprint", _S), ("url", "d.url", _S), ("site", "d.site", _S), ("source", "d.source", _S),
    ("title", "d.title", _S), ("lang", "d.lang", _S), ("pub_date", "d.pub_date", pa.date32()),
    ("input_format", "d.input_format", _S), ("num_chars", "d.num_chars", pa.int32()),
    ("num_events", "d.num_events", pa.int32()), ("status", "d.status", _S), ("skip_reason", "d.skip_reason", _S),
    ("num_errors", "d.num_errors", pa.int32()), ("meta", "CAST(d.meta AS VARCHAR)", _S),
    ("ingested_at", "d.ingested_at", pa.timestamp("us")), ("run_id", "d.run_id", pa.int32()), ("text", "d.text", _S),
]
EVENT_SCHEMA: list[tuple[str, str, pa.DataType]] = [
    ("event_id", "e.event_id", _S), ("type", "e.type", _S), ("mode", "e.mode", _S), ("contexts", "e.contexts", _L),
    ("cameo", "e.cameo", _S), ("quad_class", "CAST(e.quad_class AS INTEGER)", pa.int32()),
    ("goldstein", "e.goldstein", pa.float64()),
    ("actor_codes", "e.actor_codes", _L), ("actor_countries", "e.actor_countries", _L),
    ("actor_names", "e.actor_names", _L), ("recipient_codes", "e.recipient_codes", _L),
    ("recipient_countries", "e.recipient_countries", _L), ("recipient_names", "e.recipient_names", _L),
    ("actor", "CAST(e.actor AS VARCHAR)", _S), ("recipient", "CAST(e.recipient AS VARCHAR)", _S),
    ("date", "e.date", pa.date32()), ("date_precision", "e.date_precision", _S),
    ("location_name", "e.location_name", _S), ("location_country", "e.location_country", _S),
    ("lat", "e.lat", pa.float64()), ("lon", "e.lon", pa.float64()), ("geonameid", "e.geonameid", pa.int64()),
    ("location", "CAST(e.location AS VARCHAR)", _S),
    ("status", "e.status", _S), ("confidence", "e.confidence", pa.float64()),
    ("num_mentions", "e.num_mentions", pa.int32()), ("num_sources", "e.num_sources", pa.int32()),
    ("num_articles", "e.num_articles", pa.int32()),
    ("first_seen", "e.first_seen", pa.timestamp("us")), ("last_seen", "e.last_seen", pa.timestamp("us")),
    ("languages", "e.languages", _L), ("source_urls", "e.source_urls", _L),
    ("best_mention_id", "e.best_mention_id", _S), ("sentence", "b.sentence", _S),
]
_JSON_FIELDS = {"actor", "recipient", "location", "evidence", "reported_by", "meta"}

GDELT_COLUMNS = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor{n}{f}" for n in (1, 2) for f in ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
                                                 "Religion1Code", "Religion2Code", "Type1Code", "Type2Code",
                                                 "Type3Code")]
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + [f"{g}_{f}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")
       for f in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")]
    + ["DATEADDED", "SOURCEURL"]
)
assert len(GDELT_COLUMNS) == 61

_PART = ("Name", "Country", "COW", "Primary {} Sector", "{} Sectors", "{} Title", "{} Name Raw",
         "Wikipedia {} ID")
POLECAT_COLUMNS = (
    ["Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts"]
    + [(p.format(side) if "{}" in p else f"{side} {p}") for side in ("Actor", "Recipient") for p in _PART]
    + ["Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
       "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
       "Story Locations", "Language", "Version"]
)


def _select(level: str, filters: EventFilter) -> tuple[str, list, list[tuple[str, str, pa.DataType]]]:
    if level == "mentions":
        schema = MENTION_SCHEMA
        where, params = filters.where("m", "mentions")
        sql = (f"SELECT {', '.join(f'{expr} AS {name}' for name, expr, _ in schema)} FROM mentions m "
               f"JOIN documents d ON d.doc_id = m.doc_id WHERE {where} ORDER BY m.date NULLS LAST, m.mention_id")
    elif level == "events":
        schema = EVENT_SCHEMA
        where, params = filters.where("e", "events")
        sql = (f"SELECT {', '.join(f'{expr} AS {name}' for name, expr, _ in schema)} FROM events e "
               f"LEFT JOIN mentions b ON b.mention_id = e.best_mention_id WHERE {where} "
               "ORDER BY e.date NULLS LAST, e.event_id")
    elif level == "documents":
        schema = DOCUMENT_SCHEMA
        if not filters.is_empty():
            raise StoreError("filters apply to events and mentions, not to documents", code="E307")
        sql, params = (f"SELECT {', '.join(f'{expr} AS {name}' for name, expr, _ in schema)} FROM documents d "
                       "ORDER BY d.pub_date NULLS LAST, d.doc_id"), []
    else:
        raise StoreError(f"unknown level {level!r}; use events, mentions or documents", code="E307")
    return sql, params, schema


def arrow_schema(level: str) -> pa.Schema:
    """The typed Arrow schema of an export level (mentions, events, documents)."""
    schema = {"mentions": MENTION_SCHEMA, "events": EVENT_SCHEMA, "documents": DOCUMENT_SCHEMA}.get(level)
    if schema is None:
        raise StoreError(f"unknown level {level!r}; use events, mentions or documents", code="E307")
    return pa.schema([pa.field(name, typ) for name, _, typ in schema])


def arrow_table(con: duckdb.DuckDBPyConnection, level: str = "mentions", filters: EventFilter | None = None,
                explode_dyads: bool = False, limit: int | None = None) -> pa.Table:
    """Rows in the typed schema as an Arrow table (``explode_dyads`` adds dyad_actor/dyad_recipient)."""
    sql, params, schema = _select(level, filters or EventFilter())
    fields = [pa.field(name, typ) for name, _, typ in schema]
    if explode_dyads:
        # One row per (actor code, recipient code); codes fall back to '-' when a side is empty.
        sql = (f"WITH r AS ({sql}), a AS (SELECT *, unnest(CASE WHEN len(actor_codes) = 0 THEN ['-'] "
               "ELSE actor_codes END) AS dyad_actor FROM r) SELECT *, unnest(CASE WHEN len(recipient_codes) "
               "= 0 THEN ['-'] ELSE recipient_codes END) AS dyad_recipient FROM a")
        fields += [pa.field("dyad_actor", _S), pa.field("dyad_recipient", _S)]
    if limit is not None:
        sql = f"SELECT * FROM ({sql}) LIMIT ?"
        params = [*params, limit]
    cur = con.cursor()  # a fresh cursor: the connection may hold an unfinished result
    try:
        table = cur.sql(sql, params=params).to_arrow_table()
    finally:
        cur.close()
    return table.cast(pa.schema(fields))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _open_text(out: str | Path | IO[str]) -> tuple[IO[str], bool]:
    if isinstance(out, (str, Path)):
        if str(out) == "-":
            return sys.stdout, False
        try:
            return open(out, "w", encoding="utf-8", newline=""), True
        except OSError as err:
            raise StoreError(f"cannot write export: {err}", where=str(out), code="E308") from err
    return out, False


def export(con: duckdb.DuckDBPyConnection, out: str | Path | IO[str], fmt: str = "jsonl", *,
           filters: EventFilter | None = None, level: str | None = None, explode_dyads: bool = False,
           limit: int | None = None) -> int:
    """Write the selected rows to ``out`` (a path, "-" for stdout, or a text stream); returns rows written.

    Defaults: mentions for jsonl/csv/parquet/polecat; GDELT is always at the events level.
    """
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}", code="E307")
    filters = filters or EventFilter()
    if fmt == "gdelt":
        if level == "mentions":
            raise StoreError("the GDELT events layout is at the events level (drop --level mentions)", code="E307")
        return _write_rows(out, gdelt_rows(con, filters, explode_dyads, limit), header=None)
    if fmt == "polecat":
        rows = polecat_rows(con, filters, level or "mentions", explode_dyads, limit)
        return _write_rows(out, rows, header=POLECAT_COLUMNS)
    table = arrow_table(con, level or "mentions", filters, explode_dyads, limit)
    if fmt == "parquet":
        if str(out) == "-" or not isinstance(out, (str, Path)):
            raise StoreError("Parquet needs a file path, not stdout", code="E307")
        try:
            pq.write_table(table, str(out))
        except OSError as err:
            raise StoreError(f"cannot write export: {err}", where=str(out), code="E308") from err
        return table.num_rows
    stream, close = _open_text(out)
    try:
        records = table.to_pylist()
        if fmt == "jsonl":
            for rec in records:
                for k in _JSON_FIELDS & rec.keys():
                    if rec[k] is not None:
                        rec[k] = json.loads(rec[k])
                stream.write(json.dumps({k: _plain(v) for k, v in rec.items()}, ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(table.column_names)
            for rec in records:
                writer.writerow(["" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list)
                                 else _plain(v) for v in rec.values()])
    finally:
        if close:
            stream.close()
    return len(records)


def _write_rows(out: str | Path | IO[str], rows: Iterator[list[Any]], header: list[str] | None) -> int:
    stream, close = _open_text(out)
    n = 0
    try:
        if header:
            stream.write("\t".join(header) + "\n")
        for row in rows:
            stream.write("\t".join(_cell(v) for v in row) + "\n")
            n += 1
    finally:
        if close:
            stream.close()
    return n


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    # Tabs and newlines would break the row structure of a TSV.
    return str(_plain(value)).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def gdelt_event_id(event_id: str) -> int:
    """GDELT ids are integers: the first 60 bits of our hash id."""
    return int(event_id.removeprefix("ev")[:15], 16)


def _pairs(actors: list[dict], recipients: list[dict], explode: bool) -> list[tuple[dict | None, dict | None]]:
    if explode:
        return [(a, r) for a in (actors or [None]) for r in (recipients or [None])]
    return [(actors[0] if actors else None, recipients[0] if recipients else None)]


def _gdelt_actor(a: dict | None) -> list[Any]:
    if a is None:
        return [None] * 10
    code = a.get("code")
    known = code[3:] if code and code[:3] in ("IGO", "NGO") and len(code) > 3 else None
    return [code, (a.get("name") or a.get("text") or "").upper() or None, a.get("country"), known,
            None, None, None, a.get("sector"), None, None]


def gdelt_rows(con: duckdb.DuckDBPyConnection, filters: EventFilter, explode: bool,
               limit: int | None) -> Iterator[list[Any]]:
    where, params = filters.where("e", "events")
    sql = ("SELECT e.event_id, e.date, e.actor, e.recipient, e.cameo, e.quad_class, e.goldstein, e.num_mentions, "
           "e.num_sources, e.num_articles, e.location_name, e.location_country, e.lat, e.lon, e.geonameid, "
           "e.location, e.first_seen, e.source_urls, b.evidence, d.url, d.source FROM events e "
           "LEFT JOIN mentions b ON b.mention_id = e.best_mention_id LEFT JOIN documents d ON d.doc_id = b.doc_id "
           f"WHERE {where} ORDER BY e.date NULLS LAST, e.event_id")
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    for r in con.execute(sql, params).fetchall():
        (eid, d, actor, recipient, cameo, quad, gold, nm, ns, na, lname, lcountry, lat, lon, geoid, loc,
         first_seen, urls, evidence, url, source) = r
        actors, recipients = json.loads(actor or "[]"), json.loads(recipient or "[]")
        ev = json.loads(evidence or "[]")
        loc = json.loads(loc) if loc else {}
        fc = (loc or {}).get("feature_class")
        geo_type = None if not (lname or lcountry) else 1 if fc == "A" and not geoid else 4 if fc == "P" else 5 if fc else 4
        action_geo = [geo_type, lname, lcountry, None, None, lat, lon, geoid]
        for a, rcp in _pairs(actors, recipients, explode):
            yield [
                gdelt_event_id(eid), d.strftime("%Y%m%d") if d else None, d.strftime("%Y%m") if d else None,
                d.year if d else None,
                round(d.year + (d.timetuple().tm_yday - 1) / 365, 4) if d else None,
                *_gdelt_actor(a), *_gdelt_actor(rcp),
                1 if ev and ev[0].get("sentence_index") == 0 else 0,
                cameo, cameo[:3] if cameo else None, cameo[:2] if cameo else None, quad, gold, nm, ns, na, None,
                *([None] * 8), *([None] * 8), *action_geo,
                first_seen.strftime("%Y%m%d%H%M%S") if first_seen else None,
                url or (urls[0] if urls else source),
            ]


@lru_cache(maxsize=1)
def _cow_codes() -> dict[str, str]:
    """ISO3 -> Correlates of War number, from data/common/countries.tsv when present."""
    path = resources.files("dragoman") / "data" / "common" / "countries.tsv"
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    if not rows or "iso3" not in rows[0] or "cow" not in rows[0]:
        return {}
    i, c = rows[0].index("iso3"), rows[0].index("cow")
    return {r[i]: r[c] for r in rows[1:] if len(r) > max(i, c) and r[c]}


def _polecat_side(group: list[dict]) -> list[Any]:
    cow = _cow_codes()
    join = "; ".join

    def vals(key: str) -> str:
        return join(str(a.get(key) or "") for a in group) if any(a.get(key) for a in group) else ""

    return [vals("name"), vals("country"), join(cow.get(a.get("country") or "", "") for a in group).strip("; "),
            group[0].get("sector") or "" if group else "", vals("sector"), vals("office"), vals("text"), vals("qid")]


def polecat_rows(con: duckdb.DuckDBPyConnection, filters: EventFilter, level: str, explode: bool,
                 limit: int | None) -> Iterator[list[Any]]:
    if level == "events":
        where, params = filters.where("e", "events")
        sql = ("SELECT e.event_id, e.date, e.type, e.mode, e.goldstein, e.quad_class, e.contexts, e.actor, "
               "e.recipient, e.location, e.location_name, e.location_country, e.lat, e.lon, e.geonameid, "
               "d.url, d.site, d.pub_date, b.lang, b.version FROM events e "
               "LEFT JOIN mentions b ON b.mention_id = e.best_mention_id "
               f"LEFT JOIN documents d ON d.doc_id = b.doc_id WHERE {where} ORDER BY e.date NULLS LAST, e.event_id")
    else:
        where, params = filters.where("m", "mentions")
        sql = ("SELECT m.mention_id, m.date, m.type, m.mode, m.goldstein, m.quad_class, m.contexts, m.actor, "
               "m.recipient, m.location, m.location_name, m.location_country, m.lat, m.lon, m.geonameid, "
               "d.url, d.site, d.pub_date, m.lang, m.version FROM mentions m "
               f"JOIN documents d ON d.doc_id = m.doc_id WHERE {where} ORDER BY m.date NULLS LAST, m.mention_id")
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    for r in con.execute(sql, params).fetchall():
        (rid, d, type_, mode, gold, quad, contexts, actor, recipient, loc, lname, lcountry, lat, lon, geoid,
         url, site, pub, lang, version) = r
        actors, recipients = json.loads(actor or "[]"), json.loads(recipient or "[]")
        loc = json.loads(loc) if loc else {}
        fc = loc.get("feature_class")
        place = [lname, lname if fc == "P" else None, None, None, lcountry, lat, lon, geoid, loc.get("text"), fc]
        pairs = _pairs(actors, recipients, True) if explode else [(None, None)]
        for a, rcp in pairs:
            a_group = [a] if explode and a else ([] if explode else actors)
            r_group = [rcp] if explode and rcp else ([] if explode else recipients)
            yield [rid, d, type_, mode, gold, quad, "; ".join(contexts or []),
                   *_polecat_side(a_group), *_polecat_side(r_group), *place,
                   url or site, pub, None, None, None, lang, version or __version__]


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()
