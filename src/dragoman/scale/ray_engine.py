"""The Ray engine: Ray Data reads inputs in small tasks and codes batches in an actor pool.

Why the CPU arithmetic: an actor holds its CPUs for its whole life. On a
2-CPU machine, 2 actors at 1 CPU each leave nothing for the read tasks that
feed them, and the run hangs ("3/2 CPU" requested). So read tasks ask for a
tenth of a CPU, and the actors share what is left after a reserve for them
(``actor_cpus``); coding is CPU-bound either way, the numbers only decide
what Ray lets run at the same time.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Iterator
from typing import Any

from dragoman.scale.coder import BatchCoder, BatchOptions, BatchResult, ScaleError
from dragoman.scale.inputs import InputFile, read_input

READ_CPUS = 0.1  # per read task
READ_RESERVE = 0.25  # CPUs the actor pool leaves free for read tasks (two at a time)


def actor_cpus(cluster_cpus: float, workers: int) -> float:
    """CPUs per coding actor so that ``workers`` actors plus read tasks fit in the cluster."""
    return round(max(0.05, min(1.0, (cluster_cpus - READ_RESERVE) / workers)), 3)


def _read_rows(row: dict[str, Any], options: BatchOptions) -> list[dict[str, Any]]:
    item = InputFile(row["uri"], row["doc_id"], bool(row["missing"]))
    docs = read_input(item, input_format=options.input_format, lang=options.lang, pub_date=options.pub_date)
    return [{"doc": pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)} for d in docs]


class RayCoder:
    """The actor class: one ``BatchCoder`` (models, dictionaries) per actor, for all its batches."""

    def __init__(self, options: BatchOptions, done_ref: Any):
        import ray

        done_ids, done_failures = ray.get(done_ref) if done_ref is not None else ((), ())
        self.coder = BatchCoder(options, done_ids, done_failures)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        res = self.coder.code([pickle.loads(b) for b in batch["doc"]]).to_row()
        res["messages"] = json.dumps(res["messages"])  # a string column: no list<null> blocks to unify
        return {k: [v] for k, v in res.items()}


def connect(options: BatchOptions) -> bool:
    """Connect to ``options.address`` or start a local instance; True when this call started Ray."""
    try:
        import ray
    except ImportError as err:
        raise ScaleError("the Ray engine needs ray[data]: pip install 'dragoman[ray]'", code="E502") from err
    if ray.is_initialized():
        return False
    try:
        if options.address:
            ray.init(address=options.address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(num_cpus=options.num_cpus, include_dashboard=False, logging_level=logging.WARNING,
                     log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise ScaleError(f"cannot connect to Ray at {options.address or 'a new local instance'}: {err}",
                         code="E503") from err
    return True


def _rows(ds: Any) -> Iterator[dict[str, Any]]:
    try:
        yield from ds.iter_rows()
    except Exception as err:  # noqa: BLE001 - Ray Data wraps worker failures in several exception types;
        # finished batches are safe on disk either way
        raise ScaleError(f"the Ray job failed ({type(err).__name__}: {str(err)[:2000]}); rerun with --resume "
                         "to finish", code="E505") from err


def run_ray(files: list[InputFile], options: BatchOptions, done_ids: frozenset[str],
            done_failures: frozenset[str], *, progress_bars: bool = False) -> Iterator[BatchResult]:
    started = connect(options)
    import ray
    import ray.data

    try:
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        workers = options.workers or max(1, int(cpus))
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = progress_bars
        ctx.execution_options.preserve_order = False
        done_ref = ray.put((done_ids, done_failures)) if (done_ids or done_failures) else None
        items = [{"uri": f.uri, "doc_id": f.doc_id, "missing": f.missing} for f in files]
        if not items:
            return
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), 1000))
        ds = ds.flat_map(_read_rows, fn_kwargs={"options": options}, num_cpus=READ_CPUS)
        ds = ds.map_batches(RayCoder, fn_constructor_kwargs={"options": options, "done_ref": done_ref},
                            batch_size=options.batch_size, compute=ray.data.ActorPoolStrategy(size=workers),
                            num_cpus=actor_cpus(cpus, workers), batch_format="default")
        for row in _rows(ds):
            yield BatchResult(batch=row["batch"], messages=json.loads(row["messages"]), worker=str(row["worker"]),
                              finished_at=float(row["finished_at"]), cpu_seconds=float(row["cpu_seconds"]),
                              **{k: int(row[k]) for k in ("read", "coded", "already_done", "skipped", "failed",
                                                          "mentions")})
    finally:
        if started:
            ray.shutdown()
