"""Event filters of the store (quad class, person, several statuses, countries, text, language),
their checks, keyset cursors, and the filter options of `dragoman events`, `export` and `dyads`,
on a small hand-built store."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from dragoman.cli import app
from dragoman.store import EventFilter, FilterError, Store
from dragoman.store.filters import (
    after_cursor,
    decode_cursor,
    encode_cursor,
    like_pattern,
    order_by,
    sort_expr,
)
from store_helpers import KIM, KOR, USA, WANG, make_doc, visit

CLUB = ("FRAGOV", "Club 50%_Paris")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters") / "s.duckdb"
    docs = [
        make_doc("Wang Yi met Kim Jong Un in Pyongyang on Thursday.", url="https://a.example/1",
                 events=[visit()]),
        make_doc("Kim Jong Un a menacé Séoul d'une frappe.", url="https://b.example/2", lang="fr", pub="2026-10-05",
                 events=[{"type": "THREATEN", "actors": [KIM], "recipients": [KOR], "trigger": "menacé",
                          "quad_class": 3, "goldstein": -4.4, "date": "2026-10-05"}]),
        make_doc("South Korea may impose sanctions on Pyongyang.", url="https://c.example/3", pub="2026-10-10",
                 events=[{"type": "SANCTION", "actors": [KOR], "recipients": [KIM], "trigger": "impose",
                          "quad_class": 4, "goldstein": -5.0, "date": "2026-10-10", "status": "hypothetical"}]),
        make_doc("The United States will send aid to South Korea.", url="https://d.example/4", pub="2026-11-20",
                 events=[{"type": "AID", "actors": [USA], "recipients": [KOR], "trigger": "send",
                          "quad_class": 2, "goldstein": 5.0, "date": "2026-12-01", "status": "planned"}]),
        make_doc("Washington did not accuse Beijing of hacking.", url="https://e.example/5", pub="2026-09-01",
                 events=[{"type": "ACCUSE", "actors": [USA], "recipients": [WANG], "trigger": "accuse",
                          "quad_class": 3, "goldstein": -2.0, "date": "2026-09-01", "status": "negated"}]),
        make_doc("Wang Yi visited Seoul on Thursday.", url="https://f.example/6",
                 events=[visit(recipients=[KOR], trigger="visited", location=None)]),
        make_doc("The Club 50%_Paris met Wang Yi in Paris.", url="https://g.example/7", pub="2026-08-03",
                 events=[visit(pub="2026-08-03", actors=[CLUB], recipients=[WANG], location=None)]),
    ]
    with Store(path) as store:
        store.add_coded(docs)
    return path


def _types(store: Store, flt: EventFilter) -> list[str]:
    rows, _ = store.query_events(flt, limit=100)
    return sorted(r["type"] + (f":{r['actor_codes'][0]}" if r["type"] == "CONSULT" else "") for r in rows)


def test_quad_person_and_several_statuses(db):
    with Store(db, read_only=True) as store:
        assert _types(store, EventFilter(quad=[3])) == ["ACCUSE", "THREATEN"]
        assert _types(store, EventFilter(quad=[2, 4])) == ["AID", "SANCTION"]
        # person: either side, case-insensitive, a substring of a name
        assert _types(store, EventFilter(person="kim jong")) == ["CONSULT:CHNGOV", "SANCTION", "THREATEN"]
        assert _types(store, EventFilter(person="UNITED")) == ["ACCUSE", "AID"]
        # % and _ are literal characters, not wildcards
        assert _types(store, EventFilter(person="50%_")) == ["CONSULT:FRAGOV"]
        assert _types(store, EventFilter(person="%")) == ["CONSULT:FRAGOV"]
        assert _types(store, EventFilter(person="Kim_Jong")) == []
        assert _types(store, EventFilter(status=["planned", "negated"])) == ["ACCUSE", "AID"]
        assert _types(store, EventFilter(status="hypothetical")) == ["SANCTION"]  # one status as before
        assert store.count_events(EventFilter(status=["occurred"], quad=[1], person="wang")) == 3
        assert _types(store, EventFilter(quad=[3], status=["negated"], person="beijing")) == []


def test_countries_text_language_and_dates(db):
    with Store(db, read_only=True) as store:
        # actor matches a code or a country, actor_country a country only
        assert _types(store, EventFilter(actor="PRK")) == ["THREATEN"]
        assert _types(store, EventFilter(actor_country="PRK")) == ["THREATEN"]
        assert _types(store, EventFilter(actor_country="PRKGOV")) == []
        assert _types(store, EventFilter(recipient_country="KOR", actor="chngov")) == ["CONSULT:CHNGOV"]
        assert _types(store, EventFilter(text="SANCTIONS")) == ["SANCTION"]
        assert _types(store, EventFilter(lang="fr")) == ["THREATEN"]
        assert _types(store, EventFilter(date_from=date(2026, 10, 6), date_to=date(2026, 11, 30))) == [
            "CONSULT:CHNGOV", "CONSULT:CHNGOV", "SANCTION"]


def test_where_without_alias_or_languages_column_selects_the_same(db):
    flt = EventFilter(lang="fr", text="menacé", quad=[3], person="kim", status=["occurred"])
    with Store(db, read_only=True) as store:
        with_alias, params = flt.where("e")
        no_alias, params2 = flt.where("", languages_column=False)
        assert "languages" in with_alias and "languages" not in no_alias
        a = store.con.execute(f"SELECT e.event_id FROM events e WHERE {with_alias}", params).fetchall()
        b = store.con.execute(f"SELECT event_id FROM events WHERE {no_alias}", params2).fetchall()
        assert a == b and len(a) == 1


def test_mention_level_filters_in_export_and_dyads(db):
    with Store(db, read_only=True) as store:
        rows, _ = store.query_mentions(EventFilter(quad=[3, 4], status=["occurred", "hypothetical"]))
        assert sorted(r["type"] for r in rows) == ["SANCTION", "THREATEN"]
        rows, _ = store.query_mentions(EventFilter(person="club 50%", lang="en", text="paris"))
        assert [r["type"] for r in rows] == ["CONSULT"]
        dyads = store.dyads(by="year", level="mentions", filters=EventFilter(person="kim jong un", quad=[4]))
        assert [(d["actor"], d["recipient"], d["events"]) for d in dyads] == [("KOR", "PRK", 1)]
        with pytest.raises(Exception, match="E307"):
            store.export(io.StringIO(), "jsonl", level="documents", filters=EventFilter(quad=[1]))


def test_from_options_checks_values_and_names_the_option():
    flt = EventFilter.from_options(types=["consult"], quad=["1", 4], status=["planned"], actor=" prkgov ",
                                   actor_country="fra", person=" Kim ", text="", date_from="2026-01-02",
                                   date_to=["2026-02-01"])
    assert flt == EventFilter(types=["CONSULT"], quad=[1, 4], status=["planned"], actor="PRKGOV",
                              actor_country="FRA", person="Kim", date_from=date(2026, 1, 2),
                              date_to=date(2026, 2, 1))
    assert EventFilter.from_options().is_empty()
    bad = [
        ({"types": ["ATTACK"]}, "types", "unknown PLOVER type 'ATTACK'"),
        ({"quad": ["5"]}, "quad", "must be between 1 and 4"),
        ({"quad": ["x"]}, "quad", "expected an integer, got 'x'"),
        ({"status": ["maybe"]}, "status", "must be one of occurred, planned, hypothetical, negated"),
        ({"actor_country": "FR"}, "actor_country", "alpha-3"),
        ({"actor": "a-b"}, "actor", "actor code"),
        ({"lang": "french"}, "lang", "language code"),
        ({"person": "x" * 201}, "person", "at most 200 characters"),
        ({"text": ["a", "b"]}, "text", "give this parameter once"),
        ({"date_to": "2026-13-01"}, "date_to", "expected a date YYYY-MM-DD"),
    ]
    for options, option, reason in bad:
        with pytest.raises(FilterError, match="E307") as err:
            EventFilter.from_options(**options)
        assert err.value.option == option and reason in err.value.reason
    # the first bad option in a fixed order is the one reported
    with pytest.raises(FilterError) as err:
        EventFilter.from_options(date_from="never", types=["NOPE"])
    assert err.value.option == "types" and "CONSULT" in err.value.choices


def test_like_pattern_escapes_wildcards():
    assert like_pattern(r"50%_a\b") == r"%50\%\_a\\b%"


@pytest.mark.parametrize("sort", ["date", "goldstein", "confidence", "mentions", "type"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_keyset_cursor_pages_neither_skip_nor_repeat(db, sort, order):
    flt = EventFilter(quad=[1, 2, 3, 4])
    where, params = flt.where("e")
    with Store(db, read_only=True) as store:
        full = [r[0] for r in store.con.execute(
            f"SELECT e.event_id FROM events e WHERE {where} ORDER BY {order_by(sort, order, 'e')}", params).fetchall()]
        seen, cursor = [], None
        for _ in range(len(full) + 1):  # a cursor that does not advance must not loop forever
            after, after_params = after_cursor(sort, order, cursor, "e")
            rows = store.con.execute(
                f"SELECT e.event_id, {sort_expr(sort, 'e')} FROM events e WHERE {where} AND {after} "
                f"ORDER BY {order_by(sort, order, 'e')} LIMIT 2", [*params, *after_params]).fetchall()
            if not rows:
                break
            seen += [r[0] for r in rows]
            cursor = decode_cursor(encode_cursor(sort, rows[-1][1], rows[-1][0]), sort)
    assert len(full) == 7 and seen == full


def test_cursor_of_another_sort_or_garbage_is_refused():
    raw = encode_cursor("date", date(2026, 1, 2), "ev1")
    assert decode_cursor(raw, "date") == (date(2026, 1, 2), "ev1")
    for bad, sort in ((raw, "goldstein"), ("abc", "date"), (encode_cursor("mentions", "x", "ev1"), "mentions")):
        with pytest.raises(FilterError, match="invalid cursor") as err:
            decode_cursor(bad, sort)
        assert err.value.option == "cursor"


def _jsonl(res) -> list[dict]:
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.stdout.splitlines()]


def test_cli_filter_options(db):
    runner = CliRunner()
    base = ["--db", str(db), "--format", "jsonl"]
    rows = _jsonl(runner.invoke(app, ["events", *base, "--quad", "3"]))
    assert sorted(r["type"] for r in rows) == ["ACCUSE", "THREATEN"]
    rows = _jsonl(runner.invoke(app, ["events", *base, "--quad", "2,4", "--person", "korea"]))
    assert sorted(r["type"] for r in rows) == ["AID", "SANCTION"]
    for status in (["--status", "planned,negated"], ["--status", "planned", "--status", "negated"]):
        rows = _jsonl(runner.invoke(app, ["events", *base, *status]))
        assert sorted(r["type"] for r in rows) == ["ACCUSE", "AID"]
    rows = _jsonl(runner.invoke(app, ["events", *base, "--lang", "fr", "--text", "frappe"]))
    assert [r["type"] for r in rows] == ["THREATEN"]
    rows = _jsonl(runner.invoke(app, ["export", "-", "--db", str(db), "--format", "jsonl", "--level", "events",
                                      "--quad", "1", "--person", "kim"]))
    assert [(r["type"], r["actor_codes"]) for r in rows] == [("CONSULT", ["CHNGOV"])]
    rows = _jsonl(runner.invoke(app, ["export", "-", "--db", str(db), "--format", "jsonl", "--status", "negated"]))
    assert [r["type"] for r in rows] == ["ACCUSE"]  # mentions (the default level)
    res = runner.invoke(app, ["dyads", "--db", str(db), "--by", "year", "--format", "csv", "--quad", "1",
                              "--person", "wang"])
    assert res.exit_code == 0, res.output
    assert [line.split(",")[:4] for line in res.stdout.splitlines()[1:]] == [
        ["CHN", "KOR", "2026-01-01", "1"], ["CHN", "PRK", "2026-01-01", "1"], ["FRA", "CHN", "2026-01-01", "1"]]


@pytest.mark.parametrize("args,hint,reason", [
    (["events", "--quad", "5"], "--quad", "between 1 and 4"),
    (["events", "--status", "planned,maybe"], "--status", "one of occurred, planned"),
    (["export", "-", "--type", "ATTACK"], "--type", "unknown PLOVER type"),
    (["dyads", "--from", "2026-02-30"], "--from", "YYYY-MM-DD"),
    (["dyads", "--person", "x" * 300], "--person", "at most 200"),
])
def test_cli_bad_filter_values_are_usage_errors(db, args, hint, reason):
    res = CliRunner().invoke(app, [*args, "--db", str(db)], env={"COLUMNS": "400"})
    assert res.exit_code == 2
    assert hint in res.output and reason in res.output
