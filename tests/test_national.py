"""The national timeline at full scale (slow: run with `make test-slow`)."""

from __future__ import annotations

import pytest

from akimsim import AkimModel, RunConfig, kazakhstan_reform


@pytest.mark.slow
def test_national_timeline_full_scale():
    cfg = RunConfig(regimes=kazakhstan_reform())
    cfg.output.progress = False
    model = AkimModel(cfg).run()
    assert model.population.n == 11_970_000
    c = model.contest_table()
    rural_2021 = c[(c.tier == "rural") & (c.year == 2021)]
    assert set(rural_2021.regime) == {"direct"}
    assert 400 < len(rural_2021) < 1000  # about a quarter of 2,345 posts
    assert 0.6 < rural_2021.ballots.sum() / rural_2021.electorate.sum() < 0.95
    pilot = c[(c.tier == "district") & (c.year == 2023) & (c.regime == "direct")]
    assert len(pilot) == 45
