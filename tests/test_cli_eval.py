"""``dragoman eval`` through typer's CliRunner: the floors gate also holds when refitting or
raising floors (nothing is written when a figure is below its floor)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dragoman.cli import app

SENTENCES = [
    ("REQUEST", "USA", "ISR", "The United States urged Israel to reopen the crossing."),
    ("ACCUSE", "RUS", "UKR", "Russia accused Ukraine of shelling a power plant."),
    ("SANCTION", "GBR", "IRN", "Britain imposed new sanctions on Iran on Monday."),
    ("CONSULT", "FRA", "DEU", "France held talks with Germany in Paris."),
]


def _gold(path):
    with path.open("w", encoding="utf-8") as f:
        for i, (etype, actor, recipient, text) in enumerate(SENTENCES):
            event = {"type": etype, "mode": None, "date": None, "location": None, "status": "occurred",
                     "optional": False, "also": [],
                     "actor": [{"country": actor, "sector": None, "text": actor}],
                     "recipient": [{"country": recipient, "sector": None, "text": recipient}]}
            f.write(json.dumps({"id": f"t/{i}", "lang": "en", "pub_date": None, "title": None, "text": text,
                                "events": [event], "complete": False}) + "\n")


def test_update_floors_fails_and_writes_nothing_below_a_floor(tmp_path):
    gold = tmp_path / "small.dev.jsonl"
    _gold(gold)
    floors = tmp_path / "floors.json"
    table = tmp_path / "calibration.tsv"
    # a floor no coder reaches: raising floors never lowers it, so the gate must fail
    floors.write_text(json.dumps({"small.dev.jsonl": {"type_recall": 0.5, "unit_recall": 1.01}}), encoding="utf-8")
    before = floors.read_text(encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", "--floors", str(floors), "--update-floors", "--fit-calibration",
                                   str(table), str(gold)])
    assert res.exit_code == 1
    assert "below floor 1.01" in res.output and "nothing written" in res.output
    assert floors.read_text(encoding="utf-8") == before and not table.exists()


def test_update_floors_raises_and_writes_when_the_gate_holds(tmp_path):
    gold = tmp_path / "small.dev.jsonl"
    _gold(gold)
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"small.dev.jsonl": {"type_recall": 0.1}}), encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", "--floors", str(floors), "--update-floors", str(gold)])
    assert res.exit_code == 0, res.output
    assert json.loads(floors.read_text(encoding="utf-8"))["small.dev.jsonl"]["type_recall"] > 0.1
