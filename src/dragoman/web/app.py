"""The FastAPI application: server-rendered pages and the JSON/CSV/JSONL API.

``create_app(db_path)`` builds an app bound to one store file, opened read-only;
only ingest requests write, through the store, in a short exclusive section.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartParser

from dragoman import __version__
from dragoman.errors import DragomanError, InputError, StoreError
from dragoman.schema import PLOVER_TYPES, STATUSES
from dragoman.web import charts, coder
from dragoman.web.errors import TITLES, BadParameter, WebError, problem
from dragoman.web.filters import (
    SORTS,
    EventFilter,
    parse_actor,
    parse_choice,
    parse_date,
    parse_filter,
    parse_int,
    parse_page,
    query_items,
)
from dragoman.web.highlight import document_segments, mention_sentence_segments
from dragoman.web.middleware import GuardMiddleware
from dragoman.web.queries import PERIODS, Database, decode_row, jsonable

log = logging.getLogger("dragoman.web")

DEFAULT_MAX_BODY = 2 * 1024 * 1024
EXPORT_FORMATS = ("csv", "jsonl", "parquet")
API_FORMATS = ("json", "csv", "jsonl")
QUAD_LABELS = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def safe_url(value: Any) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) stays text."""
    if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
        return value
    return None


def _make_templates() -> Jinja2Templates:
    folder = resources.files("dragoman.web") / "templates"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True,
                      default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["q"] = lambda v: quote(str(v), safe="")
    env.filters["codes"] = lambda actors: ", ".join(
        (a.get("code") or a.get("country") or a.get("text") or "?") for a in (actors or []) if isinstance(a, dict))
    env.filters["fmt"] = lambda v, n=2: "" if v is None else (f"{v:.{n}f}" if isinstance(v, float) else str(v))
    env.globals.update(version=__version__, PLOVER_TYPES=PLOVER_TYPES, QUAD_LABELS=QUAD_LABELS,
                       STATUSES=STATUSES, QUAD_COLORS=charts.QUAD_COLORS)
    return Jinja2Templates(env=env)


def _qs(items: list[tuple[str, str]], **overrides: Any) -> str:
    """Query string of ``items`` with some keys replaced (None removes a key)."""
    keep = [(k, v) for k, v in items if k not in overrides]
    for k, v in overrides.items():
        if v is not None and v != "":
            keep.append((k, str(v)))
    return urlencode(keep)


def create_app(db_path: str | Path, *, max_body: int = DEFAULT_MAX_BODY, pipeline_factory: Any = None,
               idle_close: float | None = 10.0) -> FastAPI:
    """Build the app for the store at ``db_path``.

    ``pipeline_factory(lang)`` returns a callable pipeline (documents in, documents out); by
    default ``dragoman.pipeline.Pipeline`` (loaded on first use, cached per language).
    ``idle_close``: seconds without requests after which the database file is released.
    """
    db = Database(db_path, idle_close=idle_close)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Warm up: open the file and cache the unfiltered counts the first page needs.
        try:
            await run_in_thread(db.facets, EventFilter())
        except WebError as err:  # a missing or locked database: pages will say so
            log.warning("database not ready at startup: %s", err)
        yield
        db.close()

    templates = _make_templates()
    app = FastAPI(
        title="Dragoman event data API",
        version=__version__,
        description="PLOVER-coded political events from French and English news, with provenance. "
                    "Errors are RFC 7807 problems; lists take the same filters as the Events page.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
    )
    app.state.db = db
    app.state.coder = coder.Coder(pipeline_factory)
    app.add_middleware(GuardMiddleware, max_body=max_body)
    # Uploads stay in memory: Starlette spools file parts over 1 MB to a temporary file otherwise.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, max_body)
    app.mount("/static", StaticFiles(directory=str(resources.files("dragoman.web") / "static")), name="static")
    ingest_lock = threading.Lock()

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api")

    def error_response(request: Request, status: int, detail: str, code: str, **extra: Any) -> Response:
        if is_api(request):
            return JSONResponse(problem(status, detail, code=code, **extra), status_code=status,
                                media_type="application/problem+json")
        return templates.TemplateResponse(request, "error.html", {"status": status, "title": TITLES.get(
            status, "Error"), "detail": detail, "code": code}, status_code=status)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, err: WebError) -> Response:
        extra = {"param": err.param} if isinstance(err, BadParameter) else {}
        return error_response(request, err.status, str(err), err.code, **extra)

    @app.exception_handler(DragomanError)
    async def _dragoman_error(request: Request, err: DragomanError) -> Response:
        # Our own errors carry safe, specific messages: input problems are the client's, store ones 503.
        status = 400 if isinstance(err, InputError) else 503 if isinstance(err, StoreError) else 500
        if status == 500:
            log.error("error on %s: %s", request.url.path, err)
        return error_response(request, status, str(err), err.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> Response:
        detail = err.detail if isinstance(err.detail, str) else TITLES.get(err.status_code, "Error")
        if err.status_code == 404 and detail == "Not Found":
            detail = f"no page at {request.url.path[:200]}"
        return error_response(request, err.status_code, detail, f"E{err.status_code}")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, err: RequestValidationError) -> Response:
        parts = []
        for e in err.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query"))
            parts.append(f"{loc}: {e.get('msg')}")
        return error_response(request, 400 if not request.method == "POST" else 422,
                              "; ".join(parts) or "invalid request", "E401")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "internal error (see the server log)", "E499")

    # ---------------------------------------------------------------- helpers
    def filter_and_page(request: Request, default_limit: int = 50) -> tuple[EventFilter, Any]:
        return parse_filter(request.query_params), parse_page(request.query_params, default_limit=default_limit)

    def render(request: Request, name: str, ctx: dict[str, Any]) -> Response:
        return templates.TemplateResponse(request, name, ctx)

    # --------------------------------------------------------------- pages
    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/events", status_code=303)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request) -> Response:
        flt, page = filter_and_page(request)
        rows, _ = db.list_events(flt, page, use_offset=True)
        total = db.count_events(flt)
        facets = db.facets(flt)
        items = query_items(flt)
        base = items + [("sort", page.sort), ("order", page.order), ("limit", str(page.limit))]
        pages = max(1, -(-total // page.limit))
        for r in rows:
            r["segments"] = None
        return render(request, "events.html", {
            "rows": rows, "total": total, "facets": facets, "flt": flt, "page": page, "pages": pages,
            "items": items, "qs": lambda **kw: _qs(base, **kw), "fqs": lambda **kw: _qs(items, **kw),
            "sorts": list(SORTS), "export_formats": EXPORT_FORMATS,
        })

    @app.get("/events/export", include_in_schema=False)
    def events_export(request: Request, format: str = "csv") -> Response:
        fmt = parse_choice(format, "format", EXPORT_FORMATS, "csv")
        flt, page = filter_and_page(request)
        return export_response(flt, page, fmt)

    def export_response(flt: EventFilter, page: Any, fmt: str) -> Response:
        name = f"dragoman-events.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "parquet":
            import pyarrow.parquet as pq

            table = db.export_table(flt, page)
            buf = io.BytesIO()
            pq.write_table(table, buf, compression="zstd")
            return Response(buf.getvalue(), media_type="application/vnd.apache.parquet", headers=disposition)
        media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
        return StreamingResponse(db.iter_export_text(flt, page, fmt), media_type=media, headers=disposition)

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        event = db.get_event(event_id)
        for m in event["mentions"]:
            m["segments"] = mention_sentence_segments(m)
        return render(request, "event.html", {"e": event})

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> Response:
        doc = db.get_document(doc_id)
        full = document_segments(doc["text"], doc["mentions"]) if doc.get("text") else None
        for m in doc["mentions"]:
            m["segments"] = mention_sentence_segments(m)
        return render(request, "document.html", {"d": doc, "full": full})

    @app.get("/dyads", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(request: Request) -> Response:
        params = request.query_params
        a = parse_actor(params.get("a"), "a")
        b = parse_actor(params.get("b"), "b")
        period = parse_choice(params.get("period"), "period", PERIODS, "month")
        both = params.get("both") in ("1", "true", "on")
        stack = parse_choice(params.get("stack"), "stack", ("quad", "type"), "quad")
        flt = parse_filter(params)
        data = chart = None
        if a and b:
            data = db.dyad_series(a, b, period, flt, both)
            chart = charts.dyad_chart(charts.fill_periods(data["series"], period), stack=stack)
        top = db.top_dyads(flt, 25)
        return render(request, "dyad.html", {"a": a, "b": b, "period": period, "both": both, "data": data,
                                              "stack": stack, "type_colors": charts.TYPE_COLORS,
                                              "chart": chart, "top": top, "flt": flt, "periods": PERIODS,
                                              "fqs": lambda **kw: _qs(query_items(flt), **kw)})

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request) -> Response:
        flt = parse_filter(request.query_params)
        limit = parse_int(request.query_params.get("edges"), "edges", 60, 1, 300)
        level = parse_choice(request.query_params.get("level"), "level", ("country", "code"), "country")
        edges = db.network(flt, limit, level)
        return render(request, "network.html", {"layout": charts.network_layout(edges), "flt": flt,
                                                 "edges": limit, "level": level, "edge_rows": edges})

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> Response:
        flt = parse_filter(request.query_params)
        points = db.map_points(flt)
        layers = charts.map_layers(points, db.country_counts(flt))
        return render(request, "map.html", {"layers": layers, "flt": flt, "points": points[:30]})

    @app.get("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_form(request: Request) -> Response:
        return render(request, "code.html", {"result": None, "form": {"lang": "auto"}})

    @app.post("/code", response_class=HTMLResponse, include_in_schema=False)
    async def code_submit(request: Request) -> Response:
        form = await request.form(max_files=1, max_fields=20, max_part_size=max_body)
        text = form.get("text")
        upload = form.get("file")
        lang = parse_choice(str(form.get("lang") or "auto"), "lang", ("auto", "fr", "en"), "auto")
        pub_date = parse_date(str(form.get("pub_date") or "") or None, "pub_date")
        title = str(form.get("title") or "") or None
        store = form.get("store") in ("1", "on", "true")
        data: bytes | None = None
        filename = None
        if upload is not None and hasattr(upload, "read"):
            data = await upload.read()
            filename = getattr(upload, "filename", None)
            if not data:
                data = None
        if data is None and not (isinstance(text, str) and text.strip()):
            raise BadParameter("text", "paste a text or choose a file")
        result = await run_in_thread(app.state.coder.code, text if isinstance(text, str) else None, data,
                                     filename, lang, pub_date, title)
        stored = None
        if store:
            stored = await run_in_thread(store_documents, result.documents)
        return render(request, "code.html", {"result": result, "stored": stored, "form": {
            "text": text if isinstance(text, str) and data is None else "", "lang": lang,
            "pub_date": pub_date.isoformat() if pub_date else "", "title": title or ""}})

    def store_documents(documents: list[Any], keep_text: bool = True) -> dict[str, Any]:
        with ingest_lock, db.writing():
            return coder.store_documents(db.path, documents, keep_text)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page(request: Request) -> Response:
        spec = app.openapi()
        ops = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                            "description": op.get("description", ""), "params": op.get("parameters", []),
                            "body": bool(op.get("requestBody"))})
        return render(request, "docs.html", {"ops": ops, "spec": spec})

    # ------------------------------------------------------------------ API
    def filter_params(
        type: list[str] | None = Query(None, description=f"PLOVER type(s): {', '.join(PLOVER_TYPES)}"),
        quad: list[str] | None = Query(None, description="quad class 1-4"),
        actor_country: str | None = Query(None, description="ISO3 country among the actors"),
        recipient_country: str | None = Query(None, description="ISO3 country among the recipients"),
        actor: str | None = Query(None, description="actor code (PRKGOV) or country (PRK) among the actors"),
        recipient: str | None = Query(None, description="actor code or country among the recipients"),
        person: str | None = Query(None, description="substring of an actor or recipient name"),
        date_from: str | None = Query(None, description="YYYY-MM-DD, inclusive"),
        date_to: str | None = Query(None, description="YYYY-MM-DD, inclusive"),
        status: list[str] | None = Query(None, description=f"one of {', '.join(STATUSES)}"),
        lang: str | None = Query(None, description="language of a report (fr, en)"),
        q: str | None = Query(None, description="free text in the evidence sentence"),
    ) -> None:
        """Declared for the OpenAPI document; values are parsed from the request."""

    @app.get("/api/events", summary="List events (clusters) matching the filters")
    def api_events(
        request: Request,
        sort: str = Query("date", description=f"one of {', '.join(SORTS)}"),
        order: str = Query("desc", description="asc or desc"),
        limit: int | None = Query(None, description="page size, 1-500 (default 50)"),
        cursor: str | None = Query(None, description="next_cursor of the previous page"),
        format: str = Query("json", description="json, csv or jsonl"),
    ) -> Response:
        fmt = parse_choice(format, "format", API_FORMATS, "json")
        flt, page = filter_and_page(request)
        rows, next_cursor = db.list_events(flt, page)
        headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
        if fmt == "jsonl":
            body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            return Response(body, media_type="application/x-ndjson", headers=headers)
        if fmt == "csv":
            return Response("".join(csv_lines(rows)), media_type="text/csv; charset=utf-8", headers=headers)
        return JSONResponse({"items": rows, "next_cursor": next_cursor, "total": db.count_events(flt),
                             "sort": page.sort, "order": page.order, "limit": page.limit})

    @app.get("/api/events/{event_id:path}", summary="One event with all its mentions and evidence")
    def api_event(event_id: str) -> Response:
        return JSONResponse(db.get_event(event_id))

    @app.get("/api/documents/{doc_id:path}", summary="One document (text if kept) with its coded mentions")
    def api_document(doc_id: str) -> Response:
        return JSONResponse(db.get_document(doc_id))

    @app.get("/api/dyads", summary="Dyad time series (with a and b) or the busiest dyads")
    def api_dyads(
        request: Request,
        a: str | None = Query(None, description="actor: ISO3 country or full actor code"),
        b: str | None = Query(None, description="recipient: ISO3 country or full actor code"),
        period: str = Query("month", description=f"one of {', '.join(PERIODS)}"),
        both: bool = Query(False, description="count both directions"),
        limit: int = Query(50, ge=1, le=500, description="number of dyads when a/b are not given"),
        format: str = Query("json", description="json, csv or jsonl"),
    ) -> Response:
        fmt = parse_choice(format, "format", API_FORMATS, "json")
        aa, bb = parse_actor(a, "a"), parse_actor(b, "b")
        period = parse_choice(period, "period", PERIODS, "month")
        flt = parse_filter(request.query_params)
        if bool(aa) != bool(bb):
            raise BadParameter("a" if not aa else "b", "give both a and b, or neither")
        if aa and bb:
            data = db.dyad_series(aa, bb, period, flt, both)
            rows = [{"period": s["period"], "actor": aa, "recipient": bb, "events": s["count"],
                     **{f"quad{k}": v for k, v in s["quad"].items()}, "goldstein_sum": s["goldstein_sum"],
                     "goldstein_mean": s["goldstein_mean"]} for s in data["series"]]
            if fmt == "json":
                return JSONResponse(data)
        else:
            rows = db.top_dyads(flt, limit)
            if fmt == "json":
                return JSONResponse({"items": rows})
        return tabular(rows, fmt)

    @app.get("/api/actors", summary="Actors known to the store, most mentioned first")
    def api_actors(
        q: str | None = Query(None, description="substring of name or code"),
        country: str | None = Query(None, description="ISO3 country"),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=10_000_000),
        format: str = Query("json", description="json, csv or jsonl"),
    ) -> Response:
        fmt = parse_choice(format, "format", API_FORMATS, "json")
        if q and len(q) > 200:
            raise BadParameter("q", "at most 200 characters")
        if country and (len(country) != 3 or not country.isalpha()):
            raise BadParameter("country", "expected an ISO 3166-1 alpha-3 code")
        rows = [decode_row(r) for r in db.actors(q, country.upper() if country else None, limit, offset)]
        if fmt == "json":
            return JSONResponse({"items": rows, "limit": limit, "offset": offset})
        return tabular(rows, fmt)

    @app.get("/api/stats", summary="Counts of documents, mentions, events; by type, quad class, language")
    def api_stats() -> Response:
        return JSONResponse(db.stats())

    @app.post("/api/code", summary="Code a text and return its events (nothing is stored)")
    async def api_code(body: coder.CodeRequest) -> Response:
        result = await run_in_thread(app.state.coder.code, body.text, None, None, body.lang, body.pub_date,
                                     body.title)
        return JSONResponse(result.to_json())

    @app.post("/api/documents", summary="Code a text and store it (ingest)", status_code=201)
    async def api_ingest(body: coder.IngestRequest) -> Response:
        result = await run_in_thread(app.state.coder.code, body.text, None, None, body.lang, body.pub_date,
                                     body.title, body.url, body.doc_id)
        stored = await run_in_thread(store_documents, result.documents, body.keep_text)
        return JSONResponse({**result.to_json(), "stored": stored}, status_code=201)

    # The filter parameters are shared: document them on the list routes.
    _document_filters(app, filter_params, ("/api/events", "/api/dyads"))
    app.state.templates = templates
    return app


async def run_in_thread(fn: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):  # as in `dragoman export`: JSON text in a CSV cell
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_lines(rows: Any) -> Any:
    """CSV rows as text chunks; lists and objects as JSON text."""
    buf = io.StringIO()
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(row.keys()), extrasaction="ignore")
            writer.writeheader()
        writer.writerow({k: _cell(v) for k, v in row.items()})
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue()


def tabular(rows: list[dict[str, Any]], fmt: str) -> Response:
    if fmt == "jsonl":
        return Response("".join(json.dumps({k: jsonable(v) for k, v in r.items()}, ensure_ascii=False) + "\n"
                                for r in rows), media_type="application/x-ndjson")
    return Response("".join(csv_lines(rows)), media_type="text/csv; charset=utf-8")


def _document_filters(app: FastAPI, declared: Any, paths: tuple[str, ...]) -> None:
    """Add the shared filter parameters to the OpenAPI description of list routes."""
    import inspect

    params = []
    for name, p in inspect.signature(declared).parameters.items():
        info = p.default
        multi = name in ("type", "quad", "status")
        schema = {"type": "array", "items": {"type": "string"}} if multi else {"type": "string"}
        params.append({"name": name, "in": "query", "required": False, "schema": schema,
                       "description": getattr(info, "description", "") or ""})
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = original()
        for path in paths:
            op = spec.get("paths", {}).get(path, {}).get("get")
            if op is not None:
                known = {p["name"] for p in op.get("parameters", [])}
                op["parameters"] = [p for p in op.get("parameters", []) if p["name"] != "_f"] + [
                    p for p in params if p["name"] not in known]
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["create_app"]
