"""Run a config end to end and write its results; used by the CLI and notebooks alike."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from akimsim.config import TIERS, RunConfig, TerritorySource, validate
from akimsim.io import base_manifest, claim_folder, write_results
from akimsim.metrics import TABLE_TYPES
from akimsim.model import AkimModel


def config_dict(cfg: RunConfig) -> dict[str, Any]:
    """A JSON-friendly view of a config (enums as their values)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        if hasattr(value, "value") and not isinstance(value, int | float | str):
            return value.value
        return value

    return clean(asdict(cfg))


def territory_title(cfg: RunConfig) -> str:
    """A short human name for the simulated territory."""
    t = cfg.territory
    source = TerritorySource(t.source)
    name = {TerritorySource.kazakhstan: "Kazakhstan",
            TerritorySource.synthetic: "synthetic territory",
            TerritorySource.csv: Path(t.path or "custom table").name}[source]
    return name if t.scale == 1.0 else f"{name} at {t.scale:.0%} of voters"


#: the measures the console table shows, per (tier, regime) over the run's years
OVERVIEW_COLUMNS = ("contests", "turnout", "candidates_per_seat", "enc", "margin",
                    "runoff_share", "incumbent_reselected_share", "dominant_winner_share")


def overview(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per (tier, regime) over all years: the short table the CLI prints.

    Its columns have the summary's names (:mod:`akimsim.glossary`): each is the mean of
    the yearly values weighted by the year's contests (years without a value left out);
    ``years`` is the first and last year of the pair.
    """
    if summary.empty:
        return summary
    s = summary.copy()
    grouped = s.groupby(["tier", "regime"], sort=True)
    first, last = grouped["year"].min(), grouped["year"].max()
    out = pd.DataFrame({"years": [f"{a}-{b}" for a, b in zip(first, last, strict=True)]},
                       index=first.index)
    out["contests"] = grouped["contests"].sum()
    for column in OVERVIEW_COLUMNS[1:]:
        weight = s["contests"].where(s[column].notna(), 0)
        s["_x"] = s[column].fillna(0) * weight
        s["_w"] = weight
        g = s.groupby(["tier", "regime"], sort=True)
        out[column] = g["_x"].sum() / g["_w"].sum().replace(0, np.nan)
    order = {t.value: t.code for t in TIERS}
    out = out.reset_index()
    out["_o"] = out["tier"].map(order)
    return out.sort_values(["_o", "regime"]).drop(columns="_o").reset_index(drop=True)


def run_and_write(cfg: RunConfig, out_dir: str | Path, *, config: dict[str, Any] | None = None,
                  progress: bool | None = None, extra_manifest: dict[str, Any] | None = None,
                  overwrite: bool | None = None) -> dict[str, Any]:
    """Validate, build, run and write ``contests``, ``summary``, ``offices``, ``councils``,
    the figure and the manifest.

    Everything that can fail on bad input (the config, the territory table, the output
    folder) fails before the simulation starts: the folder is claimed first
    (:func:`akimsim.io.claim_folder`: locked against a second run, and refused when it
    holds results unless ``overwrite``, default ``cfg.output.overwrite``). The files are
    written whole or not at all (:func:`akimsim.io.write_results`). ``extra_manifest``
    adds top-level keys to the manifest (the CLI records a sweep job's overrides there).
    Returns the tables, the overview, the paths and what an interrupted run had left in
    the folder and was removed (``cleaned``).
    """
    validate(cfg)
    replace = cfg.output.overwrite if overwrite is None else overwrite
    with claim_folder(out_dir, overwrite=replace) as claim:
        result = _run_and_write(cfg, claim.path, config, progress, extra_manifest, replace)
    return {**result, "cleaned": claim.cleaned}


def _run_and_write(cfg: RunConfig, out_dir: Path, config: dict[str, Any] | None,
                   progress: bool | None, extra_manifest: dict[str, Any] | None,
                   overwrite: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    model = AkimModel(cfg)
    t_build = time.perf_counter() - t0
    show = cfg.output.progress if progress is None else progress
    model.run(progress=show)
    t_run = time.perf_counter() - t0 - t_build
    contests = model.contest_table()
    summary = model.summary_table()
    offices = model.office_table()
    councils = model.council_table()
    figures = {}
    if cfg.output.figures:
        from akimsim.analysis.plots import timeline_figure  # matplotlib only when drawing

        figures["timeline"] = timeline_figure(
            summary, title=f"akimsim: {territory_title(cfg)}, seed {cfg.seed}, "
            f"{cfg.start_year}-{cfg.end_year}")
    terr = model.territory
    manifest = base_manifest(config if config is not None else config_dict(cfg), cfg.seed)
    manifest.update({
        "territory": {
            "label": terr.label,
            "units": {t.value: int((terr.tier == t.code).sum()) for t in TIERS},
            "voters_simulated": terr.n_voters,
            "scale": cfg.territory.scale,
        },
        "timing_seconds": {"build": round(t_build, 3), "run": round(t_run, 3)},
        "rows": {"contests": len(contests), "summary": len(summary), "offices": len(offices),
                 "councils": len(councils)},
    })
    if extra_manifest:
        manifest.update(extra_manifest)
    try:
        paths = write_results(out_dir, {"contests": contests, "summary": summary,
                                        "offices": offices, "councils": councils},
                              figures, manifest,
                              types=TABLE_TYPES, overwrite=overwrite)
    finally:
        if figures:
            from akimsim.analysis.plots import close_figure

            for fig in figures.values():
                close_figure(fig)
    return {"contests": contests, "summary": summary, "offices": offices,
            "councils": councils, "overview": overview(summary), "paths": paths, "model": model}
