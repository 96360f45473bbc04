"""Browser tests: real headless Chromium (Debian's) driven by Playwright, against uvicorn
on 127.0.0.1. Screenshots go to test-artifacts/ (gitignored)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_web_api import make_db

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.exists():
    pytest.skip("Debian chromium not installed at /usr/bin/chromium (make test-env installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from dragoman.web import create_app

    db = make_db(tmp_path_factory.mktemp("browser") / "store.duckdb")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    pw = sync_api.sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    except Exception as err:  # noqa: BLE001 - a broken browser install is an environment problem
        pw.stop()
        pytest.skip(f"chromium did not start: {err}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture()
def page(browser: object, server: str) -> Iterator[object]:
    ctx = browser.new_context(base_url=server)
    pg = ctx.new_page()
    pg.errors = []  # page errors and CSP violations land here
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    # Any request leaving 127.0.0.1 would mean a CDN or tracker: record and block it.
    pg.outside = []

    def guard(route: object) -> None:
        url = route.request.url
        if url.startswith(server) or url.startswith("data:"):
            route.continue_()
        else:
            pg.outside.append(url)
            route.abort()

    pg.route("**/*", guard)
    yield pg
    ctx.close()


def _shot(pg: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_every_page_loads_offline(page: object) -> None:
    for name, url, selector in (
        ("events", "/events", "table.events tbody tr"), ("event", "/events/ev-consult", "mark.hl-trigger"),
        ("document", "/documents/fr1", "article.doctext"), ("dyads", "/dyads?a=FRA&b=CHN&period=day",
                                                              "#dyad-chart rect"),
        ("network", "/network", "#network .node"), ("map", "/map", "#map path.country"),
        ("coder", "/code", "textarea#text"), ("docs", "/docs", "section.op"),
    ):
        resp = page.goto(url)
        assert resp.status == 200, url
        assert page.locator(selector).count() > 0, (url, selector)
        _shot(page, name)
    assert page.errors == [], page.errors
    assert page.outside == [], page.outside
    # the map draws shipped outlines: France is there
    page.goto("/map")
    assert page.locator('path.country[data-iso="FRA"]').count() == 1


def test_filter_events_and_open_one(page: object) -> None:
    page.goto("/events")
    assert page.locator("table.events tbody tr").count() == 4
    # choosing a type submits the filter form (app.js)
    with page.expect_navigation():
        page.select_option("form.filters select[name=type]", "CONSULT")
    assert "type=CONSULT" in page.url
    rows = page.locator("table.events tbody tr")
    assert rows.count() == 1 and page.locator("#total").inner_text() == "1"
    page.fill("input[name=q]", "pékin")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert page.locator("table.events tbody tr").count() == 1
    with page.expect_navigation():
        page.click("a.event-link")
    assert "/events/ev-consult" in page.url
    first = page.locator("li.mention").first
    assert first.locator("mark.hl-trigger").inner_text() == "rencontré"
    assert first.locator("mark.hl-actor").inner_text() == "Emmanuel Macron"
    assert first.locator("mark.hl-recipient").inner_text() == "Xi Jinping"
    assert first.locator("mark.hl-place").inner_text() == "Pékin"
    _shot(page, "event-highlight")
    assert page.errors == []


def test_hostile_article_does_not_execute(page: object) -> None:
    for url in ("/documents/evil", "/events/ev-evil", "/events?status=planned"):
        page.goto(url)
        for el in page.locator("mark, a, span.inert-url").all()[:40]:
            if el.is_visible():
                el.hover()
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        assert page.locator("script:not([src])").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.lower().startswith("javascript:")], hrefs
    page.goto("/documents/evil")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()
    _shot(page, "hostile-document")


def _pipeline_codes_events() -> str | None:
    """None when the pipeline codes a plain sentence end to end, else why not."""
    try:
        from dragoman.pipeline import Pipeline, PipelineConfig

        doc = Pipeline(PipelineConfig(lang="fr")).code_text(
            "Le président Emmanuel Macron a rencontré Xi Jinping à Pékin lundi.", lang="fr")
    except Exception as err:  # noqa: BLE001 - any failure means: not ready yet
        return f"pipeline not available: {err}"
    if doc.errors or not doc.events:
        return f"pipeline does not code end to end yet: {[e.message for e in doc.errors][:1] or 'no event'}"
    return None


def test_coder_paste_hostile_article_stays_text(page: object) -> None:
    """Works whatever the pipeline codes: the text comes back escaped and inert."""
    hostile = ('Le ministre <script>window.__pwned=1</script> a menacé Berlin. '
               '<img src=x onerror="window.__pwned=2"> <a href="javascript:window.__pwned=3">lien</a>')
    page.set_default_timeout(300_000)  # the first submission loads the language models
    page.goto("/code")
    page.fill("textarea#text", hostile)
    page.select_option("select[name=lang]", "fr")
    with page.expect_navigation(timeout=300_000):
        page.click("#code-submit")
    assert page.locator("#coded-text").count() == 1, page.content()[:2000]
    text = page.locator("#coded-text").inner_text()
    assert "<script>window.__pwned=1</script>" in text and 'href="javascript:' in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _shot(page, "coder-hostile")


def test_coder_highlights_events(page: object) -> None:
    reason = _pipeline_codes_events()
    if reason:
        pytest.skip(reason)
    page.set_default_timeout(300_000)
    page.goto("/code")
    page.fill("textarea#text", "Le président Emmanuel Macron a rencontré Xi Jinping à Pékin lundi.")
    page.fill("input[name=pub_date]", "2026-11-24")
    with page.expect_navigation(timeout=300_000):
        page.click("#code-submit")
    assert page.locator("#coded-text mark.hl-trigger").count() >= 1
    assert page.locator("#coded-text mark.hl-actor").count() >= 1
    _shot(page, "coder")


def test_download_and_network_hover(page: object) -> None:
    page.goto("/events?recipient_country=CHN")
    with page.expect_download() as info:
        page.click('a[data-format="csv"]')
    download = info.value
    assert download.suggested_filename == "dragoman-events.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('"event_id"') and len(lines) == 3
    page.goto("/network")
    page.hover('#network .node[data-id="USA"] circle')
    dimmed = page.locator("#network path.edge.dim").count()
    assert 0 < dimmed < page.locator("#network path.edge").count()
    assert page.errors == []
