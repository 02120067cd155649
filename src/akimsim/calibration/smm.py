"""Calibration by the simulated method of moments, with common random numbers.

The moments are the targets' measures averaged over a fixed set of seeds; every
parameter vector is run on the same seeds (common random numbers), so differences
between vectors come from the parameters and the objective is smooth enough for a
global optimiser. The objective is ``g' W g``: ``g`` the gaps between the simulated
moments and the observed figures (for a range, the distance to its nearest end, 0
inside) and ``W`` the inverse of the moments' covariance over seeds, estimated at the
starting point (diagonal by default; ``full`` shrinks the whole covariance toward its
diagonal). SciPy's differential evolution searches the box of the parameters' ranges;
each generation's runs go through :func:`akimsim.replicas.run_replicas` on every
worker at once.

Every evaluation is appended to ``evaluations.jsonl`` as it finishes, so a killed
calibration resumes where it stopped: the optimiser, seeded, proposes the same vectors
again and finds them in the file.

At the estimate: standard errors from the sandwich formula of the simulated method
of moments, ``(1 + 1/S) (G'WG)^-1 G'W Σ W G (G'WG)^-1`` with ``G`` the moments'
Jacobian by central differences (on the same seeds; the step is widened where no
moment moves, since a model of discrete contests has step-function moments) and
``Σ`` their covariance over seeds there; the over-identification statistic
``J = g' [(1 + 1/S) Σ]^-1 g``, against a chi-squared with (targets - parameters)
degrees of freedom, treating the observed figures as one draw of the model; and an
identifiability report.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution
from scipy.stats import chi2

from akimsim.calibration.params import Param, apply, current
from akimsim.calibration.targets import Target
from akimsim.calibration.validation import TargetsMeasure, check_targets, summarise
from akimsim.config import RunConfig
from akimsim.replicas import run_replicas, seeds_of
from akimsim.world import Territory

#: weighting matrices: the inverse of the moments' variances, or of their whole
#: covariance shrunk toward its diagonal
WEIGHTINGS: tuple[str, ...] = ("diagonal", "full")
#: a moment's standard deviation over seeds is at least this share of its observed
#: figure (assumption: a moment that never varies would otherwise get infinite weight)
VARIANCE_FLOOR = 0.01
#: weight of the diagonal when the full covariance is shrunk (assumption)
SHRINK = 0.3
#: central-difference step, as a share of each parameter's range (assumption)
STEP = 0.05
#: how many times the step is doubled where no moment moves (assumption)
WIDEN = 3
#: a parameter is "pinned down" when its standard error is below this share of its
#: range (assumption)
PINNED = 0.1
#: objective of a vector whose moments cannot be measured (e.g. no contest selected)
UNMEASURED = 1e12


class CalibrationError(ValueError):
    """A calibration that cannot start or resume; the message says why."""


@dataclass(frozen=True)
class Problem:
    """What to fit: parameters of ``base`` to ``targets``, on ``seeds``."""

    base: RunConfig
    params: tuple[Param, ...]
    targets: tuple[Target, ...]
    seeds: tuple[int, ...]

    def configs(self, x: Sequence[float]) -> list[RunConfig]:
        """The runs of one parameter vector: ``base`` with ``x``, once per seed."""
        return seeds_of(apply(self.base, self.params, x), self.seeds)


def seed_means(runs: np.ndarray) -> np.ndarray:
    """The mean over seeds (axis 0) of each measure, over the seeds where it is defined
    (NaN where it is defined in none)."""
    r = np.asarray(runs, dtype=np.float64)
    ok = np.isfinite(r)
    n = ok.sum(axis=0)
    total = np.where(ok, r, 0.0).sum(axis=0)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def gaps(moments: np.ndarray, targets: Sequence[Target]) -> np.ndarray:
    """Simulated minus observed, per target: from the point for a point figure, from the
    nearest end for a range (0 inside it)."""
    out = np.empty(len(targets))
    for i, (m, t) in enumerate(zip(moments, targets, strict=True)):
        if t.low == t.high:
            out[i] = m - t.low
        else:
            out[i] = m - t.high if m > t.high else (m - t.low if m < t.low else 0.0)
    return out


def _scale(t: Target) -> float:
    size = max(abs(t.point), abs(t.high - t.low) if math.isfinite(t.high - t.low) else 0.0)
    return size if size > 0 else 1e-3


def covariance(per_seed: np.ndarray, targets: Sequence[Target], weighting: str = "diagonal"
               ) -> np.ndarray:
    """The moments' covariance over seeds (rows seeds, columns targets), each variance
    floored at ``(VARIANCE_FLOOR x the figure's size)^2``; ``full`` keeps the
    covariances, shrunk toward the diagonal by :data:`SHRINK`."""
    if weighting not in WEIGHTINGS:
        raise CalibrationError(f"weighting {weighting!r} is not one of {', '.join(WEIGHTINGS)}")
    x = np.asarray(per_seed, dtype=np.float64)
    k = x.shape[1]
    if x.shape[0] < 2:
        raise CalibrationError("the moments' covariance needs at least two seeds")
    ok = np.isfinite(x).all(axis=1)
    x = x[ok] if ok.sum() >= 2 else np.nan_to_num(x)
    cov = np.atleast_2d(np.cov(x, rowvar=False, ddof=1)).reshape(k, k)
    floor = np.array([(VARIANCE_FLOOR * _scale(t)) ** 2 for t in targets])
    var = np.maximum(np.diag(cov), floor)
    if weighting == "diagonal":
        return np.diag(var)
    sd = np.sqrt(np.diag(cov).clip(min=1e-300))
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    corr = (1 - SHRINK) * corr + SHRINK * np.eye(k)
    s = np.sqrt(var)
    return corr * np.outer(s, s)


class Store:
    """The evaluations of one calibration, on disk: the first line says what problem they
    belong to, each further line one parameter vector and its runs' measures."""

    def __init__(self, path: Path, identity: dict[str, Any]) -> None:
        self.path = path
        self.identity = json.loads(json.dumps(identity))
        self._runs: dict[tuple[float, ...], np.ndarray] = {}
        self.order: list[tuple[float, ...]] = []
        if path.exists() and path.stat().st_size > 0:
            self._load()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as fh:
                fh.write(json.dumps({"identity": self.identity}) + "\n")

    def _load(self) -> None:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        try:
            head = json.loads(lines[0])["identity"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError):
            raise CalibrationError(f"{self.path}: not an akimsim evaluations file; remove it "
                                   f"or choose another --out") from None
        if head != self.identity:
            diff = sorted(k for k in set(head) | set(self.identity)
                          if head.get(k) != self.identity.get(k))
            raise CalibrationError(f"{self.path} holds the evaluations of another "
                                   f"calibration (it differs in {', '.join(diff)}); "
                                   f"use another --out, or --fresh to start over")
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut short by a kill: the vector is run again
            self._remember(tuple(entry["x"]), np.array(entry["runs"], dtype=np.float64))

    @staticmethod
    def key(x: Iterable[float]) -> tuple[float, ...]:
        return tuple(float(v) for v in x)

    def _remember(self, key: tuple[float, ...], runs: np.ndarray) -> None:
        if key not in self._runs:
            self.order.append(key)
        self._runs[key] = runs

    def get(self, x: Iterable[float]) -> np.ndarray | None:
        return self._runs.get(self.key(x))

    def put(self, xs: Sequence[Iterable[float]], runs: Sequence[np.ndarray]) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            for x, r in zip(xs, runs, strict=True):
                key = self.key(x)
                self._remember(key, r)
                values = [[None if not math.isfinite(v) else v for v in row] for row in
                          r.tolist()]
                fh.write(json.dumps({"x": list(key), "runs": values}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def __len__(self) -> int:
        return len(self._runs)

    def frame(self, params: Sequence[Param], targets: Sequence[Target]) -> pd.DataFrame:
        """One row per evaluated vector: its parameters and its moments (means over seeds)."""
        rows = []
        for key in self.order:
            runs = self._runs[key]
            means = seed_means(runs) if runs.size else runs
            rows.append({**{p.path: v for p, v in zip(params, key, strict=True)},
                         **{t.name: m for t, m in zip(targets, means, strict=True)}})
        return pd.DataFrame(rows)


class Evaluator:
    """Runs parameter vectors on the problem's seeds (skipping those already in the store)
    and gives their per-seed measures."""

    def __init__(self, problem: Problem, store: Store, *, workers: int = 1,
                 progress: bool = False, territory: Territory | None = None,
                 backend: str = "processes") -> None:
        self.problem, self.store, self.workers, self.backend = problem, store, workers, \
            backend
        self.progress, self.territory = progress, territory
        self.runs_done = 0
        self.measure = TargetsMeasure(problem.targets)

    def runs(self, xs: Sequence[Iterable[float]]) -> list[np.ndarray]:
        todo: list[tuple[float, ...]] = []
        for x in xs:
            key = Store.key(x)
            if self.store.get(key) is None and key not in todo:
                todo.append(key)
        if todo:
            p = self.problem
            configs = [cfg for x in todo for cfg in p.configs(x)]
            rows = run_replicas(configs, self.measure, workers=self.workers,
                                progress=self.progress,
                                territory=self.territory if self.workers == 1 else None,
                                backend=self.backend)
            names = [t.name for t in p.targets]
            values = np.array([[r[n] for n in names] for r in rows], dtype=np.float64)
            values = values.reshape(len(todo), len(p.seeds), len(names))
            self.store.put(todo, list(values))
            self.runs_done += len(configs)
        out = []
        for x in xs:
            got = self.store.get(x)
            assert got is not None
            out.append(got)
        return out

    def moments(self, xs: Sequence[Iterable[float]]) -> np.ndarray:
        return np.array([seed_means(r) for r in self.runs(xs)])


def objective(moments: np.ndarray, targets: Sequence[Target], weight: np.ndarray) -> float:
    g = gaps(moments, targets)
    if not np.isfinite(g).all():
        return UNMEASURED
    return float(g @ weight @ g)


@dataclass
class Result:
    """What a calibration found (see :func:`calibrate`)."""

    params: list[Param]
    estimate: np.ndarray
    start: np.ndarray
    se: np.ndarray
    objective: float
    j_stat: float
    j_df: int
    j_p: float
    fit: pd.DataFrame
    estimates: pd.DataFrame
    identifiability: pd.DataFrame
    correlations: pd.DataFrame
    sensitivities: pd.DataFrame
    evaluations: pd.DataFrame
    runs: int
    seconds: float
    info: dict[str, Any] = field(default_factory=dict)


def _de_kwargs(seed: int) -> dict[str, Any]:
    sig = inspect.signature(differential_evolution).parameters
    return {"rng": seed} if "rng" in sig else {"seed": seed}


def jacobian(ev: Evaluator, x: np.ndarray, params: Sequence[Param]
             ) -> tuple[np.ndarray, np.ndarray]:
    """The moments' Jacobian at ``x`` by central differences (one-sided at a bound),
    steps :data:`STEP` of each range; also returns the steps.

    A model of discrete contests has moments that are step functions at small steps:
    where no moment moves at all, the step is doubled, up to :data:`WIDEN` times."""
    lo = np.array([p.low for p in params])
    hi = np.array([p.high for p in params])
    cols, steps = [], []
    for i in range(len(params)):
        h = STEP * (hi[i] - lo[i])
        for _ in range(WIDEN + 1):
            up, down = x.copy(), x.copy()
            up[i] = min(x[i] + h, hi[i])
            down[i] = max(x[i] - h, lo[i])
            m_up, m_down = ev.moments([up, down])
            if not np.allclose(m_up, m_down, rtol=0, atol=0, equal_nan=True):
                break
            h *= 2
        cols.append((m_up - m_down) / (up[i] - down[i]))
        steps.append(h)
    return np.column_stack(cols), np.array(steps)


def _identifiability(g_mat: np.ndarray, weight: np.ndarray, cov_theta: np.ndarray,
                     params: Sequence[Param], targets: Sequence[Target]
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The directions of the objective (singular values of the weighted Jacobian, the
    parameters scaled to their ranges), the estimates' correlations, and each
    target's response to each parameter (change over the whole range, in units of the
    target's weight)."""
    widths = np.array([p.width for p in params])
    root = np.linalg.cholesky(weight).T
    scaled = root @ g_mat @ np.diag(widths)
    _, s, vt = np.linalg.svd(scaled, full_matrices=False)
    top = s[0] if s.shape[0] and s[0] > 0 else 1.0
    rows = []
    for k, (sv, v) in enumerate(zip(s, vt, strict=True)):
        order = np.argsort(-np.abs(v))
        rows.append({"direction": k + 1, "singular_value": float(sv),
                     "relative": float(sv / top),
                     "flat": bool(sv / top < 0.05),
                     "loadings": ", ".join(f"{v[j]:+.2f} {params[j].path}" for j in order
                                           if abs(v[j]) >= 0.2)})
    sd = np.sqrt(np.clip(np.diag(cov_theta), 0, None))
    with np.errstate(all="ignore"):
        corr = cov_theta / np.outer(sd, sd)
    names = [p.path for p in params]
    sens = pd.DataFrame(g_mat * widths[None, :] * np.sqrt(np.diag(weight))[:, None],
                        index=[t.name for t in targets], columns=names)
    return (pd.DataFrame(rows), pd.DataFrame(corr, index=names, columns=names),
            sens.reset_index(names="target"))


def calibrate(problem: Problem, *, budget: int, out: str | Path, workers: int = 1,
              weighting: str = "diagonal", popsize: int | None = None, seed: int = 0,
              progress: bool = False, territory: Territory | None = None, fresh: bool = False,
              log: Callable[[str], None] | None = None, backend: str = "processes"
              ) -> Result:
    """Fit ``problem`` with at most about ``budget`` model runs; results and the
    evaluations file go to ``out``. See the module docstring for the method."""
    say = log or (lambda _m: None)
    params, targets, seeds = list(problem.params), list(problem.targets), problem.seeds
    p, k, n_seeds = len(params), len(targets), len(seeds)
    if n_seeds < 2:
        raise CalibrationError("calibrate needs at least two seeds (the weighting matrix "
                               "is their covariance)")
    if not params:
        raise CalibrationError("no parameter to calibrate")
    pop = popsize if popsize is not None else max(4, math.ceil(10 / p))
    per_gen = pop * p
    # start, a generation's population at least twice, and the Jacobian
    least = n_seeds * (1 + 2 * per_gen + 2 * p)
    if budget < least:
        raise CalibrationError(f"--budget {budget} is too small: with {p} parameters, "
                               f"{n_seeds} seeds and a population of {per_gen} it needs at "
                               f"least {least} runs")
    terr = check_targets(problem.base, targets, territory)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "evaluations.jsonl"
    if fresh and path.exists():
        path.unlink()
    from akimsim.runner import config_dict

    identity = {"params": [[q.path, q.low, q.high] for q in params],
                "targets": [[t.name, t.metric, t.low, t.high, list(t.years), t.tier, t.regime,
                             t.kind, t.region] for t in targets],
                "seeds": list(seeds), "config": config_dict(problem.base),
                "weighting": weighting, "popsize": pop, "seed": seed}
    store = Store(path, identity)
    if len(store):
        say(f"resuming: {len(store)} parameter vectors already evaluated in {path}")
    ev = Evaluator(problem, store, workers=workers, progress=progress, territory=terr,
                   backend=backend)
    started = time.perf_counter()

    lo = np.array([q.low for q in params])
    hi = np.array([q.high for q in params])
    x0 = np.clip(np.array(current(params, problem.base)), lo, hi)
    pilot = ev.runs([x0])[0]
    sigma0 = covariance(pilot, targets, weighting)
    weight = np.linalg.inv(sigma0)
    say(f"start {_vector(params, x0)}: objective "
        f"{objective(seed_means(pilot), targets, weight):.4g}")

    def batch(xt: np.ndarray) -> np.ndarray:
        xs = [np.asarray(col, dtype=np.float64) for col in np.atleast_2d(xt).T] \
            if xt.ndim == 2 else [np.asarray(xt, dtype=np.float64)]
        moms = ev.moments(xs)
        return np.array([objective(m, targets, weight) for m in moms])

    remaining = budget // n_seeds - 1 - 2 * p  # vectors left for the search
    generations = max(1, remaining // per_gen - 1)
    say(f"differential evolution: population {per_gen}, up to {generations} generations, "
        f"{n_seeds} seeds per vector, {workers} worker(s)")
    gen = [0]

    def callback(*args: Any, **kwargs: Any) -> None:
        gen[0] += 1
        say(f"generation {gen[0]}/{generations}: {len(store)} vectors evaluated, "
            f"{ev.runs_done} runs this session, {time.perf_counter() - started:.0f} s")

    differential_evolution(
        batch, list(zip(lo, hi, strict=True)), maxiter=generations, popsize=pop,
        init="latinhypercube", polish=False, tol=0.0, atol=0.0, vectorized=True,
        updating="deferred", x0=x0, callback=callback, **_de_kwargs(seed))
    # the best vector evaluated, whatever the optimiser's last population
    frame = store.frame(params, targets)
    names = [t.name for t in targets]
    objs = np.array([objective(m, targets, weight) for m in frame[names].to_numpy()])
    x_hat = np.array(store.order[int(np.argmin(objs))])

    runs_hat = ev.runs([x_hat])[0]
    m_hat = seed_means(runs_hat)
    g_mat, steps = jacobian(ev, x_hat, params)
    sigma = covariance(runs_hat, targets, "full")
    inflate = 1 + 1 / n_seeds
    bread = g_mat.T @ weight @ g_mat
    try:
        bread_inv = np.linalg.inv(bread)
        cov_theta = inflate * bread_inv @ (g_mat.T @ weight @ sigma @ weight @ g_mat) \
            @ bread_inv
    except np.linalg.LinAlgError:
        cov_theta = np.full((p, p), np.inf)
    se = np.sqrt(np.clip(np.diag(cov_theta), 0, None))
    g_hat = gaps(m_hat, targets)
    j_stat = float(g_hat @ np.linalg.inv(inflate * sigma) @ g_hat)
    j_df = k - p
    j_p = float(chi2.sf(j_stat, j_df)) if j_df > 0 else math.nan
    ident, corr, sens = _identifiability(g_mat, weight, cov_theta, params, targets)

    fit = summarise(pd.DataFrame(runs_hat, columns=names), targets)
    fit.insert(list(fit.columns).index("rel_error"), "weighted_gap",
               g_hat * np.sqrt(np.diag(weight)))
    estimates = pd.DataFrame({
        "param": [q.path for q in params], "start": x0, "estimate": x_hat, "se": se,
        "low": lo, "high": hi, "se_share_of_range": se / (hi - lo),
        "pinned": se / (hi - lo) < PINNED,
        "at_bound": (np.isclose(x_hat, lo) | np.isclose(x_hat, hi)),
        "jacobian_step": steps, "reason": [q.reason for q in params]})
    frame["objective"] = objs
    seconds = time.perf_counter() - started
    return Result(params=params, estimate=x_hat, start=x0, se=se,
                    objective=float(objs.min()), j_stat=j_stat, j_df=j_df, j_p=j_p, fit=fit,
                    estimates=estimates, identifiability=ident, correlations=corr,
                    sensitivities=sens, evaluations=frame, runs=ev.runs_done,
                    seconds=seconds,
                    info={"seeds": list(seeds), "weighting": weighting,
                          "population": per_gen, "generations": generations,
                          "vectors": len(store), "workers": workers,
                          "date": dt.date.today().isoformat()})


def _vector(params: Sequence[Param], x: Sequence[float]) -> str:
    return ", ".join(f"{q.path.rsplit('.', 1)[-1]}={v:.4g}" for q, v in
                     zip(params, x, strict=True))


def preset_yaml(result: Result, header: dict[str, Any]) -> str:
    """A behaviour preset (``configs/behaviour/<name>.yaml``) holding the estimates of the
    ``behaviour.*`` parameters, with its provenance as comments; other parameters are
    listed in a comment (a behaviour preset cannot set them)."""
    import yaml

    tree: dict[str, Any] = {}
    skipped = []
    for q, v in zip(result.params, result.estimate, strict=True):
        parts = q.path.split(".")
        if parts[0] != "behaviour" or "[" in q.path:
            skipped.append(f"{q.path}={q.value(v)}")
            continue
        node = tree
        for part in parts[1:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = q.value(round(float(v), 6))
    lines = ["# akimsim behaviour preset written by `akimsim calibrate`. Use it with",
             "#   akimsim behaviour=<this file's name>",
             "# Provenance:"]
    lines += [f"#   {k}: {v}" for k, v in header.items()]
    lines += [f"#   estimate {q.path} = {v:.6g} (standard error {se:.3g}; range "
              f"{q.low:g}..{q.high:g})" for q, v, se in
              zip(result.params, result.estimate, result.se, strict=True)]
    if skipped:
        lines.append(f"#   not a behaviour parameter, set on the command line: "
                     f"{' '.join(skipped)}")
    body = yaml.safe_dump(tree, sort_keys=False) if tree else "{}\n"
    return "\n".join(lines) + "\n" + body


def markdown(result: Result, header: dict[str, Any]) -> str:
    """``calibration.md``: the estimates, the fit, the test and the identifiability."""
    from akimsim.analysis.report import markdown_table

    r = result
    lines = ["# akimsim calibration", ""]
    lines += [f"- **{k}**: {v}" for k, v in header.items()]
    lines += [f"- **runs**: {r.runs} this session, {r.info['vectors']} parameter vectors in "
              f"all, {len(r.info['seeds'])} seeds each (common random numbers), "
              f"{r.seconds:.0f} s on {r.info['workers']} worker(s)",
              f"- **method**: simulated method of moments, {r.info['weighting']} weighting "
              f"(inverse covariance of the moments over seeds at the start), differential "
              f"evolution (population {r.info['population']}, "
              f"{r.info['generations']} generations)", ""]
    lines += ["## Estimates", "",
              "Standard errors from the sandwich formula with the Jacobian by central "
              f"differences ({STEP:.0%} of each range); 'pinned' means a standard error "
              f"below {PINNED:.0%} of the range.", "",
              markdown_table(r.estimates.drop(columns=["reason"]), digits=4), ""]
    verdict = "n/a (as many parameters as targets)" if r.j_df <= 0 else (
        f"{r.j_stat:.3g} on {r.j_df} degrees of freedom, p = {r.j_p:.3g}")
    lines += ["## Fit", "",
              f"Objective {r.objective:.4g}. Over-identification statistic J = {verdict}: "
              "a small p says the targets cannot all be met at once by these parameters "
              "(the observed figures read as one draw of the model).", "",
              markdown_table(r.fit[["name", "selection", "low", "high", "simulated",
                                    "pred_low", "pred_high", "rel_error", "weighted_gap",
                                    "inside"]], digits=4), ""]
    lines += ["## Identifiability", "",
              "Singular values of the weighted Jacobian, the parameters scaled to their "
              "ranges: a direction whose value is under 5 % of the largest is flat (the "
              "targets do not pin it down).", "",
              markdown_table(r.identifiability, digits=4), "",
              "Correlations of the estimates:", "",
              markdown_table(r.correlations.reset_index(names="param"), digits=3), "",
              "Response of each target to each parameter over its whole range, in "
              "standard deviations of the target over seeds:", "",
              markdown_table(r.sensitivities, digits=3), ""]
    return "\n".join(lines) + "\n"


def write_calibration(result: Result, out: str | Path, header: dict[str, Any],
                      preset_name: str = "calibrated") -> list[Path]:
    """Every output of a calibration in ``out``: ``calibration.md``, ``estimates.csv``,
    ``fit.csv``, ``identifiability.csv``, ``correlations.csv``, ``sensitivities.csv``,
    ``evaluations.csv``, ``calibration.png`` and the preset ``<preset_name>.yaml``."""
    from akimsim.analysis.plots import calibration_figure, close_figure, save_figure
    from akimsim.analysis.report import write_csv

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("estimates", result.estimates), ("fit", result.fit),
                        ("identifiability", result.identifiability),
                        ("correlations", result.correlations.reset_index(names="param")),
                        ("sensitivities", result.sensitivities),
                        ("evaluations", result.evaluations)):
        write_csv(frame, folder / f"{name}.csv")
        written.append(folder / f"{name}.csv")
    (folder / "calibration.md").write_text(markdown(result, header), encoding="utf-8")
    (folder / f"{preset_name}.yaml").write_text(preset_yaml(result, header), encoding="utf-8")
    fig = calibration_figure(result.evaluations, [q.path for q in result.params],
                             result.estimate, [(q.low, q.high) for q in result.params])
    save_figure(fig, folder / "calibration.png")
    close_figure(fig)
    return [folder / "calibration.md", *written, folder / "calibration.png",
            folder / f"{preset_name}.yaml"]
