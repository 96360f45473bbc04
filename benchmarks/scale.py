"""Scaling of ``dragoman batch`` on this machine: articles/s with 1 and 2 workers, Ray and local engines.

Texts: the records of ../shared/gold/*.jsonl when that folder exists (round robin over the
files: French and English, short and long), else the bundled examples/ (repeated), written
as a few JSONL files (so Ray has several read tasks). Per configuration, one run:

* end to end: documents / wall time (includes starting Ray or the processes and loading models);
* steady: documents in batches finished after every worker finished its first batch (all models
  loaded) / time from that moment to the last batch (workers' clocks). The rate a long run
  converges to.

Scaling efficiency = rate(2 workers) / rate(1 worker). Also prints the load average (the
machine may be shared with other work: then 2 workers do not get 2 free cores) and, with
``--rss``, the resident memory of one worker after loading both models and every dictionary
and after coding the corpus.

    .venv/bin/python benchmarks/scale.py [--docs 120] [--engines ray,local] [--batch-size 4] [--json]
    .venv/bin/python benchmarks/scale.py --rss [--docs 120]
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


def run(engine: str, workers: int, corpus: Path, out: Path, batch_size: int) -> dict:
    from dragoman.scale import BatchOptions, list_inputs

    options = BatchOptions(out=str(out), engine=engine, workers=workers, batch_size=batch_size,
                           num_cpus=os.cpu_count())
    t0, wall0 = time.monotonic(), time.time()
    files = list_inputs([str(corpus)])
    if engine == "ray":
        from dragoman.scale.ray_engine import run_ray as engine_run
    else:
        from dragoman.scale.local import run_local as engine_run
    done: list[tuple[float, str, int, float]] = []  # (seconds since start, worker, documents, worker CPU s)
    for res in engine_run(files, options, frozenset(), frozenset()):
        # The worker's own clock: Ray hands results to the driver in bundles, not one by one.
        done.append((res.finished_at - wall0, res.worker, res.read, res.cpu_seconds))
    total = time.monotonic() - t0
    n = sum(d for _, _, d, _ in done)
    per: dict[str, list[tuple[float, int, float]]] = {}
    for t, w, d, c in done:
        per.setdefault(w, []).append((t, d, c))
    warm = max(b[0][0] for b in per.values())  # every worker has its models loaded
    after = sum(d for t, _, d, _ in done if t > warm)
    end = max(t for t, _, _, _ in done)
    # Per worker, after its first batch: CPU seconds used, wall seconds, articles coded. On a shared
    # machine the cores the workers actually got, not the number of workers, bound the rate.
    cpu = sum(b[-1][2] - b[0][2] for b in per.values())
    cores = sum((b[-1][2] - b[0][2]) / (b[-1][0] - b[0][0]) for b in per.values() if b[-1][0] > b[0][0])
    arts = sum(d for b in per.values() for _, d, _ in b[1:])
    return {"engine": engine, "workers": workers, "workers_seen": len(per), "docs": n,
            "seconds": round(total, 1), "articles_per_s": round(n / total, 3), "warm_at_s": round(warm, 1),
            "steady_articles_per_s": round(after / (end - warm), 3) if end > warm and after else None,
            "loadavg_1m": round(os.getloadavg()[0], 1),
            "steady_cores_used": round(cores, 2), "cpu_s_per_article": round(cpu / arts, 3) if arts else None}


def worker_rss(recs: list[dict]) -> dict:
    """MB of resident memory of one coding worker: started, models and dictionaries loaded, corpus coded."""
    from dragoman.ingest import document_from_text
    from dragoman.scale import BatchCoder, BatchOptions

    def rss() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    out = {"rss_mb_start": round(rss())}
    with tempfile.TemporaryDirectory(prefix="dragoman-scale-rss-") as tmpdir:
        coder = BatchCoder(BatchOptions(out=tmpdir))
        coder.warm_up()
        out["rss_mb_models_loaded"] = round(rss())
        docs = [document_from_text(r["text"], doc_id=f"d{i}") for i, r in enumerate(recs)]
        for k in range(0, len(docs), 8):
            coder.code(docs[k:k + 8])
        out["rss_mb_after_coding"] = round(rss())
    out["docs"] = len(docs)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--engines", default="ray,local")
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--rss", action="store_true", help="only measure one worker's memory")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    recs = load_records(args.docs)
    if args.rss:
        print(json.dumps(worker_rss(recs)))
        return 0
    results = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="dragoman-scale-bench-") as tmpdir:
        tmp = Path(tmpdir)
        corpus = write_corpus(recs, tmp / "corpus")
        for engine in args.engines.split(","):
            for workers in (1, 2):
                row = run(engine, workers, corpus, tmp / f"out-{engine}-{workers}", args.batch_size)
                results.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    summary = {"cpus": os.cpu_count(), "loadavg_before": [round(x, 1) for x in load_before], "runs": results,
               "efficiency": {}}
    for engine in args.engines.split(","):
        r = {row["workers"]: row for row in results if row["engine"] == engine}
        if 1 in r and 2 in r:
            s1, s2 = r[1]["steady_articles_per_s"], r[2]["steady_articles_per_s"]
            summary["efficiency"][engine] = {
                "end_to_end": round(r[2]["articles_per_s"] / r[1]["articles_per_s"], 2),
                "steady": round(s2 / s1, 2) if s1 and s2 else None,
            }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{'engine':8} {'workers':>7} {'docs':>5} {'seconds':>8} {'art/s':>7} {'warm at s':>9} "
              f"{'steady art/s':>12} {'load1m':>6} {'cores used':>10} {'cpu s/art':>9}")
        for r in results:
            print(f"{r['engine']:8} {r['workers']:>7} {r['docs']:>5} {r['seconds']:>8} {r['articles_per_s']:>7} "
                  f"{r['warm_at_s']:>9} {r['steady_articles_per_s']!s:>12} {r['loadavg_1m']:>6} "
                  f"{r['steady_cores_used']!s:>10} {r['cpu_s_per_article']!s:>9}")
        for engine, eff in summary["efficiency"].items():
            print(f"{engine}: 2 workers / 1 worker = {eff['end_to_end']}x end to end, {eff['steady']}x steady")
        print(f"load average before: {summary['loadavg_before']} on {summary['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
