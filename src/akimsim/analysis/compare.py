"""Comparing arms of an experiment: paired differences with t intervals (common random
numbers pair the arms on the seed), and simulated against observed figures."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit  # Student t CDF and its inverse

from akimsim.analysis.pooled import COMPARISON_METRICS, METRIC_LABELS, METRICS, pooled_metrics


def paired_differences(table: pd.DataFrame, arm: str, reference: object,
                       pair_on: Sequence[str] = ("seed",), metrics: Iterable[str] = METRICS,
                       level: float = 0.95, strata: Sequence[str] = ()) -> pd.DataFrame:
    """Mean paired difference (arm - reference) of each metric with a t interval.

    ``table`` has one row per (pair, arm[, strata]) (e.g. from :func:`pooled_metrics`);
    rows are paired on ``pair_on`` (the seed: with common random numbers the arms share
    voters, candidates and shocks, so the pair removes that noise). Pairs where either
    value is NaN are dropped and counted in ``pairs``. Returns one row per (strata,
    arm, metric): ``reference``, ``mean_reference``, ``mean_arm``, ``difference``,
    ``ci_low``, ``ci_high``, ``sd``, ``pairs``, ``p_value`` (two-sided paired t test).
    """
    keys = [*strata, *pair_on]
    ref = table[table[arm] == reference]
    out: list[dict[str, object]] = []
    arms = [a for a in pd.unique(table[arm]) if a != reference]
    if ref.empty:
        raise ValueError(f"no rows with {arm} == {reference!r}; arms are "
                         f"{sorted(map(str, pd.unique(table[arm])))}")
    for a in arms:
        other = table[table[arm] == a]
        joined = ref.merge(other, on=keys, how="inner", suffixes=("_ref", "_arm"))
        groups = joined.groupby(list(strata), sort=True) if strata else [((), joined)]
        for skey, part in groups:
            sk = skey if isinstance(skey, tuple) else (skey,)
            for m in metrics:
                x = part[f"{m}_ref"].to_numpy(dtype=np.float64)
                y = part[f"{m}_arm"].to_numpy(dtype=np.float64)
                ok = np.isfinite(x) & np.isfinite(y)
                d = y[ok] - x[ok]
                n = int(d.shape[0])
                mean = float(d.mean()) if n else math.nan
                sd = float(d.std(ddof=1)) if n > 1 else math.nan
                if n > 1 and sd > 0:
                    half = float(stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
                    p = float(2 * stdtr(n - 1, -abs(mean) / (sd / math.sqrt(n))))
                elif n > 1:
                    half, p = 0.0, (1.0 if mean == 0 else 0.0)
                else:
                    half, p = math.nan, math.nan
                out.append({
                    **dict(zip(strata, sk, strict=True)),
                    "arm": a, "reference": reference, "metric": m,
                    "mean_reference": float(x[ok].mean()) if n else math.nan,
                    "mean_arm": float(y[ok].mean()) if n else math.nan,
                    "difference": mean, "ci_low": mean - half, "ci_high": mean + half,
                    "sd": sd, "pairs": n, "p_value": p,
                })
    return pd.DataFrame(out)


def compare_arms(contests: pd.DataFrame, offices: pd.DataFrame, arm: str, reference: object,
                 years: tuple[int, int], metrics: Iterable[str] = COMPARISON_METRICS,
                 strata: Sequence[str] = (), pair_on: Sequence[str] = ("seed",),
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics per (pair, arm, strata) over ``years`` and each arm's paired difference
    from ``reference``: :func:`pooled_metrics` then :func:`paired_differences`.

    Returns ``(per_pair, differences)``; the usual call of an experiment's analysis,
    e.g. ``compare_arms(c, o, "scenario", "kazakhstan", (2021, 2030), strata=["tier"])``.
    """
    per_pair = pooled_metrics(contests, offices, by=[*pair_on, arm, *strata], years=years)
    diffs = paired_differences(per_pair, arm, reference, pair_on=pair_on,
                               metrics=list(metrics), strata=strata)
    return per_pair, diffs


def mean_ci(values: Sequence[float] | np.ndarray, level: float = 0.95) -> tuple[float, float,
                                                                                  float]:
    """Mean and t interval over seeds; (nan, nan, nan) without finite values."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.shape[0] == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if v.shape[0] == 1:
        return m, math.nan, math.nan
    half = float(stdtrit(v.shape[0] - 1, 0.5 + level / 2)) * float(v.std(ddof=1)) \
        / math.sqrt(v.shape[0])
    return m, m - half, m + half


def against_observed(simulated: pd.DataFrame, observed: dict[str, tuple[float, float]],
                     level: float = 0.95) -> pd.DataFrame:
    """Simulated (mean and interval over seeds) against observed figures, with the gap.

    ``simulated`` has one row per seed and a column per metric; ``observed`` maps a
    metric to its observed (low, high) range (low == high for a point figure). The gap
    is the simulated mean minus the nearest end of the observed range (0 inside it);
    ``overlaps`` says whether the observed range meets the simulated interval.
    """
    rows = []
    for metric, (lo, hi) in observed.items():
        m, cl, ch = mean_ci(simulated[metric].to_numpy(), level)
        gap = 0.0 if lo <= m <= hi else (m - hi if m > hi else m - lo)
        rows.append({"metric": metric, "label": METRIC_LABELS.get(metric, metric),
                     "observed_low": lo, "observed_high": hi, "simulated": m,
                     "ci_low": cl, "ci_high": ch, "gap": gap,
                     "overlaps": bool(cl <= hi and lo <= ch) if math.isfinite(cl) else
                     bool(lo <= m <= hi)})
    return pd.DataFrame(rows)
