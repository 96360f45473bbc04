"""``dragoman actors`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dragoman.cli import app

DATA = Path(__file__).resolve().parent / "data"
PHOENIX = Path(__file__).resolve().parents[2] / "shared" / "reference" / "phoenix"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAGOMAN_CACHE_DIR", str(tmp_path / "cache"))


runner = CliRunner()


def test_resolve_text():
    res = runner.invoke(app, ["actors", "resolve", "le chef de la diplomatie chinoise", "--lang", "fr",
                              "--date", "2020-05-01"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout.strip())
    assert list(rec) == ["id", "text", "country", "sector", "name", "code", "office", "qid"]
    assert (rec["country"], rec["sector"], rec["code"]) == ("CHN", "GOV", "CHNGOV")


def test_resolve_auto_language_and_nulls():
    res = runner.invoke(app, ["actors", "resolve", "les manifestants ont défilé dans la capitale"])
    rec = json.loads(res.stdout.strip())
    assert rec["sector"] == "CVL" and rec["country"] is None and rec["code"] is None


def test_resolve_input_jsonl(tmp_path):
    inp = tmp_path / "in.jsonl"
    recs = [{"id": "a", "text": "police in Seoul", "lang": "en"},
            {"id": "b", "text": "les forces russes", "lang": "fr"},
            {"id": "c", "text": "the foreign minister of China", "lang": "en", "date": "2020-06-01"},
            {"id": "d", "text": "nothing to see here", "lang": "en"}]
    inp.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["actors", "resolve", "--input", str(inp)])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert out[0]["code"] == "KORCOP" and out[1]["code"] == "RUSMIL"
    assert out[2]["code"] == "CHNGOV"
    assert out[3]["code"] is None and out[3]["country"] is None


def test_resolve_with_user_dictionary():
    res = runner.invoke(app, ["actors", "resolve", "The Acme Liberation Front", "--lang", "en",
                              "--actors", str(DATA / "actors_user.csv")])
    assert json.loads(res.stdout.strip())["code"] == "CODREB"


def test_resolve_usage_errors(tmp_path):
    assert runner.invoke(app, ["actors", "resolve"]).exit_code == 2
    assert runner.invoke(app, ["actors", "resolve", "x", "--lang", "de"]).exit_code == 2
    assert runner.invoke(app, ["actors", "resolve", "x", "--date", "yesterday"]).exit_code == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    res = runner.invoke(app, ["actors", "resolve", "--input", str(bad)])
    assert res.exit_code == 2 and f"{bad}:1" in res.output


def test_lint():
    res = runner.invoke(app, ["actors", "lint", str(DATA / "actors_user_bad.yaml")])
    assert res.exit_code == 1
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith(str(DATA))]
    assert len(lines) == 4
    assert runner.invoke(app, ["actors", "lint", str(DATA / "actors_user.csv")]).exit_code == 0


def test_import_tabari_then_use(tmp_path):
    out = tmp_path / "t.yaml"
    res = runner.invoke(app, ["actors", "import-tabari", str(DATA / "tabari_sample.txt"), "-o", str(out)])
    assert res.exit_code == 0
    assert "entries;" in res.output and "tabari_sample.txt:5" in res.output
    res = runner.invoke(app, ["actors", "resolve", "Sylvanian border police", "--lang", "en", "--actors", str(out)])
    assert json.loads(res.stdout.strip())["code"] == "FRAMIL"


@pytest.mark.slow
@pytest.mark.skipif(not PHOENIX.exists(), reason="/work/shared/reference/phoenix not available")
def test_import_phoenix_countries_then_use(tmp_path):
    out = tmp_path / "c.yaml"
    res = runner.invoke(app, ["actors", "import-tabari", str(PHOENIX / "Phoenix.Countries.actors.txt"), "-o", str(out)])
    assert res.exit_code == 0
    res = runner.invoke(app, ["actors", "resolve", "the Afghan National Army", "--lang", "en", "--actors", str(out)])
    assert json.loads(res.stdout.strip())["code"] == "AFGMIL"


def test_import_wikidata(tmp_path):
    out = tmp_path / "w.yaml"
    res = runner.invoke(app, ["actors", "import-wikidata", str(DATA / "wikidata_sample.jsonl"), "-o", str(out)])
    assert res.exit_code == 0 and "1 entries" in res.output
    res = runner.invoke(app, ["actors", "resolve", "Erika Examplova", "--lang", "en", "--date", "2022-01-01",
                              "--actors", str(out)])
    rec = json.loads(res.stdout.strip())
    assert (rec["code"], rec["qid"], rec["office"]) == ("DEUGOV", "Q900001", "President of Germany")
