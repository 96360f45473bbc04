"""Latency of every web page and API route on a synthetic 100,000-event store.

    .venv/bin/python benchmarks/web_latency.py [--events 100000] [--db FILE] [--repeat 5] [--http]

Builds a schema-valid store (through ``dragoman.store.db.connect``, so the real DDL and
migrations) with synthetic but consistent rows: events, 1-2 mentions each with evidence
offsets, documents, actors. Then times each route with the in-process TestClient:
"cold" is the first request with that query (no facet cache), "warm" the median of the
repeats, "cpu" the process CPU time of the cold request (all threads; a machine shared with
other jobs stretches wall time, not CPU time). The target is under 300 ms per page. ``--http`` times a real uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from dragoman.schema import PLOVER_TYPES, QUAD_CLASS
from dragoman.store.db import connect
from dragoman.web import create_app

COUNTRIES = ["USA", "CHN", "RUS", "FRA", "DEU", "GBR", "PRK", "KOR", "JPN", "IND", "IRN", "ISR", "UKR", "TUR",
             "BRA", "MEX", "ZAF", "NGA", "EGY", "SAU", "PAK", "AFG", "SYR", "IRQ", "CAN", "AUS", "ITA", "ESP",
             "POL", "VEN", "COL", "ETH", "KEN", "MLI", "SDN", "YEM", "LBY", "DZA", "MAR", "TUN"]
CENTROIDS = {c: (float((i * 37) % 120 - 50), float((i * 71) % 330 - 165)) for i, c in enumerate(COUNTRIES)}


def build(path: Path, n_events: int) -> None:
    con = connect(path)
    con.execute("CREATE OR REPLACE TEMP MACRO hb(x) AS CAST(hash(x) % 1000000007 AS BIGINT)")
    n_docs = max(n_events * 2 // 5, 1)
    con.execute("CREATE TEMP TABLE types AS SELECT unnest(?::VARCHAR[]) AS type, unnest(?::INTEGER[]) AS quad, "
                "generate_subscripts(?::VARCHAR[], 1) AS k", [list(PLOVER_TYPES), [QUAD_CLASS[t] for t in
                                                                                   PLOVER_TYPES], list(PLOVER_TYPES)])
    con.execute("CREATE TEMP TABLE cs AS SELECT unnest(?::VARCHAR[]) AS c, unnest(?::DOUBLE[]) AS lat, "
                "unnest(?::DOUBLE[]) AS lon, generate_subscripts(?::VARCHAR[], 1) AS k",
                [COUNTRIES, [CENTROIDS[c][0] for c in COUNTRIES], [CENTROIDS[c][1] for c in COUNTRIES], COUNTRIES])
    nc = len(COUNTRIES)
    # Skewed country choice (a few busy countries, like real news).
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        SELECT i, t.type, t.quad, a.c AS ac, r.c AS rc, a.lat + ((hb(i * 5) % 100) / 50.0) AS lat,
               a.lon + ((hb(i * 11) % 100) / 50.0) AS lon,
               DATE '2019-01-01' + CAST(hb(i * 3) % 2500 AS INTEGER) AS d,
               (CAST(hb(i * 19) % 200 AS DOUBLE) / 10.0) - 10.0 AS gold,
               (['occurred','occurred','occurred','planned','hypothetical','negated'])[1 + hb(i * 23) % 6] AS status,
               (['fr','en'])[1 + hb(i * 29) % 2] AS lang
        FROM range({n_events}) g(i)
        JOIN types t ON t.k = 1 + hb(i) % 16
        JOIN cs a ON a.k = 1 + least(hb(i * 7) % {nc}, hb(i * 31) % {nc})
        JOIN cs r ON r.k = 1 + least(hb(i * 13) % {nc}, hb(i * 37) % {nc})
    """)
    actor = ("'[{\"text\":\"' || ac || '\",\"name\":\"Leader of ' || ac || '\",\"country\":\"' || ac || "
             "'\",\"sector\":\"GOV\",\"code\":\"' || ac || 'GOV\",\"start\":' || (s0) || ',\"end\":' || (s0 + 3) || '}]'")
    recipient = actor.replace("|| ac ||", "|| rc ||").replace("(s0)", "(s0 + 26 + length(type))").replace(
        "(s0 + 3)", "(s0 + 29 + length(type))")
    sentence = "ac || ' government officials ' || lower(type) || ' ' || rc || ' on ' || strftime(d, '%d %B %Y') || '.'"
    for k in (0, 1):
        cond = "TRUE" if k == 0 else "hb(i * 17) % 3 = 0"
        doc = f"'d' || ((i + {k} * 7919) % {n_docs})"
        con.execute(f"""
            INSERT INTO mentions (mention_id, doc_id, event_id, type, mode, contexts, cameo, quad_class, goldstein,
                actor, recipient, actor_codes, recipient_codes, actor_countries, recipient_countries, actor_names,
                recipient_names, date, date_precision, date_text, location, location_name, location_country, lat,
                lon, geonameid, status, confidence, lang, evidence, sentence, version, run_id)
            SELECT {doc} || '/' || i || '/' || {k}, {doc}, 'ev' || i, type, NULL, ['diplomatic'], '040', quad, gold,
                {actor}, {recipient}, [ac || 'GOV'], [rc || 'GOV'], [ac], [rc], ['Leader of ' || ac],
                ['Leader of ' || rc], d, 'day', strftime(d, '%d %B %Y'),
                '{{"text":"' || ac || '","name":"City ' || ac || '","country":"' || ac || '","lat":' || lat || ',"lon":' || lon || '}}',
                'City ' || ac, ac, lat, lon, 1000 + hb(ac) % 100000, status, 0.5 + (hb(i) % 50) / 100.0, lang,
                '[{{"sentence_index":0,"sentence":"' || {sentence} || '","start":' || s0 || ',"end":' || (s0 + length({sentence})) ||
                ',"trigger":{{"text":"' || lower(type) || '","start":' || (s0 + 25) || ',"end":' || (s0 + 25 + length(lower(type))) || '}},"rule":"synthetic"}}]',
                {sentence}, 'bench', 1
            FROM (SELECT *, 0 AS s0 FROM gen) WHERE {cond}
        """)
    con.execute("""
        INSERT INTO events (event_id, type, mode, contexts, cameo, quad_class, goldstein, actor, recipient,
            actor_codes, recipient_codes, actor_countries, recipient_countries, actor_names, recipient_names, date,
            date_precision, location, location_name, location_country, lat, lon, geonameid, status, confidence,
            num_mentions, num_sources, num_articles, first_seen, last_seen, best_mention_id, source_urls, languages)
        SELECT m.event_id, any_value(type), NULL, any_value(contexts), '040', any_value(quad_class),
            any_value(goldstein), any_value(actor), any_value(recipient), any_value(actor_codes),
            any_value(recipient_codes), any_value(actor_countries), any_value(recipient_countries),
            any_value(actor_names), any_value(recipient_names), any_value(date), 'day', any_value(location),
            any_value(location_name), any_value(location_country), any_value(lat), any_value(lon),
            any_value(geonameid), any_value(status), max(confidence), count(*), count(DISTINCT doc_id),
            count(DISTINCT doc_id), now()::TIMESTAMP, now()::TIMESTAMP, min(mention_id),
            list('https://news.example/' || doc_id), list(DISTINCT lang)
        FROM mentions m GROUP BY m.event_id
    """)
    con.execute("""
        INSERT INTO documents (doc_id, text_hash, url, site, title, lang, pub_date, ingested_at, input_format,
            num_chars, num_events, status, run_id, text)
        SELECT doc_id, 'h' || doc_id, 'https://news.example/' || doc_id, 'news.example', 'Article ' || doc_id,
            any_value(lang), max(date), now()::TIMESTAMP, 'text', sum(length(sentence) + 1), count(*), 'coded', 1,
            CASE WHEN hb(doc_id) % 2 = 0 THEN NULL ELSE string_agg(sentence, ' ' ORDER BY mention_id) END
        FROM mentions GROUP BY doc_id
    """)
    # Offsets are relative to each evidence sentence (start 0); the page re-anchors marks by text.
    con.execute("""
        INSERT INTO actors (actor_key, name, country, sector, code, num_mentions)
        SELECT code || '|Leader of ' || c, 'Leader of ' || c, c, 'GOV', code, count(*)
        FROM (SELECT unnest(actor_countries) AS c, unnest(actor_codes) AS code FROM mentions) GROUP BY ALL
    """)
    con.execute("INSERT INTO runs (run_id, started_at, version, command, status) VALUES (1, now()::TIMESTAMP, "
                "'bench', 'benchmarks/web_latency.py', 'finished')")
    con.execute("CHECKPOINT")
    con.close()


ROUTES = [
    ("page", "/events"),
    ("page", "/events?type=ASSAULT"),
    ("page", "/events?actor_country=USA&recipient_country=CHN&sort=goldstein&order=asc"),
    ("page", "/events?q=officials%20protest&lang=fr"),
    ("page", "/events?person=leader%20of%20fra&status=planned"),
    ("page", "/events?date_from=2020-01-01&date_to=2020-06-30&quad=4"),
    ("page", "/events?page=500"),
    ("page", "/events/ev12345"),
    ("page", "/documents/d1234"),
    ("page", "/dyads"),
    ("page", "/dyads?a=USA&b=CHN&period=month"),
    ("page", "/dyads?a=FRA&b=DEU&period=day&both=1"),
    ("page", "/network"),
    ("page", "/network?type=ASSAULT&date_from=2021-01-01"),
    ("page", "/map"),
    ("page", "/map?quad=4"),
    ("page", "/code"),
    ("page", "/docs"),
    ("api", "/api/events"),
    ("api", "/api/events?limit=500&sort=confidence"),
    ("api", "/api/events?type=PROTEST&format=csv"),
    ("api", "/api/events/ev777"),
    ("api", "/api/documents/d777"),
    ("api", "/api/dyads"),
    ("api", "/api/dyads?a=RUS&b=UKR&period=week"),
    ("api", "/api/actors?q=fra"),
    ("api", "/api/stats"),
    ("export", "/events/export?format=csv&type=AGREE"),
    ("export", "/events/export?format=parquet"),
]


@contextmanager
def _client(path: Path, http: bool) -> Iterator[Any]:
    if not http:
        with TestClient(create_app(path)) as client:
            yield client
        return
    import socket
    import threading

    import httpx
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None, help="reuse/build this file (default: a temporary one)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--budget-ms", type=float, default=300.0)
    ap.add_argument("--http", action="store_true", help="time a real uvicorn on 127.0.0.1 instead of the TestClient")
    args = ap.parse_args()
    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.duckdb"
    if not path.exists():
        t0 = time.perf_counter()
        build(path, args.events)
        print(f"built {path} with {args.events:,} events in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    over = 0
    with _client(path, args.http) as client:
        client.get("/api/stats")  # open the database once
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'kind':7} {'cold ms':>8} {'warm ms':>8} {'max ms':>8} {'cpu ms':>7}  route")
        for kind, url in ROUTES:
            t0, c0 = time.perf_counter(), time.process_time()
            r = client.get(url)
            cold = (time.perf_counter() - t0) * 1000
            cpu = (time.process_time() - c0) * 1000  # all threads of this process: less sensitive to load
            if r.status_code != 200:
                print(f"{kind:7} {url}: HTTP {r.status_code} {r.text[:200]}")
                over += 1
                continue
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            warm = statistics.median(times)
            flag = "" if kind == "export" or max(cold, warm) < args.budget_ms else "  OVER BUDGET"
            over += bool(flag)
            print(f"{kind:7} {cold:8.1f} {warm:8.1f} {max(times):8.1f} {cpu:7.1f}  {url}{flag}")
    if tmp:
        tmp.cleanup()
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
