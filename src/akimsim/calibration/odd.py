"""The generated parts of ``docs/odd.md``: the parameter tables (from the config schema,
:mod:`akimsim.config.describe`) and the patterns the model is judged by (the targets
file). ``python scripts/write_odd.py`` rewrites them between their markers; a test
checks they match, so the document cannot drift from the code.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml

from akimsim.calibration.targets import DEFAULT_TARGETS, Target, load_targets
from akimsim.config.describe import markdown_tables

#: a behaviour preset whose values the parameter tables show as calibrated, if present
CALIBRATED = Path(__file__).resolve().parent.parent / "configs" / "behaviour" / \
    "calibrated.yaml"


def _flatten(tree: object, prefix: str = "behaviour") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(tree, dict):
        for k, v in tree.items():
            out |= _flatten(v, f"{prefix}.{k}")
    elif isinstance(tree, int | float) and not isinstance(tree, bool):
        out[prefix] = float(tree)
    return out


def calibrated_values(path: Path = CALIBRATED) -> dict[str, float]:
    """The values a behaviour preset sets, by dotted path (empty if it does not exist)."""
    if not path.exists():
        return {}
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _observed(t: Target) -> str:
    if t.low == t.high:
        return f"{t.low:g}"
    if math.isfinite(t.low) and math.isfinite(t.high):
        return f"{t.low:g} to {t.high:g}"
    return f"below {t.high:g}" if math.isfinite(t.high) else f"above {t.low:g}"


def patterns_table(targets: list[Target] | None = None) -> str:
    """The targets as a Markdown table: name, metric, contests, observed, role, source."""
    ts = targets if targets is not None else load_targets(DEFAULT_TARGETS)
    lines = ["| target | metric | contests | observed | role | source |",
             "|---|---|---|---|---|---|"]
    for t in ts:
        lines.append(f"| `{t.name}` | `{t.metric}` | {t.describe()} | {_observed(t)} | "
                     f"{t.role} | {t.source.replace('|', '/')} |")
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    """Every generated block of ``docs/odd.md`` by its marker name."""
    return {"patterns": patterns_table(),
            "parameters": markdown_tables(calibrated=calibrated_values()).rstrip()}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- odd:{name}:start -->\n)(.*?)(<!-- odd:{name}:end -->)",
                      re.DOTALL)


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, body in blocks().items():
        pat = _pattern(name)
        if not pat.search(text):
            raise ValueError(f"docs/odd.md has no <!-- odd:{name}:start --> block")
        match = pat.search(text)
        assert match is not None
        text = text[:match.start(2)] + body + "\n" + text[match.end(2):]
    return text
