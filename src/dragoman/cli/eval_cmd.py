"""CLI commands: eval (score the pipeline on gold files, and the CI floors)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

FIGURES_SHOWN = (
    "type_recall", "unit_recall", "unit_recall_sector", "precision", "f1",
    "doc_precision", "doc_recall", "doc_f1", "events_per_sentence", "calibration", "ece", "brier",
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("eval")(eval_command)


def eval_command(
    gold: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Gold JSONL file(s)."),
    strict: bool = typer.Option(False, "--strict", help="No 'also' types; gold sector and mode must match."),
    all_statuses: bool = typer.Option(
        False, "--all-statuses", help="Count hypothetical and negated events as predictions too."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file."),
    records: bool = typer.Option(False, "--records", help="With --json: include per-record results."),
    limit: int = typer.Option(0, "--limit", min=0, help="Score only the first N records (0: all)."),
    misses: bool = typer.Option(False, "--misses", help="List the ids of missed gold events by type."),
    floors: Path = typer.Option(None, "--floors", help="Floors file (JSON): fail if a figure drops below."),
    update_floors: bool = typer.Option(
        False, "--update-floors", help="Raise the floors in --floors to the measured figures (minus 0.01)."),
    allow_lower: bool = typer.Option(
        False, "--allow-lower", help="With --update-floors: allow floors to go down (needs a reason in the commit)."),
    calibration: bool = typer.Option(
        False, "--calibration", help="Show the reliability table of the confidence (and of the raw score)."),
    fit_calibration: Path = typer.Option(
        None, "--fit-calibration", dir_okay=False,
        help="Fit the confidence calibration on the judged events of all GOLD files and write it to FILE; "
             "the figures shown are then those of the new table."),
) -> None:
    """Run the pipeline on gold records and score it (figures defined in docs/evaluation.md)."""
    from dragoman.evaluate import check_floors, evaluate, group_errors, raise_floors
    from dragoman.events.calibration import load_calibration
    from dragoman.pipeline import Pipeline

    console = Console(stderr=as_json)
    pipeline = Pipeline()
    floor_data: dict[str, dict[str, float]] = {}
    if floors is not None:
        floor_data = json.loads(floors.read_text(encoding="utf-8")) if floors.exists() else {}
    problems: list[str] = []
    reports = []
    for path in gold:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            total = sum(1 for line in path.open(encoding="utf-8") if line.strip())
            task = bar.add_task(path.name, total=min(total, limit) if limit else total)
            reports.append(evaluate(path, pipeline=pipeline, strict=strict, count_all_statuses=all_statuses,
                                    limit=limit or None, progress=lambda n, t=task: bar.update(t, completed=n)))
    fitted_table = None
    if fit_calibration is not None:
        fitted_table, summary = _fit(reports, fit_calibration)
        _print_fit(console, summary, fit_calibration, as_json)
    for path, report in zip(gold, reports, strict=True):
        if as_json:
            sys.stdout.write(json.dumps(report.to_dict(records=records), ensure_ascii=False) + "\n")
        else:
            _print_report(console, report)
            if calibration:
                _print_calibration(console, report)
            if misses:
                for etype, ids in sorted(group_errors(report.results).items()):
                    console.print(f"[bold]{etype}[/] missed: {', '.join(ids)}")
        errors = [e for r in report.results for e in r.errors]
        if errors:
            console.print(f"[yellow]{len(errors)} record(s) failed in the pipeline; first: {errors[0]}[/]")
        if floors is not None and path.name in floor_data:
            if update_floors:
                floor_data[path.name] = raise_floors(floor_data[path.name], report, allow_lower=allow_lower)
            # Checked after raising too: a figure below its floor keeps the floor and fails.
            problems.extend(check_floors(report, floor_data[path.name]))
    for problem in problems:
        Console(stderr=True).print(f"[red]FLOOR[/] {problem}")
    if problems:
        # Nothing is written when the gate fails: a refit or a floor update only lands if it holds.
        if fitted_table is not None or update_floors:
            Console(stderr=True).print("[red]nothing written[/]: the figures above are below their floors")
        raise typer.Exit(1)
    if fitted_table is not None:
        fit_calibration.write_text(fitted_table, encoding="utf-8")
        load_calibration.cache_clear()  # the table on disk changed
        console.print(f"calibration written to {fit_calibration}")
    if update_floors and floors is not None:
        floors.write_text(json.dumps(floor_data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        console.print(f"floors written to {floors}")


def _print_report(console: Console, report) -> None:
    figures = Table(title=f"{Path(report.path).name}: {report.figures['records']} records, "
                          f"{report.seconds:.1f} s", show_header=True)
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    for name in FIGURES_SHOWN:
        if report.figures.get(name) is not None:
            figures.add_row(name, f"{report.figures[name]:.3f}")
    if report.focus:
        for name in ("doc_precision", "doc_recall", "doc_f1"):
            if report.focus.get(name) is not None:
                figures.add_row(f"{name} (PROTEST/COERCE/ASSAULT)", f"{report.focus[name]:.3f}")
    console.print(figures)
    by_type = Table(title="by type")
    for col in ("type", "gold", "matched", "recall", "predicted"):
        by_type.add_column(col, justify="left" if col == "type" else "right")
    for etype, row in report.by_type.items():
        recall = "-" if row["recall"] is None else f"{row['recall']:.2f}"
        by_type.add_row(etype, str(row["gold"]), str(row["matched"]), recall, str(row["predicted"]))
    console.print(by_type)


def _fit(reports: list, out: Path) -> tuple[str, dict]:
    """Fit the calibration on all reports, rescore the reports with it, and return the table's
    text (written by the caller once the floors hold) and the fit's summary."""
    from dragoman.evaluate import calibration_header, fit_from_reports, recalibrate
    from dragoman.events.calibration import format_calibration, parse_calibration

    try:
        cal, summary = fit_from_reports(reports)
    except ValueError as err:
        Console(stderr=True).print(f"[red]error[/] {err}")
        raise typer.Exit(1) from err
    text = format_calibration(cal, calibration_header(summary))
    parse_calibration(text, str(out))  # what we write must load
    for report in reports:
        recalibrate(report, cal)
    return text, summary


def _print_fit(console: Console, summary: dict, out: Path, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"calibration_fit": str(out), "summary": summary}) + "\n")
        return
    table = Table(title=f"calibration fitted for {out}: ECE / Brier")
    for col in ("events", "judged", "raw score", "in-sample", "held-out (2-fold)"):
        table.add_column(col, justify="left" if col == "events" else "right")
    for name, fig in summary.items():
        table.add_row(name, str(fig["in_sample"]["judged"]),
                      *(f"{fig[k]['ece']:.3f} / {fig[k]['brier']:.3f}" for k in ("raw_score", "in_sample", "held_out")))
    console.print(table)


def _print_calibration(console: Console, report) -> None:
    cal = report.calibration
    if not cal or not cal["confidence"]["judged"]:
        console.print("calibration: no judged events")
        return
    for name, title in (("confidence", "confidence"), ("raw_score", "raw feature score")):
        rel = cal[name]
        table = Table(title=f"reliability of the {title}: {rel['judged']} judged events, "
                            f"ECE {rel['ece']:.3f}, Brier {rel['brier']:.3f}")
        for col in ("bin", "events", "mean confidence", "fraction right"):
            table.add_column(col, justify="right")
        for b in rel["bins"]:
            table.add_row(f"{b['low']:.1f}-{b['high']:.1f}", str(b["events"]), f"{b['mean_confidence']:.3f}",
                          f"{b['fraction_right']:.3f}")
        console.print(table)
