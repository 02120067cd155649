"""Calibration: observed figures as data, and the model checked against them.

- :mod:`.targets`: the targets file (``data/targets.yaml`` ships the project's own),
  read and checked before any run;
- :mod:`.validation`: simulate the targets over seeds and report the fit
  (``akimsim validate``).

The measures the targets name are :data:`akimsim.analysis.measures.MEASURES`. It may
import the config, the analysis (measures, figures), the world, the model and the replica
API, which runs the model; never Hydra or the edge, so it works from a notebook.
"""

from akimsim.calibration.targets import (
    DEFAULT_TARGETS,
    Target,
    TargetError,
    load_targets,
    parse_targets,
    select_roles,
)
from akimsim.calibration.validation import (
    context_of,
    evaluate,
    simulate,
    simulate_configs,
    summarise,
    write_report,
)

__all__ = [
    "DEFAULT_TARGETS",
    "Target",
    "TargetError",
    "context_of",
    "evaluate",
    "load_targets",
    "parse_targets",
    "select_roles",
    "simulate",
    "simulate_configs",
    "summarise",
    "write_report",
]
