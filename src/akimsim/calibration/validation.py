"""The model against observed figures: simulate the targets over seeds and report the fit.

:func:`simulate` runs a configuration over seeds (through :mod:`akimsim.replicas`) and
measures every target in each run; :func:`summarise` turns those runs into one row per
target: the simulated mean with its 95 % interval, the predictive interval (where one
more run would fall: seed noise, plus parameter uncertainty when the runs are drawn
from a posterior), the relative error and whether the observed value or range lies
inside the predictive interval. :func:`write_report` writes ``validation.md``,
``validation.csv`` and ``validation.png``. ``akimsim validate`` is the command.

From Python::

    from akimsim import RunConfig, kazakhstan_reform
    from akimsim.config import TerritoryConfig
    from akimsim.calibration import load_targets, simulate, summarise

    cfg = RunConfig(regimes=kazakhstan_reform(), territory=TerritoryConfig(scale=0.1))
    targets = load_targets()
    table = summarise(simulate(cfg, targets, seeds=range(10), workers=2), targets)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from akimsim.analysis.compare import mean_ci
from akimsim.analysis.measures import MEASURES, MeasureContext, select
from akimsim.calibration.targets import Target, check_against_run
from akimsim.config import RunConfig
from akimsim.replicas import run_replicas, seeds_of
from akimsim.world import Territory, build_territory

if TYPE_CHECKING:
    from akimsim.model import AkimModel

LEVEL = 0.95


def context_of(cfg: RunConfig, territory: Territory) -> MeasureContext:
    """The measures' context of a run of ``cfg`` on ``territory``: its dominant party,
    its scale, and each unit's region."""
    frame = territory.to_frame()
    ids = frame["unit_id"].to_numpy()
    region_ids = ids[np.asarray(territory.region)]
    regions = frame[frame["tier"] == "region"]
    dominant = next((p.name for p in cfg.behaviour.parties if p.dominant), None)
    return MeasureContext(dominant_party=dominant, scale=float(cfg.territory.scale),
                          region_of=dict(zip(ids, region_ids, strict=True)),
                          region_names=dict(zip(regions["unit_id"], regions["name"],
                                                strict=True)))


def evaluate(contests: pd.DataFrame, targets: Iterable[Target],
             ctx: MeasureContext) -> dict[str, float]:
    """Every target's measure on one run's contest table."""
    out = {}
    for t in targets:
        chosen = select(contests, ctx, **t.filters())
        out[t.name] = MEASURES[t.metric](chosen, ctx)
    return out


@dataclass(frozen=True)
class TargetsMeasure:
    """A replica measure (picklable, for worker processes): the targets of a finished
    model."""

    targets: tuple[Target, ...]

    def __call__(self, model: AkimModel) -> dict[str, float]:
        # the context costs about 6 ms nationally, against seconds for the run
        return evaluate(model.contest_table(), self.targets,
                        context_of(model.cfg, model.territory))


def check_targets(cfg: RunConfig, targets: Sequence[Target],
                  territory: Territory | None = None) -> Territory:
    """Stop before any run if a target does not fit ``cfg`` (years, regions); returns the
    territory built to check the regions (or the one given)."""
    terr = territory if territory is not None else build_territory(cfg.territory)
    check_against_run(targets, cfg.start_year, cfg.end_year, context_of(cfg, terr))
    return terr


def simulate_configs(configs: Sequence[RunConfig], targets: Sequence[Target], *,
                     workers: int = 1, progress: bool = False,
                     territory: Territory | None = None,
                     backend: str = "processes") -> pd.DataFrame:
    """One row per configuration (``run`` its index, ``seed``), one column per target."""
    if not configs:
        raise ValueError("simulate: no configuration to run")
    terr = check_targets(configs[0], targets, territory)
    rows = run_replicas(configs, TargetsMeasure(tuple(targets)), workers=workers,
                        progress=progress, territory=terr if workers == 1 else None,
                        backend=backend)
    frame = pd.DataFrame(rows, columns=[t.name for t in targets])
    frame.insert(0, "seed", [c.seed for c in configs])
    frame.insert(0, "run", np.arange(len(configs)))
    return frame


def simulate(cfg: RunConfig, targets: Sequence[Target], seeds: Iterable[int], *,
             workers: int = 1, progress: bool = False,
             territory: Territory | None = None, backend: str = "processes"
             ) -> pd.DataFrame:
    """``cfg`` over ``seeds``: one row per seed, one column per target (``backend`` as
    :func:`akimsim.replicas.run_replicas` takes it)."""
    return simulate_configs(seeds_of(cfg, seeds), targets, workers=workers,
                            progress=progress, territory=territory, backend=backend)


def _intervals(values: np.ndarray, level: float) -> tuple[float, float, float, float, float, int]:
    """Mean, its t interval (:func:`~akimsim.analysis.compare.mean_ci`), the t
    predictive interval for one more run, and n. The predictive half-width
    t sd sqrt(1 + 1/n) is the mean's, t sd / sqrt(n), times sqrt(n + 1)."""
    n = int(np.isfinite(values).sum())
    m, lo, hi = mean_ci(values, level)
    pred = (hi - m) * math.sqrt(n + 1)
    return m, lo, hi, m - pred, m + pred, n


def summarise(runs: pd.DataFrame, targets: Sequence[Target], level: float = LEVEL
              ) -> pd.DataFrame:
    """One row per target from the runs of :func:`simulate` (each row one draw of the
    model: a seed, or a seed and a parameter draw).

    Columns: the target's name, metric, selection, role; ``observed``, ``low`` and
    ``high``; ``simulated`` (mean over runs), ``ci_low``/``ci_high`` (its interval),
    ``pred_low``/``pred_high`` (the predictive interval; both intervals clipped to
    the values the measure can take), ``rel_error`` (the mean's
    distance from the observed point, or from the nearest end of a range, over the
    point's size; 0 inside a range), ``inside`` (the observed value or range meets the
    predictive interval; with one run, the mean must lie in the range), ``runs`` and
    ``source``.
    """
    rows = []
    for t in targets:
        if t.name not in runs:
            raise KeyError(f"summarise: the runs have no column for target {t.name!r}")
        m, cl, ch, pl, ph, n = _intervals(runs[t.name].to_numpy(dtype=np.float64), level)
        lo_b, hi_b = MEASURES[t.metric].bounds
        cl, ch, pl, ph = (float(np.clip(v, lo_b, hi_b)) if math.isfinite(v) else v
                          for v in (cl, ch, pl, ph))
        point = t.point
        if math.isnan(m):
            gap = math.nan
        elif t.low <= m <= t.high and t.low < t.high:
            gap = 0.0
        else:
            gap = m - point if t.low == t.high else (m - t.high if m > t.high else m - t.low)
        scale = abs(point) if point != 0 else 1.0
        if math.isnan(m):
            inside: bool | None = None
        elif math.isfinite(pl):
            inside = bool(pl <= t.high and t.low <= ph)
        else:
            inside = bool(t.low <= m <= t.high)
        rows.append({
            "name": t.name, "metric": t.metric, "selection": t.describe(), "role": t.role,
            "observed": t.observed if t.observed is not None else math.nan,
            "low": t.low, "high": t.high, "simulated": m, "ci_low": cl, "ci_high": ch,
            "pred_low": pl, "pred_high": ph, "rel_error": gap / scale, "inside": inside,
            "runs": n, "source": t.source,
        })
    return pd.DataFrame(rows)


def _fmt(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, float | np.floating):
        x = float(v)
        if math.isinf(x):
            return "-inf" if x < 0 else "inf"
        return f"{x:.4g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.2e}"
    return str(v)


def _observed_text(row: Mapping[str, Any]) -> str:
    lo, hi, obs = row["low"], row["high"], row["observed"]
    if lo == hi:
        return _fmt(lo)
    rng = f"{_fmt(lo)} to {_fmt(hi)}" if math.isfinite(lo) and math.isfinite(hi) else \
        (f"below {_fmt(hi)}" if math.isfinite(hi) else f"above {_fmt(lo)}")
    return f"{_fmt(obs)} ({rng})" if not math.isnan(obs) else rng


def markdown(table: pd.DataFrame, header: Mapping[str, Any] | None = None) -> str:
    """``validation.md``: a short account of the runs, then one table per role."""
    lines = ["# akimsim validation", ""]
    for k, v in (header or {}).items():
        lines.append(f"- **{k}**: {v}")
    if header:
        lines.append("")
    total = table["inside"].notna().sum()
    hits = int(table["inside"].fillna(False).astype(bool).sum())
    lines += [f"{hits} of {total} observed figures lie inside the model's "
              f"{int(LEVEL * 100)} % predictive interval.", "",
              "The predictive interval is where one more run would fall (seed noise, and "
              "parameter uncertainty when the runs are drawn from a posterior); the "
              "relative error is the mean's distance from the observed figure (from the "
              "nearest end of a range; 0 inside it) over the figure's size.", ""]
    for role in ("calibration", "validation"):
        part = table[table["role"] == role]
        if part.empty:
            continue
        lines += [f"## {role.capitalize()} targets", "",
                  "| target | contests | observed | simulated (95 % CI) | predictive | "
                  "rel. error | inside |", "|---|---|---|---|---|---:|---|"]
        for row in ({str(k): v for k, v in r.items()} for r in part.to_dict("records")):
            ci = f"{_fmt(row['simulated'])} ({_fmt(row['ci_low'])}, {_fmt(row['ci_high'])})"
            pred = f"{_fmt(row['pred_low'])} to {_fmt(row['pred_high'])}"
            lines.append(f"| {row['name']} ({row['metric']}) | {row['selection']} | "
                         f"{_observed_text(row)} | {ci} | {pred} | "
                         f"{_fmt(row['rel_error'])} | {_fmt(row['inside'])} |")
        lines.append("")
    lines += ["## Sources", ""]
    lines += [f"- {row['name']}: {row['source']}" for row in table.to_dict("records")]
    return "\n".join(lines) + "\n"


def write_report(table: pd.DataFrame, out: str | Path, runs: pd.DataFrame | None = None,
                 header: Mapping[str, Any] | None = None, title: str = "akimsim validation"
                 ) -> list[Path]:
    """``validation.md``, ``validation.csv``, ``validation.png`` (and ``runs.csv``, the
    per-run values, when given) in ``out``; returns the paths written."""
    from akimsim.analysis.plots import close_figure, save_figure, validation_figure
    from akimsim.analysis.report import write_csv

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "validation.md", folder / "validation.csv", folder / "validation.png"]
    paths[0].write_text(markdown(table, header), encoding="utf-8")
    write_csv(table, paths[1])
    fig = validation_figure(table, title=title)
    save_figure(fig, paths[2])
    close_figure(fig)
    if runs is not None:
        paths.append(folder / "runs.csv")
        write_csv(runs, paths[-1])
    return paths
