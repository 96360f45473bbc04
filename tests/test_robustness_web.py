"""Untrusted text in the web app, stored through the real store writer (``Store.add_coded``).

``tests/test_web_api.py`` and ``tests/test_web_browser.py`` check a hand-built store; here article
text, titles, URLs (``javascript:`` and http URLs carrying quotes), actor names and place names all
carry payloads, and every page is parsed: no tag may carry an event-handler attribute, no inline
script may appear, no link may use ``javascript:``. Oversized requests are refused before coding.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dragoman.schema import Location
from dragoman.store import Store
from dragoman.web import create_app
from store_helpers import make_doc

SCRIPT = "<script>window.__pwned=1</script>"
ATTR = '"onmouseover="window.__pwned=1" x="'
SQUOTE = "'onfocus='window.__pwned=1' autofocus='"
IMG = "<img src=x onerror=window.__pwned=1>"
JS_URL = "javascript:window.__pwned=1"
QUOTED_URL = 'https://evil.example/a"onmouseover="window.__pwned=1"'
PAYLOADS = (SCRIPT, ATTR, SQUOTE, IMG)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.attrs.append((tag, name, value))
        if tag == "script" and not dict(attrs).get("src"):
            self.inline_scripts += 1


def _check_page(html: str, where: str) -> None:
    parser = _Tags()
    parser.feed(html)
    handlers = [a for a in parser.attrs if a[1].startswith("on")]
    assert not handlers, (where, handlers[:3])
    assert parser.inline_scripts == 0, where
    links = [v for tag, name, v in parser.attrs if name in ("href", "src", "action", "formaction") and v]
    assert not [v for v in links if v.strip().lower().startswith(("javascript:", "data:text/html"))], where
    for p in PAYLOADS:
        assert p not in html, (where, p)


def _hostile_store(path: Path) -> dict[str, str]:
    text = (f"{SCRIPT} Le ministre {ATTR} a menacé Berlin. {SQUOTE} {IMG} Voir {JS_URL} et {QUOTED_URL}. "
            "Wang Yi met Kim Jong Un in Pyongyang.")
    evil_place = Location(text="Pyongyang", name=f"Pyongyang {IMG}", country="PRK", lat=39.03, lon=125.75,
                          geonameid=1871859, feature_class="P")
    spec = {"type": "THREATEN", "actors": [("FRAGOV", f"{ATTR}{SCRIPT}")], "recipients": [("DEUGOV", f"{SQUOTE}{IMG}")],
            "date": "2026-11-20", "trigger": "menacé", "location": evil_place, "quad_class": 3, "goldstein": -4.0}
    a = make_doc(text, url=JS_URL, events=[spec])
    a.title = f"{SCRIPT}{ATTR}Titre"
    b = make_doc(text + " Second copy.", url=QUOTED_URL, events=[{**spec, "date": "2026-11-21"}])
    b.title = f"{SQUOTE}{IMG}"
    b.site = f"{ATTR}site"
    with Store(path) as store:
        summary = store.add_coded([a, b], keep_text=True)
        assert summary.new == 2, summary
        rows = store.sql("SELECT doc_id FROM documents ORDER BY url")[1]
        events = store.sql("SELECT event_id FROM events")[1]
    return {"docs": [r[0] for r in rows], "events": [r[0] for r in events]}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "s.duckdb"
    ids = _hostile_store(db)
    with TestClient(create_app(db)) as client:
        yield client, ids


def test_every_page_keeps_hostile_values_inert(hostile):
    client, ids = hostile
    urls = ["/events", "/events?q=script", "/events?sort=date&order=asc", "/dyads?a=FRA&b=DEU", "/network",
            "/map", "/code", "/docs", f"/events?person={ATTR}", "/no-such-page" + SCRIPT]
    urls += [f"/events/{e}" for e in ids["events"]] + [f"/documents/{d}" for d in ids["docs"]]
    for url in urls:
        r = client.get(url)
        assert r.status_code in (200, 404), (url, r.status_code)
        assert r.headers["content-type"].startswith("text/html"), url
        _check_page(r.text, url)
    doc = "".join(client.get(f"/documents/{d}").text for d in ids["docs"])
    # The payloads are shown as text (escaped), not dropped: users must see what the article said.
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in doc
    assert re.search(r"&#3[49];onmouseover=", doc) or "&quot;onmouseover=" in doc


def test_api_returns_hostile_values_as_plain_json_strings(hostile):
    client, ids = hostile
    r = client.get("/api/events", params={"person": "onmouseover"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    names = [a["name"] for item in r.json()["items"] for a in item["actor"]]
    assert f"{ATTR}{SCRIPT}" in names
    titles = {client.get(f"/api/documents/{d}").json()["title"] for d in ids["docs"]}
    assert titles == {f"{SCRIPT}{ATTR}Titre", f"{SQUOTE}{IMG}"}
    for fmt in ("csv", "jsonl"):
        r = client.get("/api/events", params={"format": fmt})
        assert r.status_code == 200 and not r.headers["content-type"].startswith("text/html")


def test_oversized_requests_are_refused_before_coding(hostile):
    client, _ = hostile
    # Over the body limit (2 MB by default): 413 before the body is parsed.
    r = client.post("/api/code", json={"text": "a" * 2_200_000})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    # Under the body limit but over the text limit: 422 from validation, the pipeline never runs.
    r = client.post("/api/code", json={"text": "a " * 600_000})
    assert r.status_code == 422 and r.json()["code"] == "E401"
    assert client.app.state.coder._pipelines == {}
    r = client.post("/api/code", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["status"] == 422
