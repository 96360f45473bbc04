"""Corpus store: schema, idempotency, --recode, locking, errors, read-only, queries (hand-built events)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import duckdb
import pytest

from dragoman.errors import StoreError
from dragoman.schema import StageError
from dragoman.store import EventFilter, Store
from dragoman.store.db import latest_version
from store_helpers import KIM, KOR, USA, WANG, make_doc, visit


def _tables(store: Store) -> dict[str, list]:
    """Table contents without timestamps and run ids, for comparing stores."""
    q = store.con.execute
    return {
        "documents": q("SELECT doc_id, text_hash, fingerprint, url, status, num_events FROM documents "
                       "ORDER BY doc_id").fetchall(),
        "mentions": q("SELECT mention_id, event_id, type, actor_codes, recipient_codes, date FROM mentions "
                      "ORDER BY mention_id").fetchall(),
        "events": q("SELECT event_id, type, date, num_mentions, num_sources, num_articles, source_urls "
                    "FROM events ORDER BY event_id").fetchall(),
        "actors": q("SELECT * FROM actors ORDER BY actor_key").fetchall(),
        "errors": q("SELECT source, doc_id, stage, code, message FROM errors ORDER BY ALL").fetchall(),
    }


def _corpus():
    return [
        make_doc("Wang Yi met Kim Jong Un in Pyongyang on Thursday.", url="https://a.example/1", events=[visit()]),
        make_doc("Washington and Seoul urged Beijing to use its influence.", url="https://b.example/2",
                 events=[{"type": "REQUEST", "actors": [USA, KOR], "recipients": [WANG], "trigger": "urged",
                          "cameo": "020", "quad_class": 3, "goldstein": -2.0}]),
        make_doc("Nothing political happened here today at all.", url="https://c.example/3"),
    ]


def test_new_store_has_schema_version(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        assert store.schema_version == latest_version() >= 2
        cols = {r[0] for r in store.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'").fetchall()}
        assert {"doc_id", "text_hash", "fingerprint", "input_id", "skip_reason"} <= cols


def test_migration_from_version_1(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    from importlib import resources

    from dragoman.store.db import _split_sql
    for stmt in _split_sql((resources.files("dragoman.store") / "schema.sql").read_text()):
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO documents (doc_id, text_hash) VALUES ('old', 'h')")
    con.close()
    with Store(path) as store:
        assert store.schema_version == latest_version()
        assert store.con.execute("SELECT doc_id, input_id FROM documents").fetchall() == [("old", None)]


def test_ingest_twice_adds_nothing(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        first = store.add_coded(_corpus())
        before = _tables(store)
        second = store.add_coded(_corpus())
        assert (first.new, first.present, first.mentions) == (3, 0, 2)
        assert (second.new, second.present, second.mentions) == (0, 3, 0)
        assert _tables(store) == before
        assert [r["status"] for r in store.runs()] == ["finished", "finished"]


def test_duplicate_within_one_input_counts_once(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        docs = _corpus()
        summary = store.add_coded([*docs, _corpus()[0]])
        assert summary.new == 3 and summary.present == 1
        assert store.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3


def test_recode_replaces_mentions_atomically(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(_corpus())
        changed = _corpus()
        # The same document, now coded with a different type and an extra event.
        changed[0].events[0].type = "AGREE"
        extra = make_doc(changed[0].text, url=changed[0].url,
                         events=[{"type": "SUPPORT", "actors": [KIM], "recipients": [WANG], "trigger": "met"}])
        extra.events[0].event_id = "e1"
        changed[0].events.append(extra.events[0])
        summary = store.add_coded([changed[0]], recode=True)
        assert summary.recoded == 1 and summary.mentions == 2
        doc_id = store.con.execute("SELECT doc_id FROM documents WHERE url = 'https://a.example/1'").fetchone()[0]
        types = store.con.execute("SELECT type FROM mentions WHERE doc_id = ? ORDER BY type", [doc_id]).fetchall()
        assert types == [("AGREE",), ("SUPPORT",)]
        # The old CONSULT cluster is gone; the new clusters exist; actor counts follow.
        assert store.con.execute("SELECT count(*) FROM events WHERE type = 'CONSULT'").fetchone()[0] == 0
        assert store.con.execute("SELECT count(*) FROM events WHERE type IN ('AGREE', 'SUPPORT')").fetchone()[0] == 2
        kim = store.con.execute("SELECT num_mentions FROM actors WHERE code = 'PRKGOV'").fetchone()[0]
        assert kim == 2


def test_recode_failure_keeps_old_rows(tmp_path):
    """A document whose write fails rolls back entirely: old mentions stay, an error row is added."""
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(_corpus())
        before = _tables(store)
        bad = _corpus()[0]
        bad.events[0].type = None  # NOT NULL column: the insert fails after the old rows were deleted
        summary = store.add_coded([bad], recode=True)
        assert summary.failed == 1
        after = _tables(store)
        assert after["mentions"] == before["mentions"] and after["events"] == before["events"]
        assert any(code == "E306" for *_, code, _ in [(e[0], e[1], e[2], e[3], e[4]) for e in after["errors"]])


def test_stage_errors_become_rows_not_aborts(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        docs = _corpus()
        docs[2].errors.append(StageError("events", "E204", "something broke in this document"))
        unreadable = make_doc("")
        unreadable.source = "broken.warc.gz"
        unreadable.errors.append(StageError("ingest", "E003", "not a WARC file"))
        summary = store.add_coded([*docs, unreadable])
        assert summary.failed == 2 and summary.new == 3
        rows = store.con.execute("SELECT source, doc_id IS NULL, stage, code FROM errors ORDER BY code").fetchall()
        assert rows == [("broken.warc.gz", True, "ingest", "E003"), ("https://c.example/3", False, "events", "E204")]
        status = store.con.execute("SELECT status FROM documents WHERE url = 'https://c.example/3'").fetchone()[0]
        assert status == "failed"
        # Rerunning the same input records nothing new.
        store.add_coded([*_corpus(), unreadable])
        assert store.con.execute("SELECT count(*) FROM errors").fetchone()[0] == 2


def test_read_only_refuses_writes(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.add_coded(_corpus())
    with Store(path, read_only=True) as ro:
        with pytest.raises(duckdb.Error, match="read-only"):
            ro.sql("DELETE FROM events")
        with pytest.raises(StoreError):
            ro.add_coded(_corpus())
        assert ro.sql("SELECT count(*) FROM events")[1][0][0] == 2


def test_missing_directory_and_missing_file(tmp_path):
    with pytest.raises(StoreError, match="does not exist") as err:
        Store(tmp_path / "nope" / "s.duckdb")
    assert err.value.code == "E301"
    with pytest.raises(StoreError) as err:
        Store(tmp_path / "absent.duckdb", read_only=True)
    assert err.value.code == "E301"


def test_second_process_gets_a_clear_lock_error(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path):
        code = textwrap.dedent(f"""
            from dragoman.store import Store
            from dragoman.errors import StoreError
            try:
                Store({str(path)!r})
            except StoreError as err:
                print(err.code, err)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert out.stdout.startswith("E303"), out.stdout + out.stderr
        assert "locked by another dragoman process (pid" in out.stdout
    with Store(path) as store:  # released: the store is intact and opens again
        assert store.schema_version == latest_version()


def test_query_filters_and_pagination(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(_corpus())
        rows, nxt = store.query_events(EventFilter(actor="USA"))
        assert [r["type"] for r in rows] == ["REQUEST"] and nxt is None
        rows, _ = store.query_events(EventFilter(recipient="PRKGOV", types=["CONSULT"]))
        assert len(rows) == 1
        assert store.query_events(EventFilter(actor="'; DROP TABLE events; --"))[0] == []
        page1, nxt = store.query_events(limit=1, order="date")
        page2, end = store.query_events(limit=1, order="date", cursor=nxt)
        assert nxt and end is None and page1[0]["event_id"] != page2[0]["event_id"]
        event = store.get_event(page1[0]["event_id"])
        assert event["mentions"][0]["url"].startswith("https://")
        doc = store.get_document(event["mentions"][0]["doc_id"])
        assert doc["mentions"] and doc["errors"] == []
        assert store.actors("prk")[0]["code"] == "PRKGOV"
        stats = store.stats()
        assert stats["events"] == 2 and stats["documents"] == 3
        assert store.query_events(EventFilter(text="INFLUENCE"))[0][0]["type"] == "REQUEST"


def _many_events(store: Store, n: int) -> None:
    """``n`` events (and one mention each, in 200 documents) with ties on every sort key and NULLs."""
    store.con.execute("INSERT INTO documents (doc_id, text_hash, url, status) SELECT 'd' || i, 'h' || i, "
                      "'https://x.example/' || i, 'coded' FROM range(200) t(i)")
    store.con.execute(f"""
        INSERT INTO events (event_id, type, date, num_mentions, num_sources, confidence, last_seen)
        SELECT 'ev' || i, 'CONSULT', CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '2026-01-01' + CAST(i % 5 AS INTEGER) END,
               CASE WHEN i % 17 = 0 THEN NULL ELSE 1 + i % 3 END, 1 + i % 2,
               CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 4) / 4.0 END,
               CASE WHEN i % 13 = 0 THEN NULL ELSE TIMESTAMP '2026-01-01 10:00:00.123456' + to_microseconds(i % 3) END
        FROM range({n}) t(i)""")
    store.con.execute("INSERT INTO mentions (mention_id, doc_id, event_id, type, date) "
                      "SELECT 'd' || (i % 200) || '/e' || i, 'd' || (i % 200), event_id, type, date "
                      "FROM (SELECT *, CAST(substr(event_id, 3) AS INTEGER) AS i FROM events)")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    path = tmp_path_factory.mktemp("many") / "s.duckdb"
    with Store(path) as store:
        _many_events(store, 3000)
    return path


def _walk(query, limit: int) -> list[str]:
    seen, cursor = [], None
    for _ in range(10_000):  # a cursor that does not advance must not loop forever
        rows, cursor = query(limit=limit, cursor=cursor)
        seen += [r.get("mention_id") or r["event_id"] for r in rows]
        if cursor is None:
            return seen
    raise AssertionError("paging never ends")


@pytest.mark.parametrize("order", ["date", "-date", "-num_mentions", "-num_sources", "-confidence", "-last_seen"])
def test_event_pages_neither_skip_nor_repeat(many, order):
    with Store(many, read_only=True) as store:
        full, end = store.query_events(order=order, limit=5000)
        assert len(full) == 3000 and end is None
        # pages of the same order as one big page, ties (same date, count, confidence) and NULLs included
        assert _walk(lambda **kw: store.query_events(order=order, **kw), 97) == [r["event_id"] for r in full]
        flt = EventFilter(date_from=date(2026, 1, 2))
        full = [r["event_id"] for r in store.query_events(flt, order=order, limit=5000)[0]]
        assert _walk(lambda **kw: store.query_events(flt, order=order, **kw), 250) == full and len(full) < 3000


def test_event_order_keeps_nulls_last(many):
    with Store(many, read_only=True) as store:
        for order, column in (("date", "date"), ("-date", "date"), ("-confidence", "confidence"),
                              ("-last_seen", "last_seen")):
            values = [r[column] for r in store.query_events(order=order, limit=5000)[0]]
            nulls = values.index(None)
            assert set(values[nulls:]) == {None} and None not in values[:nulls], order
            assert values[:nulls] == sorted(values[:nulls], reverse=order.startswith("-")), order


def test_mention_pages_neither_skip_nor_repeat(many):
    with Store(many, read_only=True) as store:
        full, end = store.query_mentions(limit=5000)
        assert len(full) == 3000 and end is None and full[0]["url"].startswith("https://")
        assert _walk(store.query_mentions, 128) == [r["mention_id"] for r in full]


def test_pages_stay_consistent_when_events_arrive(tmp_path):
    # an offset would repeat the last row of page 1 when an event sorting before it arrives
    with Store(tmp_path / "s.duckdb") as store:
        _many_events(store, 300)
        page1, cursor = store.query_events(order="-date", limit=100)
        store.con.execute("INSERT INTO events (event_id, type, date) VALUES ('ev-new', 'AID', DATE '2027-01-01')")
        seen = [r["event_id"] for r in page1]
        while cursor:
            rows, cursor = store.query_events(order="-date", limit=100, cursor=cursor)
            seen += [r["event_id"] for r in rows]
        assert len(seen) == len(set(seen)) == 300 and "ev-new" not in seen


def test_bad_cursors_and_limits_are_refused(many):
    with Store(many, read_only=True) as store:
        _, cursor = store.query_events(order="-date", limit=10)
        for bad, order in ((cursor, "date"), ("10", "-date"), ("!!", "-date"),
                           (store.query_mentions(limit=10)[1], "-date")):
            with pytest.raises(StoreError, match="invalid cursor") as err:
                store.query_events(order=order, cursor=bad)
            assert err.value.code == "E307"
        with pytest.raises(StoreError, match="limit") as err:
            store.query_events(limit=0)
        assert err.value.code == "E307"


def test_keep_text_is_opt_in(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_coded(_corpus()[:1])
        assert store.con.execute("SELECT text FROM documents").fetchone()[0] is None
    with Store(tmp_path / "t.duckdb") as store:
        store.add_coded(_corpus()[:1], keep_text=True)
        assert store.con.execute("SELECT text FROM documents").fetchone()[0].startswith("Wang Yi")


def test_one_bad_document_in_a_batch_keeps_the_others(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        docs = _corpus()
        docs[1].events[0].type = None  # cannot be stored (NOT NULL)
        summary = store.add_coded(docs)
        assert (summary.new, summary.failed) == (2, 1)
        assert store.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert store.con.execute("SELECT code FROM errors").fetchall() == [("E306",)]


def test_retry_failed_recodes_only_failed_documents(tmp_path):
    from dragoman.store import IngestOptions

    with Store(tmp_path / "s.duckdb") as store:
        docs = _corpus()
        docs[2].errors.append(StageError("events", "E204", "transient failure"))
        store.add_coded(docs)
        fixed = _corpus()  # the same documents, now coded without error
        summary = store.ingest_documents(fixed, IngestOptions(retry_failed=True), pipeline=lambda d: iter(d))
        assert (summary.present, summary.recoded, summary.new) == (2, 1, 0)
        assert store.con.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
        assert store.con.execute("SELECT DISTINCT status FROM documents").fetchall() == [("coded",)]
