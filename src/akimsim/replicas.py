"""Many runs on one territory in one process (or one per core): seeds or parameter sets.

Calibration, sensitivity analysis and paired experiments need thousands of runs that
differ only in the seed or in behavioural parameters. :func:`run_replicas` builds the
territory once, keeps the compiled kernels warm, and runs every configuration on it,
serially or on ``workers`` processes (each builds the territory once and runs its share),
and reuses the voters of runs that share the seed, the voters' behaviour and the parties.
Each run returns what ``measure`` makes of the finished model (by default its summary
table); the results come back in the order of the configurations and are identical
whatever the number of workers, since every run draws only from its own seed.

From Python::

    from akimsim import RunConfig, kazakhstan_reform
    from akimsim.config import TerritoryConfig
    from akimsim.replicas import run_replicas, seeds_of

    base = RunConfig(territory=TerritoryConfig(scale=0.1), regimes=kazakhstan_reform())
    summaries = run_replicas(seeds_of(base, range(20)), workers=2)
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from akimsim.config import ConfigWarning, RunConfig, TerritoryConfig
from akimsim.model import AkimModel
from akimsim.streams import Streams
from akimsim.world import Population, Territory, build_population, build_territory
from akimsim.world.population import POPULATION_FIELDS

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")


def summary_of(model: AkimModel) -> pd.DataFrame:
    """The default measure: the run's yearly summary table."""
    return model.summary_table()


def seeds_of(cfg: RunConfig, seeds: Iterable[int]) -> list[RunConfig]:
    """``cfg`` once per seed (the configurations of a seed replication)."""
    return [replace(cfg, seed=int(s)) for s in seeds]


def population_key(cfg: RunConfig) -> str:
    """What a run's voters depend on besides the territory: the seed, the voters'
    fields that :func:`~akimsim.world.build_population` reads
    (:data:`~akimsim.world.population.POPULATION_FIELDS`) and the parties' attachments
    and platforms. Runs with equal keys on one territory draw the same population, so a
    calibration of how voters choose (``admin_support``, ...) reuses the voters."""
    voters = cfg.behaviour.voters
    return repr((int(cfg.seed), [float(getattr(voters, f)) for f in POPULATION_FIELDS],
                 [(float(p.attachment), float(p.x), float(p.y))
                  for p in cfg.behaviour.parties]))


#: the populations drawn most recently in this process, by territory and population key
_POPULATIONS: OrderedDict[tuple[int, str], Population] = OrderedDict()
KEEP_POPULATIONS = 4


def _population(cfg: RunConfig, territory: Territory) -> Population:
    key = (id(territory), population_key(cfg))
    if key in _POPULATIONS:
        _POPULATIONS.move_to_end(key)
        return _POPULATIONS[key]
    pop = build_population(territory, cfg.behaviour.voters, list(cfg.behaviour.parties),
                           Streams(cfg.seed))
    _POPULATIONS[key] = pop
    while len(_POPULATIONS) > KEEP_POPULATIONS:
        _POPULATIONS.popitem(last=False)
    return pop


def run_one(cfg: RunConfig, territory: Territory,
            measure: Callable[[AkimModel], T] = summary_of) -> T:  # type: ignore[assignment]
    """One run of ``cfg`` on a ready ``territory``; the model is released afterwards.

    The voters of the last few (seed, voter behaviour, parties) are kept and reused, so
    parameter sets that change only other behaviour (candidates, appointers, councils,
    rules) do not draw the same population again; results are the same either way."""
    quiet = replace(cfg, output=replace(cfg.output, progress=False))
    model = AkimModel(quiet, territory=territory,
                      population=_population(quiet, territory)).run()
    try:
        return measure(model)
    finally:
        model.release()
        del model
        # the run's cyclic garbage (agents and their model) goes now, not in the middle
        # of the next run, where the collector's passes would also walk this one's
        gc.collect()


#: the config warnings this process has shown (each once)
_SHOWN: set[tuple[str, type[Warning]]] = set()

# per worker process: the territory, built once by the initializer
_WORKER: dict[str, Any] = {}


def _start_worker(territory_cfg: TerritoryConfig, threads: int | None) -> None:
    if threads is not None:
        from akimsim.kernels._jit import set_threads

        set_threads(threads)
    _WORKER["territory"] = build_territory(territory_cfg)


def _run_in_worker(args: tuple[int, RunConfig, Callable[[AkimModel], Any]]
                   ) -> tuple[int, Any, list[warnings.WarningMessage]]:
    index, cfg, measure = args
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigWarning)
        value = run_one(cfg, _WORKER["territory"], measure)
    # the parent shows them (once each); a message's own object may not pickle
    return index, value, [warnings.WarningMessage(str(w.message), w.category, w.filename,
                                                  w.lineno) for w in caught]


#: where the workers run: local processes, or a Ray cluster (``ray.util.multiprocessing``;
#: the cluster of ``RAY_ADDRESS`` if set, else a local Ray)
BACKENDS: tuple[str, ...] = ("processes", "ray")


def run_replicas(configs: Sequence[RunConfig],
                 measure: Callable[[AkimModel], T] = summary_of,  # type: ignore[assignment]
                 *, workers: int = 1, threads: int | None = None, progress: bool = False,
                 territory: Territory | None = None, backend: str = "processes") -> list[T]:
    """Run every configuration on one territory; ``measure(model)`` of each, in order.

    All configurations must share their ``territory`` section (it is built once, or
    ``territory`` is used as given). ``workers`` > 1 runs them on that many processes
    (spawned, each building the territory once; ``measure`` must then be a module-level
    function); ``threads`` sets the Numba threads of each (default: the cores divided
    among the workers). ``backend="ray"`` runs the workers as Ray actors instead, on
    the cluster that ``RAY_ADDRESS`` names (or a local Ray). Results do not depend on
    ``workers``, ``threads`` or the backend.
    """
    configs = list(configs)
    if not configs:
        return []
    first = configs[0].territory
    for i, cfg in enumerate(configs):
        if cfg.territory != first:
            raise ValueError(f"run_replicas: configuration {i} has another territory "
                             f"({cfg.territory}) than configuration 0 ({first}); replicas "
                             f"share one territory")
    if workers < 1:
        raise ValueError(f"run_replicas: workers must be at least 1, got {workers}")
    if backend not in BACKENDS:
        raise ValueError(f"run_replicas: backend {backend!r} is not one of "
                         f"{', '.join(BACKENDS)}")
    bar = _progress(len(configs)) if progress else None
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as here:
            warnings.simplefilter("always", ConfigWarning)
            return _run_all(configs, measure, workers, threads, territory, bar, caught,
                            backend)
    finally:
        # every run of a config warns alike: each config warning is shown once per
        # process, after the runs ("once" filters do not hold here: other libraries
        # reset the warnings registry); other warnings once per call
        seen: set[tuple[str, type[Warning]]] = set()
        for w in [*here, *caught]:
            key = (str(w.message), w.category)
            if key in seen or (issubclass(w.category, ConfigWarning) and key in _SHOWN):
                continue
            seen.add(key)
            if issubclass(w.category, ConfigWarning):
                _SHOWN.add(key)
            warnings.warn_explicit(str(w.message), w.category, w.filename, w.lineno)


def _run_all(configs: list[RunConfig], measure: Callable[[AkimModel], T], workers: int,
             threads: int | None, territory: Territory | None, bar: Any,
             caught: list[warnings.WarningMessage], backend: str = "processes") -> list[T]:
    first = configs[0].territory
    try:
        if workers == 1 or len(configs) == 1:
            terr = territory if territory is not None else build_territory(first)
            out = []
            for cfg in configs:
                out.append(run_one(cfg, terr, measure))
                if bar is not None:
                    bar.update(1)
            return out
        if threads is None:
            threads = max(1, (os.cpu_count() or 1) // workers)
        results: dict[int, T] = {}
        jobs = [(i, cfg, measure) for i, cfg in enumerate(configs)]
        n = min(workers, len(configs))
        for index, value, said in _mapped(jobs, n, first, threads, backend):
            results[index] = value
            caught.extend(said)
            if bar is not None:
                bar.update(1)
        return [results[i] for i in range(len(configs))]
    finally:
        if bar is not None:
            bar.close()


def _mapped(jobs: list[tuple[int, RunConfig, Callable[[AkimModel], Any]]], n: int,
            territory_cfg: TerritoryConfig, threads: int | None, backend: str) -> Any:
    """``_run_in_worker`` over ``jobs`` on ``n`` workers of ``backend``, in order."""
    if backend == "ray":
        from ray.util.multiprocessing import Pool

        pool = Pool(processes=n, initializer=_start_worker, initargs=(territory_cfg, threads))
        try:
            yield from pool.imap(_run_in_worker, jobs)
        finally:
            pool.terminate()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_start_worker,
                             initargs=(territory_cfg, threads)) as executor:
        yield from executor.map(_run_in_worker, jobs)


def _progress(total: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="akimsim replicas", unit="run")
