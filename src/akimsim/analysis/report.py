"""Writing an experiment's result tables: CSV as the experiments commit them, and Markdown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """A result table as CSV, floats to 6 significant digits (what the experiments commit)."""
    frame.to_csv(path, index=False, float_format="%.6g")


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table of ``frame`` with floats rounded to ``digits``."""
    return frame.to_markdown(index=False, floatfmt=f".{digits}f")
