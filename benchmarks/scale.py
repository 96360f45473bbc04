"""Scaling of ``dragoman batch`` on this machine: articles/s with 1 and 2 workers, Ray and local engines.

Texts: every record of ../shared/gold/*.jsonl when that folder exists, else the bundled
examples/ (repeated), written as a few JSONL files (so Ray has several read tasks).
Each configuration runs twice: on the whole corpus and on a 4-document corpus; the
difference removes start-up (Ray, worker processes, model loading) from the steady rate:

    steady articles/s = (N - 4) / (T_N - T_4)

Scaling efficiency = rate(2 workers) / rate(1 worker). Also prints the load average
(the machine may be shared) and the RSS of one worker with both models and every
dictionary loaded (``--rss``).

    .venv/bin/python benchmarks/scale.py [--docs 80] [--engines ray,local] [--rss] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO.parent / "shared" / "gold"


def load_records(n: int) -> list[dict]:
    recs: list[dict] = []
    if GOLD.is_dir():
        per_file = []
        for path in sorted(GOLD.glob("*.jsonl")):
            per_file.append([{"text": r["text"], "pub_date": r.get("pub_date")}
                             for r in map(json.loads, filter(str.strip, path.open(encoding="utf-8")))])
        # Round robin over the files: French and English, short and long texts mixed.
        for k in range(max(map(len, per_file), default=0)):
            recs.extend(f[k] for f in per_file if k < len(f))
    if not recs:
        from dragoman.ingest import read_inputs

        recs = [{"text": d.text} for d in read_inputs([REPO / "examples"]) if not d.errors]
    out = []
    i = 0
    while len(out) < n:
        r = dict(recs[i % len(recs)])
        if i >= len(recs):  # repeated texts must stay distinct documents
            r["text"] = r["text"] + f"\n\n(copy {i // len(recs)})"
        r["id"] = f"b{i}"
        out.append(r)
        i += 1
    return out


def write_corpus(recs: list[dict], root: Path, files: int = 8) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for k in range(files):
        chunk = recs[k::files]
        if chunk:
            (root / f"part{k}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk),
                                                 encoding="utf-8")
    return root


def run(engine: str, workers: int, corpus: Path, out: Path, batch_size: int) -> tuple[float, int]:
    from dragoman.scale import BatchOptions, run_batch

    t = time.monotonic()
    s = run_batch([str(corpus)], BatchOptions(out=str(out), engine=engine, workers=workers, batch_size=batch_size,
                                              num_cpus=os.cpu_count()))
    return time.monotonic() - t, s.coded + s.skipped + s.failed


def worker_rss() -> float:
    """MB of resident memory of one coding worker after loading both models and all dictionaries."""
    from dragoman.scale import BatchCoder, BatchOptions

    def rss() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    before = rss()
    coder = BatchCoder(BatchOptions(out=tempfile.mkdtemp()))
    coder.warm_up()
    return before, rss()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=80)
    ap.add_argument("--engines", default="ray,local")
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--rss", action="store_true", help="only measure one worker's memory")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.rss:
        before, after = worker_rss()
        print(json.dumps({"rss_mb_python_start": round(before), "rss_mb_worker_loaded": round(after)}))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="dragoman-scale-bench-"))
    recs = load_records(args.docs)
    big = write_corpus(recs, tmp / "big")
    small = write_corpus(recs[:4], tmp / "small", files=2)
    results = []
    load_before = os.getloadavg()
    for engine in args.engines.split(","):
        for workers in (1, 2):
            t_small, n_small = run(engine, workers, small, tmp / f"o-{engine}-{workers}-s", args.batch_size)
            t_big, n_big = run(engine, workers, big, tmp / f"o-{engine}-{workers}-b", args.batch_size)
            steady = (n_big - n_small) / (t_big - t_small) if t_big > t_small else float("nan")
            row = {"engine": engine, "workers": workers, "docs": n_big, "seconds": round(t_big, 1),
                   "articles_per_s": round(n_big / t_big, 3), "startup_s": round(t_small, 1),
                   "steady_articles_per_s": round(steady, 3), "loadavg_1m": round(os.getloadavg()[0], 1)}
            results.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    summary = {"cpus": os.cpu_count(), "loadavg_before": [round(x, 1) for x in load_before], "runs": results,
               "efficiency": {}}
    for engine in args.engines.split(","):
        r = {row["workers"]: row for row in results if row["engine"] == engine}
        if 1 in r and 2 in r:
            summary["efficiency"][engine] = {
                "end_to_end": round(r[2]["articles_per_s"] / r[1]["articles_per_s"], 2),
                "steady": round(r[2]["steady_articles_per_s"] / r[1]["steady_articles_per_s"], 2),
            }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{'engine':8} {'workers':>7} {'docs':>5} {'seconds':>8} {'art/s':>7} {'startup s':>9} "
              f"{'steady art/s':>12} {'load1m':>6}")
        for r in results:
            print(f"{r['engine']:8} {r['workers']:>7} {r['docs']:>5} {r['seconds']:>8} {r['articles_per_s']:>7} "
                  f"{r['startup_s']:>9} {r['steady_articles_per_s']:>12} {r['loadavg_1m']:>6}")
        for engine, eff in summary["efficiency"].items():
            print(f"{engine}: 2 workers / 1 worker = {eff['end_to_end']}x end to end, {eff['steady']}x steady")
        print(f"load average before: {summary['loadavg_before']} on {summary['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
