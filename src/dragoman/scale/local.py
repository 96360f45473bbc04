"""The local engine: the driver reads inputs, worker processes code batches (no Ray)."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dragoman.scale.coder import BatchCoder, BatchOptions, BatchResult, ScaleError
from dragoman.scale.inputs import InputFile, read_input
from dragoman.schema import Document


def iter_documents(files: Iterable[InputFile], options: BatchOptions) -> Iterator[Document]:
    for item in files:
        yield from read_input(item, input_format=options.input_format, lang=options.lang, pub_date=options.pub_date)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_CODER: BatchCoder | None = None


def _context() -> multiprocessing.context.BaseContext:
    # Not fork: the driver may hold threads (Ray, pyarrow) that a forked child must not inherit.
    return multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")


def _init(options: BatchOptions, done_ids: frozenset[str], done_failures: frozenset[str]) -> None:
    global _CODER
    _CODER = BatchCoder(options, done_ids, done_failures)


def _code(docs: list[Document]) -> BatchResult:
    assert _CODER is not None
    return _CODER.code(docs)


def run_local(files: list[InputFile], options: BatchOptions, done_ids: frozenset[str],
              done_failures: frozenset[str]) -> Iterator[BatchResult]:
    workers = options.workers or 1
    batches = _batches(iter_documents(files, options), options.batch_size)
    if workers <= 1:
        coder = BatchCoder(options, done_ids, done_failures)
        for batch in batches:
            yield coder.code(batch)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init,
                               initargs=(options, done_ids, done_failures))
    in_flight: set[Future] = set()

    def result(fut: Future) -> BatchResult:
        try:
            return fut.result()
        except BrokenProcessPool as err:  # killed (out of memory?): finished batches are safe on disk
            raise ScaleError(f"a worker process died ({err}); rerun with --resume to finish (fewer --workers "
                             "if memory is short)", code="E505") from err

    try:
        for batch in batches:
            in_flight.add(pool.submit(_code, batch))
            while len(in_flight) > 2 * workers:  # bounded: reading never runs far ahead of coding
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield result(fut)
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in done:
                yield result(fut)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
