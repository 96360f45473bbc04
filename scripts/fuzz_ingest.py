#!/usr/bin/env python
"""Longer fuzzing of the ingest paths than CI runs (see docs/robustness.md).

    python scripts/fuzz_ingest.py [--minutes 10] [--seed N] [--out DIR] [--pipeline]

Feeds random and mutated inputs to ``dragoman.ingest.iter_documents_from_bytes`` under every
file name the format detection knows (.txt, .html, .jsonl, .warc, .xml, .gz, none): pure random
bytes, tag soup, JSONL lines, and byte-level mutations (flips, cuts, insertions, splices) of the
seed files of ``make_broken_corpus.py``. It checks the ingest contract on every input:

- nothing raises;
- every input gives at least one document;
- a document either carries errors whose messages name the input, or is skipped with a reason,
  or has non-empty text and a consistent ``norm_text``/``norm_map``.

With ``--pipeline`` each good document also goes through the full coding pipeline and every
reported offset is checked against the text (much slower). Failing inputs are written to
``--out`` (default ``fuzz-failures/``) with the traceback, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

NAMES = ["a.txt", "a.html", "a.jsonl", "a.warc", "a.xml", "a", "a.md", "a.jsonl.gz", "a.txt.gz", "a.htm"]
TAGS = ["<html>", "</html>", "<head>", "<title>", "</title>", "<body>", "</body>", "<div>", "</div>", "<p>",
        "</p>", "<script>", "</script>", "<style>", "<!--", "-->", "<br/>", "<meta charset='cp1252'>", "&amp;",
        "&#0;", "&#xD800;", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<rss>", "<item>", "<noscript>",
        "Japan and South Korea agreed to resume security talks on Monday.", "\x00", "\ufeff", "é", "<"]


def check(docs: list, name: str) -> None:
    if not docs:
        raise AssertionError(f"{name}: no document and no error")
    for d in docs:
        if d.errors:
            for e in d.errors:
                if not (e.code.startswith("E") and e.message and name in e.message):
                    raise AssertionError(f"error without code or input name: {e}")
        elif d.skipped is None:
            if not d.text.strip():
                raise AssertionError(f"{name}: document without text nor error")
            n = len(d.norm_text)
            if (d.norm_map is None and n != len(d.text)) or (d.norm_map is not None and len(d.norm_map) != n + 1):
                raise AssertionError(f"{name}: norm_text/norm_map inconsistent")


def check_offsets(doc) -> None:
    text = doc.text
    spans = [(s.start, s.end, s.text) for s in doc.sentences]
    spans += [(m.start, m.end, m.actor.text) for m in doc.actor_mentions]
    spans += [(p.start, p.end, p.text) for p in doc.date_phrases]
    for ev in doc.events:
        for e in ev.evidence:
            spans += [(e.start, e.end, e.sentence), (e.trigger.start, e.trigger.end, e.trigger.text)]
        spans += [(a.start, a.end, a.text) for a in ev.actor + ev.recipient if a.start is not None]
    for a, b, t in spans:
        if text[a:b] != t:
            raise AssertionError(f"offset [{a}:{b}] gives {text[a:b]!r}, reported {t!r}")


class Generator:
    def __init__(self, rng: random.Random, seeds: list[bytes]):
        self.rng = rng
        self.seeds = seeds

    def random_bytes(self) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, 2000))

    def tag_soup(self) -> bytes:
        soup = "".join(self.rng.choice(TAGS) for _ in range(self.rng.randint(0, 60)))
        return soup.encode(self.rng.choice(["utf-8", "cp1252", "utf-16", "utf-16-le"]), errors="replace")

    def jsonl(self) -> bytes:
        import json

        lines = []
        for _ in range(self.rng.randint(0, 6)):
            rec = {k: self.rng.choice([None, 1, "x", "Japan agreed to talks on Monday.", [1], {"a": 1}, "2024-02-30"])
                   for k in self.rng.sample(["id", "text", "title", "pub_date", "lang", "url", "zz"], 4)}
            line = json.dumps(rec)
            if self.rng.random() < 0.3:
                line = line[: self.rng.randint(0, len(line))]
            lines.append(line)
        return "\n".join(lines).encode()

    def mutate(self) -> bytes:
        data = bytearray(self.rng.choice(self.seeds)) if self.seeds else bytearray(self.random_bytes())
        for _ in range(self.rng.randint(1, 8)):
            op = self.rng.randrange(5)
            pos = self.rng.randint(0, len(data))
            if op == 0 and data:
                data[min(pos, len(data) - 1)] ^= 1 << self.rng.randrange(8)
            elif op == 1:
                del data[pos:pos + self.rng.randint(1, 64)]
            elif op == 2:
                data[pos:pos] = self.rng.randbytes(self.rng.randint(1, 16))
            elif op == 3:
                data = data[:pos]
            elif self.seeds:
                other = self.rng.choice(self.seeds)
                cut = self.rng.randint(0, len(other))
                data = data[:pos] + other[cut:]
        return bytes(data)

    def next(self) -> tuple[bytes, str]:
        kind = self.rng.choice([self.random_bytes, self.tag_soup, self.jsonl, self.mutate, self.mutate])
        return kind(), self.rng.choice(NAMES)


def load_seeds(seed: int) -> list[bytes]:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_broken_corpus import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(Path(tmp), seed)
        return [p.read_bytes() for p in sorted(Path(tmp).rglob("*")) if p.is_file() and p.stat().st_size < 200_000]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    ap.add_argument("--pipeline", action="store_true", help="also code good documents and check offsets")
    args = ap.parse_args()

    from dragoman.ingest import iter_documents_from_bytes

    pipeline = None
    if args.pipeline:
        from dragoman.pipeline import Pipeline

        pipeline = Pipeline()
    gen = Generator(random.Random(args.seed), load_seeds(args.seed))
    deadline = time.monotonic() + args.minutes * 60
    runs = failures = coded = 0
    while time.monotonic() < deadline:
        data, name = gen.next()
        runs += 1
        try:
            docs = list(iter_documents_from_bytes(data, name))
            check(docs, name)
            if pipeline is not None:
                for doc in pipeline([d for d in docs if not d.failed]):
                    if not doc.failed:
                        check_offsets(doc)
                        coded += 1
        except Exception:  # noqa: BLE001 - a finding: keep the input and go on
            failures += 1
            args.out.mkdir(parents=True, exist_ok=True)
            stem = args.out / f"case{failures:04d}-{name}"
            stem.with_name(stem.name + ".bin").write_bytes(data)
            stem.with_name(stem.name + ".txt").write_text(traceback.format_exc(), encoding="utf-8")
        if runs % 500 == 0:
            print(f"{runs} inputs, {failures} failures", file=sys.stderr)
    print(f"{runs} inputs in {args.minutes:g} min, {coded} coded documents checked, {failures} failures"
          + (f" (inputs in {args.out}/)" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
