"""Throughput of ``dragoman ingest`` against ``dragoman code`` on the same inputs and ``-j``.

Inputs: the first ``--limit`` records of ../shared/gold/*.jsonl (written to a temporary
JSONL file, ids made unique) when that folder exists, else the bundled examples/ repeated
with a counter so every document is distinct. Both commands run as subprocesses, end to
end (start-up and model loading included, as a user sees them); ingest writes a fresh
store in a temporary directory. ``-j`` is passed to ``code`` only if ``code`` accepts it.

    .venv/bin/python benchmarks/ingest_vs_code.py [--jobs N] [--limit 200] [--records-per-doc K] [--min-ratio 0.9] [--json]

Prints seconds and articles/s for each and the ratio ingest/code (articles/s).
Exit status 1 when ``--min-ratio`` is given and the ratio is below it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO.parent / "shared" / "gold"
DRAGOMAN = [str(Path(sys.executable).parent / "dragoman")]


def write_inputs(path: Path, limit: int, per_doc: int = 1) -> int:
    """``limit`` documents; each joins ``per_doc`` consecutive gold texts of one language as paragraphs
    (gold records are one or two sentences; news articles are longer)."""
    records = []
    if GOLD.is_dir():
        for src in sorted(GOLD.glob("*.dev.jsonl")):
            texts = [json.loads(line) for line in src.open(encoding="utf-8") if line.strip()]
            for i in range(0, len(texts) - per_doc + 1, per_doc):
                if len(records) < limit:
                    chunk = texts[i:i + per_doc]
                    records.append({"id": f"bench-{len(records)}", "text": "\n\n".join(r["text"] for r in chunk),
                                    "lang": chunk[0].get("lang"), "pub_date": "2026-11-27"})
    if not records:
        texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").glob("*.txt"))]
        while len(records) < limit:
            records.append({"id": f"bench-{len(records)}", "pub_date": "2026-11-27",
                            "text": f"{texts[len(records) % len(texts)]}\n({len(records)})"})
    with path.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(records)


def code_accepts_jobs() -> bool:
    out = subprocess.run([*DRAGOMAN, "code", "--help"], capture_output=True, text=True)
    return "--jobs" in out.stdout or " -j" in out.stdout


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if res.returncode not in (0, 1):  # 1 = some documents failed, still a complete run
        sys.exit(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", "-j", type=int, default=1)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--records-per-doc", type=int, default=1, help="gold texts joined into one document")
    ap.add_argument("--min-ratio", type=float, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs.jsonl"
        n = write_inputs(inputs, args.limit, args.records_per_doc)
        jobs = ["-j", str(args.jobs)] if args.jobs > 1 and code_accepts_jobs() else []
        code_s = timed([*DRAGOMAN, "code", str(inputs), "--format", "jsonl", *jobs])
        ingest_s = timed([*DRAGOMAN, "ingest", str(inputs), "--db", str(Path(tmp) / "b.duckdb"), "-j",
                          str(args.jobs)])
        rerun_s = timed([*DRAGOMAN, "ingest", str(inputs), "--db", str(Path(tmp) / "b.duckdb")])
    result = {
        "documents": n, "records_per_doc": args.records_per_doc, "jobs": args.jobs, "code_jobs_flag": bool(jobs),
        "code_seconds": round(code_s, 2), "ingest_seconds": round(ingest_s, 2),
        "code_articles_per_s": round(n / code_s, 2), "ingest_articles_per_s": round(n / ingest_s, 2),
        "ratio": round(code_s / ingest_s, 3), "rerun_seconds": round(rerun_s, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{n} documents ({args.records_per_doc} gold texts each), -j {args.jobs}" + ("" if jobs or args.jobs == 1 else " (code has no -j: ran serial)"))
        print(f"code   {code_s:7.1f} s  {result['code_articles_per_s']:6.1f} articles/s")
        print(f"ingest {ingest_s:7.1f} s  {result['ingest_articles_per_s']:6.1f} articles/s")
        print(f"ratio ingest/code: {result['ratio']:.3f}   (second ingest, all present: {rerun_s:.1f} s)")
    if args.min_ratio is not None and result["ratio"] < args.min_ratio:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
