from __future__ import annotations

import logging
import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=60)
settings.register_profile("ci", deadline=None, max_examples=150, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
logging.getLogger("MESA").setLevel(logging.WARNING)


@pytest.fixture
def toy_cfg():
    from akimsim import toy_config

    cfg = toy_config(seed=11)
    cfg.output.progress = False
    return cfg


def pytest_sessionfinish(session, exitstatus):
    """Every kernel compiles once per test session: a test that passes other dtypes than
    the package does makes Numba compile (and cache) a second version, which costs
    seconds and tests something the model never runs."""
    import sys

    kernels = sys.modules.get("akimsim.kernels")
    if kernels is None:
        return
    import numba

    twice = []
    for name in ("ballots", "counts", "population"):
        module = sys.modules.get(f"akimsim.kernels.{name}")
        for attr, obj in vars(module or object()).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher) \
                    and attr.endswith("_kernel") and len(obj.signatures) > 1:
                twice.append(f"{attr}: {[str(s) for s in obj.signatures]}")
    if twice:
        print("\nkernels compiled more than once in this session:\n  " + "\n  ".join(twice))
        session.exitstatus = 1
