"""Every teaching notebook runs top to bottom on the installed package, and is stored
without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9]*.ipynb"))
#: notebooks of a minute and a half each (a calibration, a sensitivity analysis): they run
#: in make test-slow; make test runs the same steps on small problems (test_smm.py,
#: test_sensitivity.py)
LONG = {"06_calibrate_two_parameters", "07_sensitivity_analysis"}
RUNS = [pytest.param(p, marks=pytest.mark.slow) if p.stem in LONG else p for p in NOTEBOOKS]


def test_the_eight_notebooks_exist_and_are_numbered():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_",
                                               "07_", "08_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    raw = json.loads(path.read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a cell has stored outputs"
            assert cell["execution_count"] is None, f"{path.name}: an execution count"


@pytest.mark.process
@pytest.mark.parametrize("path", RUNS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.outputs)
    assert images >= 1, f"{path.name} drew no figure"
