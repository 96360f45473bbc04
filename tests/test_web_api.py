"""Web app and HTTP API against a small real DuckDB store built here (no mocks)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from dragoman.schema import QUAD_CLASS
from dragoman.web import create_app

FR1 = ("Visite d'État\n\nLe président Emmanuel Macron a rencontré Xi Jinping à Pékin lundi. "
       "Paris a condamné les essais nucléaires de Pyongyang.")
FR2 = "Emmanuel Macron a rencontré Xi Jinping à Pékin lundi, selon l'Élysée."
EN1 = "Washington and Seoul urged Beijing to use its influence on Pyongyang on Tuesday."
EVIL = ('<script>window.__pwned=1</script> Le ministre "onmouseover="window.__pwned=1" a menacé '
        "Berlin. Voir javascript:window.__pwned=1 <img src=x onerror=window.__pwned=1>.")

ACTORS = {
    "Emmanuel Macron": ("FRA", "FRAGOV", "Emmanuel Macron"), "Paris": ("FRA", "FRAGOV", "France"),
    "Xi Jinping": ("CHN", "CHNGOV", "Xi Jinping"), "Pyongyang": ("PRK", "PRKGOV", "North Korea"),
    "Washington": ("USA", "USAGOV", "United States"), "Seoul": ("KOR", "KORGOV", "South Korea"),
    "Beijing": ("CHN", "CHNGOV", "China"), "Berlin": ("DEU", "DEUGOV", "Germany"),
    "ministre": ("FRA", "FRAGOV", '<img src=x onerror=window.__pwned=1>'),
}
PLACES = {"Pékin": ("Pékin", "CHN", 39.9, 116.4)}


def _actor(text: str, doc_text: str, after: int = 0) -> dict:
    start = doc_text.index(text, after)
    country, code, name = ACTORS[text]
    return {"text": text, "name": name, "country": country, "sector": "GOV", "code": code,
            "start": start, "end": start + len(text), "office": None, "qid": None, "entry": f"test:{text}"}


def _sentence(doc_text: str, pos: int) -> tuple[int, int]:
    start = max(doc_text.rfind(". ", 0, pos) + 2 if doc_text.rfind(". ", 0, pos) >= 0 else 0,
                doc_text.rfind("\n", 0, pos) + 1)
    end = doc_text.find(".", pos)
    return start, (end + 1 if end >= 0 else len(doc_text))


def _mention(doc_id: str, text: str, idx: int, event_id: str, etype: str, trigger: str, actors: list[str],
             recipients: list[str], *, place: str | None = None, day: date | None = None,
             date_text: str | None = None, status: str = "occurred", lang: str = "fr",
             goldstein: float = 1.0) -> dict:
    t0 = text.index(trigger)
    s0, s1 = _sentence(text, t0)
    loc = None
    if place:
        p0 = text.index(place)
        name, country, lat, lon = PLACES[place]
        loc = {"text": place, "name": name, "country": country, "lat": lat, "lon": lon, "geonameid": 1816670,
               "feature_class": "P", "start": p0, "end": p0 + len(place)}
    act = [_actor(a, text, s0) for a in actors]
    rec = [_actor(r, text, s0) for r in recipients]
    evidence = [{"sentence_index": 0, "sentence": text[s0:s1], "start": s0, "end": s1,
                 "trigger": {"text": trigger, "start": t0, "end": t0 + len(trigger)}, "rule": "test-rule",
                 "entry": f"{etype.lower()}:{trigger}"}]
    return {
        "mention_id": f"{doc_id}/{idx}", "doc_id": doc_id, "event_id": event_id, "type": etype, "mode": None,
        "contexts": ["diplomatic"], "cameo": "040", "quad_class": QUAD_CLASS[etype], "goldstein": goldstein,
        "actor": json.dumps(act), "recipient": json.dumps(rec),
        "actor_codes": [a["code"] for a in act], "recipient_codes": [r["code"] for r in rec],
        "actor_countries": [a["country"] for a in act], "recipient_countries": [r["country"] for r in rec],
        "actor_names": [a["name"] for a in act], "recipient_names": [r["name"] for r in rec],
        "date": day, "date_precision": "day" if day else "inferred", "date_text": date_text,
        "location": json.dumps(loc) if loc else None, "location_name": loc["name"] if loc else None,
        "location_country": loc["country"] if loc else None, "lat": loc["lat"] if loc else None,
        "lon": loc["lon"] if loc else None, "geonameid": loc["geonameid"] if loc else None,
        "status": status, "confidence": 0.8, "lang": lang, "evidence": json.dumps(evidence),
        "sentence": text[s0:s1], "version": "test", "run_id": 1,
    }


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    cols = list(row)
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row[c] for c in cols])


def _connect_rw(path: Path, v1: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        from dragoman.store.db import connect
    except ImportError:
        v1 = True
    if v1:  # the plain version-1 DDL, as older stores have it
        con = duckdb.connect(str(path))
        sql = (Path(__file__).resolve().parents[1] / "src/dragoman/store/schema.sql").read_text()
        for stmt in [s for s in "\n".join(ln.split("--")[0] for ln in sql.splitlines()).split(";") if s.strip()]:
            con.execute(stmt)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        return con
    return connect(path)


def make_db(path: Path, v1: bool = False) -> Path:
    """A small store: 4 documents (one hostile), 5 mentions in 4 event clusters."""
    con = _connect_rw(path, v1)
    docs = [
        ("fr1", FR1, "fr", "Macron à Pékin", "https://exemple.fr/macron-pekin", True),
        ("fr2", FR2, "fr", "Reprise", "https://autre.fr/reprise", True),
        ("en1", EN1, "en", "Urging Beijing", "https://example.com/urge", False),
        ("evil", EVIL, "fr", '<script>window.__pwned=1</script>Titre', "javascript:window.__pwned=1", True),
    ]
    for doc_id, text, lang, title, url, keep in docs:
        _insert(con, "documents", {
            "doc_id": doc_id, "text_hash": f"hash-{doc_id}", "url": url, "site": url.split("/")[2] if "//" in url
            else None, "title": title, "lang": lang, "pub_date": date(2026, 11, 24), "ingested_at": datetime(2026, 11, 25),
            "input_format": "text", "num_chars": len(text), "num_events": 1, "status": "coded", "run_id": 1,
            "text": text if keep else None})
    mentions = [
        _mention("fr1", FR1, 0, "ev-consult", "CONSULT", "rencontré", ["Emmanuel Macron"], ["Xi Jinping"],
                 place="Pékin", day=date(2026, 11, 23), date_text="lundi", goldstein=1.0),
        _mention("fr1", FR1, 1, "ev-accuse", "ACCUSE", "condamné", ["Paris"], ["Pyongyang"],
                 day=date(2026, 11, 24), goldstein=-2.0),
        _mention("fr2", FR2, 0, "ev-consult", "CONSULT", "rencontré", ["Emmanuel Macron"], ["Xi Jinping"],
                 place="Pékin", day=date(2026, 11, 23), date_text="lundi", goldstein=1.0),
        _mention("en1", EN1, 0, "ev-request", "REQUEST", "urged", ["Washington", "Seoul"], ["Beijing"],
                 day=date(2026, 10, 6), date_text="on Tuesday", lang="en", goldstein=-0.5),
        _mention("evil", EVIL, 0, "ev-evil", "THREATEN", "menacé", ["ministre"], ["Berlin"],
                 day=date(2026, 9, 1), status="planned", goldstein=-4.0),
    ]
    for m in mentions:
        _insert(con, "mentions", m)
    clusters: dict[str, list[dict]] = {}
    for m in mentions:
        clusters.setdefault(m["event_id"], []).append(m)
    urls = {d[0]: d[4] for d in docs}
    for event_id, ms in clusters.items():
        m = ms[0]
        row = {k: m[k] for k in ("type", "mode", "contexts", "cameo", "quad_class", "goldstein", "actor",
                                 "recipient", "actor_codes", "recipient_codes", "actor_countries",
                                 "recipient_countries", "actor_names", "recipient_names", "date",
                                 "date_precision", "location", "location_name", "location_country", "lat",
                                 "lon", "geonameid", "status", "confidence")}
        row.update(event_id=event_id, num_mentions=len(ms), num_sources=len(ms), num_articles=len(ms),
                   first_seen=datetime(2026, 11, 25), last_seen=datetime(2026, 11, 25),
                   best_mention_id=m["mention_id"], source_urls=[urls[x["doc_id"]] for x in ms])
        _insert(con, "events", row)
    has_languages = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' "
                                "AND column_name = 'languages'").fetchone()[0]
    if has_languages:  # store schema 2: languages of the reports, as the store's writer fills it
        con.execute("UPDATE events SET languages = (SELECT list(DISTINCT m.lang ORDER BY m.lang) FROM mentions m "
                    "WHERE m.event_id = events.event_id)")
    for name, (country, code, full) in ACTORS.items():
        _insert(con, "actors", {"actor_key": f"{code}|{full}", "name": full, "country": country, "sector": "GOV",
                                "code": code, "num_mentions": len(name)})
    _insert(con, "runs", {"run_id": 1, "started_at": datetime(2026, 11, 25), "version": "test", "command": "test"})
    con.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("web") / "store.duckdb")


@pytest.fixture(scope="module")
def client(db_path: Path) -> TestClient:
    with TestClient(create_app(db_path)) as c:
        yield c


# ------------------------------------------------------------------ API


def test_api_events_filters_and_types(client: TestClient) -> None:
    r = client.get("/api/events")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 4 and [e["event_id"] for e in body["items"]][0] == "ev-accuse"  # newest first
    r = client.get("/api/events", params={"type": "CONSULT"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-consult"]
    r = client.get("/api/events", params={"actor_country": "usa"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-request"]
    r = client.get("/api/events", params={"recipient_country": "CHN", "quad": "3"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-request"]
    r = client.get("/api/events", params={"q": "essais nucléaires"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-accuse"]
    r = client.get("/api/events", params={"lang": "en"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-request"]
    r = client.get("/api/events", params={"actor": "korgov"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-request"]
    r = client.get("/api/events", params={"recipient": "CHN", "actor": "FRA"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-consult"]
    r = client.get("/api/events", params={"person": "macron"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-consult"]
    r = client.get("/api/events", params={"status": "planned"})
    assert [e["event_id"] for e in r.json()["items"]] == ["ev-evil"]
    r = client.get("/api/events", params={"date_from": "2026-10-01", "date_to": "2026-11-23"})
    assert {e["event_id"] for e in r.json()["items"]} == {"ev-consult", "ev-request"}
    # a LIKE wildcard in user text is literal, not a pattern
    assert client.get("/api/events", params={"q": "%"}).json()["total"] == 0


def test_api_cursor_pagination_walks_everything_once(client: TestClient) -> None:
    for sort, order in (("date", "desc"), ("goldstein", "asc"), ("type", "desc"), ("mentions", "desc")):
        seen, cursor = [], None
        for _ in range(10):
            params = {"limit": 1, "sort": sort, "order": order}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/api/events", params=params).json()
            seen += [e["event_id"] for e in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == ["ev-accuse", "ev-consult", "ev-evil", "ev-request"], (sort, seen)
    g = [e["goldstein"] for e in client.get("/api/events", params={"sort": "goldstein", "order": "asc"}).json()["items"]]
    assert g == sorted(g)


def test_api_formats(client: TestClient) -> None:
    r = client.get("/api/events", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4 and ["USAGOV", "KORGOV"] in [json.loads(row["actor_codes"]) for row in rows]
    r = client.get("/api/events", params={"format": "jsonl", "type": "REQUEST"})
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["event_id"] for x in lines] == ["ev-request"]


def test_exports_csv_jsonl_parquet(client: TestClient) -> None:
    r = client.get("/events/export", params={"format": "parquet", "recipient_country": "CHN"})
    assert r.status_code == 200
    table = pq.read_table(io.BytesIO(r.content))
    assert sorted(table.column("event_id").to_pylist()) == ["ev-consult", "ev-request"]
    assert table.schema.field("actor_codes").type.value_type is not None  # lists stay typed
    from dragoman.store.export import EVENT_SCHEMA  # downloads use the store's typed export schema

    assert table.column_names == [name for name, _, _ in EVENT_SCHEMA]
    r = client.get("/events/export", params={"format": "jsonl"})
    records = [json.loads(line) for line in r.text.splitlines()]
    assert len(records) == 4 and all(isinstance(rec["actor"], list) for rec in records)
    r = client.get("/events/export", params={"format": "csv", "type": "ACCUSE"})
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["event_id"] for row in rows] == ["ev-accuse"] and json.loads(rows[0]["actor_codes"]) == ["FRAGOV"]


def test_api_event_and_document(client: TestClient) -> None:
    e = client.get("/api/events/ev-consult").json()
    assert e["num_mentions"] == 2 and {m["doc_id"] for m in e["mentions"]} == {"fr1", "fr2"}
    assert e["mentions"][0]["evidence"][0]["trigger"]["text"] == "rencontré"
    d = client.get("/api/documents/fr1").json()
    assert d["text"] == FR1 and len(d["mentions"]) == 2
    assert client.get("/api/documents/en1").json()["text"] is None
    r = client.get("/api/events/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404 and r.json()["title"] and r.json()["detail"]


def test_api_dyads_actors_stats(client: TestClient) -> None:
    top = client.get("/api/dyads").json()["items"]
    assert {"actor": "FRA", "recipient": "CHN"} in [{k: t[k] for k in ("actor", "recipient")} for t in top]
    series = client.get("/api/dyads", params={"a": "FRA", "b": "CHN", "period": "month"}).json()["series"]
    assert series == [{"period": "2026-11-01", "count": 1, "goldstein_sum": 1.0, "quad": {"1": 1, "2": 0, "3": 0,
                       "4": 0}, "types": {"CONSULT": 1}, "goldstein_mean": 1.0}]
    assert client.get("/api/dyads", params={"a": "CHN", "b": "FRA"}).json()["series"] == []
    both = client.get("/api/dyads", params={"a": "CHN", "b": "FRA", "both": "true"}).json()["series"]
    assert both[0]["count"] == 1
    csv_text = client.get("/api/dyads", params={"a": "USAGOV", "b": "CHN", "format": "csv"}).text
    assert csv_text.splitlines()[0].startswith("period,actor,recipient,events")
    actors = client.get("/api/actors", params={"q": "korea"}).json()["items"]
    assert {a["code"] for a in actors} == {"PRKGOV", "KORGOV"}
    stats = client.get("/api/stats").json()
    assert stats["events"] == 4 and stats["mentions"] == 5 and stats["documents"] == 4
    assert stats["by_quad_class"] == {"1": 1, "3": 3}


def test_top_dyads_and_network_count_the_same_pairs(db_path: Path) -> None:
    from dragoman.store.filters import EventFilter
    from dragoman.web.queries import Database

    db = Database(db_path, idle_close=None)
    try:
        pairs = [("FRA", "CHN", 1, 1.0), ("FRA", "DEU", 1, -4.0), ("FRA", "PRK", 1, -2.0), ("KOR", "CHN", 1, -0.5),
                 ("USA", "CHN", 1, -0.5)]
        assert db.top_dyads(EventFilter()) == [
            {"actor": a, "recipient": r, "events": n, "goldstein_mean": g} for a, r, n, g in pairs]
        assert db.network(EventFilter(), limit=3) == [
            {"source": a, "target": r, "weight": n, "goldstein": g} for a, r, n, g in pairs[:3]]
        assert [(e["source"], e["target"]) for e in db.network(EventFilter(quad=[3]), level="code")] == [
            ("FRAGOV", "DEUGOV"), ("FRAGOV", "PRKGOV"), ("KORGOV", "CHNGOV"), ("USAGOV", "CHNGOV")]
        assert db.top_dyads(EventFilter(types=["CONSULT"]), limit=5) == [
            {"actor": "FRA", "recipient": "CHN", "events": 1, "goldstein_mean": 1.0}]
    finally:
        db.close()


@pytest.mark.parametrize("params", [
    {"type": "DANCE"}, {"quad": "7"}, {"quad": "x"}, {"date_from": "yesterday"}, {"limit": "0"},
    {"limit": "abc"}, {"sort": "evil; DROP TABLE events"}, {"cursor": "!!!"}, {"cursor": "eyJ4IjoxfQ"},
    {"actor_country": "'; DROP"}, {"format": "xml"}, {"status": "maybe"}, {"lang": "french!"},
    {"order": "sideways"}, {"q": "x" * 500},
])
def test_api_bad_parameters_are_4xx_problems(client: TestClient, params: dict) -> None:
    r = client.get("/api/events", params=params)
    assert 400 <= r.status_code < 500, (params, r.status_code, r.text)
    body = r.json()
    assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == r.status_code
    assert "Traceback" not in r.text


def test_bad_parameters_on_pages_give_friendly_html(client: TestClient) -> None:
    for url in ("/events?quad=9", "/dyads?a=x%20y&b=CHN", "/network?edges=-1", "/map?date_to=soon",
                "/events/does-not-exist", "/no/such/page"):
        r = client.get(url)
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("text/html"), url
        assert "Traceback" not in r.text and "<h1>" in r.text


def test_cursor_from_another_sort_is_rejected(client: TestClient) -> None:
    cursor = client.get("/api/events", params={"limit": 1}).json()["next_cursor"]
    r = client.get("/api/events", params={"limit": 1, "cursor": cursor, "sort": "goldstein"})
    assert r.status_code == 400 and r.json()["param"] == "cursor"


# ------------------------------------------------------------------ pages


def test_pages_render(client: TestClient) -> None:
    for url in ("/events", "/events?type=CONSULT&sort=goldstein&order=asc", "/events/ev-consult",
                "/documents/fr1", "/documents/en1", "/dyads", "/dyads?a=FRA&b=CHN&period=week",
                "/dyads?a=FRA&b=CHN&period=day&stack=type",
                "/network", "/network?level=code", "/map", "/code", "/docs"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        assert "cdn" not in r.text.lower() and "https://" not in r.text.split("<main>")[0]


def test_events_page_facets_and_downloads(client: TestClient) -> None:
    html = client.get("/events", params={"recipient_country": "CHN"}).text
    assert 'data-facet="type"' in html and "CONSULT" in html and "REQUEST" in html and "ACCUSE</a>" not in html
    assert "/events/export?recipient_country=CHN" in html and "format=parquet" in html
    assert 'class="chip" href="/events?"' in html  # the active filter, with a link that removes it


def test_event_page_highlights_from_offsets(client: TestClient) -> None:
    html = client.get("/events/ev-consult").text
    assert '<mark class="hl hl-trigger"' in html and ">rencontré</mark>" in html
    assert 'data-kind="actor">Emmanuel Macron</mark>' in html
    assert 'data-kind="recipient">Xi Jinping</mark>' in html
    assert 'data-kind="place">Pékin</mark>' in html and 'data-kind="date">lundi</mark>' in html
    assert 'href="/documents/fr2"' in html and 'href="https://exemple.fr/macron-pekin"' in html


def test_document_page_full_text_and_sentences(client: TestClient) -> None:
    html = client.get("/documents/fr1").text
    assert 'class="hl hl-trigger" href="/events/ev-accuse"' in html and ">condamné</a>" in html
    html = client.get("/documents/en1").text  # text not kept: evidence sentence only
    assert "not kept" in html and 'data-kind="trigger">urged</mark>' in html


def test_hostile_article_is_escaped_and_links_inert(client: TestClient) -> None:
    for url in ("/documents/evil", "/events/ev-evil", "/events?status=planned"):
        html = client.get(url).text
        assert "<script>window" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html or "&lt;img" in html, url
        assert 'href="javascript:' not in html
    html = client.get("/documents/evil").text
    assert '"onmouseover="' not in html and "&#34;onmouseover=&#34;" in html
    assert '<span class="inert-url">javascript:window.__pwned=1</span>' in html


def test_security_headers(client: TestClient) -> None:
    for url in ("/events", "/api/stats", "/nope", "/static/style.css"):
        r = client.get(url)
        assert r.headers["x-content-type-options"] == "nosniff"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_openapi_and_offline_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/documents/{doc_id}", "/api/dyads", "/api/actors",
                 "/api/stats", "/api/code", "/api/documents"):
        assert path in spec["paths"], path
    names = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"type", "quad", "actor_country", "cursor", "format", "q"} <= names
    html = client.get("/docs").text
    assert "/api/events" in html and "swagger" not in html.lower()


def test_body_limit_and_cross_site_writes(db_path: Path) -> None:
    with TestClient(create_app(db_path, max_body=4096)) as c:
        r = c.post("/api/code", json={"text": "x" * 10_000})
        assert r.status_code == 413 and r.json()["status"] == 413
        r = c.post("/api/code", content=b"{" + b" " * 10_000, headers={"content-type": "application/json",
                                                                           "transfer-encoding": "chunked"})
        assert r.status_code == 413
        r = c.post("/code", data={"text": "y" * 5000})
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        r = c.post("/code", data={"text": "a", "x1": "1", "x2": "2"}, files=[("file", ("a.txt", b"a")),
                                                                             ("file", ("b.txt", b"b"))])
        assert r.status_code == 400  # one file per request
        r = c.post("/api/code", json={"text": "hello"}, headers={"origin": "https://evil.example"})
        assert r.status_code == 403 and r.json()["code"] == "E403"
        r = c.post("/api/code", json={"text": "hello"}, headers={"sec-fetch-site": "cross-site"})
        assert r.status_code == 403
        r = c.post("/code", data={"text": "hello"}, headers={"origin": "null"})
        assert r.status_code == 403
        r = c.post("/api/code", content=b"not json", headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["status"] == 422
        r = c.post("/api/documents", json={"text": "hello", "lang": "de"})
        assert r.status_code == 422
        r = c.post("/api/code", json={"text": "   "})
        assert r.status_code == 400 and r.json()["param"] == "text"


def test_database_missing_is_503_problem(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "absent.duckdb")) as c:
        r = c.get("/api/events")
        assert r.status_code == 503 and r.json()["code"] == "E430"
        assert c.get("/events").status_code == 503


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from dragoman.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--db" in result.output and "127.0.0.1" in result.output
    result = CliRunner().invoke(app, ["serve", "--db", "/nonexistent/x.duckdb"])
    assert result.exit_code == 2


def test_version_1_store_without_languages_column(tmp_path: Path) -> None:
    path = make_db(tmp_path / "v1.duckdb", v1=True)
    with TestClient(create_app(path)) as c:
        assert [e["event_id"] for e in c.get("/api/events", params={"lang": "en"}).json()["items"]] == ["ev-request"]
        html = c.get("/events", params={"lang": "fr"}).text
        assert 'data-facet="lang"' in html and "ev-request" not in html
        assert c.get("/api/documents/fr1").status_code == 200


def test_idle_connection_is_released_for_other_writers(tmp_path: Path) -> None:
    import time

    path = make_db(tmp_path / "idle.duckdb")
    with TestClient(create_app(path, idle_close=0.2)) as c:
        assert c.get("/api/stats").json()["events"] == 4
        time.sleep(0.8)
        con = duckdb.connect(str(path))  # would fail while the app holds the file
        con.execute("INSERT INTO events (event_id, type, quad_class, date, status) "
                    "VALUES ('ev-new', 'AID', 2, DATE '2026-11-26', 'occurred')")
        con.close()
        assert c.get("/api/stats").json()["events"] == 5  # cache keyed on the file state
        assert c.get("/api/events").json()["items"][0]["event_id"] == "ev-new"


def test_fuzzed_query_parameters_never_500(client: TestClient) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    names = ["type", "quad", "actor_country", "recipient_country", "person", "date_from", "date_to", "status",
             "lang", "q", "sort", "order", "limit", "cursor", "format", "page", "a", "b", "period", "edges",
             "level", "both", "offset", "country"]
    routes = ["/api/events", "/api/dyads", "/api/actors", "/events", "/dyads", "/network", "/map",
              "/events/export", "/api/events/", "/documents/"]

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(route=st.sampled_from(routes), params=st.dictionaries(st.sampled_from(names),
                                                                 st.text(max_size=40), max_size=4))
    def check(route: str, params: dict) -> None:
        if route.endswith("/"):
            from urllib.parse import quote

            route += quote(params.pop("q", "x") or "x", safe="")
        r = client.get(route, params=params)
        assert r.status_code < 500, (route, params, r.status_code, r.text[:300])

    check()


def test_chart_geometry() -> None:
    import re

    from dragoman.web.charts import dyad_chart, fill_periods, network_layout

    def slot(period: str, n: int) -> dict:
        return {"period": period, "count": n, "goldstein_sum": 1.0 * n, "goldstein_mean": 1.0,
                "quad": {"1": n, "2": 0, "3": 0, "4": 0}, "types": {"AGREE": n}}

    filled = fill_periods([slot("2025-11-01", 2), slot("2026-02-01", 1)], "month")
    assert [s["period"] for s in filled] == ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"]
    assert [s["count"] for s in filled] == [2, 0, 0, 1]
    assert [s["period"] for s in fill_periods([slot("2026-11-02", 1), slot("2026-11-16", 1)], "week")] == [
        "2026-11-02", "2026-11-09", "2026-11-16"]
    chart = dyad_chart(filled)
    assert len(chart["bars"]) == 2 and chart["bars"][0]["h"] == 2 * chart["bars"][1]["h"]
    assert len(chart["dots"]) == 2  # empty months have no Goldstein mean
    by_type = dyad_chart(filled, stack="type")
    assert [b["h"] for b in by_type["bars"]] == [b["h"] for b in chart["bars"]]
    from dragoman.web.charts import TYPE_COLORS

    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in TYPE_COLORS.values())
    assert len(set(TYPE_COLORS.values())) == 16 and by_type["bars"][0]["fill"] == TYPE_COLORS["AGREE"]
    layout = network_layout([{"source": "FRA", "target": "CHN", "weight": 3, "goldstein": 2.0},
                             {"source": "CHN", "target": "FRA", "weight": 1, "goldstein": -3.0}])
    assert [n["id"] for n in layout["nodes"]] == ["CHN", "FRA"]
    assert [e["color"] for e in layout["edges"]] == ["#4c9a2a", "#c0392b"]
    assert layout["edges"][0]["d"] != layout["edges"][1]["d"]


def test_page_numbers_follow_the_same_order_as_cursors(client: TestClient) -> None:
    import re

    order = [e["event_id"] for e in client.get("/api/events", params={"sort": "goldstein"}).json()["items"]]
    for n, expected in enumerate(order, start=1):
        html = client.get("/events", params={"sort": "goldstein", "limit": 1, "page": n}).text
        assert re.findall(r'class="event-link" href="/events/([^"]+)"', html) == [expected]


def test_database_locked_by_a_writer_is_503_then_recovers(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = make_db(tmp_path / "locked.duckdb")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); sys.stdin.readline()", str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(path)) as c:
            r = c.get("/api/events")
            assert r.status_code == 503 and "lock" in r.json()["detail"]
            holder.communicate("done\n", timeout=30)
            assert c.get("/api/events").json()["total"] == 4
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
