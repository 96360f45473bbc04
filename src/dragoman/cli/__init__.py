"""The ``dragoman`` command: a thin layer over the library.

Each command group lives in its own module and registers itself on ``app``;
the library never prints, these modules do.
"""

from __future__ import annotations

import typer

from dragoman import __version__

app = typer.Typer(
    name="dragoman",
    help="Political event data (PLOVER, CAMEO) from French and English news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dragoman {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Dragoman reads news in the language it was written in and codes events."""


def _register_all() -> None:
    # Import here so ``import dragoman.cli`` stays cheap; each module adds its commands.
    from dragoman.cli import actors_cmd, code_cmd, eval_cmd, scale_cmd, store_cmd, web_cmd

    for module in (code_cmd, eval_cmd, actors_cmd, store_cmd, web_cmd, scale_cmd):
        module.register(app)


_register_all()


def main() -> None:
    app()
