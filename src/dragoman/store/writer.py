"""The write path: one document (row, mentions, errors, actors, clusters) per transaction.

Everything a document changes commits together, so a process killed at any
moment leaves the store as it was before or after that document, and running
the same command again converges to the same tables.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from dragoman.schema import Actor, Document, Event
from dragoman.store import cluster
from dragoman.store.fingerprint import is_copy


def doc_id_for(text_hash: str) -> str:
    """Store identity of a document: the first 16 hex digits of its text hash."""
    return text_hash[:16]


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    text = str(value)[:10]
    if len(text) == 7:
        text += "-01"
    elif len(text) == 4:
        text += "-01-01"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def site_of(url: str | None, site: str | None) -> str | None:
    if site:
        return site.lower().removeprefix("www.")
    if url:
        host = urlsplit(url).hostname
        if host:
            return host.lower().removeprefix("www.")
    return None


def _actors_json(actors: list[Actor]) -> str:
    return json.dumps([asdict(a) for a in actors], ensure_ascii=False)


def _codes(actors: list[Actor]) -> list[str]:
    return sorted({a.code for a in actors if a.code})


def _countries(actors: list[Actor]) -> list[str]:
    return sorted({a.country for a in actors if a.country})


def _names(actors: list[Actor]) -> list[str]:
    return sorted({a.name or a.text for a in actors if (a.name or a.text)})


MENTION_COLUMNS = (
    "mention_id", "doc_id", "event_id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein",
    "actor", "recipient", "actor_codes", "recipient_codes", "actor_countries", "recipient_countries",
    "actor_names", "recipient_names", "date", "date_precision", "date_text", "location", "location_name",
    "location_country", "lat", "lon", "geonameid", "status", "confidence", "lang", "evidence", "sentence",
    "version", "run_id", "mention_index", "reported_by", "block_key",
)


def mention_row(doc_id: str, index: int, mention_id: str, ev: Event, lang: str | None, run_id: int) -> list[Any]:
    loc = ev.location
    return [
        mention_id, doc_id, None, ev.type, ev.mode, list(ev.contexts or []), ev.cameo, ev.quad_class,
        ev.goldstein, _actors_json(ev.actor), _actors_json(ev.recipient), _codes(ev.actor),
        _codes(ev.recipient), _countries(ev.actor), _countries(ev.recipient), _names(ev.actor),
        _names(ev.recipient), parse_date(ev.date), ev.date_precision, ev.date_text,
        json.dumps(asdict(loc), ensure_ascii=False) if loc else None,
        loc.name or loc.text if loc else None, loc.country if loc else None,
        loc.lat if loc else None, loc.lon if loc else None, loc.geonameid if loc else None,
        ev.status, ev.confidence, ev.lang or lang,
        json.dumps([asdict(e) for e in ev.evidence], ensure_ascii=False),
        ev.evidence[0].sentence if ev.evidence else None,
        ev.version, run_id, index, _actors_json(ev.reported_by),
        cluster.block_key(ev.status, ev.type, ev.actor, ev.recipient),
    ]


def _actor_counts(events: list[Event]) -> Counter[tuple[str, str | None, str | None, str | None, str | None, str | None]]:
    counts: Counter = Counter()
    for ev in events:
        seen = set()
        for a in [*ev.actor, *ev.recipient]:
            key = f"{a.code or ''}|{a.name or a.text or ''}"
            if key in seen:
                continue
            seen.add(key)
            counts[(key, a.name or a.text, a.country, a.sector, a.code, a.qid)] += 1
    return counts


def _update_actors(con: duckdb.DuckDBPyConnection, counts: Counter) -> None:
    """Add signed per-actor mention counts in one upsert; drop actors left with none."""
    rows = [[key, name, country, sector, code, qid, n]
            for (key, name, country, sector, code, qid), n in sorted(counts.items(), key=lambda kv: kv[0][0]) if n]
    _values(con, "INSERT INTO actors", rows,
            "ON CONFLICT (actor_key) DO UPDATE SET num_mentions = actors.num_mentions + excluded.num_mentions, "
            "qid = coalesce(actors.qid, excluded.qid)")
    if any(r[-1] < 0 for r in rows):
        con.execute("DELETE FROM actors WHERE num_mentions <= 0")


def record_error(con: duckdb.DuckDBPyConnection, run_id: int, source: str | None, doc_id: str | None,
                 stage: str, code: str, message: str) -> None:
    """Insert an error row unless the same failure is already recorded (reruns add nothing)."""
    con.execute(
        "INSERT INTO errors SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM errors WHERE "
        "source IS NOT DISTINCT FROM ? AND doc_id IS NOT DISTINCT FROM ? AND stage = ? AND code = ? "
        "AND message = ?)",
        [run_id, datetime.now(), source, doc_id, stage, code, message, source, doc_id, stage, code, message],
    )


def doc_status(doc: Document) -> str:
    if doc.errors:
        return "failed"
    if doc.skipped is not None:
        return "skipped"
    return "coded"


def _values(con: duckdb.DuckDBPyConnection, head: str, rows: list[list[Any]], tail: str = "",
            columns: tuple[str, ...] | None = None) -> None:
    """Insert many rows with one statement.

    With ``columns``, rows travel as an Arrow table (binding hundreds of literal parameters costs
    DuckDB more than the insert itself); otherwise as one multi-row VALUES list.
    """
    if not rows:
        return
    if columns is not None:
        table = pa.Table.from_pydict({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        con.register("_dragoman_rows", table)
        try:
            con.execute(f"{head} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _dragoman_rows {tail}")
        finally:
            con.unregister("_dragoman_rows")
        return
    marks = "(" + ", ".join("?" * len(rows[0])) + ")"
    con.execute(f"{head} VALUES {', '.join([marks] * len(rows))} {tail}", [v for r in rows for v in r])


@dataclass
class Coded:
    """One coded document ready to store, with its identity and fingerprint."""

    doc: Document
    text_hash: str
    fingerprint: str | None


def write_document(con: duckdb.DuckDBPyConnection, doc: Document, *, text_hash: str, fingerprint: str | None,
                   run_id: int, keep_text: bool = False, recode: bool = False) -> tuple[str, int]:
    """Store one coded document in one transaction; returns (outcome, mentions written)."""
    return write_documents(con, [Coded(doc, text_hash, fingerprint)], run_id=run_id, keep_text=keep_text,
                           recode=recode)[0]


def write_documents(con: duckdb.DuckDBPyConnection, items: list[Coded], *, run_id: int, keep_text: bool = False,
                    recode: bool = False) -> list[tuple[str, int]]:
    """Store coded documents in ONE transaction (all of them or none); returns per document
    (outcome, mentions written), outcome being "new", "recoded" or "present" (already stored and
    not ``recode``). Whole documents only: a crash leaves each document fully stored or absent.
    Statements are batched over the documents because DuckDB's per-statement cost dominates.
    """
    ids = [doc_id_for(it.text_hash) for it in items]
    if len(set(ids)) != len(ids):
        raise ValueError("write_documents: the same document twice in one batch")
    con.execute("BEGIN TRANSACTION")
    try:
        marks = ", ".join("?" * len(ids))
        existing = dict(con.execute(f"SELECT doc_id, ingested_at FROM documents WHERE doc_id IN ({marks})",
                                    ids).fetchall())
        touched: set[tuple[str, int | None]] = set()
        old_events: list[str] = []
        actor_delta: Counter = Counter()
        replaced = [d for d in ids if d in existing] if recode else []
        if replaced:
            rmarks = ", ".join("?" * len(replaced))
            old = con.execute(f"SELECT block_key, year(date), event_id, actor, recipient, doc_id FROM mentions "
                              f"WHERE doc_id IN ({rmarks})", replaced).fetchall()
            touched.update((r[0], r[1]) for r in old)
            old_events = sorted({r[2] for r in old if r[2]})
            actor_delta.subtract(_actor_counts([_event_from_json(r[5], r[3], r[4]) for r in old]))
            for table in ("mentions", "errors", "documents"):
                con.execute(f"DELETE FROM {table} WHERE doc_id IN ({rmarks})", replaced)
        outcomes: list[tuple[str, int]] = []
        doc_rows, new_members, errors = [], [], []
        now = datetime.now()
        for it, doc_id in zip(items, ids, strict=True):
            doc = it.doc
            if doc_id in existing and not recode:
                outcomes.append(("present", 0))
                continue
            ingested_at = existing.get(doc_id) or now
            status = doc_status(doc)
            events = doc.events if status == "coded" else []
            site = site_of(doc.url, doc.site)
            doc_rows.append([
                doc_id, it.text_hash, it.fingerprint, doc.url, site, doc.source, doc.title,
                doc.lang or doc.lang_detected, doc.pub_date, ingested_at, doc.input_format, len(doc.text),
                len(events), status, run_id, doc.text if keep_text else None, doc.id, doc.skipped,
                len(doc.errors), json.dumps(doc.meta, ensure_ascii=False, default=str) if doc.meta else None])
            doc_fields = {"site": site, "url": doc.url, "source": doc.source, "fingerprint": it.fingerprint,
                          "pub_date": doc.pub_date, "ingested_at": ingested_at}
            used: set[str] = set()
            for i, ev in enumerate(events):
                base = f"{doc_id}/{ev.event_id or i}"
                mention_id, n = base, 1
                while mention_id in used:  # event ids should be unique per document; keep rows apart if not
                    n += 1
                    mention_id = f"{base}~{n}"
                used.add(mention_id)
                row = mention_row(doc_id, i, mention_id, ev, doc.lang, run_id)
                d = row[_M["date"]]
                touched.add((row[_M["block_key"]], d.year if d else None))
                new_members.append({**dict(zip(MENTION_COLUMNS, row, strict=True)), **doc_fields})
            errors += [(doc.source, doc_id, e.stage, e.code, e.message) for e in doc.errors]
            actor_delta.update(_actor_counts(events))
            outcomes.append(("recoded" if doc_id in existing else "new", len(events)))
        _values(con, "INSERT INTO documents (doc_id, text_hash, fingerprint, url, site, source, title, lang, "
                "pub_date, ingested_at, input_format, num_chars, num_events, status, run_id, text, input_id, "
                "skip_reason, num_errors, meta)", doc_rows)
        recluster(con, touched, new_members, old_events)
        _values(con, "INSERT INTO mentions", [[m[c] for c in MENTION_COLUMNS] for m in new_members],
                columns=MENTION_COLUMNS)
        for source, doc_id, stage, code, message in errors:
            record_error(con, run_id, source, doc_id, stage, code, message)
        _update_actors(con, actor_delta)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    return outcomes


_M = {c: i for i, c in enumerate(MENTION_COLUMNS)}
# What clustering and the events rows need from each stored mention (and its document).
_P_COLS = [c for c in MENTION_COLUMNS if c not in ("evidence", "sentence", "version", "run_id", "mention_index",
                                                    "reported_by", "doc_id")]
_PARTITION_SQL = (
    f"SELECT {', '.join('m.' + c for c in _P_COLS)}, m.doc_id, d.site, d.url, d.source, d.fingerprint, "
    "d.pub_date, d.ingested_at FROM mentions m JOIN documents d ON d.doc_id = m.doc_id "
    "WHERE m.block_key IN "
)
_P_NAMES = [*_P_COLS, "doc_id", "site", "url", "source", "fingerprint", "pub_date", "ingested_at"]
EVENT_COLUMNS = (
    "event_id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein", "actor", "recipient",
    "actor_codes", "recipient_codes", "actor_countries", "recipient_countries", "actor_names", "recipient_names",
    "date", "date_precision", "location", "location_name", "location_country", "lat", "lon", "geonameid",
    "status", "confidence", "num_mentions", "num_sources", "num_articles", "first_seen", "last_seen",
    "best_mention_id", "source_urls", "block_key", "languages", "date_text",
)


def recluster(con: duckdb.DuckDBPyConnection, partitions: set[tuple[str, int | None]],
              new_members: list[dict[str, Any]], old_events: list[str] = ()) -> None:
    """Recompute the clusters of the touched (block, year) partitions, with ``new_members`` (the
    mentions about to be inserted, whose ``event_id`` this sets), and rewrite only the events
    rows whose membership changed."""
    if not partitions:
        return
    blocks = sorted({b for b, _ in partitions})
    # Literal placeholders (not a list parameter) so DuckDB can use the block_key index.
    sql = _PARTITION_SQL + "(" + ", ".join("?" * len(blocks)) + ")"
    stored = [dict(zip(_P_NAMES, r, strict=True)) for r in con.execute(sql, blocks).fetchall()]
    members = [m for m in stored + new_members
               if (m["block_key"], m["date"].year if m["date"] else None) in partitions]
    by_part: dict[tuple[str, int | None], list[dict[str, Any]]] = {}
    for m in members:
        by_part.setdefault((m["block_key"], m["date"].year if m["date"] else None), []).append(m)
    old_sets: dict[str, set[str]] = {}
    for m in members:
        if m["event_id"]:
            old_sets.setdefault(m["event_id"], set()).add(m["mention_id"])
    new_sets: dict[str, list[dict[str, Any]]] = {}
    anchors: dict[str, str] = {}
    moved = []
    for (block, _), part in sorted(by_part.items(), key=lambda kv: (kv[0][0], kv[0][1] or -1)):
        assignment = cluster.cluster_items(
            cluster.Item(m["mention_id"], m["date"], m["date_precision"] or "inferred", m["geonameid"])
            for m in part)
        for m in part:
            eid = cluster.event_id(block, assignment[m["mention_id"]])
            anchors[eid] = assignment[m["mention_id"]]
            new_sets.setdefault(eid, []).append(m)
            if m["event_id"] is not None and m["event_id"] != eid:
                moved.append((m["mention_id"], eid))
            m["event_id"] = eid
    # A recoded document's old clusters lost members that are no longer in ``members``: rewrite them too.
    changed = sorted(eid for eid, ms in new_sets.items()
                     if eid in old_events or {m["mention_id"] for m in ms} != old_sets.get(eid))
    gone = sorted((set(old_sets) | set(old_events)) - set(new_sets))
    if moved:
        marks = ", ".join(["(?, ?)"] * len(moved))
        con.execute(f"UPDATE mentions SET event_id = v.eid FROM (VALUES {marks}) v(mid, eid) "
                    "WHERE mentions.mention_id = v.mid", [x for pair in moved for x in pair])
    if gone:
        con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [gone])
    _values(con, "INSERT OR REPLACE INTO events", [_event_row(eid, anchors[eid], new_sets[eid]) for eid in changed],
            columns=EVENT_COLUMNS)


def _num_sources(members: list[dict[str, Any]]) -> int:
    """Distinct sites, where documents that are copies of one text count as one source."""
    docs: dict[str, dict[str, Any]] = {}
    for m in members:
        docs.setdefault(m["doc_id"], m)
    ids = sorted(docs)
    parent = {d: d for d in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            ra, rb = docs[a], docs[b]
            if (ra["site"] is not None and ra["site"] == rb["site"]) or is_copy(ra["fingerprint"], rb["fingerprint"]):
                parent[find(a)] = find(b)
    return len({find(d) for d in ids})


def _event_row(eid: str, anchor: str, members: list[dict[str, Any]]) -> list[Any]:
    ranked = sorted(members, key=lambda m: (-(m["confidence"] if m["confidence"] is not None else 0.0),
                                            m["mention_id"]))
    best = ranked[0]
    loc = next((m for m in ranked if m["geonameid"] is not None), None) or next(
        (m for m in ranked if m["location"] is not None), best)
    precision, d = cluster.anchor_date(anchor)
    seen = [datetime.combine(m["pub_date"], datetime.min.time()) if m["pub_date"] else m["ingested_at"]
            for m in members]
    seen = [x for x in seen if x is not None]
    row = {
        **{c: best[c] for c in ("type", "mode", "cameo", "quad_class", "goldstein", "actor", "recipient",
                                "actor_codes", "recipient_codes", "actor_countries", "recipient_countries",
                                "actor_names", "recipient_names", "status", "confidence", "date_text",
                                "block_key")},
        **{c: loc[c] for c in ("location", "location_name", "location_country", "lat", "lon", "geonameid")},
        "event_id": eid,
        "contexts": sorted({c for m in members for c in (m["contexts"] or [])}),
        "date": d if d is not None else best["date"],
        "date_precision": precision if d is not None else best["date_precision"],
        "num_mentions": len(members),
        "num_sources": _num_sources(members),
        "num_articles": len({m["doc_id"] for m in members}),
        "first_seen": min(seen) if seen else None,
        "last_seen": max(seen) if seen else None,
        "best_mention_id": best["mention_id"],
        "source_urls": sorted({m["url"] or m["source"] for m in members if (m["url"] or m["source"])}),
        "languages": sorted({m["lang"] for m in members if m["lang"]}),
    }
    return [row[c] for c in EVENT_COLUMNS]


def _event_from_json(doc_id: str, actor: str | None, recipient: str | None) -> Event:
    return Event(doc_id=doc_id, event_id="", type="", actor=[Actor(**a) for a in json.loads(actor or "[]")],
                 recipient=[Actor(**a) for a in json.loads(recipient or "[]")])
