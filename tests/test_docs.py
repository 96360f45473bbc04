"""The documentation tells the truth about the CLI (Datasette-style doc tests):
every command is in the README, every option is documented in README.md or docs/,
and the README starts with the two commands that set everything up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from dragoman.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = README + "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))


def _commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, object]] = []

    def walk(prefix: str, cmd) -> None:
        if hasattr(cmd, "commands"):  # a group (typer ships its own click)
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, cmd))

    walk("", root)
    return found


COMMANDS = _commands()


def test_readme_starts_with_demo_and_test():
    head = README[:1500]
    assert "make demo" in head and "make test" in head
    assert head.index("make demo") < head.index("make test")


@pytest.mark.parametrize("name", sorted({name for name, _ in COMMANDS}))
def test_every_command_is_in_the_readme(name):
    assert f"dragoman {name}" in README, f"`dragoman {name}` is not mentioned in README.md"


@pytest.mark.parametrize(
    "name,option",
    sorted({(name, opt) for name, cmd in COMMANDS for p in cmd.params if getattr(p, "param_type_name", "") == "option"
            for opt in p.opts if opt.startswith("--") and opt != "--help"}),
)
def test_every_option_is_documented(name, option):
    assert re.search(re.escape(option) + r"\b", DOCS), f"`dragoman {name} {option}` is not documented"


def test_makefile_targets_named_in_readme_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"make ([a-z-]+)", README):
        assert re.search(rf"^{target}:", makefile, re.M), f"README mentions `make {target}`, Makefile has none"
