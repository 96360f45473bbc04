"""CLI commands: ``dragoman actors`` (resolve, lint, import-tabari, import-wikidata)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

actors_app = typer.Typer(help="Actor dictionaries: resolve phrases, check and import dictionaries.",
                         no_args_is_help=True)
FIELDS = ("country", "sector", "name", "code", "office", "qid")


def _usage(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        _usage(f"{where}: date must be YYYY-MM-DD, got {value!r}")
    return None


def _lang(text: str, lang: str) -> str:
    if lang in ("fr", "en"):
        return lang
    from dragoman.language import detect

    return detect(text)[0] if any(c.isalpha() for c in text) else "en"


def _record(rid: Any, text: str, actor: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": rid, "text": text}
    for f in FIELDS:
        rec[f] = getattr(actor, f) if actor is not None else None
    return rec


@actors_app.command("resolve")
def resolve(
    text: str | None = typer.Argument(None, help="A short phrase, e.g. \"le chef de la diplomatie chinoise\"."),
    lang: str = typer.Option("auto", "--lang", help="fr, en or auto (detected per phrase)."),
    on: str | None = typer.Option(None, "--date", help="Resolve offices at this date (YYYY-MM-DD); default today."),
    actors: list[Path] = typer.Option([], "--actors", help="User dictionary (YAML or CSV); repeatable."),
    input_file: Path | None = typer.Option(None, "--input", help="JSONL with id, text, optional lang, date."),
) -> None:
    """Resolve phrases to actors; prints one JSON line per phrase."""
    from dragoman.actors import get_kb, resolve_phrases
    from dragoman.errors import DragomanError

    if lang not in ("auto", "fr", "en"):
        _usage(f"--lang must be fr, en or auto, got {lang!r}")
    if (text is None) == (input_file is None):
        _usage("give either TEXT or --input FILE.jsonl")
    default_day = _date(on, "--date")
    records: list[tuple[Any, str, str | None, date | None]] = []
    if input_file is not None:
        try:
            lines = input_file.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            _usage(f"{input_file}: {err}")
        for no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    raise ValueError("needs a string 'text'")
            except ValueError as err:
                _usage(f"{input_file}:{no}: {err}")
            records.append((rec.get("id", no), rec["text"], rec.get("lang"),
                            _date(rec.get("date"), f"{input_file}:{no}") or default_day))
    else:
        records.append((1, text or "", None, default_day))
    try:
        kb = get_kb(actors)
    except DragomanError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    groups: dict[str, list[int]] = {}
    for i, (_rid, t, lg, _d) in enumerate(records):
        groups.setdefault(lg if lg in ("fr", "en") else _lang(t, lang), []).append(i)
    results: list[Any] = [None] * len(records)
    for lg, idx in groups.items():
        found = resolve_phrases([records[i][1] for i in idx], lg, kb=kb, dates=[records[i][3] for i in idx])
        for i, actor in zip(idx, found, strict=True):
            results[i] = actor
    for (rid, t, _lg, _d), actor in zip(records, results, strict=True):
        sys.stdout.write(json.dumps(_record(rid, t, actor), ensure_ascii=False) + "\n")


@actors_app.command("lint")
def lint(file: Path = typer.Argument(..., help="User dictionary (YAML or CSV).")) -> None:
    """Check a user dictionary: prints every bad line as FILE:LINE: problem; exit 1 if any."""
    from dragoman.actors.userdict import lint_file

    count, errors = lint_file(file)
    for err in errors:
        typer.echo(f"{err.where}: {err.message}" if err.where else err.message)
    typer.echo(f"{count} good entries, {len(errors)} problem(s)", err=True)
    if errors:
        raise typer.Exit(1)


def _write(result: Any, source: Path, out: Path | None) -> None:
    text = result.to_yaml(str(source.name))
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(result.entries)} entries; {len(result.bad_lines)} line(s) not read", err=True)
    for no, line, why in result.bad_lines:
        typer.echo(f"  {source}:{no}: {why}: {line.strip()[:100]}", err=True)


@actors_app.command("import-tabari")
def import_tabari_cmd(
    file: Path = typer.Argument(..., help="TABARI/PETRARCH .actors or agents file."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write the YAML here (default stdout)."),
) -> None:
    """Convert a TABARI/PETRARCH actor or agent dictionary to a Dragoman user dictionary."""
    from dragoman.actors.importers import import_tabari

    if not file.exists():
        _usage(f"{file}: no such file")
    _write(import_tabari(file), file, out)


@actors_app.command("import-wikidata")
def import_wikidata_cmd(
    file: Path = typer.Argument(..., help="Wikidata entities, one JSON object per line (dump format)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write the YAML here (default stdout)."),
) -> None:
    """Convert Wikidata entities with positions held (P39, P580/P582) to people entries."""
    from dragoman.actors.importers import import_wikidata

    if not file.exists():
        _usage(f"{file}: no such file")
    _write(import_wikidata(file), file, out)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(actors_app, name="actors")
