"""CLI commands: scale (``dragoman batch``)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dragoman.errors import DragomanError

_err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""

    @app.command()
    def batch(
        inputs: list[str] = typer.Argument(..., help="Files, directories, JSONL, WARC: local paths or fsspec URIs."),
        out: str = typer.Option(..., "--out", help="Output directory (local path or URI) for the Parquet datasets."),
        engine: str = typer.Option("local", "--engine", help="local (processes) or ray."),
        address: str | None = typer.Option(None, "--address",
                                           help="Ray cluster: auto or ray://host:10001 (default: start one here)."),
        workers: int | None = typer.Option(None, "--workers", min=1,
                                           help="Coding workers (default: local 1, ray one per cluster CPU)."),
        resume: bool = typer.Option(False, "--resume", help="Skip documents already in --out; finish a killed run."),
        lang: str | None = typer.Option(None, "--lang", help="Force the language (fr or en)."),
        pub_date: str | None = typer.Option(None, "--pub-date", help="Publication date when inputs lack one."),
        batch_size: int = typer.Option(16, "--batch-size", min=1, help="Documents per batch and per part file."),
        input_format: str = typer.Option("auto", "--input-format", help="auto, text, html, jsonl, warc, rss"),
        keep_text: bool = typer.Option(False, "--keep-text", help="Write the article text in documents."),
        actors: list[Path] | None = typer.Option(None, "--actors", help="Extra actor dictionary file(s)."),
        num_cpus: int | None = typer.Option(None, "--num-cpus", min=1,
                                            help="CPUs of the local Ray instance (without --address)."),
    ) -> None:
        """Code a corpus on many workers into Parquet (mentions, documents, errors) by publication month."""
        from dragoman.scale import BatchOptions, run_batch

        if lang == "auto":
            lang = None
        if lang not in (None, "fr", "en"):
            raise typer.BadParameter(f"unsupported language {lang!r}; use auto, fr or en", param_hint="--lang")
        if engine not in ("local", "ray"):
            raise typer.BadParameter(f"unknown engine {engine!r}; use local or ray", param_hint="--engine")
        if address and engine != "ray":
            raise typer.BadParameter("--address needs --engine ray", param_hint="--address")
        try:
            pdate = date.fromisoformat(pub_date) if pub_date else None
        except ValueError as err:
            raise typer.BadParameter(f"{pub_date!r} is not a date (YYYY-MM-DD)", param_hint="--pub-date") from err
        for f in actors or []:
            if not f.is_file():
                raise typer.BadParameter(f"actor dictionary not found: {f}", param_hint="--actors")
        options = BatchOptions(out=out, engine=engine, address=address, workers=workers, resume=resume, lang=lang,
                               pub_date=pdate, input_format=input_format, batch_size=batch_size,
                               keep_text=keep_text, actor_files=list(actors or []), num_cpus=num_cpus)

        def tick(s) -> None:
            _err.print(f"[dim]{s.read} read · {s.coded} coded · {s.already_done} done before · {s.failed} failed · "
                       f"{s.mentions} mentions · {s.rate:.2f} articles/s[/]", highlight=False)

        try:
            summary = run_batch(inputs, options, progress=tick if sys.stderr.isatty() else None)
        except DragomanError as err:
            _err.print(f"[bold red]error[/] {err}", highlight=False)
            raise typer.Exit(2) from err
        t = Table(title=f"dragoman batch → {out} ({engine})")
        for col in ("inputs", "documents read", "coded", "done before", "skipped", "failed", "mentions", "parts",
                    "seconds", "articles/s"):
            t.add_column(col, justify="right")
        t.add_row(str(summary.inputs), str(summary.read), str(summary.coded), str(summary.already_done),
                  str(summary.skipped), str(summary.failed), str(summary.mentions), str(summary.batches),
                  f"{summary.seconds:.1f}", f"{summary.rate:.2f}")
        _err.print(t)
        if summary.removed_parts:
            _err.print(f"removed {summary.removed_parts} part file(s) of unfinished batches")
        for msg in summary.errors[:10]:
            _err.print(f"[red]failed[/] {msg}", highlight=False)
        if summary.failed:
            _err.print(f"{summary.failed} input(s) failed; see: dragoman sql \"SELECT * FROM "
                       f"read_parquet('{out.rstrip('/')}/errors/*.parquet')\"")
            raise typer.Exit(1)
