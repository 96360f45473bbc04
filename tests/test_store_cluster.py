"""Dedup: mentions -> events (clusters), wire copies, order independence."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.errors import DataFileError
from dragoman.store import Store
from dragoman.store.cluster import Item, cluster_items, load_type_groups
from dragoman.store.fingerprint import fingerprint, similarity
from store_helpers import KIM, SEOUL, USA, WANG, make_doc, visit

WIRE = ("PYONGYANG, Nov 27 (Wire) - Chinese Foreign Minister Wang Yi met North Korean leader Kim Jong Un in "
        "Pyongyang on Thursday, state media said, as the two countries sought to deepen ties amid tension with "
        "Washington. The talks covered economic cooperation and the situation on the Korean peninsula, the "
        "official news agency reported. Wang arrived on Wednesday for a three-day visit, the first by a senior "
        "Chinese official this year.")
OTHER = ("North Korea's Kim Jong Un held talks with China's top diplomat on Thursday in the North Korean capital, "
         "according to the official news agency. The meeting focused on trade and regional security, and comes "
         "ahead of a possible summit between the two leaders.")
THIRD = ("Le chef de la diplomatie chinoise Wang Yi a rencontré jeudi à Pyongyang le dirigeant nord-coréen "
         "Kim Jong Un, selon l'agence officielle.")


def _events(store: Store) -> list[tuple]:
    return store.con.execute(
        "SELECT event_id, type, date, date_precision, num_mentions, num_sources, num_articles, source_urls "
        "FROM events ORDER BY event_id").fetchall()


def test_three_articles_one_event(tmp_path):
    docs = [make_doc(WIRE, url="https://wire.example/a", events=[visit()]),
            make_doc(OTHER, url="https://paper.example/b", events=[visit(precision="inferred")]),
            make_doc(THIRD, url="https://journal.example/c", lang="fr", events=[visit(location=None)])]
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        (event,) = store.query_events()[0]
        assert (event["num_mentions"], event["num_sources"], event["num_articles"]) == (3, 3, 3)
        assert event["date"] == date(2026, 11, 27) and event["date_precision"] == "day"
        assert event["languages"] == ["en", "fr"]
        assert event["source_urls"] == sorted(d.url for d in docs)
        assert event["geonameid"] == 1871859
        assert store.con.execute("SELECT count(DISTINCT event_id) FROM mentions").fetchone()[0] == 1


def test_same_countries_different_dates_stay_apart(tmp_path):
    docs = [make_doc(WIRE, url="https://a.example/1", events=[visit(pub="2026-11-27")]),
            make_doc(OTHER, url="https://b.example/2", pub="2026-11-20", events=[visit(pub="2026-11-20")])]
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        assert [e[2] for e in _events(store)] in ([date(2026, 11, 20), date(2026, 11, 27)],
                                                  [date(2026, 11, 27), date(2026, 11, 20)])


def test_other_differences_stay_apart(tmp_path):
    docs = [make_doc(WIRE, url="https://a.example/1", events=[visit()]),
            make_doc(OTHER, url="https://b.example/2", events=[visit(location=SEOUL)]),  # other place
            make_doc(THIRD, url="https://c.example/3", events=[visit(recipients=[KIM, USA])]),  # other recipients
            make_doc(WIRE + " More.", url="https://d.example/4", events=[visit(status="planned")]),
            make_doc(OTHER + " More.", url="https://e.example/5", events=[visit(type="AGREE")])]
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        assert len(_events(store)) == 5


def test_wire_copies_count_once_as_source(tmp_path):
    copy = "Kim and Wang meet in Pyongyang\n" + WIRE + "\nCopyright 2026 The Daily Herald. All rights reserved."
    assert similarity(fingerprint(WIRE), fingerprint(copy)) >= 0.5
    assert similarity(fingerprint(WIRE), fingerprint(OTHER)) < 0.2
    docs = [make_doc(WIRE, url="https://wire.example/a", events=[visit()]),
            make_doc(copy, url="https://herald.example/b", events=[visit()]),
            make_doc(OTHER, url="https://paper.example/c", events=[visit()]),
            make_doc(OTHER + " Updated.", url="https://paper.example/c-update", events=[visit()])]  # same site
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        (event,) = store.query_events()[0]
        assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (4, 4, 2)
        fps = store.con.execute("SELECT fingerprint FROM documents").fetchall()
        assert all(len(f[0]) == 256 for f in fps)


def test_inferred_dates_join_within_one_day_without_chaining(tmp_path):
    # Daily "Wang met Kim" reports with inferred dates on 5 consecutive days: windows of two days.
    docs = [make_doc(f"{WIRE} Day {i}.", url=f"https://a.example/{i}", pub=f"2026-11-0{i}",
                     events=[visit(pub=f"2026-11-0{i}", precision="inferred")]) for i in range(1, 6)]
    # An explicit day on the 3rd pulls the 2nd-4th inferred reports to it.
    docs.append(make_doc(OTHER, url="https://b.example/x", pub="2026-11-03", events=[visit(pub="2026-11-03")]))
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        got = sorted((e[2], e[3], e[4]) for e in _events(store))
        assert got == [(date(2026, 11, 1), "inferred", 1), (date(2026, 11, 3), "day", 4),
                       (date(2026, 11, 5), "inferred", 1)]


def test_month_precision_joins_day_cluster(tmp_path):
    docs = [make_doc(WIRE, url="https://a.example/1", events=[visit()]),
            make_doc(OTHER, url="https://b.example/2", events=[visit(date="2026-11-01", precision="month")]),
            make_doc(THIRD, url="https://c.example/3", events=[visit(date="2025-11-01", precision="month")])]
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(docs)
        got = sorted((e[2], e[3], e[4]) for e in _events(store))
        assert got == [(date(2025, 11, 1), "month", 1), (date(2026, 11, 27), "day", 2)]


def _corpus():
    docs = []
    for i in range(6):
        day = (date(2026, 11, 20) + timedelta(days=i % 3)).isoformat()
        docs.append(make_doc(f"{WIRE} Report {i}.", url=f"https://s{i % 4}.example/{i}", pub=day,
                             events=[visit(pub=day, precision="inferred" if i % 2 else "day")]))
    docs.append(make_doc(OTHER, url="https://x.example/m", events=[visit(date="2026-11-01", precision="month")]))
    docs.append(make_doc(THIRD, url="https://y.example/r", lang="fr",
                         events=[{"type": "REQUEST", "actors": [USA], "recipients": [WANG], "trigger": "rencontré"}]))
    return docs


def test_result_independent_of_ingest_order(tmp_path):
    results = []
    for n, order in enumerate([list(range(8)), [7, 6, 5, 4, 3, 2, 1, 0], [3, 0, 6, 1, 7, 2, 5, 4]]):
        docs = _corpus()
        with Store(tmp_path / f"s{n}.duckdb") as store:
            for i in order:  # one document per call: fully incremental
                store.add_coded([docs[i]])
            results.append(_events(store))
    assert results[0] == results[1] == results[2]
    assert len(results[0]) >= 2


_items = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(["day", "inferred", "month", "week", "year"]),
              st.sampled_from([None, 1, 2])),
    min_size=1, max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_items, st.randoms())
def test_cluster_items_is_a_function_of_the_set(raw, rnd):
    items = [Item(f"m{i}", date(2026, 1, 1) + timedelta(days=d), p, g) for i, (d, p, g) in enumerate(raw)]
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert cluster_items(items) == cluster_items(shuffled)
    anchors = cluster_items(items)
    # Day-precision mentions on different days never share a cluster.
    for a, b in itertools.combinations(items, 2):
        if a.precision == b.precision == "day" and a.date != b.date:
            assert anchors[a.mention_id] != anchors[b.mention_id]


def test_type_groups_file_is_validated():
    assert load_type_groups("groups: [[ASSAULT, COERCE]]", "f.yaml")["COERCE"] == "ASSAULT+COERCE"
    with pytest.raises(DataFileError, match="unknown PLOVER type 'ATTACK'"):
        load_type_groups("groups: [[ASSAULT, ATTACK]]", "f.yaml")
    with pytest.raises(DataFileError, match="already in another group"):
        load_type_groups("groups: [[ASSAULT, COERCE], [COERCE, SANCTION]]", "f.yaml")


def test_one_transaction_for_many_documents_gives_the_same_clusters(tmp_path):
    with Store(tmp_path / "a.duckdb") as one_by_one, Store(tmp_path / "b.duckdb") as together:
        for doc in _corpus():
            one_by_one.add_coded([doc])
        together.add_coded(list(reversed(_corpus())))
        assert _events(one_by_one) == _events(together)
