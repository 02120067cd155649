"""akimsim's vocabulary: one name per measure, with its meaning, formula and origin.

The console table, the parquet columns, the experiments, the figures, ``akimsim
compare``'s reports and the dashboard's help panel all use these names and labels
(``src/akimsim/data/glossary.yaml``; ``docs/glossary.md`` is generated from it).
Each term says whether it **emerges** from the run (the agents' choices decide it),
is set by an **assumption** (a formula the model assumes: not a finding), is
**mixed**, or is **input** data.

``python -m akimsim.glossary`` prints it; ``--markdown`` gives ``docs/glossary.md``.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: the origins a term may have, and what each means
ORIGINS: dict[str, str] = {
    "emerges": "produced by the run: the agents' choices decide it",
    "assumption": "set by a formula or parameter the model assumes; not a finding",
    "mixed": "part assumption, part the run's selection",
    "input": "data given to the run",
}


@dataclass(frozen=True)
class Term:
    """One measure or column: its name, a label for figures, what it means, how it is
    computed, its origin (:data:`ORIGINS`), the tables it appears in, earlier names."""

    name: str
    label: str
    meaning: str
    formula: str
    origin: str
    tables: tuple[str, ...]
    formerly: tuple[str, ...] = ()


@cache
def glossary() -> dict[str, Term]:
    """Every term by name, in the file's order."""
    text = resources.files("akimsim").joinpath("data/glossary.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    out = {}
    for name, entry in raw.items():
        if entry["origin"] not in ORIGINS:
            raise ValueError(f"glossary.yaml: {name}: origin {entry['origin']!r} is not one "
                             f"of {', '.join(ORIGINS)}")
        out[name] = Term(name=name, label=str(entry["label"]), meaning=str(entry["meaning"]),
                         formula=str(entry["formula"]), origin=str(entry["origin"]),
                         tables=tuple(entry.get("tables", ())),
                         formerly=tuple(entry.get("formerly", ())))
    return out


def term(name: str) -> Term:
    """The term called ``name`` (or formerly so called)."""
    terms = glossary()
    if name in terms:
        return terms[name]
    for t in terms.values():
        if name in t.formerly:
            return t
    raise KeyError(f"{name!r} is not in akimsim's glossary (akimsim glossary lists it)")


def label(name: str) -> str:
    """The figure label of ``name``, or ``name`` itself when it is not a term."""
    try:
        return term(name).label
    except KeyError:
        return name


def text(width: int = 100) -> str:
    """The glossary as plain text (``akimsim glossary``)."""
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    lines = ["akimsim's vocabulary (docs/glossary.md). Each measure's origin is one of:"]
    lines += [f"  {k:<10}  {v}" for k, v in ORIGINS.items()] + [""]
    for t in glossary().values():
        lines.append(f"{t.name}  [{t.origin}; {', '.join(t.tables)}]")
        lines += wrap.wrap(f"{t.meaning}. Formula: {t.formula}.")
        if t.formerly:
            lines += wrap.wrap(f"Formerly: {', '.join(t.formerly)}.")
    return "\n".join(lines)


def markdown() -> str:
    """``docs/glossary.md``: a table of every term (tests check the file matches)."""
    rows = ["# Glossary", "",
            "One name per measure: the console table, the parquet columns, the experiments, "
            "the figures, `akimsim compare`'s reports and the dashboard use these names. "
            "Generated from `src/akimsim/data/glossary.yaml` by "
            "`python -m akimsim.glossary --markdown`; `akimsim glossary` prints it.", "",
            "**Origin** says whether a measure is a result of the run or not:", ""]
    rows += [f"- **{k}**: {v}" for k, v in ORIGINS.items()]
    rows += ["", "A measure set by an assumption can differ between regimes only because "
             "the assumed formula says so; reports mark it and it is not a finding.", "",
             "| name | meaning | formula | origin | tables | formerly |",
             "|---|---|---|---|---|---|"]
    for t in glossary().values():
        cells = [f"`{t.name}`", f"{t.label}: {t.meaning}", t.formula, t.origin,
                 ", ".join(t.tables), ", ".join(f"`{f}`" for f in t.formerly)]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m akimsim.glossary [--markdown]`` (and ``akimsim glossary``)."""
    parser = argparse.ArgumentParser(
        prog="akimsim glossary",
        description="akimsim's vocabulary: each measure's name, meaning, formula, origin "
                    "(emerges from the run or set by an assumption) and tables.")
    parser.add_argument("--markdown", action="store_true",
                        help="print docs/glossary.md (a Markdown table)")
    args = parser.parse_args(argv)
    print(markdown() if args.markdown else text(), end="\n" if not args.markdown else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
