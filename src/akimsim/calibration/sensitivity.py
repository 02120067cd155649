"""Global sensitivity of the experiments' headline findings to the assumption parameters.

A headline (``data/headlines.yaml``) is the paired difference, treatment minus
reference on the same seed (common random numbers), of a pooled metric
(:mod:`akimsim.analysis.pooled`) over a tier and a window of years, with the sign its
experiment reports. Over declared plausible ranges of the parameters
(``data/params/plausible.yaml``), :func:`run_morris` screens them (Morris's elementary
effects: ``mu*`` and ``sigma``) and :func:`run_sobol` estimates first-order and total
Sobol indices with their 95 % intervals (Saltelli's sampling; both from SALib). Each
parameter vector is run on a few seeds and its headline is the mean paired
difference. For every headline, :func:`robustness` gives the share of the sampled
parameter space in which its sign holds, with a Wilson 95 % interval.

Every evaluated vector is appended to ``evaluations.jsonl`` (the calibration's
:class:`~akimsim.calibration.smm.Store`), so an interrupted analysis resumes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from akimsim.analysis.pooled import METRICS, contest_metrics, office_metrics
from akimsim.calibration.params import Param, apply
from akimsim.calibration.smm import Store, seed_means
from akimsim.config import TIERS, RunConfig
from akimsim.replicas import run_replicas, seeds_of

#: the project's headline findings
DEFAULT_HEADLINES = Path(__file__).resolve().parent.parent / "data" / "headlines.yaml"
CLAIMS: tuple[str, ...] = ("positive", "negative")
FIELDS: tuple[str, ...] = ("name", "experiment", "treatment", "reference", "metric", "tier",
                           "years", "claim", "overrides", "source")


class SensitivityError(ValueError):
    """A headline or a sensitivity run that cannot be used; the message says why."""


@dataclass(frozen=True)
class Headline:
    """One finding: ``metric`` at ``tier`` over ``years``, treatment minus reference."""

    name: str
    experiment: str
    treatment: str
    reference: str
    metric: str
    tier: str
    years: tuple[int, int]
    claim: str
    source: str
    overrides: tuple[str, ...] = ()

    @property
    def setup(self) -> tuple[str, tuple[str, ...]]:
        """The runs it needs: the experiment and its extra overrides."""
        return self.experiment, self.overrides


def parse_headlines(raw: Any, path: str = "headlines") -> list[Headline]:
    """The entries of a headlines file, checked (names unique, known metric and tier,
    a claimed sign, a window)."""
    if not isinstance(raw, list) or not raw:
        raise SensitivityError(f"{path}: a headlines file is a non-empty YAML list")
    out: list[Headline] = []
    for i, e in enumerate(raw):
        where = f"{path}: entry {i}" + (f" ({e.get('name')!r})" if isinstance(e, Mapping)
                                        and e.get("name") else "")
        if not isinstance(e, Mapping):
            raise SensitivityError(f"{where}: must be a mapping of {', '.join(FIELDS)}")
        extra = sorted(set(map(str, e)) - set(FIELDS))
        if extra:
            raise SensitivityError(f"{where}: unknown field(s) {', '.join(extra)}")
        missing = [f for f in FIELDS if f != "overrides" and e.get(f) in (None, "")]
        if missing:
            raise SensitivityError(f"{where}: missing {', '.join(missing)}")
        if e["metric"] not in METRICS:
            raise SensitivityError(f"{where}: metric {e['metric']!r} is not one of "
                                   f"{', '.join(METRICS)}")
        if e["tier"] not in [t.value for t in TIERS]:
            raise SensitivityError(f"{where}: tier {e['tier']!r} is not one of "
                                   f"{', '.join(t.value for t in TIERS)}")
        if e["claim"] not in CLAIMS:
            raise SensitivityError(f"{where}: claim {e['claim']!r} is not one of "
                                   f"{', '.join(CLAIMS)}")
        years = e["years"]
        if not (isinstance(years, list) and len(years) == 2
                and all(isinstance(y, int) for y in years) and years[0] <= years[1]):
            raise SensitivityError(f"{where}: years must be [first, last], got {years!r}")
        overrides = e.get("overrides") or []
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise SensitivityError(f"{where}: overrides must be a list of Hydra overrides")
        if any(h.name == e["name"] for h in out):
            raise SensitivityError(f"{where}: the name is used twice")
        out.append(Headline(str(e["name"]), str(e["experiment"]), str(e["treatment"]),
                            str(e["reference"]), str(e["metric"]), str(e["tier"]),
                            (int(years[0]), int(years[1])), str(e["claim"]),
                            str(e["source"]), tuple(overrides)))
    return out


def load_headlines(path: str | Path | None = None) -> list[Headline]:
    p = Path(path) if path is not None else DEFAULT_HEADLINES
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SensitivityError(f"{p}: cannot read the headlines file "
                               f"({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise SensitivityError(f"{p}: not valid YAML ({exc})") from exc
    return parse_headlines(raw, str(p))


@dataclass(frozen=True)
class PooledMeasure:
    """A replica measure (picklable): the pooled metrics of each (tier, years) asked."""

    windows: tuple[tuple[str, int, int], ...]

    def __call__(self, model: Any) -> dict[tuple[str, int, int], dict[str, float]]:
        contests, offices = model.contest_table(), model.office_table()
        out = {}
        for tier, first, last in self.windows:
            c = contests[(contests["tier"] == tier) & contests["year"].between(first, last)]
            o = offices[(offices["tier"] == tier) & offices["year"].between(first, last)]
            out[(tier, first, last)] = contest_metrics(c) | office_metrics(o)
        return out


@dataclass
class Setup:
    """The two arms' configurations of one group of headlines (same experiment and
    overrides), as the edge composed them."""

    headlines: list[Headline]
    arms: dict[str, RunConfig]  # by the arm's override string


def evaluate(setups: Sequence[Setup], params: Sequence[Param], xs: np.ndarray,
             seeds: Sequence[int], store: Store, *, workers: int = 1,
             progress: bool = False, backend: str = "processes") -> np.ndarray:
    """Every headline at every row of ``xs``: the mean over ``seeds`` of the paired
    difference. Rows already in ``store`` are not run again. Returns (rows, headlines)."""
    names = [h.name for s in setups for h in s.headlines]
    todo = [tuple(float(v) for v in x) for x in xs if store.get(x) is None]
    todo = list(dict.fromkeys(todo))
    if todo:
        per = np.full((len(todo), len(seeds), len(names)), np.nan)
        col = 0
        for setup in setups:
            windows = tuple(sorted({(h.tier, *h.years) for h in setup.headlines}))
            measure = PooledMeasure(windows)
            arm_names = sorted({a for h in setup.headlines for a in (h.treatment,
                                                                    h.reference)})
            configs, index = [], []
            for i, x in enumerate(todo):
                for arm in arm_names:
                    configs += seeds_of(apply(setup.arms[arm], params, x), seeds)
                    index += [(i, arm, j) for j in range(len(seeds))]
            results = run_replicas(configs, measure, workers=workers, progress=progress,
                                   backend=backend)
            got = {key: r for key, r in zip(index, results, strict=True)}
            for k, h in enumerate(setup.headlines):
                w = (h.tier, *h.years)
                for i in range(len(todo)):
                    for j in range(len(seeds)):
                        t = got[(i, h.treatment, j)][w][h.metric]
                        r = got[(i, h.reference, j)][w][h.metric]
                        per[i, j, col + k] = t - r
            col += len(setup.headlines)
        store.put(todo, list(per))
    out = np.empty((len(xs), len(names)))
    for i, x in enumerate(xs):
        runs = store.get(x)
        assert runs is not None
        out[i] = seed_means(runs)
    return out


def salib_problem(params: Sequence[Param]) -> dict[str, Any]:
    return {"num_vars": len(params), "names": [p.path for p in params],
            "bounds": [[p.low, p.high] for p in params]}


def morris_sample(params: Sequence[Param], trajectories: int, levels: int = 4,
                  seed: int = 0) -> np.ndarray:
    from SALib.sample import morris

    return np.asarray(morris.sample(salib_problem(params), trajectories, num_levels=levels,
                                    seed=seed), dtype=np.float64)


def morris_indices(params: Sequence[Param], xs: np.ndarray, ys: np.ndarray,
                   headlines: Sequence[Headline], levels: int = 4, seed: int = 0
                   ) -> pd.DataFrame:
    """Morris's ``mu*`` (with its 95 % bootstrap interval) and ``sigma`` per headline and
    parameter, from the headlines ``ys`` at the trajectories ``xs``."""
    from SALib.analyze import morris

    rows = []
    for k, h in enumerate(headlines):
        y = ys[:, k]
        if not np.isfinite(y).all():
            y = np.where(np.isfinite(y), y, np.nanmean(y) if np.isfinite(y).any() else 0.0)
        si = morris.analyze(salib_problem(params), xs, y, num_levels=levels,
                            conf_level=0.95, seed=seed)
        for j, p in enumerate(params):
            rows.append({"headline": h.name, "param": p.path, "mu_star": float(si["mu_star"][j]),
                         "mu_star_conf": float(si["mu_star_conf"][j]),
                         "sigma": float(si["sigma"][j]), "mu": float(si["mu"][j])})
    return pd.DataFrame(rows)


def sobol_sample(params: Sequence[Param], n: int, seed: int = 0) -> np.ndarray:
    from SALib.sample import sobol

    if n < 2 or n & (n - 1):
        raise SensitivityError(f"the Sobol base sample must be a power of two (at least 2), "
                               f"got {n}")
    return np.asarray(sobol.sample(salib_problem(params), n, calc_second_order=False,
                                   seed=seed), dtype=np.float64)


def sobol_indices(params: Sequence[Param], ys: np.ndarray, headlines: Sequence[Headline],
                  seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices with 95 % intervals per headline and parameter."""
    from SALib.analyze import sobol

    rows = []
    for k, h in enumerate(headlines):
        y = ys[:, k]
        if not np.isfinite(y).all():
            y = np.where(np.isfinite(y), y, np.nanmean(y) if np.isfinite(y).any() else 0.0)
        if np.ptp(y) == 0:
            si = {key: np.zeros(len(params)) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            si = sobol.analyze(salib_problem(params), y, calc_second_order=False,
                               conf_level=0.95, seed=seed)
        for j, p in enumerate(params):
            rows.append({"headline": h.name, "param": p.path, "S1": float(si["S1"][j]),
                         "S1_conf": float(si["S1_conf"][j]), "ST": float(si["ST"][j]),
                         "ST_conf": float(si["ST_conf"][j])})
    return pd.DataFrame(rows)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's 95 % interval of a share ``k / n``."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def robustness(ys: np.ndarray, headlines: Sequence[Headline]) -> pd.DataFrame:
    """For each headline: the share of the sampled parameter vectors in which its sign
    holds (a difference of exactly 0 does not hold), with Wilson's 95 % interval, and
    the range of the headline over the sample."""
    rows = []
    for k, h in enumerate(headlines):
        y = ys[:, k]
        ok = np.isfinite(y)
        holds = (y[ok] < 0) if h.claim == "negative" else (y[ok] > 0)
        n, hits = int(ok.sum()), int(holds.sum())
        lo, hi = wilson(hits, n)
        rows.append({"headline": h.name, "claim": h.claim, "vectors": n,
                     "sign_holds_share": hits / n if n else math.nan, "share_low": lo,
                     "share_high": hi, "min": float(np.nanmin(y)) if n else math.nan,
                     "median": float(np.nanmedian(y)) if n else math.nan,
                     "max": float(np.nanmax(y)) if n else math.nan, "source": h.source})
    return pd.DataFrame(rows)


_SECTIONS: tuple[tuple[str, str, str, int], ...] = (
    ("morris", "Morris screening", "mu* is the mean absolute elementary effect (with its "
     "95 % bootstrap interval); sigma large against mu* means interactions or "
     "non-linearity.", 4),
    ("sobol", "Sobol indices", "First-order (S1) and total (ST) indices with their 95 % "
     "bootstrap intervals; a small base sample gives wide intervals and indices can fall "
     "outside [0, 1] by noise.", 3),
)


def write_sensitivity(out: Path, header: Mapping[str, object], params: Sequence[Param],
                      heads: Sequence[Headline], morris: pd.DataFrame | None,
                      sobol: pd.DataFrame | None, robust: pd.DataFrame, xs: np.ndarray,
                      ys: np.ndarray) -> list[Path]:
    """``sensitivity.md``, ``robustness.csv``, ``morris.csv`` and ``sobol.csv`` (those
    run), ``sample.csv`` (each vector and its headlines) and ``sensitivity.png`` in
    ``out``; returns the paths written."""
    from akimsim.analysis.plots import close_figure, save_figure, sensitivity_figure
    from akimsim.analysis.report import markdown_table, write_csv

    out.mkdir(parents=True, exist_ok=True)
    lines = ["# akimsim sensitivity of the headline findings", ""]
    lines += [f"- **{k}**: {v}" for k, v in header.items()]
    lines += ["", "## Where each finding's sign holds", "",
              "The share of the sampled parameter vectors (the Sobol sample if run, else "
              "Morris's trajectories) in which the headline has the sign its experiment "
              "reports, with Wilson's 95 % interval; each vector's headline is the mean "
              "paired difference over its seeds.", "",
              markdown_table(robust.drop(columns=["source"]), digits=3), ""]
    tables = {"robustness": robust, "morris": morris, "sobol": sobol}
    for name, title, text, digits in _SECTIONS:
        frame = tables[name]
        if frame is not None:
            lines += [f"## {title}", "", text, "", markdown_table(frame, digits=digits), ""]
    lines += ["## Sources of the headlines", ""]
    lines += [f"- {h.name}: {h.source}" for h in heads]
    lines += ["", "## Parameter ranges", ""]
    lines += [f"- {p.path}: {p.low} to {p.high}; {p.reason}" for p in params]
    paths = [out / "sensitivity.md"]
    paths[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    sample = pd.DataFrame(xs, columns=[p.path for p in params])
    for k, h in enumerate(heads):
        sample[h.name] = ys[:, k]
    tables["sample"] = sample
    for name, frame in tables.items():
        if frame is not None:
            write_csv(frame, out / f"{name}.csv")
            paths.append(out / f"{name}.csv")
    fig = sensitivity_figure(morris, sobol, robust)
    save_figure(fig, out / "sensitivity.png")
    close_figure(fig)
    paths.append(out / "sensitivity.png")
    return paths
