"""dragoman batch: Ray engine == local engine, Parquet by publication month, errors, --resume,
loading with DuckDB, pandas and ``ingest --from-parquet``.

Starts one local Ray instance with 2 CPUs for the module (and shuts it down); every Ray run
has a timeout, so an actor pool that starves its read tasks fails the test instead of hanging.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dragoman.cli import app
from dragoman.scale import BatchOptions, run_batch
from dragoman.scale.ray_engine import actor_cpus
from dragoman.store.export import arrow_schema

pytestmark = [pytest.mark.slow, pytest.mark.ray, pytest.mark.timeout(900)]
ray = pytest.importorskip("ray")

RAY_TIMEOUT = 600  # seconds; a healthy run takes about a minute on 2 busy cores
FR_1 = ("Le président français a rencontré le chancelier allemand à Berlin mardi.\n\n"
        "Les deux dirigeants ont signé un accord sur l'énergie. La France a condamné l'attaque russe contre "
        "l'Ukraine.\n")
FR_2 = ("La police a arrêté dix manifestants à Lyon samedi.\n\n"
        "Le gouvernement a menacé de sanctionner les entreprises qui refusent l'accord.\n")
EN_1 = ("The United States imposed sanctions on Iran on Monday.\n\n"
        "The British prime minister visited Kyiv and promised military aid to Ukraine.\n")
EN_2 = ("Protesters marched in London against the new law.\n\n"
        "China accused Japan of violating its airspace, and the Japanese government rejected the claim.\n")
HTML_FR = """<!doctype html><html lang="fr"><head><title>Visite à Rome</title>
<meta property="article:published_time" content="2026-10-05"></head><body><article>
<h1>Visite à Rome</h1>
<p>Le Premier ministre italien a reçu le président tunisien à Rome lundi.</p>
<p>Les deux pays ont promis de coopérer contre le trafic de migrants en Méditerranée.</p>
</article></body></html>
"""
JSONL = [
    {"id": "w1", "text": "Russia launched missiles at Kharkiv on Tuesday, killing three civilians.",
     "pub_date": "2026-11-03", "url": "https://example.org/w1"},
    {"id": "w2", "text": "L'Algérie a rappelé son ambassadeur à Paris pour consultations.",
     "pub_date": "2026-10-20", "url": "https://example.fr/w2"},
    {"id": "w3", "text": "Germany and Poland agreed to strengthen border controls."},
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "fr").mkdir()
    (root / "fr" / "berlin.txt").write_text(FR_1, encoding="utf-8")
    (root / "fr" / "lyon.txt").write_text(FR_2, encoding="utf-8")
    (root / "fr" / "rome.html").write_text(HTML_FR, encoding="utf-8")
    (root / "en_sanctions.txt").write_text(EN_1, encoding="utf-8")
    (root / "en_protest.txt").write_text(EN_2, encoding="utf-8")
    lines = [json.dumps(r, ensure_ascii=False) for r in JSONL]
    lines.insert(1, '{"id": "bad", "text": "unterminated')  # one malformed record
    (root / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")  # broken: binary, not text
    return root


@pytest.fixture(scope="module")
def ray_cluster():
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=300 * 1024 * 1024,
             log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _with_timeout(fn, timeout: float):
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - re-raised in the test thread
            box["error"] = err

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        pytest.fail(f"dragoman batch did not finish within {timeout}s (starved Ray actor pool?)")
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def local_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("local") / "out"
    result = CliRunner().invoke(app, ["batch", str(corpus), "--out", str(out), "--engine", "local",
                                      "--batch-size", "3"])
    return out, result


@pytest.fixture(scope="module")
def ray_out(corpus: Path, ray_cluster, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("ray") / "out"
    options = BatchOptions(out=str(out), engine="ray", workers=2, batch_size=2)
    summary = _with_timeout(lambda: run_batch([str(corpus)], options), RAY_TIMEOUT)
    return out, summary


def _rows(out: Path, dataset: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    glob = f"{out}/{dataset}/**/*.parquet" if dataset != "errors" else f"{out}/errors/*.parquet"
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning={dataset != 'errors'})")
    cols = [c for c in rel.columns if c not in drop]
    return sorted(rel.select(*cols).fetchall(), key=repr)


def test_actor_cpus_leave_room_for_reading():
    # 2 actors on 2 CPUs must not take both CPUs: read tasks (0.1 CPU each) would never run.
    assert 2 * actor_cpus(2, 2) + 0.2 <= 2
    assert actor_cpus(16, 4) == 1.0
    assert 0 < actor_cpus(1, 1) < 1


def test_local_engine_writes_month_partitions(local_out):
    out, result = local_out
    assert result.exit_code == 1, result.output  # the broken inputs fail the run ...
    months = sorted(p.name for p in (out / "documents").iterdir())
    assert months == ["pub_month=2026-10", "pub_month=2026-11", "pub_month=unknown"]
    docs = _rows(out, "documents")
    assert len(docs) == 8  # ... and everything else is coded
    mentions = duckdb.sql(f"SELECT doc_id, pub_month, type FROM read_parquet('{out}/mentions/**/*.parquet', "
                          "hive_partitioning=true)").fetchall()
    assert len(mentions) >= 4
    assert len({m for _, m, _ in mentions}) >= 2  # mentions sit in their document's month
    in_month = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out}/mentions/**/*.parquet', hive_partitioning=true) m "
        f"JOIN read_parquet('{out}/documents/**/*.parquet', hive_partitioning=true) d USING (doc_id) "
        "WHERE m.pub_month = d.pub_month AND m.pub_month = coalesce(strftime(d.pub_date, '%Y-%m'), 'unknown')"
    ).fetchall()[0][0]
    assert in_month == len(mentions)
    assert not list(out.rglob(".*tmp*"))


def test_errors_dataset_names_the_broken_inputs(local_out):
    out, _ = local_out
    errs = duckdb.sql(f"SELECT source, doc_id, stage, code, message FROM read_parquet('{out}/errors/*.parquet')"
                      ).fetchall()
    by_code = {code: source for source, _, _, code, _ in errs}
    assert by_code["E003"].endswith("scan.txt")  # binary file
    assert by_code["E005"].endswith("wire.jsonl:2")  # malformed JSON line
    # Unreadable inputs have no document (no doc_id); stage failures of coded documents would have one.
    assert all(doc_id is None for _, doc_id, _, code, _ in errs if code in ("E003", "E005"))


def test_parquet_has_the_store_export_schemas(local_out):
    out, _ = local_out
    for dataset in ("mentions", "documents"):
        part = next((out / dataset).rglob("part-*.parquet"))
        assert pq.read_schema(part).remove_metadata() == arrow_schema(dataset)


def test_ray_engine_equals_local_engine(local_out, ray_out):
    (lout, _), (rout, summary) = local_out, ray_out
    assert summary.read == 10 and summary.failed >= 2  # 8 documents and 2 unreadable inputs
    assert summary.coded + summary.skipped + summary.failed == 10
    assert _rows(rout, "mentions") == _rows(lout, "mentions")
    assert _rows(rout, "documents", drop=("ingested_at",)) == _rows(lout, "documents", drop=("ingested_at",))
    assert _rows(rout, "errors") == _rows(lout, "errors")


def test_resume_skips_everything_through_the_cli(ray_out, corpus: Path, ray_cluster):
    out, _ = ray_out
    before = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    # A second driver joins the module's cluster (token authentication stays on).
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("dragoman")), "batch", str(corpus), "--out", str(out), "--engine",
         "ray", "--address", ray_cluster, "--workers", "2", "--resume"],
        capture_output=True, text=True, timeout=RAY_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert after == before
    table = proc.stderr.split("dragoman batch")[-1]
    assert "│      0 │" in table  # nothing coded


def test_resume_finishes_a_killed_run(local_out, tmp_path: Path, corpus: Path):
    src, _ = local_out
    out = tmp_path / "out"
    shutil.copytree(src, out)
    # A run killed after writing one batch's parts but before its completion marker, plus a temp file.
    marker = sorted((out / "_batches").iterdir())[0]
    marker.unlink()
    (out / "mentions" / "pub_month=unknown" / ".part-x.parquet.tmp-1").write_bytes(b"half")
    summary = run_batch([str(corpus)], BatchOptions(out=str(out), engine="local", workers=2, resume=True,
                                                    batch_size=3))
    assert summary.removed_parts >= 2
    assert 0 < summary.coded + summary.skipped + summary.failed < 10
    assert summary.already_done > 0
    assert _rows(out, "mentions") == _rows(src, "mentions")
    assert _rows(out, "errors") == _rows(src, "errors")
    assert not list(out.rglob(".*tmp*"))


def test_output_directory_is_not_overwritten_without_resume(local_out, corpus: Path):
    out, _ = local_out
    result = CliRunner().invoke(app, ["batch", str(corpus), "--out", str(out)])
    assert result.exit_code == 2 and "E504" in result.output


def test_pandas_duckdb_and_store_load_the_output(local_out, tmp_path: Path):
    pd = pytest.importorskip("pandas")
    out, _ = local_out
    frame = pd.read_parquet(out / "mentions")
    assert len(frame) == len(_rows(out, "mentions"))
    assert set(frame["pub_month"].astype(str)) >= {"2026-10", "unknown"}
    docs = pd.read_parquet(out / "documents")
    assert set(docs["status"]) <= {"coded", "skipped", "failed"} and docs["doc_id"].is_unique

    db = tmp_path / "store.duckdb"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--from-parquet", str(out), "--db", str(db)])
    assert result.exit_code == 1, result.output  # the two unreadable inputs are failures in the store too
    from dragoman.store import Store

    with Store(db, read_only=True) as store:
        stats = store.stats()
        assert stats["documents"] == 8 and stats["events"] > 0 and stats["errors"] >= 2
        exported = store.export(str(tmp_path / "m.parquet"), "parquet")
        assert exported == len(frame)
        store.export(str(tmp_path / "d.parquet"), "parquet", level="documents")
    # The store's own exports have the batch schema, and the same mentions apart from cluster and run.
    assert pq.read_schema(tmp_path / "m.parquet").remove_metadata() == arrow_schema("mentions")
    assert pq.read_schema(tmp_path / "d.parquet").remove_metadata() == arrow_schema("documents")
    drop = ("event_id", "run_id", "pub_month")
    stored = duckdb.sql(f"SELECT * EXCLUDE (event_id, run_id) FROM read_parquet('{tmp_path}/m.parquet')").fetchall()
    assert sorted(stored, key=repr) == _rows(out, "mentions", drop=drop)
    # Loading again adds nothing.
    with Store(db) as store:
        again = store.ingest_parquet(out)
        assert (again.new, again.present, again.mentions) == (0, 8, 0)
        assert store.stats()["documents"] == 8

    q = (f"SELECT pub_month, count(*) AS n FROM read_parquet('{out}/mentions/**/*.parquet', "
         "hive_partitioning=true) GROUP BY 1 ORDER BY 1")
    result = runner.invoke(app, ["sql", q, "--db", str(tmp_path / "none.duckdb"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "2026-10," in result.output and "unknown," in result.output


def test_inputs_are_listed_through_fsspec(corpus: Path, tmp_path: Path):
    from dragoman.scale import list_inputs, read_input

    (tmp_path / ".hidden.txt").write_text("Le ministre a démissionné.", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    (tmp_path / "a.txt").write_text("Le ministre a démissionné mardi.", encoding="utf-8")
    files = list_inputs([f"file://{tmp_path}", str(corpus / "wire.jsonl"), str(tmp_path / "missing.txt")])
    assert [f.doc_id for f in files] == ["a.txt", "wire.jsonl", str(tmp_path / "missing.txt")]
    assert files[0].uri == f"file://{tmp_path}/a.txt"
    doc = next(read_input(files[0]))
    assert doc.id == "a.txt" and doc.text.startswith("Le ministre") and not doc.errors
    records = list(read_input(files[1]))
    assert [d.id for d in records] == ["w1", f"{files[1].uri}:2", "w2", "w3"]
    assert records[1].errors[0].code == "E005"
    missing = next(read_input(files[2]))
    assert missing.errors[0].code == "E013" and missing.source.endswith("missing.txt")


def test_output_on_a_non_local_filesystem():
    import pyarrow as pa

    from dragoman.scale import Output

    out = Output("memory://dragoman-test/out")
    assert not out.local  # object stores: written directly (an object appears only when complete)
    out.write_table(out.part_path("documents", "b1", "2026-11"), pa.table({"doc_id": ["d1", "d2"]}))
    out.write_table(out.part_path("documents", "b2", "unknown"), pa.table({"doc_id": ["d3"]}))
    out.mark_done("b1")
    assert out.done_ids() == {"d1", "d2", "d3"}
    assert out.remove_unfinished() == 1  # b2 has no marker: a killed batch
    assert out.done_ids() == {"d1", "d2"} and out.done_batches() == {"b1"}
