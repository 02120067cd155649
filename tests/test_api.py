"""The Python API works without Hydra, as a notebook would use it; every name the README,
the docs and the notebooks import exists, and the old module names still import."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import matplotlib
import pytest

from akimsim import MOVED, AkimModel, RegimeName, RegimesConfig, RunConfig, TerritoryConfig
from akimsim.analysis.plots import timeline_figure
from akimsim.config import TerritorySource
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


ROOT = Path(__file__).resolve().parents[1]
IMPORT = re.compile(r"^\s*from (akimsim[\w.]*) import ([\w, ()]+)$|^\s*import (akimsim[\w.]*)",
                    re.M)


def public_imports() -> list[tuple[str, str, list[str]]]:
    """Every ``from akimsim... import ...`` in the README, the docs and the notebooks."""
    found = []
    texts = [(p.name, p.read_text()) for p in [ROOT / "README.md", *ROOT.glob("docs/*.md")]]
    for nb in sorted(ROOT.glob("notebooks/*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        texts.append((nb.name, "\n".join("".join(c["source"]) for c in cells
                                         if c["cell_type"] == "code")))
    for name, text in texts:
        for m in IMPORT.finditer(text):
            module = m.group(1) or m.group(3)
            names = [n.strip(" ()") for n in (m.group(2) or "").split(",") if n.strip(" ()")]
            found.append((name, module, names))
    return found


def test_every_name_the_readme_docs_and_notebooks_import_exists():
    found = public_imports()
    assert len({m for _, m, _ in found}) >= 8
    for where, module, names in found:
        assert module not in MOVED, f"{where} uses the old name {module}"
        imported = importlib.import_module(module)
        for name in names:
            assert hasattr(imported, name), f"{where}: {module} has no {name}"


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_module_names_still_import_with_a_warning(old):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} is now {MOVED[old]}"):
        module = importlib.import_module(old)
    new = importlib.import_module(MOVED[old])
    public = [n for n in dir(new) if not n.startswith("_")]
    assert public
    for name in public[:5]:
        assert getattr(module, name) is getattr(new, name)
