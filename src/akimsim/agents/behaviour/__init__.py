"""The agents' behaviour, one module per mechanism: who comes forward (:mod:`.entry`),
who turns out (:mod:`.turnout`), how voters value candidates (:mod:`.choice`) and whom
an akim answers to (:mod:`.accountability`).

Each module is the one place its mechanism lives, with its source (a study, a law or an
assumption) in its docstring and in ``docs/model.md``; a second mechanism goes beside it.
Imports the config, the kernels' array groups and the agents' people; never the regimes,
the model or the edge.
"""
