"""Analysis: result tables in, tables or figures out.

Owns the experiment metrics pooled over years and groups (:mod:`.pooled`), paired
differences and simulated-against-observed (:mod:`.compare`), result files
(:mod:`.report`) and the figures (:mod:`.plots`, imported on its own so that reading
tables needs no matplotlib). Reads tables, never the model: imports only the config's
vocabulary, so an analyst can use it on results read back from Parquet.
"""

from akimsim.analysis.compare import (
    against_observed,
    compare_arms,
    mean_ci,
    paired_differences,
)
from akimsim.analysis.pooled import (
    COMPARISON_METRICS,
    CONTEST_METRICS,
    METRIC_LABELS,
    METRICS,
    OFFICE_METRICS,
    contest_metrics,
    office_metrics,
    pooled_metrics,
)
from akimsim.analysis.regions import TILES, region_metrics, region_table
from akimsim.analysis.report import markdown_table, write_csv

__all__ = [
    "COMPARISON_METRICS",
    "CONTEST_METRICS",
    "METRICS",
    "METRIC_LABELS",
    "OFFICE_METRICS",
    "TILES",
    "against_observed",
    "compare_arms",
    "contest_metrics",
    "markdown_table",
    "mean_ci",
    "office_metrics",
    "paired_differences",
    "pooled_metrics",
    "region_metrics",
    "region_table",
    "write_csv",
]
