"""The replica API: many runs on one territory, serially or on several processes, with
the same results as separate runs."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from akimsim import AkimModel, toy_config
from akimsim.replicas import run_replicas, seeds_of


def contests_of(model: AkimModel) -> pd.DataFrame:
    return model.contest_table()


def base():
    cfg = toy_config(0)
    cfg.output.progress = False
    return cfg


def test_replicas_equal_separate_runs():
    configs = seeds_of(base(), [3, 4, 5])
    got = run_replicas(configs)
    for cfg, summary in zip(configs, got, strict=True):
        pd.testing.assert_frame_equal(summary, AkimModel(cfg).run().summary_table())
    # parameter sets as well as seeds, with another measure
    strict = replace(configs[0], behaviour=replace(
        configs[0].behaviour, voters=replace(configs[0].behaviour.voters, admin_support=0.0)))
    a, b = run_replicas([configs[0], strict], contests_of)
    pd.testing.assert_frame_equal(a, AkimModel(configs[0]).run().contest_table())
    pd.testing.assert_frame_equal(b, AkimModel(strict).run().contest_table())


def test_parameter_sets_share_the_voters_and_still_equal_separate_runs():
    from akimsim import replicas

    one = base()
    harsh = replace(one, behaviour=replace(one.behaviour, appointers=replace(
        one.behaviour.appointers, loyalty_weight=2.0, dismissal_rate=0.5)))
    assert replicas.population_key(one) == replicas.population_key(harsh)
    replicas._POPULATIONS.clear()
    a, b = run_replicas([one, harsh], contests_of)
    assert len(replicas._POPULATIONS) == 1  # drawn once, used twice
    pd.testing.assert_frame_equal(a, AkimModel(one).run().contest_table())
    pd.testing.assert_frame_equal(b, AkimModel(harsh).run().contest_table())
    assert not a.equals(b)


def test_replicas_refuse_mixed_territories_and_bad_workers():
    one = base()
    other = replace(one, territory=replace(one.territory, villages_per_district=2))
    with pytest.raises(ValueError, match="another territory"):
        run_replicas([one, other])
    with pytest.raises(ValueError, match="workers must be at least 1"):
        run_replicas([one], workers=0)
    assert run_replicas([]) == []


@pytest.mark.process
def test_workers_and_threads_change_nothing():
    configs = seeds_of(base(), range(4))
    serial = run_replicas(configs, contests_of)
    parallel = run_replicas(configs, contests_of, workers=2, threads=1)
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_the_population_depends_on_exactly_the_fields_its_key_lists():
    """Every voter field outside POPULATION_FIELDS leaves the voters unchanged, and
    every field in it changes them, so runs that reuse voters by key equal fresh runs."""
    import dataclasses
    import enum

    import numpy as np

    from akimsim import replicas
    from akimsim.streams import Streams
    from akimsim.world import build_population, build_territory
    from akimsim.world.population import POPULATION_FIELDS

    cfg = base()
    territory = build_territory(cfg.territory)

    def voters(vb):
        pop = build_population(territory, vb, list(cfg.behaviour.parties), Streams(cfg.seed))
        return np.concatenate([pop.xy.ravel(), pop.party.astype(np.float32), pop.strength,
                               pop.turnout_logit, pop.unit_median.ravel().astype(np.float32)])

    reference = voters(cfg.behaviour.voters)
    for f in dataclasses.fields(cfg.behaviour.voters):
        old = getattr(cfg.behaviour.voters, f.name)
        # a mechanism's switch gets another option, a number a quarter more
        new = next(m for m in type(old) if m != old) if isinstance(old, enum.Enum) \
            else old + 0.25
        changed = replace(cfg.behaviour.voters, **{f.name: new})
        same = np.array_equal(voters(changed), reference)
        moved = replace(cfg, behaviour=replace(cfg.behaviour, voters=changed))
        same_key = replicas.population_key(moved) == replicas.population_key(cfg)
        assert same == same_key, f.name
        assert same == (f.name not in POPULATION_FIELDS), f.name


@pytest.mark.process
def test_the_ray_backend_gives_the_same_results():
    """Workers as Ray actors (a local Ray here; a cluster with RAY_ADDRESS): the same
    results as one process."""
    ray = pytest.importorskip("ray")
    configs = seeds_of(base(), [3, 4, 5])
    try:  # a measure of the package: Ray's workers import it by name
        got = run_replicas(configs, workers=2, backend="ray")
    finally:
        ray.shutdown()
    for cfg, table in zip(configs, got, strict=True):
        pd.testing.assert_frame_equal(table, AkimModel(cfg).run().summary_table())
    with pytest.raises(ValueError, match="backend 'dask' is not one of processes, ray"):
        run_replicas(configs, backend="dask")
