"""akimsim: how Kazakhstan chooses its akims, and what the choice does to local democracy.

Use from Python without Hydra::

    from akimsim import AkimModel, RunConfig, TerritoryConfig, TerritorySource
    cfg = RunConfig(territory=TerritoryConfig(source=TerritorySource.synthetic))
    model = AkimModel(cfg).run()
    model.contest_table()

The package's folders are its parts (``docs/architecture.md``): ``config`` (vocabulary,
schemas, validation), ``world`` (territory, population), ``agents`` (and their
``behaviour``), ``kernels`` (Numba), ``elections`` (ballots, rules, councils),
``regimes``, then ``model``, ``records``, ``metrics``, ``runner`` and ``io`` here, and
``analysis`` and ``edge`` (Hydra, the command line, sweeps, the dashboard) on top.
"""

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import warnings

from akimsim.config import (
    BehaviourConfig,
    ReformStep,
    RegimeName,
    RegimesConfig,
    RuleConfig,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    Tier,
    kazakhstan_reform,
    toy_config,
)
from akimsim.config.edit import params_of, with_params
from akimsim.model import AkimModel

__version__ = "0.1.0"

#: modules that moved when the package was regrouped into subpackages: the old name
#: still imports (with a DeprecationWarning) and reads through to the new module
MOVED: dict[str, str] = {
    "akimsim.plots": "akimsim.analysis.plots",
    "akimsim.hydra_configs": "akimsim.edge.hydra",
    "akimsim.sweep": "akimsim.edge.sweep",
    "akimsim.cli": "akimsim.edge.cli",
    "akimsim.dashboard": "akimsim.edge.dashboard",
    "akimsim.presets": "akimsim.config.presets",
    "akimsim.territory": "akimsim.world.territory",
    "akimsim.population": "akimsim.world.population",
    "akimsim.entry": "akimsim.agents.behaviour.entry",
    "akimsim.rules": "akimsim.elections",
    "akimsim.voting": "akimsim.elections.ballots",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module name of :data:`MOVED` as a view of its new module."""

    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        return importlib.util.spec_from_loader(fullname, self) if fullname in MOVED else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        new = MOVED[module.__name__]
        warnings.warn(f"{module.__name__} is now {new}; import it from there",
                      DeprecationWarning, stacklevel=2)
        target = importlib.import_module(new)
        module.__doc__ = f"Moved to {new}."
        module.__getattr__ = lambda name: getattr(target, name)  # type: ignore[method-assign]
        module.__dir__ = lambda: dir(target)  # type: ignore[method-assign]


if not any(isinstance(f, _MovedModules) for f in sys.meta_path):
    sys.meta_path.append(_MovedModules())

__all__ = [
    "MOVED",
    "AkimModel",
    "BehaviourConfig",
    "ReformStep",
    "RegimeName",
    "RegimesConfig",
    "RuleConfig",
    "RunConfig",
    "TerritoryConfig",
    "TerritorySource",
    "Tier",
    "__version__",
    "kazakhstan_reform",
    "params_of",
    "toy_config",
    "with_params",
]
