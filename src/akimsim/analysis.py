"""Experiment analysis: metrics pooled over a window, paired regime differences, fit.

Functions here take the tidy tables a run writes (``contests``, ``offices``), usually
collected from many jobs of a sweep (:func:`akimsim.sweep.collect`), and return
tidy tables. They never import the model, so an analyst can use them on results read
back from Parquet.

The metrics of one group (e.g. one seed x arm x tier) are:

==============================  ==============================================================
``contests``                    contests held (all kinds)
``turnout``                     ballots / electorate over popular votes (NaN without any)
``candidates_per_seat``         registered candidates per contest
``enc``                         mean effective number of candidates (Laakso-Taagepera;
                                first preferences in popular votes, deputies' votes in
                                councils; NaN under appointment)
``margin``                      mean winner's lead over the runner-up (share of ballots)
``winner_median_distance``      mean distance between the winner and the unit's median voter
``retained_share``              share of regular term ends at which the sitting akim keeps
                                the post (by re-election or re-appointment)
``retention_record_corr``       correlation between being retained and the incumbent's
                                record (mean performance over the term) at regular term
                                ends: how strongly retention follows performance
``new_akim_share``              share of winners who did not hold the post just before
``self_nominated_candidate_share``  self-nominated share of registered candidates
``rejected_share``              share of nominees not registered (direct races)
``dominant_winner_share``       dominant party's share of winners
``self_nominated_winner_share`` self-nominated share of winners
``no_winner_share``             share of contests without a winner
``focus_on_voters``             mean share of akims' effort given to voters (office-years)
``loyalty_shown``               mean loyalty shown to the appointer (office-years)
``performance``                 mean performance signal of office holders (office-years)
==============================  ==============================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit  # Student t CDF and its inverse

CONTEST_METRICS: tuple[str, ...] = (
    "contests", "turnout", "candidates_per_seat", "enc", "margin", "winner_median_distance",
    "retained_share", "retention_record_corr", "new_akim_share",
    "self_nominated_candidate_share", "rejected_share", "dominant_winner_share",
    "self_nominated_winner_share", "no_winner_share",
)
OFFICE_METRICS: tuple[str, ...] = ("focus_on_voters", "loyalty_shown", "performance")
METRICS: tuple[str, ...] = CONTEST_METRICS + OFFICE_METRICS

#: The metrics the regime experiments compare (turnout, competitiveness, representation,
#: retention and accountability).
COMPARISON_METRICS: tuple[str, ...] = (
    "turnout", "enc", "margin", "winner_median_distance", "retained_share",
    "retention_record_corr", "new_akim_share", "dominant_winner_share",
    "focus_on_voters", "loyalty_shown", "performance",
)

#: Human labels for figures and tables.
METRIC_LABELS: dict[str, str] = {
    "contests": "contests",
    "turnout": "turnout",
    "candidates_per_seat": "candidates per seat",
    "enc": "effective number of candidates",
    "margin": "winner's margin",
    "winner_median_distance": "winner-to-median distance",
    "retained_share": "incumbents retained",
    "retention_record_corr": "retention follows record (corr.)",
    "new_akim_share": "new akims (of winners)",
    "self_nominated_candidate_share": "self-nominated candidates",
    "rejected_share": "nominees not registered",
    "dominant_winner_share": "dominant-party winners",
    "self_nominated_winner_share": "self-nominated winners",
    "no_winner_share": "contests without a winner",
    "focus_on_voters": "akims' focus on voters",
    "loyalty_shown": "loyalty shown to the appointer",
    "performance": "akims' performance",
}


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN with fewer than 3 pairs or a constant variable."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.shape[0] < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def _mean(values: pd.Series) -> float:
    v = values.to_numpy(dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.shape[0] else math.nan


def contest_metrics(contests: pd.DataFrame) -> dict[str, float]:
    """The contest metrics of one group of contests (see the module docstring)."""
    c = contests
    out: dict[str, float] = {"contests": float(len(c))}
    if len(c) == 0:
        return out | {m: math.nan for m in CONTEST_METRICS if m != "contests"}
    popular = c["turnout"].notna()
    electorate = float(c.loc[popular, "electorate"].sum())
    out["turnout"] = float(c.loc[popular, "ballots"].sum()) / electorate if electorate else math.nan
    out["candidates_per_seat"] = _mean(c["n_candidates"])
    out["enc"] = _mean(c["enc"])
    out["margin"] = _mean(c["margin"])
    out["winner_median_distance"] = _mean(c["winner_median_distance"])
    regular = c[c["kind"] == "regular"]
    retained = regular["incumbent_reelected"].to_numpy(dtype=np.float64)
    out["retained_share"] = float(retained.mean()) if retained.shape[0] else math.nan
    out["retention_record_corr"] = _corr(
        retained, regular["incumbent_record"].to_numpy(dtype=np.float64))
    won = c[c["winner_id"] >= 0]
    out["new_akim_share"] = float((~won["incumbent_reelected"]).mean()) if len(won) else math.nan
    noms = np.concatenate([np.asarray(v, dtype=object) for v in c.loc[popular,
                           "candidate_nominations"]]) if popular.any() else np.array([])
    out["self_nominated_candidate_share"] = (
        float(np.mean(noms == "self")) if noms.shape[0] else math.nan)
    nominated = float(c.loc[popular, "nominated"].sum())
    out["rejected_share"] = (
        1.0 - float(c.loc[popular, "n_candidates"].sum()) / nominated if nominated else math.nan)
    out["dominant_winner_share"] = _mean(won["winner_dominant"].astype(float)) \
        if len(won) else math.nan
    out["self_nominated_winner_share"] = _mean(won["winner_nomination"].eq("self").astype(float)) \
        if len(won) else math.nan
    out["no_winner_share"] = float((c["winner_id"] < 0).mean())
    return out


def office_metrics(offices: pd.DataFrame) -> dict[str, float]:
    """The office-year metrics of one group of office holders."""
    if len(offices) == 0:
        return {m: math.nan for m in OFFICE_METRICS}
    return {
        "focus_on_voters": _mean(offices["focus"]),
        "loyalty_shown": _mean(offices["loyalty_shown"]),
        "performance": _mean(offices["performance"]),
    }


def pooled_metrics(contests: pd.DataFrame, offices: pd.DataFrame, by: Sequence[str],
                   years: tuple[int, int] | None = None,
                   office_regime: str = "unit_regime") -> pd.DataFrame:
    """Every metric per group of ``by`` columns, pooled over the years in ``years``.

    ``by`` names columns present in both tables (e.g. ``["seed", "arm", "tier"]``);
    a ``regime`` key is matched to the offices' ``office_regime`` column. Returns one
    row per group with the ``by`` columns first, then :data:`METRICS`.
    """
    by = list(by)
    c, o = contests, offices
    if years is not None:
        c = c[(c["year"] >= years[0]) & (c["year"] <= years[1])]
        o = o[(o["year"] >= years[0]) & (o["year"] <= years[1])]
    if "regime" in by and "regime" not in o.columns:
        o = o.rename(columns={office_regime: "regime"})
    rows: dict[tuple[object, ...], dict[str, object]] = {}
    for key, part in c.groupby(by, sort=True, observed=True, dropna=False):
        k = key if isinstance(key, tuple) else (key,)
        rows.setdefault(k, dict(zip(by, k, strict=True))).update(contest_metrics(part))
    for key, part in o.groupby(by, sort=True, observed=True, dropna=False):
        k = key if isinstance(key, tuple) else (key,)
        rows.setdefault(k, dict(zip(by, k, strict=True))).update(office_metrics(part))
    frame = pd.DataFrame(list(rows.values()))
    for m in METRICS:
        if m not in frame.columns:
            frame[m] = math.nan
    frame["contests"] = frame["contests"].fillna(0).astype(np.int64)
    return frame[[*by, *METRICS]].sort_values(by, kind="stable").reset_index(drop=True)


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


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """A result table as CSV, floats to 6 significant digits (what the experiments commit)."""
    frame.to_csv(path, index=False, float_format="%.6g")


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


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table of ``frame`` with floats rounded to ``digits``."""
    return frame.to_markdown(index=False, floatfmt=f".{digits}f")
