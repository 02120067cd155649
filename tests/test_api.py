"""The Python API works without Hydra, as a notebook would use it."""

from __future__ import annotations

import matplotlib

from akimsim import AkimModel, RegimeName, RegimesConfig, RunConfig, TerritoryConfig
from akimsim.config import TerritorySource
from akimsim.plots import timeline_figure
from akimsim.runner import overview


def test_notebook_style_use():
    cfg = RunConfig(seed=1, end_year=2018,
                    territory=TerritoryConfig(source=TerritorySource.synthetic),
                    regimes=RegimesConfig(rural=RegimeName.direct))
    model = AkimModel(cfg)
    model.step()
    assert model.year == 2013
    model.run()
    assert model.year == 2018
    assert not model.running
    contests = model.contest_table()
    summary = model.summary_table()
    assert set(contests[contests.tier == "rural"].regime) == {"direct"}
    fig = timeline_figure(summary)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 4
    table = overview(summary)
    assert {"tier", "regime", "turnout", "enc"} <= set(table.columns)
    matplotlib.pyplot.close(fig)
