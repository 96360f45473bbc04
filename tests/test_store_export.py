"""Exports (JSONL/CSV/Parquet typed schema, GDELT 61 columns, POLECAT), dyads, sql CLI."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dragoman.cli import app
from dragoman.store import EventFilter, Store
from dragoman.store.export import GDELT_COLUMNS, MENTION_SCHEMA, POLECAT_COLUMNS
from store_helpers import KIM, KOR, USA, WANG, make_doc, visit


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    docs = [
        make_doc("Wang Yi met Kim Jong Un in Pyongyang on Thursday.", url="https://a.example/1",
                 events=[visit(contexts=["diplomatic"])]),
        make_doc("Wang Yi a rencontré Kim Jong Un jeudi à Pyongyang.", url="https://b.example/2", lang="fr",
                 events=[visit()]),
        make_doc("Washington and Seoul urged Beijing to use its influence.", url="https://c.example/3",
                 pub="2026-10-02",
                 events=[{"type": "REQUEST", "mode": "yield", "actors": [USA, KOR], "recipients": [WANG],
                          "trigger": "urged", "cameo": "020", "quad_class": 3, "goldstein": -2.0,
                          "date": "2026-10-02"}]),
        make_doc("Pyongyang accused Seoul of provocations.", url="https://d.example/4", pub="2026-10-20",
                 events=[{"type": "ACCUSE", "actors": [KIM], "recipients": [KOR], "trigger": "accused",
                          "cameo": "112", "quad_class": 3, "goldstein": -2.0, "date": "2026-10-20"}]),
    ]
    with Store(path) as store:
        store.add_coded(docs)
    return path


def test_gdelt_rows_have_61_columns(db, tmp_path):
    out = io.StringIO()
    with Store(db, read_only=True) as store:
        n = store.export(out, "gdelt")
        lines = out.getvalue().splitlines()
        assert n == len(lines) == 3  # events, not mentions
        for line in lines:
            cells = line.split("\t")
            assert len(cells) == 61 == len(GDELT_COLUMNS)
            row = dict(zip(GDELT_COLUMNS, cells, strict=True))
            assert row["GLOBALEVENTID"].isdigit() and len(row["SQLDATE"]) == 8
        consult = next(dict(zip(GDELT_COLUMNS, ln.split("\t"), strict=True)) for ln in lines if "\t042\t" in ln)
        assert consult["Actor1Code"] == "CHNGOV" and consult["Actor2CountryCode"] == "PRK"
        assert (consult["EventBaseCode"], consult["EventRootCode"], consult["QuadClass"]) == ("042", "04", "1")
        assert consult["NumMentions"] == "2" and consult["ActionGeo_FeatureID"] == "1871859"
        assert consult["SOURCEURL"].startswith("https://")
        out = io.StringIO()
        store.export(out, "gdelt", explode_dyads=True)
        assert len(out.getvalue().splitlines()) == 4  # USA+KOR -> CHN gives two dyads


def test_polecat_header_and_rows(db):
    out = io.StringIO()
    with Store(db, read_only=True) as store:
        n = store.export(out, "polecat", filters=EventFilter(types=["REQUEST"]))
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == POLECAT_COLUMNS and len(POLECAT_COLUMNS) == 40
    assert n == 1
    row = dict(zip(POLECAT_COLUMNS, lines[1].split("\t"), strict=True))
    assert row["Event Type"] == "REQUEST" and row["Actor Country"] == "USA; KOR"
    assert row["Recipient Name"] == "Wang Yi" and row["Event Mode"] == "yield"


def test_parquet_typed_and_readable(db, tmp_path):
    target = tmp_path / "m.parquet"
    with Store(db, read_only=True) as store:
        assert store.export(target, "parquet") == 4
        store.export(tmp_path / "e.parquet", "parquet", level="events")
    schema = pq.read_schema(target)
    assert [f.name for f in schema] == [name for name, _, _ in MENTION_SCHEMA]
    assert str(schema.field("date").type) == "date32[day]" and str(schema.field("quad_class").type) == "int32"
    assert pa.types.is_list(schema.field("contexts").type) and schema.field("contexts").type.value_type == pa.string()
    df = pd.read_parquet(target)
    assert len(df) == 4 and set(df["type"]) == {"CONSULT", "REQUEST", "ACCUSE"}
    con = duckdb.connect()
    assert con.execute("SELECT sum(num_mentions) FROM read_parquet(?)", [str(tmp_path / "e.parquet")]).fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM read_parquet(?) WHERE list_contains(actor_codes, 'USAGOV')",
                       [str(target)]).fetchone()[0] == 1


def test_jsonl_and_csv_share_the_schema(db):
    with Store(db, read_only=True) as store:
        j, c = io.StringIO(), io.StringIO()
        store.export(j, "jsonl")
        store.export(c, "csv")
    records = [json.loads(line) for line in j.getvalue().splitlines()]
    rows = list(csv.DictReader(io.StringIO(c.getvalue())))
    assert list(records[0]) == list(rows[0]) == [name for name, _, _ in MENTION_SCHEMA]
    assert isinstance(records[0]["actor"], list) and records[0]["actor"][0]["code"]
    assert json.loads(rows[0]["actor_codes"]) == records[0]["actor_codes"]
    assert all(r["evidence"][0]["trigger"]["text"] for r in records)


def test_explode_dyads_mentions(db):
    with Store(db, read_only=True) as store:
        out = io.StringIO()
        store.export(out, "jsonl", explode_dyads=True, filters=EventFilter(types=["REQUEST"]))
    pairs = sorted((r["dyad_actor"], r["dyad_recipient"]) for r in map(json.loads, out.getvalue().splitlines()))
    assert pairs == [("KORGOV", "CHNGOV"), ("USAGOV", "CHNGOV")]


def test_dyads_by_month(db):
    with Store(db, read_only=True) as store:
        rows = store.dyads(by="month")
        by_key = {(r["actor"], r["recipient"], str(r["period"])): r for r in rows}
        consult = by_key[("CHN", "PRK", "2026-11-01")]
        assert consult["events"] == 1 and consult["consult"] == 1 and consult["verbal_coop"] == 1
        assert by_key[("USA", "CHN", "2026-10-01")]["goldstein_sum"] == -2.0
        assert by_key[("PRK", "KOR", "2026-10-01")]["verbal_conflict"] == 1
        mentions = store.dyads(by="year", level="mentions", filters=EventFilter(actor="CHN"))
        assert [(r["actor"], r["recipient"], r["events"]) for r in mentions] == [("CHN", "PRK", 2)]
        codes = store.dyads(by="week", side="code", filters=EventFilter(recipient="CHNGOV"))
        assert {r["actor"] for r in codes} == {"USAGOV", "KORGOV"}


def test_cli_events_export_dyads_sql(db, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl", "--actor", "USA"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["type"] for line in res.stdout.splitlines()] == ["REQUEST"]
    res = runner.invoke(app, ["export", "-", "--db", str(db), "--format", "gdelt"])
    assert res.exit_code == 0 and all(len(line.split("\t")) == 61 for line in res.stdout.splitlines())
    png = tmp_path / "d.png"
    res = runner.invoke(app, ["dyads", "--db", str(db), "--by", "month", "--format", "csv", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert res.stdout.splitlines()[0].startswith("actor,recipient,period,events")
    res = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM events", "--db", str(db), "--format", "csv"])
    assert res.stdout.splitlines() == ["n", "3"]
    res = runner.invoke(app, ["sql", "DELETE FROM events", "--db", str(db)])
    assert res.exit_code == 2 and "read-only" in res.output
    with Store(db, read_only=True) as store:
        assert store.count_events() == 3
