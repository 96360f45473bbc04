"""CLI commands of the corpus store: ingest, events, export, dyads, sql."""

from __future__ import annotations

import csv
import functools
import inspect
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from dragoman.errors import DragomanError

if TYPE_CHECKING:
    from dragoman.store import EventFilter

DB_HELP = "DuckDB store file."
_err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
_out = Console(width=None if sys.stdout.isatty() else 200)


def _fail(err: DragomanError) -> typer.Exit:
    _err.print(f"[bold red]error[/] {err}", markup=True, highlight=False)
    return typer.Exit(2)


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from err


# The event filter options of `events`, `export` and `dyads`: (parameter, type, option). Commands
# decorated with `_with_filters` get them as one `filters: EventFilter` argument.
_FILTER_OPTIONS: list[tuple[str, str, Any]] = [
    ("type_", "list[str] | None", typer.Option(None, "--type", help="PLOVER type(s), repeat or comma-separate.")),
    ("quad", "list[str] | None", typer.Option(
        None, "--quad", help="Quad class(es) 1-4 (verbal coop, material coop, verbal conflict, material "
        "conflict), repeat or comma-separate.")),
    ("actor", "str | None", typer.Option(None, "--actor", help="Actor code (PRKGOV) or country (PRK).")),
    ("recipient", "str | None", typer.Option(None, "--recipient", help="Recipient code or country.")),
    ("person", "str | None", typer.Option(
        None, "--person", help="Text in an actor or recipient name (case-insensitive).")),
    ("from_", "str | None", typer.Option(None, "--from", help="First event date (YYYY-MM-DD).")),
    ("to", "str | None", typer.Option(None, "--to", help="Last event date (YYYY-MM-DD).")),
    ("status", "list[str] | None", typer.Option(
        None, "--status", help="occurred, planned, hypothetical, negated; repeat or comma-separate.")),
    ("lang", "str | None", typer.Option(None, "--lang", help="Language of a report (fr, en).")),
    ("text", "str | None", typer.Option(None, "--text", help="Text in an evidence sentence (case-insensitive).")),
]
# EventFilter field -> command-line option, for error messages.
_FILTER_HINTS = {"types": "--type", "quad": "--quad", "actor": "--actor", "recipient": "--recipient",
                 "person": "--person", "date_from": "--from", "date_to": "--to", "status": "--status",
                 "lang": "--lang", "text": "--text"}


def _filters(type_: list[str] | None = None, quad: list[str] | None = None, actor: str | None = None,
             recipient: str | None = None, person: str | None = None, from_: str | None = None,
             to: str | None = None, status: list[str] | None = None, lang: str | None = None,
             text: str | None = None):
    """The store's EventFilter from the filter options (checked by the store)."""
    from dragoman.store import EventFilter, FilterError
    from dragoman.store.filters import split_values

    try:
        return EventFilter.from_options(types=split_values(type_), quad=split_values(quad),
                                        status=split_values(status), actor=actor, recipient=recipient,
                                        person=person, date_from=from_, date_to=to, lang=lang, text=text)
    except FilterError as err:
        message = err.reason + (f"; one of {', '.join(err.choices)}" if err.choices else "")
        raise typer.BadParameter(message, param_hint=_FILTER_HINTS.get(err.option, err.option)) from None


def _with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the filter options; it receives them as ``filters`` (an EventFilter)."""
    signature = inspect.signature(command)
    own = [p for name, p in signature.parameters.items() if name != "filters"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=hint)
             for name, hint, option in _FILTER_OPTIONS]

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        options = {name: kwargs.pop(name) for name, _, _ in _FILTER_OPTIONS}
        command(**kwargs, filters=_filters(**options))

    run.__signature__ = signature.replace(parameters=own + extra)  # type: ignore[attr-defined]
    annotations = {k: v for k, v in command.__annotations__.items() if k != "filters"}
    run.__annotations__ = {**annotations, **{name: hint for name, hint, _ in _FILTER_OPTIONS}}
    return run


def _plain(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v


def _write_records(records: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "jsonl":
        for rec in records:
            sys.stdout.write(json.dumps({k: _plain(v) for k, v in rec.items()}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(columns)
        for rec in records:
            w.writerow(["" if rec.get(c) is None else json.dumps(rec[c], ensure_ascii=False)
                        if isinstance(rec.get(c), (list, dict)) else _plain(rec[c]) for c in columns])
    else:
        raise typer.BadParameter(f"unknown format {fmt}", param_hint="--format")


def _participants(items: list[str] | None) -> str:
    return ", ".join(items or []) or "-"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command()
    def ingest(
        paths: list[str] | None = typer.Argument(None, help="Files, directories (recursive), JSONL, WARC, RSS/Atom, or -"),
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help=DB_HELP),
        from_parquet: Path | None = typer.Option(None, "--from-parquet",
                                                 help="Load a `dragoman batch` output directory (already coded)."),
        lang: str | None = typer.Option(None, "--lang", help="Force the language (fr or en)."),
        pub_date: str | None = typer.Option(None, "--pub-date", help="Publication date when inputs lack one."),
        input_format: str = typer.Option("auto", "--input-format", help="auto, text, html, jsonl, warc, rss"),
        keep_text: bool = typer.Option(False, "--keep-text", help="Store full article text (off by default)."),
        recode: bool = typer.Option(False, "--recode", help="Re-code documents already in the store."),
        retry_failed: bool = typer.Option(False, "--retry-failed", help="Re-code stored documents that failed."),
        jobs: int = typer.Option(1, "-j", "--jobs", min=1, help="Worker processes for coding."),
        actors: list[Path] | None = typer.Option(None, "--actors", help="Extra actor dictionary file(s)."),
        batch_size: int | None = typer.Option(None, "--batch-size", min=1,
                                              help="Documents per coding batch (default 32, or 8 per worker task)."),
    ) -> None:
        """Code inputs and add them to the corpus store (idempotent, crash-safe)."""
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from dragoman.store import IngestOptions, Store

        if bool(paths) == (from_parquet is not None):
            raise typer.BadParameter("give input paths or --from-parquet DIR (one of them)", param_hint="PATHS")
        if from_parquet is not None and not (from_parquet / "documents").is_dir():
            raise typer.BadParameter(f"{from_parquet} is not a `dragoman batch` output (no documents/)",
                                     param_hint="--from-parquet")
        if lang == "auto":
            lang = None
        if lang not in (None, "fr", "en"):
            raise typer.BadParameter(f"unsupported language {lang!r}; use auto, fr or en", param_hint="--lang")
        for f in actors or []:
            if not f.is_file():
                raise typer.BadParameter(f"actor dictionary not found: {f}", param_hint="--actors")
        options = IngestOptions(lang=lang, pub_date=_date(pub_date, "--pub-date"), input_format=input_format,
                                keep_text=keep_text, recode=recode, retry_failed=retry_failed, workers=jobs, actor_files=list(actors or []),
                                batch_size=batch_size)
        try:
            store = Store(db)
        except DragomanError as err:
            raise _fail(err) from err
        progress = Progress(SpinnerColumn(), TextColumn("[bold]ingest[/]"), BarColumn(bar_width=None),
                            TextColumn("{task.completed} docs · {task.fields[rate]:.1f} articles/s · "
                                       "{task.fields[events]} events · {task.fields[failed]} failed"),
                            TimeElapsedColumn(), console=_err, transient=True)
        task = progress.add_task("ingest", total=None, rate=0.0, events=0, failed=0)
        started = datetime.now()

        def tick(s) -> None:
            secs = max((datetime.now() - started).total_seconds(), 1e-6)
            progress.update(task, completed=s.read, rate=s.coded / secs, events=s.mentions, failed=s.failed)

        try:
            with progress:
                if from_parquet is not None:
                    summary = store.ingest_parquet(from_parquet, progress=tick,
                                                   command="ingest " + " ".join(sys.argv[2:]))
                else:
                    summary = store.ingest_paths([str(p) for p in paths], options, progress=tick,
                                                 command="ingest " + " ".join(sys.argv[2:]))
        except DragomanError as err:
            raise _fail(err) from err
        finally:
            store.close()
        table = Table(title=f"dragoman ingest → {db} (run {summary.run_id})", show_header=True)
        for col in ("documents new", "recoded", "already present", "skipped", "failed", "mentions",
                    "clusters (total)", "seconds", "articles/s"):
            table.add_column(col, justify="right")
        rate = summary.coded / summary.seconds if summary.seconds else 0.0
        table.add_row(str(summary.new), str(summary.recoded), str(summary.present), str(summary.skipped),
                      str(summary.failed), str(summary.mentions), str(summary.clusters), f"{summary.seconds:.1f}",
                      f"{rate:.1f}")
        _err.print(table)
        for msg in summary.errors[:10]:
            _err.print(f"[red]failed[/] {msg}", highlight=False)
        if summary.failed:
            _err.print(f"{summary.failed} input(s) failed; see: dragoman sql \"SELECT * FROM errors\" --db {db}")
            raise typer.Exit(1)

    @app.command()
    @_with_filters
    def events(
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help=DB_HELP),
        limit: int = typer.Option(50, "--limit", min=1),
        fmt: str = typer.Option("table", "--format", help="table, jsonl or csv"),
        filters: EventFilter | None = None,
    ) -> None:
        """List deduplicated events (clusters of mentions), newest first."""
        from dragoman.store import Store

        try:
            with Store(db, read_only=True) as store:
                rows, _ = store.query_events(filters, limit=limit)
                total = store.count_events(filters)
        except DragomanError as err:
            raise _fail(err) from err
        if fmt == "table":
            t = Table(title=f"{len(rows)} of {total} events", show_lines=False)
            for col in ("date", "type", "actor", "recipient", "place", "status", "ment.", "src", "art.", "conf",
                        "event_id"):
                t.add_column(col, overflow="fold")
            for r in rows:
                t.add_row(f"{r['date'] or '-'} {r['date_precision'] or ''}".strip(),
                          r["type"] + (f"/{r['mode']}" if r["mode"] else ""),
                          _participants(r["actor_codes"] or r["actor_names"]),
                          _participants(r["recipient_codes"] or r["recipient_names"]),
                          r["location_name"] or "-", r["status"] or "", str(r["num_mentions"]),
                          str(r["num_sources"]), str(r["num_articles"]), f"{r['confidence']:.2f}", r["event_id"])
            _out.print(t)
        else:
            cols = list(rows[0].keys()) if rows else []
            _write_records(rows, fmt, cols)

    @app.command()
    @_with_filters
    def export(
        out: str = typer.Argument(..., help="Output file, or - for stdout (not for parquet)."),
        fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv, parquet, gdelt, polecat"),
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help=DB_HELP),
        level: str | None = typer.Option(None, "--level", help="mentions (default), events or documents; gdelt: events"),
        explode_dyads: bool = typer.Option(False, "--explode-dyads", help="One row per actor x recipient pair."),
        limit: int | None = typer.Option(None, "--limit", min=1),
        filters: EventFilter | None = None,
    ) -> None:
        """Export mentions or events: JSONL/CSV/Parquet (one typed schema), GDELT 2.0 events, POLECAT TSV."""
        from dragoman.store import Store

        try:
            with Store(db, read_only=True) as store:
                n = store.export(out, fmt, filters=filters, level=level, explode_dyads=explode_dyads, limit=limit)
        except DragomanError as err:
            raise _fail(err) from err
        if out != "-":
            _err.print(f"{n} rows → {out} ({fmt})")

    @app.command()
    @_with_filters
    def dyads(
        by: str = typer.Option("month", "--by", help="day, week, month or year"),
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help=DB_HELP),
        side: str = typer.Option("country", "--side", help="Dyad members: country (ISO3) or code (actor code)."),
        level: str = typer.Option("events", "--level", help="Count events (deduplicated) or mentions."),
        fmt: str = typer.Option("table", "--format", help="table or csv"),
        plot: Path | None = typer.Option(None, "--plot", help="Write a PNG chart of the busiest dyads."),
        filters: EventFilter | None = None,
    ) -> None:
        """Directed dyad x period counts by type and quad class, Goldstein sum and mean."""
        from dragoman.store import Store
        from dragoman.store.aggregate import QUAD_NAMES, plot_dyads

        try:
            with Store(db, read_only=True) as store:
                rows = store.dyads(by=by, filters=filters, side=side, level=level)
        except DragomanError as err:
            raise _fail(err) from err
        if plot:
            plot_dyads(rows, str(plot), title=f"{level} per dyad and {by}")
            _err.print(f"chart → {plot}")
        if fmt == "csv":
            _write_records(rows, "csv", list(rows[0].keys()) if rows else [])
        elif fmt == "table":
            t = Table(title=f"{len(rows)} dyad-{by} rows ({level})")
            cols = ["actor", "recipient", "period", "events", *QUAD_NAMES.values(), "goldstein_sum",
                    "goldstein_mean"]
            for c in cols:
                t.add_column(c, justify="right" if c not in ("actor", "recipient") else "left")
            for r in rows:
                t.add_row(*("" if r[c] is None else str(r[c]) for c in cols))
            _out.print(t)
        else:
            raise typer.BadParameter(f"unknown format {fmt}", param_hint="--format")

    @app.command()
    def sql(
        query: str = typer.Argument(..., help="SQL to run (read-only; read_parquet('f.parquet') works too)."),
        db: Path = typer.Option(Path("dragoman.duckdb"), "--db", help=DB_HELP),
        fmt: str = typer.Option("table", "--format", help="table, csv or jsonl"),
    ) -> None:
        """Run a read-only SQL query on the store (DuckDB refuses writes)."""
        import duckdb

        from dragoman.store import Store

        try:
            if db.exists():
                store = Store(db, read_only=True)
                run = store.sql
            else:
                # No store: query files (e.g. read_parquet) with an empty in-memory database.
                _err.print(f"[yellow]{db} does not exist: querying files only[/]")
                store = None
                mem = duckdb.connect(":memory:")

                def run(q: str):
                    from dragoman.store.api import check_read_only_sql

                    check_read_only_sql(q)
                    cur = mem.execute(q)
                    return ([d[0] for d in cur.description], cur.fetchall()) if cur.description else ([], [])
            try:
                names, rows = run(query)
            finally:
                if store is not None:
                    store.close()
        except DragomanError as err:
            raise _fail(err) from err
        except duckdb.Error as err:
            _err.print(f"[bold red]error[/] [E309] {err}", highlight=False)
            raise typer.Exit(2) from err
        records = [dict(zip(names, r, strict=True)) for r in rows]
        if fmt == "table":
            t = Table(title=f"{len(rows)} rows")
            for n in names:
                t.add_column(n, overflow="fold")
            for r in rows:
                t.add_row(*("" if v is None else str(_plain(v)) for v in r))
            _out.print(t)
        else:
            _write_records(records, fmt, names)
