"""The edge: what turns the core into commands and pages.

Owns all Hydra glue (:mod:`.hydra`, the only module that imports Hydra or OmegaConf),
the ``akimsim`` command line (:mod:`.cli`), sweep folders (:mod:`.sweep`: resume,
failures, collecting), the experiment scripts' shared steps (:mod:`.experiments`) and
the dashboard (:mod:`.dashboard`). May import anything of the package; nothing of the
core imports it.
"""
