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
