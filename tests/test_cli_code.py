"""``dragoman code`` and ``dragoman explain`` through typer's CliRunner (real pipeline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dragoman.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_code_text_jsonl(runner, tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Seoul summoned the Russian ambassador on Friday.\n", encoding="utf-8")
    res = runner.invoke(app, ["code", str(f), "--lang", "en", "--pub-date", "2026-11-27", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    events = _jsonl(res.stdout)
    assert events and events[0]["doc_id"]
    ev = events[0]
    for key in ("event_id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein", "actor", "recipient",
                "date", "date_precision", "date_text", "location", "status", "confidence", "lang", "evidence",
                "version"):
        assert key in ev
    assert ev["actor"][0]["country"] == "KOR"
    assert ev["date"] == "2026-11-27" and ev["date_precision"] == "day"
    trig = ev["evidence"][0]["trigger"]
    assert f.read_text(encoding="utf-8")[trig["start"]:trig["end"]] == trig["text"]


def test_code_html_table(runner):
    res = runner.invoke(app, ["code", str(EXAMPLES / "en_summit.html")])
    assert res.exit_code == 0, res.output
    assert "KORCOP" in res.stdout and "SANCTION" in res.stdout
    assert "Taiwan" not in res.stdout  # related-stories box


def test_code_jsonl_input_with_bad_line(runner, tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_text(
        json.dumps({"id": "a", "text": "La police a arrêté douze manifestants à Paris.", "lang": "fr"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b", "text": "Pyongyang fired two ballistic missiles.", "lang": "en"}) + "\n",
        encoding="utf-8")
    res = runner.invoke(app, ["code", str(f), "--format", "jsonl"])
    assert res.exit_code == 1
    events = _jsonl(res.stdout)
    assert {e["doc_id"] for e in events} == {"a", "b"}  # the batch went on
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "batch.jsonl:2" in errors[0]


def test_code_stdin(runner):
    res = runner.invoke(app, ["code", "-", "--lang", "fr", "--format", "jsonl"],
                        input="Séoul a convoqué l'ambassadeur de Russie vendredi.\n")
    assert res.exit_code == 0, res.output
    events = _jsonl(res.stdout)
    assert events and events[0]["lang"] == "fr" and events[0]["actor"][0]["country"] == "KOR"


def test_code_missing_file_exit_1(runner, tmp_path):
    res = runner.invoke(app, ["code", str(tmp_path / "nope.txt")])
    assert res.exit_code == 1
    assert "nope.txt" in res.stderr


@pytest.mark.parametrize("args", [
    ["--lang", "de"], ["--format", "csv"], ["--pub-date", "27/11/2026"], ["--input-format", "pdf"],
])
def test_code_usage_errors_exit_2(runner, tmp_path, args):
    f = tmp_path / "s.txt"
    f.write_text("Seoul summoned the Russian ambassador.", encoding="utf-8")
    res = runner.invoke(app, ["code", str(f), *args])
    assert res.exit_code == 2
    assert "error:" in res.stderr


def test_explain_shows_tokens_triggers_and_events(runner):
    res = runner.invoke(app, ["explain", "Washington et Séoul ont exhorté Pékin à user de son influence.",
                              "--lang", "fr"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "exhorter" in out and "nsubj" in out  # tokens with lemma and dependency
    assert "USAGOV" in out and "CHNGOV" in out  # actor mentions
    assert "coordination-repair" in out and "coded" in out  # trigger row with rule and outcome
    assert "REQUEST" in out


def test_explain_says_why_nothing(runner):
    res = runner.invoke(app, ["explain", "The weather was mild in Paris on Sunday.", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "no event coded" in res.stdout and "no trigger in sentence" in res.stdout


def test_explain_shows_places_and_their_gazetteer_entry(runner):
    res = runner.invoke(app, ["explain", "La police a dispersé des manifestants au Pendjab et à Moscou.", "--lang", "fr"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "places" in out and "region in IND, PAK: no country" in out  # two-country region
    assert "city geonames" in out  # Moscou
    res = runner.invoke(app, ["explain", "Soldiers attacked villages in Sindh.", "--lang", "en"])
    assert "region ISO 3166-2 PK-SD" in res.stdout
