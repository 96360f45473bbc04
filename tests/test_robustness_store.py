"""The store under hostile conditions: concurrent writers, kill -9, a full disk, a bad path, and
queries that try to write. ``tests/test_store_e2e.py`` already kills ``ingest`` (clustering runs
inside each document's transaction) and checks the rerun; these tests cover the rest.

Disk full is simulated with ``RLIMIT_FSIZE`` in a subprocess (with SIGXFSZ ignored, writes past the
limit fail with EFBIG as on a full disk); mounting a tmpfs would need root.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dragoman.cli import app
from dragoman.store import Store
from store_helpers import make_doc, store_tables, visit

DRAGOMAN = str(Path(sys.executable).parent / "dragoman")
TESTS = Path(__file__).resolve().parent


def _small_store(path: Path, n: int = 30) -> None:
    docs = [make_doc(f"Wang Yi met Kim Jong Un in Pyongyang on day {i}.", url=f"https://e.org/{i}",
                     pub=f"2026-11-{1 + i % 28:02d}", events=[visit(pub=f"2026-11-{1 + i % 28:02d}")])
            for i in range(n)]
    with Store(path) as store:
        store.add_coded(docs, keep_text=True)


def _tables(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return store_tables(con)
    finally:
        con.close()


# ---------------------------------------------------------------- read-only SQL


REFUSED = [
    "DELETE FROM events",
    "DROP TABLE events",
    "UPDATE documents SET title = 'x'",
    "SELECT 1; DELETE FROM events",
    "COPY (SELECT * FROM documents) TO '{out}/leak.csv'",
    "COPY documents TO '{out}/leak.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{out}/dump'",
    "ATTACH '{out}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
    "SET enable_external_access = true",
    "CHECKPOINT",
    "PRAGMA enable_profiling",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}/x.csv'",
]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ro") / "s.duckdb"
    _small_store(db)
    return db


@pytest.mark.parametrize("query", REFUSED)
def test_sql_command_refuses_writes_and_changes_nothing(small_db, tmp_path, query):
    before = _tables(small_db)
    q = query.format(out=tmp_path)
    res = CliRunner().invoke(app, ["sql", q, "--db", str(small_db)])
    assert res.exit_code == 2, res.output
    assert "[E309]" in res.output and "Traceback" not in res.output
    assert "refused" in res.output or "read-only" in res.output
    assert list(tmp_path.iterdir()) == []  # no file written, nothing attached or dumped
    assert _tables(small_db) == before
    # Without a store (files-only mode, in-memory database) the same statements are refused.
    res = CliRunner().invoke(app, ["sql", q, "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "[E309]" in res.output, res.output
    assert list(tmp_path.iterdir()) == []


def test_sql_reads_still_work(small_db, tmp_path):
    runner = CliRunner()
    for q in ["SELECT count(*) AS n FROM documents", "DESCRIBE events", "SHOW TABLES",
              "WITH x AS (SELECT 1 AS n) SELECT n FROM x", "FROM runs SELECT count(*) AS n"]:
        res = runner.invoke(app, ["sql", q, "--db", str(small_db), "--format", "csv"])
        assert res.exit_code == 0, (q, res.output)
    with Store(small_db, read_only=True) as store:
        with pytest.raises(duckdb.Error, match="refused"):
            store.sql("COPY events TO '/dev/null'")
        assert store.sql("SELECT count(*) FROM documents")[1] == [(30,)]


# ---------------------------------------------------------------- paths that cannot be stores


def test_bad_database_paths_give_clear_errors(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Japan and South Korea agreed to resume talks.", encoding="utf-8")
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 100)
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    runner = CliRunner()
    for db in (garbage, folder, tmp_path / "missing" / "x.duckdb"):
        for args in (["ingest", str(text), "--db", str(db)], ["events", "--db", str(db)],
                     ["export", str(tmp_path / "o.jsonl"), "--db", str(db)]):
            res = runner.invoke(app, args)
            assert res.exit_code == 2, (args, res.output)
            assert "[E30" in res.output and str(db) in " ".join(res.output.split()), (args, res.output)
            assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
    assert garbage.read_bytes() == b"this is not a database" * 100  # never overwritten


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files anyway")
def test_read_only_file_gives_a_clear_error(tmp_path):
    db = tmp_path / "s.duckdb"
    _small_store(db, 3)
    db.chmod(0o444)
    text = tmp_path / "a.txt"
    text.write_text("Japan and South Korea agreed to resume talks.", encoding="utf-8")
    res = CliRunner().invoke(app, ["ingest", str(text), "--db", str(db)])
    assert res.exit_code == 2 and "[E302]" in res.output and "not writable" in res.output
    res = CliRunner().invoke(app, ["events", "--db", str(db), "--format", "jsonl"])
    assert res.exit_code == 0  # reading a read-only file is fine


# ---------------------------------------------------------------- disk full

_FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    sys.path.insert(0, {tests!r})
    from store_helpers import make_doc, visit
    from dragoman.store import Store
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like ENOSPC
    docs = [make_doc(f"Wang Yi met Kim Jong Un in Pyongyang. {{'x' * 40000}} {{i}}", url=f"https://e.org/{{i}}",
                     events=[visit()]) for i in range(40)]
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    with Store({db!r}) as store:
        s = store.add_coded(docs, keep_text=True)
    print(s.new, s.failed)
    for e in s.errors[:3]:
        print(e)
""")


def test_disk_full_fails_documents_clearly_and_keeps_the_store(tmp_path):
    db = tmp_path / "full.duckdb"
    script = _FULL_DISK.format(tests=str(TESTS), limit=1_200_000, db=str(db))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    new, failed = map(int, res.stdout.split("\n", 1)[0].split())
    assert new > 0 and failed > 0 and new + failed == 40
    assert "[E306] cannot store document" in res.stdout and "File too large" in res.stdout
    # Reopened without the limit: every committed document is whole, the failures are recorded.
    with Store(db, read_only=True) as store:
        stats = store.stats()
        assert stats["documents"] == new and stats["mentions"] == new
        (run,) = store.runs()
        assert run["status"] == "finished" and run["num_failed"] == failed
    # And the store takes the rest once there is room again.
    rerun = script.replace("resource.setrlimit", "# resource.setrlimit")
    res = subprocess.run([sys.executable, "-c", rerun], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split("\n", 1)[0].split() == [str(failed), "0"]
    with Store(db, read_only=True) as store:
        assert store.stats()["documents"] == 40


# ---------------------------------------------------------------- two writers, kill -9 during export


def _corpus(root: Path, n: int = 12) -> Path:
    root.mkdir()
    sents = ["Germany accused Russia of a cyber attack on its parliament on {d}.",
             "Turkey threatened to expel the Swedish ambassador on {d}.",
             "South Korean police arrested dozens of protesters in Seoul on {d}."]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday"]
    for i in range(n):
        (root / f"a{i:02d}.txt").write_text(sents[i % 3].format(d=days[i % 4]) + f" Report {i}.\n", encoding="utf-8")
    return root


@pytest.mark.slow
def test_two_ingest_processes_one_is_refused_clearly_nothing_is_corrupted(tmp_path):
    corpus = _corpus(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    args = ["ingest", str(corpus), "--db", str(db), "--pub-date", "2026-11-27"]
    first = subprocess.Popen([DRAGOMAN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not db.exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    second = subprocess.run([DRAGOMAN, *args], capture_output=True, text=True, timeout=600)
    out, err = first.communicate(timeout=1200)
    assert first.returncode == 0, err[-2000:]
    assert second.returncode == 2, second.stderr[-2000:]
    msg = " ".join(second.stderr.split())
    assert f"database is locked by another dragoman process (pid {first.pid})" in msg
    assert "Traceback" not in second.stderr
    with Store(db, read_only=True) as store:
        stats = store.stats()
        assert stats["documents"] == 12 and stats["events"] > 0 and len(store.runs()) == 1
    # The refused process can simply run again: everything is already there.
    again = subprocess.run([DRAGOMAN, *args], capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "already present" in again.stderr


def test_kill_9_during_export_loses_nothing_and_export_reruns(tmp_path):
    db = tmp_path / "s.duckdb"
    _small_store(db, 300)
    before = _tables(db)
    out = tmp_path / "out.jsonl"
    killed = 0
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([DRAGOMAN, "export", str(out), "--db", str(db), "--level", "mentions"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
        assert _tables(db) == before  # a reader can never damage the store
    res = subprocess.run([DRAGOMAN, "export", str(out), "--db", str(db), "--level", "mentions"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 300
    assert killed >= 1
