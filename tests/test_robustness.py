"""Hostile and broken input: every class of bad input gives a specific error naming the input,
the rest of the batch goes on, and the exit status says something failed.

The corpus comes from ``scripts/make_broken_corpus.py`` (200 broken files of every class, ~20 good
articles, a manifest of the outcome each must have). Fast tests read it without the pipeline; the
slow test ingests all of it into a store. ``tests/test_ingest.py`` holds the per-format unit tests.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dragoman.cli import app
from dragoman.ingest import read_inputs
from dragoman.schema import Document

ROOT = Path(__file__).resolve().parents[1]

# The specific error code each class of broken file must produce (at ingest).
CLASS_CODES = {
    "empty file": {"E002"}, "whitespace only": {"E002"}, "random binary": {"E003"},
    "binary with a text name": {"E003"}, "HTML without body text": {"E009", "E002"},
    "HTML with only scripts": {"E009"}, "JSONL malformed line": {"E005"}, "JSONL without text": {"E006", "E002"},
    "JSONL text not a string": {"E007", "E005"}, "JSONL field of the wrong type": {"E008", "E014"},
    "binary .jsonl": {"E003"}, "truncated .jsonl.gz": {"E001"}, "WARC without HTML records": {"E011"},
    "corrupt WARC": {"E011"}, "broken or empty feed": {"E010", "E002"},
}

# Classes that read fine and fail in the pipeline (E201: no letters, no language).
PIPELINE_FAILURES = {"text without letters"}


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("broken") / "corpus"
    manifest = _load_script("make_broken_corpus").make_corpus(out, seed=7)
    return out, manifest


def _by_file(root: Path, docs: list[Document]) -> dict[str, list[Document]]:
    """Documents grouped by the corpus file they came from (``FILE:LINE`` / ``FILE#N`` folded)."""
    out: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        src = d.source or ""
        rel = Path(src).relative_to(root).as_posix() if src.startswith(str(root)) else src
        for sep in (":", "#"):
            if sep in rel and not (root / rel).exists():
                rel = rel.rsplit(sep, 1)[0]
        out[rel].append(d)
    return out


def test_corpus_is_deterministic_and_complete(corpus, tmp_path):
    out, manifest = corpus
    again = _load_script("make_broken_corpus").make_corpus(tmp_path / "again", seed=7)
    assert again == manifest
    for name in manifest:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    broken = [m for m in manifest.values() if m["broken"]]
    assert len(broken) == 200 and sum(1 for m in manifest.values() if not m["broken"]) == 20
    assert len({m["class"] for m in broken}) >= 30


def test_every_broken_file_is_reported_by_name_with_its_code(corpus):
    """Without the pipeline: reading never raises and each input gives what the manifest says."""
    out, manifest = corpus
    docs = list(read_inputs([out]))
    by_file = _by_file(out, docs)
    assert set(by_file) == set(manifest), set(by_file) ^ set(manifest)
    for name, m in manifest.items():
        got = by_file[name]
        path = str(out / name)
        if m["expect"] == "lines":
            by_line = {d.source.rsplit(":", 1)[1]: d for d in got}
            for line, expect in m["lines"].items():
                d = by_line[line]
                if expect == "failed":
                    assert d.errors and f"{path}:{line}" in d.errors[0].message, (name, line, d.errors)
                    assert d.errors[0].code in CLASS_CODES[m["class"]], (name, d.errors)
                else:
                    assert not d.errors and d.text.strip(), (name, line)
        elif m["expect"] == "failed" and m["class"] in PIPELINE_FAILURES:
            (d,) = got  # read fine; the pipeline refuses it (see the slow corpus test)
            assert not d.errors and d.text.strip()
        elif m["expect"] == "failed":
            assert all(d.errors for d in got), name
            for d in got:
                assert path in d.errors[0].message, (name, d.errors[0].message)
            codes = {d.errors[0].code for d in got}
            if m["class"] in CLASS_CODES:
                assert codes <= CLASS_CODES[m["class"]], (name, codes)
        elif m["expect"] == "partial":
            assert got[-1].errors and path in got[-1].errors[0].message, name
            assert got[-1].errors[0].code in CLASS_CODES[m["class"]]
        elif m["expect"] in ("coded", "document", "skipped"):
            (d,) = got
            assert not d.errors and d.text.strip(), (name, d.errors)
            assert "\x00" not in d.norm_text and "\r" not in d.norm_text
        else:  # rejected: an error naming the file, or a document the pipeline may still refuse
            assert all(path in d.errors[0].message for d in got if d.errors), name


def test_decoded_encodings_read_the_same_words(corpus):
    out, manifest = corpus
    for name, m in manifest.items():
        if "UTF-16" in m["class"] or "without declaration" in m["class"]:
            (d,) = read_inputs([out / name])
            assert not d.errors, d.errors
            assert "\ufffd" not in d.text and "Ã" not in d.text, (name, d.text[:80])
            assert any(w in d.text for w in ("Wang Yi", "police", "Turquie", "Brésil", "Inde", "Allemagne",
                                             "États-Unis", "Corée", "salariés", "Germany", "Turkey", "Brazil",
                                             "India", "Egypt", "United States", "North Korea")), name


def test_lone_surrogates_in_json_do_not_break_the_batch():
    from dragoman.ingest import iter_documents_from_bytes

    data = b'{"id": "s", "text": "Japan \\ud800 agreed to talks.", "title": "T \\udfff"}\n{"id": "ok", "text": "Fine."}\n'
    docs = list(iter_documents_from_bytes(data, "s.jsonl"))
    assert [d.id for d in docs] == ["s", "ok"]
    assert docs[0].text == "Japan \ufffd agreed to talks." and docs[0].title == "T \ufffd"
    docs[0].text_hash()  # encodable now (it used to raise UnicodeEncodeError and stop `dragoman ingest`)


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    import gzip

    lines = "".join(json.dumps({"id": f"r{i}", "text": f"Record {i} says Japan agreed to talks."}) + "\n"
                    for i in range(300))
    gz = gzip.compress(lines.encode(), mtime=0)
    (tmp_path / "cut.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    (tmp_path / "after.txt").write_text("Germany accused Russia of a cyber attack.", encoding="utf-8")
    docs = list(read_inputs([tmp_path]))
    assert docs[-1].source == str(tmp_path / "cut.jsonl.gz")  # sorted: after.txt came first
    assert 0 < sum(1 for d in docs if d.id.startswith("r") and not d.errors) < 300
    err = docs[-1].errors[0]
    assert err.code == "E001" and "cut.jsonl.gz" in err.message and "ended before" in err.message


def test_control_characters_never_reach_the_models():
    from dragoman.ingest import document_from_text

    text = "Germany\x07 accused\x0b Russia\x1b of a cyber\x7f attack\x85 on its parliament.\x0c"
    doc = document_from_text(text, doc_id="c")
    assert len(doc.norm_text) == len(text) and not any(ord(c) < 32 and c not in "\n\t" for c in doc.norm_text)


# ---------------------------------------------------------------- through the CLI


def _mixed_batch(root: Path) -> dict[str, str]:
    """A small directory of bad and good inputs; returns file -> expected error code (or "" when good)."""
    root.mkdir()
    good_en = "Germany accused Russia of a cyber attack on its parliament on Monday.\n"
    good_fr = "La Turquie a menacé mardi d'expulser l'ambassadeur de Suède.\n"
    files: dict[str, tuple[bytes, str]] = {
        "a_empty.txt": (b"", "E002"),
        "b_binary.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "E003"),
        "c_utf16.txt": (good_fr.encode("utf-16-le"), ""),
        "d_cp1252.txt": ("L’Inde a rejeté jeudi la proposition du Pakistan.\n".encode("cp1252"), ""),
        "e_german.txt": (b"Die Regierung in Berlin hat am Montag neue Sanktionen gegen russische Banken "
                         b"beschlossen, teilte das Ministerium mit.\n", "skipped"),
        "f_bad.jsonl": (b'{"id": "j1", "text": "' + good_en.strip().encode() + b'", "lang": "en"}\n'
                        b'{"id": "j2", "text": \n{"id": "j3", "text": 42}\n{"id": "j4", "x": 1}\n', "E005"),
        "g_scripts.html": (b"<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>",
                           "E009"),
        "h_control.txt": ((b"Germany\x07 accused Russia\x1b of a cyber attack on Monday.\n"), ""),
        "i_digits.txt": (b"12 34 -- 56 78 !! 2026 %%", "E201"),
        "j_good.txt": (b"South Korean police arrested dozens of protesters in Seoul on Monday.\n", ""),
        "k_invalid_utf8.txt": (good_en.encode()[:20] + b"\xff\xfe" + good_en.encode()[20:], ""),
    }
    for name, (data, _) in files.items():
        (root / name).write_bytes(data)
    return {name: code for name, (_, code) in files.items()}


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_code_cli_reports_each_bad_input_and_codes_the_rest(runner, tmp_path):
    expected = _mixed_batch(tmp_path / "in")
    res = runner.invoke(app, ["code", str(tmp_path / "in"), "--pub-date", "2026-11-27", "--format", "jsonl"])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    for name, code in expected.items():
        mine = [e for e in errors if f"{tmp_path / 'in' / name}" in e]
        if code == "skipped":
            assert mine and "unsupported language 'de'" in mine[0], (name, errors)
        elif code:
            assert mine and f"[{code}]" in mine[0], (name, errors)
    # JSONL: the bad lines are named one by one, the good line is coded.
    for line, code in ((2, "E005"), (3, "E007"), (4, "E006")):
        assert any(f"f_bad.jsonl:{line}:" in e and f"[{code}]" in e for e in errors), (line, errors)
    assert any("f_bad.jsonl:2:" in e and "malformed JSON" in e for e in errors)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    coded = {e["doc_id"] for e in events}
    assert {"j1", "c_utf16.txt", "d_cp1252.txt", "h_control.txt", "j_good.txt", "k_invalid_utf8.txt"} <= coded, coded
    assert not any(e["lang"] not in ("fr", "en") for e in events)


def test_ingest_cli_records_every_failure_and_exits_1(runner, tmp_path):
    expected = _mixed_batch(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), "--pub-date", "2026-11-27"])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = con.execute("SELECT source, code, message FROM errors").fetchall()
        docs = dict(con.execute("SELECT source, status FROM documents").fetchall())
        events = dict(con.execute("SELECT d.source, count(*) FROM mentions m JOIN documents d USING (doc_id) "
                                  "GROUP BY 1").fetchall())
        run = con.execute("SELECT status, num_failed, num_skipped FROM runs").fetchall()
    finally:
        con.close()
    for name, code in expected.items():
        path = str(tmp_path / "in" / name)
        if code == "skipped":
            assert docs.get(path) == "skipped", (name, docs)
        elif code:
            rows = [e for e in errors if e[0].startswith(path)]
            assert rows and any(e[1] == code for e in rows), (name, errors)
        else:
            assert docs.get(path) == "coded" and events.get(path, 0) > 0, (name, docs, events)
    assert run[0][0] == "finished" and run[0][1] >= 6 and run[0][2] == 1


def test_long_article_is_chunked_at_paragraphs_and_still_coded():
    """The NLP stage parses long texts in chunks cut at blank lines; offsets stay exact across chunks."""
    from dragoman.ingest import document_from_text
    from dragoman.nlp import NlpStage, split_chunks
    from dragoman.pipeline import Pipeline, PipelineConfig

    countries = ["Germany", "France", "Japan", "Turkey", "India", "Brazil", "Egypt", "Poland", "Canada", "Mexico"]
    months = ["January", "February", "March", "April", "May", "June"]
    paras = [f"{countries[i % 10]} accused {countries[(i // 10 + i + 1) % 10]} of a cyber attack on "
             f"{1 + i % 28} {months[i // 28]} 2026. Markets were calm and the weather was mild across the region."
             for i in range(150)]
    text = "\n\n".join(paras)  # ~20 kB, 150 accusations on 150 different dates (none merge)
    chunks = split_chunks(text, 2000)
    assert len(chunks) > 8 and all(e - s <= 2000 for s, e in chunks)
    assert all(text[e - 2:e] == "\n\n" for _, e in chunks[:-1])  # cut after a blank line
    pipeline = Pipeline(PipelineConfig(lang="en", pub_date=date(2026, 11, 27)))
    pipeline.stages[1] = NlpStage(chunk_chars=2000)
    (doc,) = list(pipeline([document_from_text(text, doc_id="long")]))
    assert not doc.errors
    assert len(doc.sentences) == 300  # two per paragraph, none lost at a cut
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)
    accusations = [e for e in doc.events if e.type == "ACCUSE"]
    assert len(accusations) >= 120, [e.type for e in doc.events]
    last = max(accusations, key=lambda e: e.evidence[0].start).evidence[0]
    assert last.start > 15_000 and doc.text[last.trigger.start:last.trigger.end] == last.trigger.text


@pytest.mark.slow
def test_ten_megabyte_file_reads_in_bounded_memory(tmp_path):
    """A 10 MB article is read, normalised and cut into model-sized chunks with memory a small multiple of
    its size: about 12x here, the text is stored 2 bytes a character (soft hyphens) and copied a few times
    by normalisation; the offset map is a step function, not a list of 10 million ints."""
    import tracemalloc

    from dragoman.nlp import DEFAULT_CHUNK_CHARS, split_chunks

    para = ("Germany accused Russia of a cyber attack on its parliament.\u00ad Officials said the\u200b "
            "attack lasted for hours.\r\n\r\n")
    f = tmp_path / "huge.txt"
    f.write_text(para * (10_000_000 // len(para)), encoding="utf-8")
    size = f.stat().st_size
    tracemalloc.start()
    (doc,) = list(read_inputs([f]))
    chunks = split_chunks(doc.norm_text, DEFAULT_CHUNK_CHARS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not doc.errors and size >= 9_900_000
    print(f"10 MB file: peak {peak / 1e6:.0f} MB traced while reading, normalising and chunking")
    assert peak < 20 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
    assert len(chunks) >= 90 and all(e - s <= DEFAULT_CHUNK_CHARS for s, e in chunks)
    assert all(doc.norm_text[e - 1] == "\n" for _, e in chunks[:-1])
    for s, e in chunks[:5] + chunks[-5:]:
        a, b = doc.orig(s), doc.orig(e)
        assert doc.text[a:b].replace("\u00ad", "").replace("\u200b", "").replace("\r", "") == \
            doc.norm_text[s:e].replace("\u200b", "")


# ---------------------------------------------------------------- the whole broken corpus through ingest


@pytest.mark.slow
def test_broken_corpus_ingest_records_every_failure(corpus, tmp_path):
    import subprocess

    out, manifest = corpus
    db = tmp_path / "broken.duckdb"
    res = subprocess.run([str(Path(sys.executable).parent / "dragoman"), "ingest", str(out), "--db", str(db),
                          "--pub-date", "2026-11-27"], capture_output=True, text=True, timeout=3000)
    assert res.returncode == 1, res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    report = check_store_against_manifest(db, out, manifest)
    print(f"broken corpus: {report['counts']}, {report['errors']} errors rows, {report['documents']} documents")
    assert not report["problems"], report["problems"][:20]


def check_store_against_manifest(db: Path, root: Path, manifest: dict) -> dict:
    """Compare a store with the manifest: every failure recorded, every good file coded."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = con.execute("SELECT source, code, message FROM errors").fetchall()
        docs = con.execute("SELECT source, status, num_events FROM documents").fetchall()
    finally:
        con.close()
    err_by: dict[str, list] = defaultdict(list)
    for src, code, msg in errors:
        err_by[src].append((code, msg))
    doc_by = {src: (status, n) for src, status, n in docs}
    problems: list[str] = []
    counts: dict[str, int] = defaultdict(int)

    def check(key: str, expect: str, cls: str) -> None:
        errs = [e for s, es in err_by.items() if s == key or s.startswith(key + "#") for e in es]
        doc = doc_by.get(key)
        ok = {
            "failed": bool(errs),  # the row's source names the file (ingest messages name it too)
            "partial": bool(errs),
            "skipped": doc is not None and doc[0] == "skipped",
            "rejected": bool(errs) or (doc is not None and doc[0] in ("skipped", "failed")),
            "coded": doc is not None and doc[0] == "coded" and doc[1] > 0,
            "document": doc is not None and doc[0] == "coded",
        }[expect]
        counts[expect] += 1
        if not ok:
            problems.append(f"{key} ({cls}): expected {expect}, got doc={doc} errors={errs[:2]}")

    for name, m in manifest.items():
        key = str(root / name)
        if m["expect"] == "lines":
            for line, expect in m["lines"].items():
                check(f"{key}:{line}", expect, m["class"])
        else:
            check(key, m["expect"], m["class"])
    return {"problems": problems, "counts": dict(counts), "errors": len(errors), "documents": len(docs)}


def test_fuzz_findings_stay_fixed():
    """Inputs found by scripts/fuzz_ingest.py that used to raise out of the ingest functions."""
    import gzip

    from dragoman.ingest import iter_documents_from_bytes

    cases = {
        # feedparser raised UnicodeEncodeError on a surrogate character reference
        "f.xml": b"<?xml version='1.0'?><rss><channel><item><title>&#xD800;</title></item></channel></rss>",
        # gzip.decompress raised zlib.error on a corrupt stream (uploads, stdin, .txt.gz)
        "f.txt.gz": gzip.compress(b"Japan agreed to resume talks. " * 200, mtime=0)[:40] + b"\x00" * 30 + b"x" * 50,
        # warcio raised AttributeError on a response record without WARC-Target-URI
        "f.warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\n" + b"\x8f\x01" * 100,
        # a WARC of images only gave no document and no error at all
        "g.warc": b"",
    }
    for name, data in cases.items():
        docs = list(iter_documents_from_bytes(data, name))
        assert docs and all(d.errors for d in docs), name
        assert all(name in d.errors[0].message for d in docs), [d.errors for d in docs]
