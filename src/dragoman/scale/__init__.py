"""Scale-out: ``dragoman batch`` codes a corpus on many workers (Ray, or local processes) and
writes mentions, documents and errors as Parquet partitioned by publication month.

``run_batch(paths, options)`` is the library entry point; see ``docs/scale.md``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dragoman.scale.coder import BatchCoder, BatchOptions, BatchResult, ScaleError
from dragoman.scale.inputs import InputFile, list_inputs, read_input
from dragoman.scale.output import Output

__all__ = ["BatchCoder", "BatchOptions", "BatchResult", "BatchSummary", "InputFile", "Output", "ScaleError",
           "list_inputs", "read_input", "run_batch"]

ENGINES = ("local", "ray")


@dataclass
class BatchSummary:
    inputs: int = 0
    read: int = 0
    coded: int = 0
    already_done: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    batches: int = 0
    removed_parts: int = 0  # leftovers of a killed run deleted by --resume
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(self, res: BatchResult) -> None:
        self.read += int(res.read)
        self.coded += int(res.coded)
        self.already_done += int(res.already_done)
        self.skipped += int(res.skipped)
        self.failed += int(res.failed)
        self.mentions += int(res.mentions)
        self.batches += res.batch is not None
        self.errors.extend(list(res.messages)[: max(0, 20 - len(self.errors))])

    @property
    def rate(self) -> float:
        return (self.coded + self.skipped + self.failed) / self.seconds if self.seconds else 0.0


def run_batch(paths: list[str], options: BatchOptions,
              progress: Callable[[BatchSummary], None] | None = None) -> BatchSummary:
    """Code every input under ``paths`` into ``options.out``; failures are recorded, never raised.

    Raises ``ScaleError`` when the run cannot start: unknown engine, output directory already
    holding results without ``resume``, Ray unavailable or unreachable.
    """
    if options.engine not in ENGINES:
        raise ScaleError(f"unknown engine {options.engine!r}; use local or ray", code="E501")
    if options.batch_size < 1:
        raise ScaleError("--batch-size must be at least 1", code="E501")
    if "://" not in options.out:
        options = replace(options, out=os.path.abspath(options.out))  # the same path on every worker
    out = Output(options.out)
    summary = BatchSummary()
    started = time.monotonic()
    if options.resume:
        summary.removed_parts = out.remove_unfinished()
        done_ids, done_failures = frozenset(out.done_ids()), frozenset(out.done_failures())
    else:
        if out.done_batches() or any(out._files(d) for d in ("mentions", "documents", "errors")):
            raise ScaleError("the output directory already holds batch results: use --resume to add to it, "
                             "or choose a new directory", where=options.out, code="E504")
        done_ids, done_failures = frozenset(), frozenset()
    files = list_inputs(paths)
    summary.inputs = len(files)
    if options.engine == "ray":
        from dragoman.scale.ray_engine import run_ray

        results = run_ray(files, options, done_ids, done_failures)
    else:
        from dragoman.scale.local import run_local

        results = run_local(files, options, done_ids, done_failures)
    for res in results:
        summary.add(res)
        summary.seconds = time.monotonic() - started
        if progress:
            progress(summary)
    summary.seconds = time.monotonic() - started
    return summary
