"""Experiment analysis by hand: pooled metrics, paired differences, observed gaps, and the
council signature filter of the Russia scenario."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from akimsim.agents import Traits
from akimsim.agents.behaviour.entry import council_filter
from akimsim.analysis import against_observed, contest_metrics, mean_ci, paired_differences


def _contests() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2021, 2021, 2022, 2022],
        "kind": ["regular", "regular", "regular", "rerun"],
        "regime": ["direct", "direct", "appointment", "direct"],
        "rounds": [1, 2, 0, 1],
        "turnout": [0.5, 0.8, math.nan, 0.4],
        "electorate": [100, 300, 10, 100],
        "ballots": [50, 240, 10, 40],
        "n_candidates": [3, 2, 2, 1],
        "nominated": [4, 2, 0, 1],
        "candidate_nominations": [["party", "self", "self"], ["party", "self"],
                                  ["appointer", "appointer"], ["self"]],
        "enc": [2.0, 1.5, math.nan, 1.0],
        "margin": [0.1, 0.3, math.nan, 0.2],
        "winner_median_distance": [0.2, 0.4, 0.6, 0.8],
        "incumbent_reelected": [True, False, True, False],
        "incumbent_record": [1.0, -1.0, 0.5, 0.0],
        "incumbent_delivery": [2.0, -1.0, 0.0, 3.0],
        "winner_id": [10, 11, 12, -1],
        "winner_dominant": [True, False, True, False],
        "winner_nomination": ["party", "self", "appointer", ""],
    })


def test_contest_metrics_by_hand():
    m = contest_metrics(_contests())
    assert m["contests"] == 4
    assert m["turnout"] == pytest.approx((50 + 240 + 40) / (100 + 300 + 100))
    assert m["candidates_per_seat"] == pytest.approx((3 + 2 + 1) / 3)  # not the shortlist
    assert m["runoff_share"] == pytest.approx(1 / 3)  # of the three popular votes
    assert m["enc"] == pytest.approx(1.5)
    assert m["retained_share"] == pytest.approx(2 / 3)  # regular term ends only
    expected = np.corrcoef([1.0, 0.0, 1.0], [1.0, -1.0, 0.5])[0, 1]
    assert m["retention_record_corr"] == pytest.approx(expected)
    # the third regular contest has no delivery measured (0: a rural unit): two pairs only
    assert math.isnan(m["retention_delivery_corr"])
    four = pd.concat([_contests(), _contests().iloc[:2].assign(incumbent_delivery=[1.0, 0.5])])
    got = contest_metrics(four)["retention_delivery_corr"]
    assert got == pytest.approx(np.corrcoef([1, 0, 1, 0], [2.0, -1.0, 1.0, 0.5])[0, 1])
    assert m["new_akim_share"] == pytest.approx(1 / 3)  # of the three with a winner
    assert m["self_nominated_candidate_share"] == pytest.approx(4 / 6)  # popular votes
    assert m["rejected_share"] == pytest.approx(1 - 6 / 7)
    assert m["dominant_winner_share"] == pytest.approx(2 / 3)
    assert m["self_nominated_winner_share"] == pytest.approx(1 / 3)
    assert m["no_winner_share"] == pytest.approx(1 / 4)


def test_contest_metrics_of_nothing_are_nan():
    m = contest_metrics(_contests().iloc[:0])
    assert m["contests"] == 0
    assert all(math.isnan(v) for k, v in m.items() if k != "contests")


def test_paired_differences_match_a_paired_t_test():
    rng = np.random.default_rng(3)
    base = rng.normal(size=8)
    table = pd.DataFrame({
        "seed": np.tile(np.arange(8), 2),
        "arm": ["a"] * 8 + ["b"] * 8,
        "x": np.concatenate([base, base + 0.5 + rng.normal(scale=0.1, size=8)]),
    })
    d = paired_differences(table, "arm", "a", metrics=["x"]).iloc[0]
    diff = table.x[8:].to_numpy() - table.x[:8].to_numpy()
    assert d["difference"] == pytest.approx(diff.mean())
    assert d["p_value"] == pytest.approx(stats.ttest_rel(table.x[8:], table.x[:8]).pvalue)
    lo, hi = stats.t.interval(0.95, 7, loc=diff.mean(), scale=stats.sem(diff))
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((lo, hi))
    assert d["pairs"] == 8


def test_paired_differences_drop_undefined_pairs_and_name_missing_reference():
    table = pd.DataFrame({"seed": [0, 1, 0, 1], "arm": ["a", "a", "b", "b"],
                          "x": [1.0, math.nan, 2.0, 3.0]})
    d = paired_differences(table, "arm", "a", metrics=["x"]).iloc[0]
    assert d["pairs"] == 1
    assert d["difference"] == 1.0
    assert math.isnan(d["ci_low"])
    with pytest.raises(ValueError, match="arms are"):
        paired_differences(table, "arm", "zzz", metrics=["x"])


def test_mean_ci_and_observed_gap():
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0
    assert lo < 2.0 < hi
    sim = pd.DataFrame({"turnout": [0.70, 0.71, 0.72], "share": [0.8, 0.8, 0.8]})
    table = against_observed(sim, {"turnout": (0.791, 0.791), "share": (0.75, 0.86)})
    assert table.loc[0, "gap"] == pytest.approx(0.71 - 0.791)  # interval 0.685-0.735
    assert table.loc[1, "gap"] == 0.0
    assert bool(table.loc[1, "overlaps"])
    assert not bool(table.loc[0, "overlaps"])


def _t(x: float, party: int) -> Traits:
    return Traits(x=x, y=0.0, competence=0.0, loyalty=0.0, party=party)


def test_council_filter_by_hand():
    # 10 deputies: 7 of party 0 at x=0, 3 non-party at x=1
    xy = np.array([[0.0, 0.0]] * 7 + [[1.0, 0.0]] * 3)
    party = np.array([0] * 7 + [-1] * 3)
    nominees = [_t(-0.5, 0), _t(0.9, -1), _t(2.0, 1)]
    nxy = np.array([[t.x, t.y] for t in nominees])
    nparty = np.array([t.party for t in nominees])
    # party 0's deputies sign for its nominee; non-party ones for the nearest (x=0.9);
    # party 1's nominee has no deputies of its own and is nobody's nearest
    assert council_filter(nxy, nparty, xy, party, 0.2).tolist() == [True, True, False]
    assert council_filter(nxy, nparty, xy, party, 0.35).tolist() == [True, False, False]
    assert council_filter(nxy, nparty, xy, party, 0.0).tolist() == [True, True, True]
    assert council_filter(np.zeros((0, 2)), np.zeros(0, np.int64), xy, party, 0.1).shape == (0,)
    none = council_filter(nxy, nparty, np.zeros((0, 2)), np.zeros(0, dtype=np.int64), 0.1)
    assert none.tolist() == [False, False, False]


def test_office_metrics_by_hand():
    from akimsim.analysis.pooled import office_metrics

    offices = pd.DataFrame({"focus": [0.2, 0.4], "loyalty_shown": [1.0, 3.0],
                            "performance": [0.5, 1.5], "competence": [-1.0, 2.0]})
    m = office_metrics(offices)
    assert m == pytest.approx({"focus_on_voters": 0.3, "loyalty_shown": 2.0,
                               "performance": 1.0, "competence": 0.5})
