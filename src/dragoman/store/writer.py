"""The write path: one document (row, mentions, errors, actors, clusters) per transaction.

Everything a document changes commits together, so a process killed at any
moment leaves the store as it was before or after that document, and running
the same command again converges to the same tables.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb

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


def _update_actors(con: duckdb.DuckDBPyConnection, counts: Counter, sign: int) -> None:
    for (key, name, country, sector, code, qid), n in sorted(counts.items(), key=lambda kv: kv[0][0]):
        con.execute(
            "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (actor_key) DO UPDATE SET "
            "num_mentions = actors.num_mentions + excluded.num_mentions, "
            "qid = coalesce(actors.qid, excluded.qid)",
            [key, name, country, sector, code, qid, sign * n],
        )
    if sign < 0:
        con.execute("DELETE FROM actors WHERE num_mentions <= 0")


def _old_actor_counts(con: duckdb.DuckDBPyConnection, doc_id: str) -> Counter:
    rows = con.execute("SELECT actor, recipient FROM mentions WHERE doc_id = ?", [doc_id]).fetchall()
    events = [Event(doc_id=doc_id, event_id="", type="", actor=[Actor(**a) for a in json.loads(r[0] or "[]")],
                    recipient=[Actor(**a) for a in json.loads(r[1] or "[]")]) for r in rows]
    return _actor_counts(events)


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


def write_document(con: duckdb.DuckDBPyConnection, doc: Document, *, text_hash: str, fingerprint: str | None,
                   run_id: int, keep_text: bool = False, recode: bool = False) -> tuple[str, int]:
    """Store one coded document in one transaction; returns (outcome, mentions written).

    outcome is "new", "recoded" or "present" (already stored and not ``recode``).
    """
    doc_id = doc_id_for(text_hash)
    con.execute("BEGIN TRANSACTION")
    try:
        existing = con.execute("SELECT ingested_at FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        if existing and not recode:
            con.execute("ROLLBACK")
            return "present", 0
        touched: set[tuple[str, int | None]] = set()
        old_events: list[str] = []
        ingested_at = existing[0] if existing else datetime.now()
        if existing:
            for block, year in con.execute(
                "SELECT DISTINCT block_key, year(date) FROM mentions WHERE doc_id = ?", [doc_id]
            ).fetchall():
                touched.add((block, year))
            old_events = [r[0] for r in con.execute(
                "SELECT DISTINCT event_id FROM mentions WHERE doc_id = ? AND event_id IS NOT NULL", [doc_id]
            ).fetchall()]
            _update_actors(con, _old_actor_counts(con, doc_id), -1)
            con.execute("DELETE FROM mentions WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM errors WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
        status = doc_status(doc)
        events = doc.events if status == "coded" else []
        con.execute(
            "INSERT INTO documents (doc_id, text_hash, fingerprint, url, site, source, title, lang, pub_date, "
            "ingested_at, input_format, num_chars, num_events, status, run_id, text, input_id, skip_reason, "
            "num_errors, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, text_hash, fingerprint, doc.url, site_of(doc.url, doc.site), doc.source, doc.title,
             doc.lang or doc.lang_detected, doc.pub_date, ingested_at, doc.input_format, len(doc.text),
             len(events), status, run_id, doc.text if keep_text else None, doc.id, doc.skipped,
             len(doc.errors), json.dumps(doc.meta, ensure_ascii=False, default=str) if doc.meta else None],
        )
        rows = []
        used: set[str] = set()
        for i, ev in enumerate(events):
            base = f"{doc_id}/{ev.event_id or i}"
            mention_id, n = base, 1
            while mention_id in used:  # event ids should be unique per document; keep rows apart if not
                n += 1
                mention_id = f"{base}~{n}"
            used.add(mention_id)
            row = mention_row(doc_id, i, mention_id, ev, doc.lang, run_id)
            rows.append(row)
            d = row[MENTION_COLUMNS.index("date")]
            touched.add((row[-1], d.year if d else None))
        if rows:
            con.executemany(
                f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) VALUES ({', '.join('?' * len(MENTION_COLUMNS))})",
                rows,
            )
        for err in doc.errors:
            record_error(con, run_id, doc.source, doc_id, err.stage, err.code, err.message)
        _update_actors(con, _actor_counts(events), +1)
        for block, year in sorted(touched, key=lambda t: (t[0], t[1] if t[1] is not None else -1)):
            recluster(con, block, year)
        if old_events:  # clusters that only this document's old mentions held
            con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[])) AND NOT EXISTS "
                        "(SELECT 1 FROM mentions m WHERE m.event_id = events.event_id)", [old_events])
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    return ("recoded" if existing else "new"), len(rows)


_PARTITION_SQL = (
    "SELECT m.mention_id, m.doc_id, m.date, m.date_precision, m.geonameid, m.event_id, m.confidence, "
    "m.location IS NOT NULL, m.contexts, m.lang, d.site, d.url, d.source, d.fingerprint, d.pub_date, "
    "d.ingested_at FROM mentions m JOIN documents d ON d.doc_id = m.doc_id WHERE m.block_key = ? AND "
)


def recluster(con: duckdb.DuckDBPyConnection, block: str, year: int | None) -> None:
    """Recompute the clusters of one (block, year) partition and rewrite their events rows."""
    if year is None:
        rows = con.execute(_PARTITION_SQL + "m.date IS NULL", [block]).fetchall()
    else:
        rows = con.execute(_PARTITION_SQL + "year(m.date) = ?", [block, year]).fetchall()
    old_ids = {r[5] for r in rows if r[5]}
    items = [cluster.Item(r[0], r[2], r[3] or "inferred", r[4]) for r in rows]
    anchors = cluster.cluster_items(items)
    by_event: dict[str, list[tuple]] = {}
    changes = []
    for r in rows:
        eid = cluster.event_id(block, anchors[r[0]])
        by_event.setdefault(eid, []).append(r)
        if r[5] != eid:
            changes.append([eid, r[0]])
    if changes:
        con.executemany("UPDATE mentions SET event_id = ? WHERE mention_id = ?", changes)
    stale = sorted(old_ids | set(by_event))
    if stale:
        con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [stale])
    for eid, members in sorted(by_event.items()):
        _insert_event(con, eid, block, anchors[members[0][0]], members)


def _num_sources(members: list[tuple]) -> int:
    """Distinct sites, where documents that are copies of one text count as one source."""
    docs: dict[str, tuple] = {}
    for r in members:
        docs.setdefault(r[1], r)
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
            same_site = ra[10] is not None and ra[10] == rb[10]
            if same_site or is_copy(ra[13], rb[13]):
                parent[find(a)] = find(b)
    return len({find(d) for d in ids})


def _insert_event(con: duckdb.DuckDBPyConnection, eid: str, block: str, anchor: str, members: list[tuple]) -> None:
    ranked = sorted(members, key=lambda r: (-(r[6] if r[6] is not None else 0.0), r[0]))
    best = ranked[0]
    placed = [r for r in ranked if r[4] is not None] or [r for r in ranked if r[7]] or [best]
    precision, d = cluster.anchor_date(anchor)
    contexts = sorted({c for r in members for c in (r[8] or [])})
    languages = sorted({r[9] for r in members if r[9]})
    seen = [datetime.combine(r[14], datetime.min.time()) if r[14] else r[15] for r in members]
    seen = [s for s in seen if s is not None]
    urls = sorted({r[11] or r[12] for r in members if (r[11] or r[12])})
    con.execute(
        "INSERT INTO events (event_id, type, mode, contexts, cameo, quad_class, goldstein, actor, recipient, "
        "actor_codes, recipient_codes, actor_countries, recipient_countries, actor_names, recipient_names, "
        "date, date_precision, location, location_name, location_country, lat, lon, geonameid, status, "
        "confidence, num_mentions, num_sources, num_articles, first_seen, last_seen, best_mention_id, "
        "source_urls, block_key, languages, date_text) "
        "SELECT ?, b.type, b.mode, ?, b.cameo, b.quad_class, b.goldstein, b.actor, b.recipient, b.actor_codes, "
        "b.recipient_codes, b.actor_countries, b.recipient_countries, b.actor_names, b.recipient_names, "
        "coalesce(?, b.date), ?, l.location, l.location_name, l.location_country, l.lat, l.lon, l.geonameid, "
        "b.status, b.confidence, ?, ?, ?, ?, ?, b.mention_id, ?, ?, ?, b.date_text "
        "FROM mentions b, mentions l WHERE b.mention_id = ? AND l.mention_id = ?",
        [eid, contexts, d, precision if d else best[3], len(members), _num_sources(members),
         len({r[1] for r in members}), min(seen) if seen else None, max(seen) if seen else None, urls,
         block, languages, best[0], placed[0][0]],
    )
