"""End-to-end throughput of the Dragoman pipeline against spaCy alone (the ceiling).

Texts: every record of ../shared/gold/*.jsonl when that folder exists, else the
bundled examples/ (repeated). Model loading is excluded from both timings; each
side is timed over the same texts, in this process, one after the other.

    .venv/bin/python benchmarks/throughput.py [--repeat N] [--min-ratio 0.75] [--json] [--ceiling-lemma-sets]

Prints articles/s, words/s, the ratio pipeline/spaCy and peak memory (RSS).
Dragoman's models look lemmas up in sets (``dragoman.nlp._lemma_index_as_sets``), the
stock models in lists; ``--ceiling-lemma-sets`` gives the spaCy-only run the same sets, so
that the ratio measures only Dragoman's own work. Both sides are also timed in CPU seconds of this process (``time.process_time``):
on a shared machine the CPU ratio is the figure to compare, wall time is noisy.
Exit status 1 when ``--min-ratio`` is given and the (wall) ratio is below it.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO.parent / "shared" / "gold"


def load_texts() -> list[tuple[str, str]]:
    """(lang, text) pairs."""
    texts: list[tuple[str, str]] = []
    if GOLD.is_dir():
        for path in sorted(GOLD.glob("*.jsonl")):
            for line in path.open(encoding="utf-8"):
                if line.strip():
                    rec = json.loads(line)
                    texts.append((rec.get("lang") or "en", rec["text"]))
    if not texts:
        from dragoman.ingest import read_inputs

        for doc in read_inputs([REPO / "examples"]):
            if not doc.errors:
                texts.append(("fr" if "fr_" in (doc.source or "") else "en", doc.text))
        texts = texts * 50
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="repeat the text list N times")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N texts")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--min-ratio", type=float, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ceiling-lemma-sets", action="store_true",
                        help="give the spaCy-only models the same set-based lemma index as Dragoman's "
                             "(dragoman.nlp._lemma_index_as_sets): the ratio then measures only our own overhead")
    args = parser.parse_args()

    import spacy

    from dragoman.ingest import document_from_text
    from dragoman.nlp import MODELS
    from dragoman.pipeline import Pipeline, PipelineConfig

    texts = load_texts() * args.repeat
    if args.limit:
        texts = texts[: args.limit]
    words = sum(len(t.split()) for _, t in texts)
    langs = sorted({lang for lang, _ in texts})

    # spaCy alone: the shipped models, default pipelines, same batching.
    models = {lang: spacy.load(MODELS[lang][0]) for lang in langs}
    if args.ceiling_lemma_sets:
        from dragoman.nlp import _lemma_index_as_sets

        for nlp in models.values():
            _lemma_index_as_sets(nlp)
    for nlp in models.values():
        nlp("warm up")
    t0, c0 = time.perf_counter(), time.process_time()
    for lang, nlp in models.items():
        for _ in nlp.pipe([t for lg, t in texts if lg == lang], batch_size=args.batch_size):
            pass
    spacy_seconds = time.perf_counter() - t0
    spacy_cpu = time.process_time() - c0
    del models

    # Dragoman end to end (language detection included); warm-up loads models and dictionaries.
    pipeline = Pipeline(PipelineConfig(batch_size=args.batch_size))
    # Warm-up without a language: the language detector's models load here too, not in the timing.
    warm = {"en": "The minister met his counterpart in Paris on Monday.",
            "fr": "Le ministre a rencontré son homologue lundi à Paris."}
    list(pipeline([document_from_text(warm[lang], doc_id=f"warm-{lang}") for lang in langs]))
    docs = (document_from_text(t, doc_id=str(i)) for i, (_, t) in enumerate(texts))
    t0, c0 = time.perf_counter(), time.process_time()
    events = failed = 0
    for doc in pipeline(docs):
        events += len(doc.events)
        failed += bool(doc.errors)
    pipe_seconds = time.perf_counter() - t0
    pipe_cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    result = {
        "articles": len(texts),
        "words": words,
        "spacy_articles_per_s": round(len(texts) / spacy_seconds, 1),
        "spacy_words_per_s": round(words / spacy_seconds),
        "dragoman_articles_per_s": round(len(texts) / pipe_seconds, 1),
        "dragoman_words_per_s": round(words / pipe_seconds),
        "ratio": round(spacy_seconds / pipe_seconds, 3),
        "events": events,
        "failed_documents": failed,
        "peak_rss_mb": round(peak_mb),
        "spacy_cpu_s": round(spacy_cpu, 2),
        "dragoman_cpu_s": round(pipe_cpu, 2),
        "cpu_ratio": round(spacy_cpu / pipe_cpu, 3),
        "spacy_cpu_ms_per_article": round(1000 * spacy_cpu / len(texts), 2),
        "dragoman_cpu_ms_per_article": round(1000 * pipe_cpu / len(texts), 2),
        "ceiling_lemma_sets": args.ceiling_lemma_sets,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"texts: {result['articles']} ({words} words, languages {', '.join(langs)})")
        print(f"spaCy alone   : {result['spacy_articles_per_s']:>8} articles/s {result['spacy_words_per_s']:>8} words/s")
        print(f"Dragoman      : {result['dragoman_articles_per_s']:>8} articles/s "
              f"{result['dragoman_words_per_s']:>8} words/s  ({events} events, {failed} failed)")
        print(f"ratio         : {result['ratio']:.3f} of the spaCy ceiling")
        print(f"CPU time      : spaCy {result['spacy_cpu_s']} s ({result['spacy_cpu_ms_per_article']} ms/article), "
              f"Dragoman {result['dragoman_cpu_s']} s ({result['dragoman_cpu_ms_per_article']} ms/article)")
        print(f"CPU ratio     : {result['cpu_ratio']:.3f} of the spaCy ceiling (wall ratio {result['ratio']:.3f})")
        print(f"peak memory   : {result['peak_rss_mb']} MB")
    if args.min_ratio is not None and result["ratio"] < args.min_ratio:
        print(f"ratio {result['ratio']} below the floor {args.min_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
