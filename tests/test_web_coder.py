"""The coder page and the coding/ingest API with the real pipeline and the real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dragoman.web import create_app
from test_web_api import make_db

pytestmark = pytest.mark.slow

FR = ("Le président Emmanuel Macron a rencontré Xi Jinping à Pékin lundi. "
      "Paris a condamné les essais nucléaires de Pyongyang.")
EN = "Washington and Seoul urged Beijing on Tuesday to use its influence on Pyongyang."


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = make_db(tmp_path_factory.mktemp("coder") / "store.duckdb")
    with TestClient(create_app(db)) as c:
        r = c.post("/api/code", json={"text": FR, "lang": "fr", "pub_date": "2026-11-24"})
        if r.status_code != 200 or not r.json()["events"] or r.json()["documents"][0]["errors"]:
            pytest.skip(f"pipeline does not code end to end yet: {r.text[:300]}")
        yield c


def _check_provenance(text: str, events: list[dict]) -> None:
    """Every offset the API returns points at its text in the input."""
    for e in events:
        for ev in e["evidence"]:
            t = ev["trigger"]
            assert text[t["start"]:t["end"]] == t["text"]
            assert text[ev["start"]:ev["end"]] == ev["sentence"]
        for a in e["actor"] + e["recipient"]:
            if a["start"] is not None:
                assert text[a["start"]:a["end"]] == a["text"]


def test_api_code_returns_events_with_offsets(client: TestClient) -> None:
    body = client.post("/api/code", json={"text": FR, "lang": "auto", "pub_date": "2026-11-24"}).json()
    assert body["documents"][0]["lang"] == "fr"
    assert body["events"] and all(e["type"] for e in body["events"])
    _check_provenance(FR, body["events"])
    assert body["documents"][0]["trace"] and all("outcome" in n for n in body["documents"][0]["trace"])
    body = client.post("/api/code", json={"text": EN, "lang": "en", "pub_date": "2026-11-24"}).json()
    _check_provenance(EN, body["events"])
    before = client.get("/api/stats").json()["documents"]
    assert client.get("/api/stats").json()["documents"] == before  # /api/code stores nothing


def test_coder_page_paste_and_upload(client: TestClient) -> None:
    r = client.post("/code", data={"text": FR, "lang": "fr", "pub_date": "2026-11-24"})
    assert r.status_code == 200 and 'id="coded-text"' in r.text and "hl-trigger" in r.text
    assert "Explain: what the coder decided" in r.text
    # a text with no event says why, instead of a silent empty table
    r = client.post("/code", data={"text": "Il fait beau à Lyon.", "lang": "fr"})
    assert r.status_code == 200 and "No event coded." in r.text and '<details class="explain" open>' in r.text
    html = ("<html><head><title>Sommet &lt;b&gt; à Pékin</title></head><body><article><h1>Sommet à Pékin</h1>"
            f"<p>{FR}</p><script>window.__pwned=1</script></article></body></html>").encode()
    r = client.post("/code", data={"lang": "auto"}, files={"file": ("../../etc/passwd.html", html, "text/html")})
    assert r.status_code == 200, r.text[:500]
    assert "hl-trigger" in r.text and "<script>window" not in r.text
    assert not Path("/etc/passwd.html").exists()
    r = client.post("/code", data={"lang": "auto"})
    assert r.status_code == 400 and "paste a text" in r.text


def test_api_documents_ingests_through_the_store(client: TestClient) -> None:
    stats = client.get("/api/stats").json()  # the app holds its read-only connection now
    r = client.post("/api/documents", json={"text": EN, "lang": "en", "pub_date": "2026-11-24",
                                            "url": "https://example.org/seoul", "title": "Seoul and Washington"})
    assert r.status_code == 201, r.text
    stored = r.json()["stored"]
    assert stored["new"] == 1 and stored["doc_ids"]
    after = client.get("/api/stats").json()
    assert after["documents"] == stats["documents"] + 1
    doc = client.get(f"/api/documents/{stored['doc_ids'][0]}").json()
    assert doc["text"] == EN and doc["url"] == "https://example.org/seoul"
    assert len(doc["mentions"]) == stored["mentions"]
    page = client.get(f"/documents/{stored['doc_ids'][0]}").text
    assert "hl-trigger" in page or stored["mentions"] == 0
    again = client.post("/api/documents", json={"text": EN, "lang": "en", "pub_date": "2026-11-24",
                                                "url": "https://example.org/seoul"}).json()
    assert again["stored"]["present"] == 1 and again["stored"]["new"] == 0


def test_coder_page_can_store_and_link_the_document(client: TestClient) -> None:
    text = "Le Kremlin a accusé Kiev mardi de saboter les négociations."
    r = client.post("/code", data={"text": text, "lang": "fr", "pub_date": "2026-11-24", "store": "1"})
    assert r.status_code == 200 and 'id="stored"' in r.text
    import re

    link = re.search(r'<a href="(/documents/[^"]+)">open</a>', r.text)
    assert link, r.text[:2000]
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Kremlin" in page.text
    r = client.post("/api/documents", json={"text": "Berlin a condamné Moscou hier.", "lang": "fr",
                                            "keep_text": False, "pub_date": "2026-11-24"})
    doc = client.get(f"/api/documents/{r.json()['stored']['doc_ids'][0]}").json()
    assert doc["text"] is None
