"""CLI commands: ``dragoman code`` and ``dragoman explain``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

LANGS = ("auto", "fr", "en")
OUTPUT_FORMATS = ("table", "jsonl")


def _usage(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _usage(f"--pub-date must be YYYY-MM-DD, got {value!r}")
    return None


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        _usage(f"{name} must be one of {', '.join(choices)}, got {value!r}")


def _who(actors: list[Any]) -> str:
    parts = []
    for a in actors:
        code = a.code or a.country or "?"
        name = a.name or a.text
        parts.append(f"{code} ({name})" if name and name != code else code)
    return ", ".join(parts) or "-"


def _doc_label(doc: Any) -> str:
    return doc.source or doc.id


def _failure(doc: Any) -> str:
    if doc.errors:
        return "; ".join(f"{e.message}" if e.message.startswith("[") else f"[{e.code}] {e.message}"
                         for e in doc.errors)
    return f"skipped: {doc.skipped}"


def code(
    paths: list[str] = typer.Argument(..., help="Files to code (text, HTML or JSONL); '-' reads stdin."),
    lang: str = typer.Option("auto", "--lang", help="Language: auto, fr or en."),
    pub_date: str | None = typer.Option(None, "--pub-date", help="Publication date (YYYY-MM-DD) when the input has none."),
    input_format: str = typer.Option("auto", "--input-format", help="auto, text, html, jsonl, warc or feed (RSS/Atom)."),
    fmt: str = typer.Option("table", "--format", help="Output: table or jsonl (one event per line)."),
    actors: list[Path] = typer.Option([], "--actors", help="Extra actor dictionary file (repeatable)."),
) -> None:
    """Code political events (PLOVER) from news texts."""
    from dragoman.ingest import read_inputs
    from dragoman.pipeline import Pipeline, PipelineConfig

    _check_choice("--lang", lang, LANGS)
    from dragoman.ingest import FORMATS as INGEST_FORMATS

    _check_choice("--input-format", input_format, ("auto", *INGEST_FORMATS))
    _check_choice("--format", fmt, OUTPUT_FORMATS)
    pub = _parse_date(pub_date)
    for p in actors:
        if not p.is_file():
            _usage(f"--actors file not found: {p}")
    pipeline = Pipeline(PipelineConfig(lang=lang, pub_date=pub, actor_files=list(actors)))
    docs = read_inputs(paths, input_format=input_format, lang=None if lang == "auto" else lang, pub_date=pub)
    failed = 0
    out = Console(file=sys.stdout, soft_wrap=True) if fmt == "table" else None
    table = _new_table() if fmt == "table" else None
    for doc in pipeline(docs):
        if doc.failed:
            failed += 1
            message = _failure(doc)
            # ingest messages already name FILE[:LINE]; don't say it twice
            label = "" if _doc_label(doc) in message else f"{_doc_label(doc)}: "
            typer.echo(f"error: {label}{message}", err=True)
            continue
        for ev in doc.events:
            if fmt == "jsonl":
                sys.stdout.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
            else:
                _add_row(table, doc, ev)
    if out is not None and table is not None:
        if table.row_count:
            out.print(table)
        else:
            out.print("no events coded")
    sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


def _new_table() -> Table:
    t = Table(show_lines=False)
    for col in ("doc", "type/mode", "actor → recipient", "date", "place", "status", "trigger"):
        t.add_column(col, overflow="fold")
    return t


def _add_row(table: Table, doc: Any, ev: Any) -> None:
    place = ev.location.name or ev.location.text if ev.location else "-"
    if ev.location and ev.location.country:
        place = f"{place} ({ev.location.country})"
    trig = ev.evidence[0].trigger.text if ev.evidence else "-"
    if len(ev.evidence) > 1:
        trig += f" (+{len(ev.evidence) - 1})"
    table.add_row(
        doc.id, ev.type + (f"/{ev.mode}" if ev.mode else ""),
        f"{_who(ev.actor)} → {_who(ev.recipient)}",
        (ev.date or "-") + (f" ({ev.date_precision})" if ev.date else ""),
        place, f"{ev.status} {ev.confidence:.2f}", trig,
    )


def explain(
    sentence: str = typer.Argument(..., help="The sentence (or short text) to explain."),
    lang: str = typer.Option("auto", "--lang", help="Language: auto, fr or en."),
    pub_date: str | None = typer.Option(None, "--pub-date", help="Publication date (YYYY-MM-DD)."),
) -> None:
    """Show how a sentence is parsed and why it gives events (or none)."""
    from dragoman.events.calibration import event_score
    from dragoman.pipeline import Pipeline, PipelineConfig

    _check_choice("--lang", lang, LANGS)
    pub = _parse_date(pub_date)
    pipeline = Pipeline(PipelineConfig(lang=lang, pub_date=pub))
    doc = pipeline.code_text(sentence, doc_id="explain", lang=None if lang == "auto" else lang, pub_date=pub)
    console = Console(soft_wrap=True)
    if doc.failed:
        typer.echo(f"error: {_failure(doc)}", err=True)
        raise typer.Exit(1)
    console.print(f"[bold]language[/bold]: {doc.lang}")
    for sent in doc.sentences:
        console.print(f"\n[bold]sentence {sent.index}[/bold]: {sent.text}")
        tokens = Table("i", "token", "lemma", "POS", "dep", "head", "morph", title="tokens")
        if sent.span is not None:
            for t in sent.span:
                tokens.add_row(str(t.i), t.text, t.lemma_, t.pos_, t.dep_, f"{t.head.i} {t.head.text}",
                               str(t.morph))
        console.print(tokens)
        mentions = [m for m in doc.actor_mentions if m.sentence_index == sent.index]
        if mentions:
            mt = Table("mention", "kind", "code", "country", "sector", "name", "entry", title="actor mentions")
            for m in mentions:
                a = m.actor
                mt.add_row(doc.text[m.start:m.end], m.kind, a.code or "-", a.country or "-", a.sector or "-",
                           a.name or "-", a.entry or "-")
            console.print(mt)
        else:
            console.print("actor mentions: none")
        places = [pm for pm in doc.place_mentions if pm.sentence_index == sent.index]
        if places:
            from dragoman.places import load_gazetteer, place_entry

            pt = Table("place", "name", "country", "class", "entry", title="places")
            for pm in places:
                loc = pm.location
                pt.add_row(loc.text or "-", loc.name or "-", loc.country or "-", loc.feature_class or "-",
                           place_entry(loc, load_gazetteer()))
            console.print(pt)
        notes = [t for t in doc.trace if t.get("sentence_index") == sent.index]
        if notes:
            tt = Table("trigger", "entry", "rule", "status", "actor", "recipient", "outcome", title="triggers")
            for n in notes:
                outcome = n["outcome"] + (f" ({n['reason']})" if n.get("reason") else "")
                tt.add_row(n.get("trigger") or "-", n.get("entry") or "-", n.get("rule") or "-",
                           (n.get("status") or "-") + (f" [{n['status_cue']}]" if n.get("status_cue") else ""),
                           ", ".join(n.get("actor") or []) or "-", ", ".join(n.get("recipient") or []) or "-",
                           outcome)
            console.print(tt)
    console.print()
    if doc.events:
        table = _new_table()
        for ev in doc.events:
            _add_row(table, doc, ev)
        console.print(table)
        for ev in doc.events:
            rb = f", reported by {_who(ev.reported_by)}" if ev.reported_by else ""
            console.print(f"{ev.event_id} {ev.type}: confidence {ev.confidence:.2f} "
                          f"(calibrated from raw score {event_score(ev):.2f}), "
                          f"rule {ev.evidence[0].rule if ev.evidence else '-'}{rb}")
    else:
        reasons = sorted({n["outcome"] for n in doc.trace})
        console.print("no event coded: " + (", ".join(reasons) if reasons else "no sentence"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("code")(code)
    app.command("explain")(explain)
