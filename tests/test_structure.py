"""House rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import akimsim

PACKAGE = Path(akimsim.__file__).resolve().parent


def sources():
    return [p for p in PACKAGE.rglob("*.py") if "configs" not in p.parts]


def test_only_the_jit_module_sets_compile_flags():
    pattern = re.compile(r"\b(njit|numba\.jit|@jit)\b")
    offenders = [p.name for p in sources() if p.name != "_jit.py" and pattern.search(p.read_text())]
    assert offenders == []


def test_no_global_random_state_in_the_package():
    pattern = re.compile(r"np\.random\.(seed|rand|randn|randint|choice|normal|uniform|shuffle|"
                         r"permutation|random)\(|\bimport random\b")
    offenders = [p.name for p in sources() if pattern.search(p.read_text())]
    assert offenders == []


#: the edge: the entry points and the modules that may import Hydra; the core (every
#: other module) imports neither Hydra nor them
EDGE = ("cli.py", "hydra_configs.py", "sweep.py", "dashboard.py", "__main__.py")


def test_no_hydra_in_the_core():
    core = [p for p in sources() if p.name not in EDGE]
    offenders = [p.name for p in core if re.search(r"^\s*(import|from) hydra", p.read_text(), re.M)]
    assert offenders == []
    edge = "|".join(name.removesuffix(".py") for name in EDGE)
    pattern = (rf"^\s*(from akimsim\.({edge})\b|from akimsim import ({edge})\b"
               rf"|import akimsim\.({edge})\b)")
    importers = [p.name for p in core if re.search(pattern, p.read_text(), re.M)]
    assert importers == [], "the core must not import the Hydra edge"


def test_kernels_are_cached_and_parallel():
    from akimsim import kernels

    for name in ("turnout_kernel", "choice_kernel", "tally_kernel", "unit_median_kernel"):
        fn = getattr(kernels, name)
        assert fn.targetoptions.get("parallel") is True
        assert fn._cache.__class__.__name__ == "FunctionCache"


def test_population_memory_per_voter():
    from akimsim import AkimModel, toy_config

    model = AkimModel(toy_config())
    per_voter = model.population.nbytes / model.population.n
    assert per_voter <= 48
    assert model.population.home.dtype == np.int32
