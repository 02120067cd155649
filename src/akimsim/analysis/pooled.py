"""Metrics pooled over a window of years and a group of contests or office-years.

Functions here take the tidy tables a run writes (``contests``, ``offices``), usually
collected from many jobs of a sweep (:func:`akimsim.edge.sweep.collect`), and return
tidy tables.

The metrics of one group (e.g. one seed x arm x tier) are:

==============================  ==============================================================
``contests``                    contests held (all kinds)
``turnout``                     ballots / electorate over popular votes (NaN without any)
``candidates_per_seat``         registered candidates per election (NaN under appointment)
``enc``                         mean effective number of candidates (Laakso-Taagepera;
                                first preferences in popular votes, deputies' votes in
                                councils; NaN under appointment)
``margin``                      mean winner's lead over the runner-up (share of ballots)
``runoff_share``                share of popular votes counted in more than one round
``winner_median_distance``      mean distance between the winner and the unit's median voter
``retained_share``              share of regular term ends at which the sitting akim keeps
                                the post (by re-election or re-appointment)
``retention_record_corr``       correlation between being retained and the incumbent's
                                record (mean performance over the term) at regular term
                                ends: how strongly retention follows performance
``retention_delivery_corr``     the same with the votes the incumbent's unit delivered to
                                the dominant party (NaN where none was measured: rural
                                units)
``new_akim_share``              share of winners who did not hold the post just before
``self_nominated_candidate_share``  self-nominated share of registered candidates
``rejected_share``              share of nominees not registered (direct races)
``dominant_winner_share``       dominant party's share of winners
``self_nominated_winner_share`` self-nominated share of winners
``no_winner_share``             share of contests without a winner
``focus_on_voters``             mean share of akims' effort given to voters (office-years)
``loyalty_shown``               mean loyalty shown to the appointer (office-years)
``performance``                 mean performance signal of office holders (office-years)
``competence``                  mean competence of office holders (office-years): whom the
                                selection puts in office
==============================  ==============================================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from akimsim import glossary
from akimsim.analysis.measures import MEASURES, MeasureContext
from akimsim.config import ContestKind, RegimeName

CONTEST_METRICS: tuple[str, ...] = (
    "contests", "turnout", "candidates_per_seat", "enc", "margin", "runoff_share",
    "winner_median_distance",
    "retained_share", "retention_record_corr", "retention_delivery_corr", "new_akim_share",
    "self_nominated_candidate_share", "rejected_share", "dominant_winner_share",
    "self_nominated_winner_share", "no_winner_share",
)
OFFICE_METRICS: tuple[str, ...] = ("focus_on_voters", "loyalty_shown", "performance",
                                   "competence")
METRICS: tuple[str, ...] = CONTEST_METRICS + OFFICE_METRICS

#: The metrics the regime experiments compare (turnout, competitiveness, representation,
#: retention and accountability).
COMPARISON_METRICS: tuple[str, ...] = (
    "turnout", "enc", "margin", "winner_median_distance", "retained_share",
    "retention_record_corr", "retention_delivery_corr", "new_akim_share",
    "dominant_winner_share", "focus_on_voters", "loyalty_shown", "performance", "competence",
)

#: Labels for figures and tables: the glossary's (akimsim.glossary), so a measure is
#: called the same everywhere; one set by an assumption says so in its label.
METRIC_LABELS: dict[str, str] = {m: glossary.label(m) for m in METRICS}


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
    """The contest metrics of one group of contests (see the module docstring).

    Those that a target can also name are the measures of
    :mod:`akimsim.analysis.measures`, computed by the same functions."""
    c = contests
    out: dict[str, float] = {"contests": float(len(c))}
    if len(c) == 0:
        return out | {m: math.nan for m in CONTEST_METRICS if m != "contests"}
    ctx = MeasureContext()

    def measure(name: str, rows: pd.DataFrame = c) -> float:
        return MEASURES[name](rows, ctx)

    popular = c["turnout"].notna()
    out["turnout"] = measure("turnout")
    # elections only: an appointer's shortlist is not a race (akimsim.glossary)
    out["candidates_per_seat"] = _mean(c["n_candidates"].where(
        c["regime"] != RegimeName.appointment.value))
    out["enc"] = _mean(c["enc"])
    out["margin"] = measure("margin")
    rounds = c.loc[popular & (c["rounds"] > 0), "rounds"].to_numpy(dtype=np.float64)
    out["runoff_share"] = float((rounds > 1).mean()) if rounds.shape[0] else math.nan
    out["winner_median_distance"] = _mean(c["winner_median_distance"])
    regular = c[c["kind"] == ContestKind.regular.value]
    retained = regular["incumbent_reelected"].to_numpy(dtype=np.float64)
    out["retained_share"] = float(retained.mean()) if retained.shape[0] else math.nan
    out["retention_record_corr"] = _corr(
        retained, regular["incumbent_record"].to_numpy(dtype=np.float64))
    delivery = regular["incumbent_delivery"].to_numpy(dtype=np.float64) \
        if "incumbent_delivery" in regular else np.zeros(len(regular))
    out["retention_delivery_corr"] = _corr(retained, np.where(delivery != 0, delivery, np.nan))
    out["new_akim_share"] = measure("new_winner_share")
    out["self_nominated_candidate_share"] = measure("self_nominated_candidate_share")
    out["rejected_share"] = 1.0 - measure("registered_share", c[popular])
    out["dominant_winner_share"] = measure("dominant_winner_share")
    out["self_nominated_winner_share"] = measure("self_nominated_winner_share")
    out["no_winner_share"] = measure("no_winner_share")
    return out


def office_metrics(offices: pd.DataFrame) -> dict[str, float]:
    """The office-year metrics of one group of office holders."""
    if len(offices) == 0:
        return {m: math.nan for m in OFFICE_METRICS}
    return {
        "focus_on_voters": _mean(offices["focus"]),
        "loyalty_shown": _mean(offices["loyalty_shown"]),
        "performance": _mean(offices["performance"]),
        "competence": _mean(offices["competence"]),
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
