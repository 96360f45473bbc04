"""End to end through the real pipeline: `dragoman ingest` idempotency, --recode, kill -9, locking."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dragoman.store import Store
from store_helpers import store_tables

DRAGOMAN = str(Path(sys.executable).parent / "dragoman")

EN = [
    "Chinese Foreign Minister Wang Yi met North Korean leader Kim Jong Un in Pyongyang on Tuesday.",
    "South Korean police arrested dozens of protesters in Seoul on Monday.",
    "The United States imposed new sanctions on Russian banks on Wednesday.",
    "Japan and South Korea agreed to resume security talks, officials said on Thursday.",
    "Russian troops shelled the Ukrainian city of Kharkiv overnight, the governor said.",
    "The European Union urged Iran to return to the nuclear talks.",
    "Germany accused Russia of a cyber attack on its parliament.",
    "Thousands of workers protested in Paris against the pension reform on Saturday.",
    "The French president visited Berlin on Friday to meet the German chancellor.",
    "India rejected Pakistan's proposal for new border talks.",
    "Turkey threatened to expel the Swedish ambassador.",
    "Brazil sent humanitarian aid to Haiti after the earthquake.",
    "North Korea fired two ballistic missiles into the Sea of Japan on Sunday.",
    "The Israeli army withdrew its troops from the town, the ministry said.",
    "Egypt hosted talks between Hamas and Israeli negotiators in Cairo.",
]
FR = [
    "Le ministre chinois des Affaires étrangères Wang Yi a rencontré mardi à Pyongyang le dirigeant nord-coréen Kim Jong Un.",
    "La police sud-coréenne a arrêté lundi des dizaines de manifestants à Séoul.",
    "Les États-Unis ont imposé mercredi de nouvelles sanctions contre des banques russes.",
    "Le Japon et la Corée du Sud ont convenu de reprendre leurs discussions de sécurité.",
    "L'armée russe a bombardé la ville ukrainienne de Kharkiv dans la nuit, selon le gouverneur.",
    "L'Union européenne a exhorté l'Iran à revenir à la table des négociations.",
    "L'Allemagne a accusé la Russie d'une cyberattaque contre son parlement.",
    "Des milliers de salariés ont manifesté samedi à Paris contre la réforme des retraites.",
    "Le président français s'est rendu vendredi à Berlin pour rencontrer le chancelier allemand.",
    "L'Inde a rejeté la proposition du Pakistan de nouvelles négociations frontalières.",
    "La Turquie a menacé d'expulser l'ambassadeur de Suède.",
    "Le Brésil a envoyé de l'aide humanitaire en Haïti après le séisme.",
    "La Corée du Nord a tiré dimanche deux missiles balistiques en mer du Japon.",
]


def _make_corpus(root: Path) -> int:
    root.mkdir()
    n = 0
    for lang, sents in (("en", EN), ("fr", FR)):
        for i, s in enumerate(sents):
            # Two sentences per document so each is a little article; the second varies.
            other = sents[(i + 3) % len(sents)]
            (root / f"{lang}_{i:02d}.txt").write_text(f"{s}\n\n{other}\n", encoding="utf-8")
            n += 1
    # A wire copy reprinted elsewhere (different layout, same text) and an empty file (E002).
    sub = root / "reprints"
    sub.mkdir()
    (sub / "en_00_copy.txt").write_text(f"WIRE\n{EN[0]}\n\n{EN[3]}\nAll rights reserved.\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    return n + 2


def _ingest(db: Path, corpus: Path, *extra: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([DRAGOMAN, "ingest", str(corpus), "--db", str(db), "--pub-date", "2026-11-27", *extra],
                          capture_output=True, text=True, timeout=timeout)


def _tree_hash() -> str:
    """Hash of the package's code and data: in a shared working tree they may change mid-test."""
    root = Path(__file__).resolve().parents[1] / "src" / "dragoman"
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _same_answer(db: Path, tables: dict[str, list], tree: str) -> None:
    got = _tables(db)
    if got != tables and _tree_hash() != tree:
        pytest.skip("the package's code or data changed while this test ran: runs are not comparable")
    assert got == tables


def _tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return store_tables(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    corpus = base / "corpus"
    n = _make_corpus(corpus)
    db = base / "clean.duckdb"
    tree = _tree_hash()
    res = _ingest(db, corpus)
    assert res.returncode == 1, res.stderr  # the empty file fails, the rest goes on
    if _tree_hash() != tree:
        pytest.skip("the package's code or data changed during the reference run")
    return base, corpus, db, n, _tables(db), tree


@pytest.mark.slow
def test_ingest_codes_stores_and_reports(clean):
    _, _, db, n, tables, _ = clean
    assert len(tables["documents"]) == n - 1  # the empty file has no document row
    assert len(tables["mentions"]) > 10 and len(tables["events"]) > 5
    assert [e[2:4] for e in tables["errors"]] == [("ingest", "E002")] or any(
        e[3] == "E002" for e in tables["errors"])
    with Store(db, read_only=True) as store:
        (run,) = store.runs()
        assert run["status"] == "finished" and run["num_new"] == n - 1 and run["num_failed"] >= 1
        assert len(run["dictionary_hash"]) == 16 and run["version"]
        langs = store.stats()["documents_by_lang"]
        assert set(langs) >= {"en", "fr"}


@pytest.mark.slow
def test_second_ingest_adds_nothing_and_recode_is_stable(clean, tmp_path):
    base, corpus, db, n, tables, tree = clean
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(db.read_bytes())
    res = _ingest(copy, corpus)
    assert res.returncode == 1 and "already present" in res.stderr
    assert _tables(copy) == tables
    with Store(copy, read_only=True) as store:
        second = store.runs()[-1]
        assert second["num_new"] == 0 and second["num_present"] == n - 1
    res = _ingest(copy, corpus, "--recode")
    _same_answer(copy, tables, tree)  # same pipeline, same answer: recode replaced rows one for one
    with Store(copy, read_only=True) as store:
        assert store.runs()[-1]["num_documents"] == n - 1


@pytest.mark.slow
def test_kill_9_then_rerun_equals_clean_run(clean, tmp_path):
    _, corpus, _, n, tables, tree = clean
    db = tmp_path / "killed.duckdb"
    wal = Path(str(db) + ".wal")
    proc = subprocess.Popen([DRAGOMAN, "ingest", str(corpus), "--db", str(db), "--pub-date", "2026-11-27",
                             "--batch-size", "4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # The store is created, then models load (the WAL is quiet for seconds), then batches of documents
    # commit: kill just after the second commit that follows the quiet spell.
    last_size, last_change, commits = -1, time.monotonic(), 0
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        size = wal.stat().st_size if wal.exists() else -1
        now = time.monotonic()
        if size != last_size:
            # A commit shows as a burst of WAL growth after a quiet spell (coding the next batch).
            if last_size > 0 and now - last_change > (0.3 if commits else 3.0):
                commits += 1
                if commits == 2:
                    time.sleep(0.01)
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            last_size, last_change = size, now
        time.sleep(0.002)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    partial = _tables(db)
    assert 0 < len(partial["documents"]) < n - 1
    # Every committed document is whole: its mentions are there and all belong to an event.
    for doc in partial["documents"]:
        assert doc[11] == sum(1 for m in partial["mentions"] if m[1] == doc[0])
    res = _ingest(db, corpus)
    assert res.returncode == 1, res.stderr
    _same_answer(db, tables, tree)


def test_locked_store_gives_a_clear_error(tmp_path):
    db = tmp_path / "s.duckdb"
    (tmp_path / "a.txt").write_text("Japan and South Korea agreed to resume talks.", encoding="utf-8")
    with Store(db):
        res = _ingest(db, tmp_path / "a.txt", timeout=300)
    assert res.returncode == 2
    assert "database is locked by another dragoman process (pid" in " ".join(res.stderr.split())
    assert "Traceback" not in res.stderr


def test_missing_directory_gives_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("Japan and South Korea agreed to resume talks.", encoding="utf-8")
    res = _ingest(tmp_path / "no" / "where.duckdb", tmp_path / "a.txt", timeout=300)
    assert res.returncode == 2 and "does not exist" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow
def test_worker_processes_give_the_same_store(clean, tmp_path):
    _, corpus, _, _, tables, tree = clean
    db = tmp_path / "j2.duckdb"
    res = _ingest(db, corpus, "-j", "2", "--batch-size", "4")
    assert res.returncode == 1, res.stderr
    _same_answer(db, tables, tree)
