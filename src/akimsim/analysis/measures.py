"""Named measures of a run's contest table, for comparing the model with observed figures.

Each measure is a function of the contests selected for one figure (a tier, a regime,
a window of years, optionally a contest kind and a region) and of a
:class:`MeasureContext` (which party is dominant, the scale of the run, the units'
regions). :data:`MEASURES` is the registry the targets file names its metrics from
(:mod:`akimsim.calibration.targets`); ``akimsim validate --list-metrics`` prints it.

Shares are over the contests where the measure is defined and NaN where none is
(for example the turnout of appointments). Popular votes are the contests with a
turnout (direct elections); councils' and appointers' decisions have none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from akimsim.config import Nomination

#: contest-table columns the measures read
COLUMNS: tuple[str, ...] = (
    "year", "unit_id", "tier", "regime", "rule", "kind", "status", "n_candidates",
    "nominated", "candidate_ids",
    "candidate_parties", "candidate_nominations", "votes", "against_all",
    "electorate", "ballots", "turnout", "winner_id", "winner_dominant", "winner_nomination",
    "margin", "incumbent_ran", "incumbent_reelected", "tie",
)


@dataclass(frozen=True)
class MeasureContext:
    """What a measure needs besides the contests.

    ``dominant_party`` names the dominant party (None: no party is dominant);
    ``scale`` is the run's share of the registered voters (counts of voters are
    divided by it); ``region_of`` maps a unit id to its region's id and
    ``region_names`` a region's id to its name.
    """

    dominant_party: str | None = None
    scale: float = 1.0
    region_of: Mapping[str, str] = field(default_factory=dict)
    region_names: Mapping[str, str] = field(default_factory=dict)

    def region_id(self, region: str) -> str:
        """A region's id from its id or its name (case-insensitive); KeyError if neither."""
        if region in self.region_names:
            return region
        lowered = region.strip().lower()
        for rid, name in self.region_names.items():
            if rid.lower() == lowered or name.lower() == lowered:
                return rid
        raise KeyError(region)


Fn = Callable[[pd.DataFrame, MeasureContext], float]


@dataclass(frozen=True)
class Measure:
    """A named measure: its function and one line saying what it is."""

    name: str
    description: str
    fn: Fn
    #: the values the measure can take (a share lies in [0, 1]); intervals are clipped to it
    bounds: tuple[float, float] = (0.0, 1.0)

    def __call__(self, contests: pd.DataFrame, ctx: MeasureContext) -> float:
        return float(self.fn(contests, ctx))


#: the registry, by name
MEASURES: dict[str, Measure] = {}


def measure(name: str, description: str,
            bounds: tuple[float, float] = (0.0, 1.0)) -> Callable[[Fn], Fn]:
    """Register a measure under ``name`` (a decorator); ``bounds`` are the values it can
    take (default: a share)."""

    def register(fn: Fn) -> Fn:
        if name in MEASURES:
            raise ValueError(f"measure {name!r} is registered twice")
        MEASURES[name] = Measure(name, description, fn, bounds)
        return fn

    return register


# ----------------------------------------------------------------------------- helpers

def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def _share(flags: pd.Series | np.ndarray) -> float:
    v = np.asarray(flags, dtype=np.float64)
    return float(v.mean()) if v.shape[0] else math.nan


def _popular(c: pd.DataFrame) -> pd.DataFrame:
    """The popular votes: contests with a turnout (direct elections that were held)."""
    return c[c["turnout"].notna() & (c["electorate"] > 0)]


def _won(c: pd.DataFrame) -> pd.DataFrame:
    return c[c["winner_id"] >= 0]


def _flat(column: pd.Series) -> np.ndarray:
    """The concatenated entries of a list column (an empty object array if none)."""
    parts = [np.asarray(v, dtype=object) for v in column]
    return np.concatenate(parts) if parts else np.array([], dtype=object)


def _winner_votes(c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each contest of ``c``: the winner's votes, the best other option's (the other
    candidates and "against all"), and whether the contest has both a winner and a vote
    count per candidate (the first two arrays hold only those contests)."""
    won, best_other, used = [], [], []
    for votes, against, ids, winner in zip(c["votes"], c["against_all"], c["candidate_ids"],
                                           c["winner_id"], strict=True):
        v = np.asarray(votes, dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        at = np.flatnonzero(ids == winner) if winner >= 0 else np.array([], dtype=np.int64)
        ok = v.shape[0] > 0 and v.shape[0] == ids.shape[0] and at.shape[0] == 1
        used.append(ok)
        if not ok:
            continue
        others = np.delete(v, at[0])
        won.append(int(v[at[0]]))
        best_other.append(max(int(others.max()) if others.shape[0] else 0, int(against)))
    return (np.asarray(won, dtype=np.int64), np.asarray(best_other, dtype=np.int64),
            np.asarray(used, dtype=bool))


# ----------------------------------------------------------------------------- registry

@measure("contests", "number of contests held (of every kind; independent of scale)",
         bounds=(0.0, math.inf))
def _contests(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return float(len(c))


@measure("turnout", "ballots cast over registered voters, pooled over the popular votes")
def _turnout(c: pd.DataFrame, ctx: MeasureContext) -> float:
    p = _popular(c)
    return _ratio(float(p["ballots"].sum()), float(p["electorate"].sum()))


@measure("candidates_per_post", "registered candidates per contest (mean over contests "
                                "with at least one nominee)",
         bounds=(0.0, math.inf))
def _candidates_per_post(c: pd.DataFrame, ctx: MeasureContext) -> float:
    n = c.loc[c["nominated"] > 0, "n_candidates"].to_numpy(dtype=np.float64)
    return float(n.mean()) if n.shape[0] else math.nan


@measure("registered_share", "registered candidates over nominees, pooled (1 minus the "
                             "share rejected at registration)")
def _registered_share(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _ratio(float(c["n_candidates"].sum()), float(c["nominated"].sum()))


@measure("self_nominated_candidate_share", "self-nominated share of registered candidates "
                                           "(popular votes)")
def _self_candidates(c: pd.DataFrame, ctx: MeasureContext) -> float:
    noms = _flat(_popular(c)["candidate_nominations"])
    return _share(noms == Nomination.self.value)


@measure("dominant_nominee_share", "the dominant party's share of party-nominated candidates "
                                   "(popular votes)")
def _dominant_nominees(c: pd.DataFrame, ctx: MeasureContext) -> float:
    p = _popular(c)
    noms, parties = _flat(p["candidate_nominations"]), _flat(p["candidate_parties"])
    party = parties[noms == Nomination.party.value]
    if ctx.dominant_party is None:
        return 0.0 if party.shape[0] else math.nan
    return _share(party == ctx.dominant_party)


@measure("dominant_winner_share", "the dominant party's share of winners")
def _dominant_winners(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(_won(c)["winner_dominant"])


@measure("self_nominated_winner_share", "self-nominated share of winners")
def _self_winners(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(_won(c)["winner_nomination"] == Nomination.self.value)


@measure("incumbent_reselected_share", "share of the sitting akims who stood again and "
                                       "were selected again")
def _reselected(c: pd.DataFrame, ctx: MeasureContext) -> float:
    stood = c[c["incumbent_ran"]]
    return _share(stood["incumbent_reelected"])


@measure("incumbent_winner_share", "share of winners who held the post just before "
                                   "(the sitting akim kept it)")
def _incumbent_winners(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(_won(c)["incumbent_reelected"])


@measure("new_winner_share", "share of winners who did not hold the post just before (posts "
                             "changing hands); the model does not know earlier holders, so "
                             "'new to the post' figures are read as this")
def _new_winners(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(~_won(c)["incumbent_reelected"].astype(bool))


@measure("no_winner_share", "share of contests without a winner (no candidate, 'against all' "
                            "first, a failed council or consent vote)")
def _no_winner(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(c["winner_id"] < 0)


@measure("winner_vote_share", "winner's votes over ballots (deputies' votes in councils), "
                              "mean over contests with a winner and a vote")
def _winner_vote_share(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _winner_share_of(c[(c["ballots"] > 0) & (c["rule"] != "appointer")], "ballots")


def _winner_share_of(c: pd.DataFrame, column: str) -> float:
    """The mean over contests of the winner's votes over ``column`` (ballots, deputies)."""
    won, _, used = _winner_votes(c)
    base = c.loc[used, column].to_numpy(dtype=np.float64)
    return float(np.mean(won / base)) if won.shape[0] else math.nan


@measure("consent_winner_share", "in a maslikhats' consent vote, the share of deputies "
                                 "voting for the appointee, mean over consent votes")
def _consent_share(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _winner_share_of(c[(c["rule"] == "consent") & (c["electorate"] > 0)], "electorate")


@measure("against_all_share", "'against all' ballots over ballots cast, pooled over the "
                              "popular votes")
def _against_all(c: pd.DataFrame, ctx: MeasureContext) -> float:
    p = _popular(c)
    return _ratio(float(p["against_all"].sum()), float(p["ballots"].sum()))


@measure("one_vote_share", "share of contests with a winner and a vote count decided by at "
                           "most one vote (a tie broken by lot included)")
def _one_vote(c: pd.DataFrame, ctx: MeasureContext) -> float:
    won, other, _ = _winner_votes(c[c["rule"] != "appointer"])
    return _share(won - other <= 1)


@measure("tie_share", "share of contests in which a tie had to be broken (by lot or by a "
                      "repeated vote)")
def _ties(c: pd.DataFrame, ctx: MeasureContext) -> float:
    return _share(c["tie"])


@measure("margin", "winner's lead over the best other option as a share of ballots, mean over "
                   "contests with a winner and a vote",
         bounds=(-1.0, 1.0))
def _margin(c: pd.DataFrame, ctx: MeasureContext) -> float:
    m = c["margin"].to_numpy(dtype=np.float64)
    m = m[np.isfinite(m)]
    return float(m.mean()) if m.shape[0] else math.nan


@measure("electorate_per_post", "registered voters per popular vote (mean; divided by the "
                                "run's scale, so in real voters)",
         bounds=(0.0, math.inf))
def _electorate(c: pd.DataFrame, ctx: MeasureContext) -> float:
    e = _popular(c)["electorate"].to_numpy(dtype=np.float64)
    return float(e.mean()) / ctx.scale if e.shape[0] else math.nan


@measure("turnout_log_electorate_slope", "least-squares slope of a popular vote's turnout "
                                         "against the natural log of its electorate (negative: "
                                         "turnout falls as the electorate grows)",
         bounds=(-math.inf, math.inf))
def _turnout_slope(c: pd.DataFrame, ctx: MeasureContext) -> float:
    p = _popular(c)
    x = np.log(p["electorate"].to_numpy(dtype=np.float64))
    y = p["turnout"].to_numpy(dtype=np.float64)
    if x.shape[0] < 3 or np.ptp(x) == 0:
        return math.nan
    xc = x - x.mean()
    return float(np.dot(xc, y - y.mean()) / np.dot(xc, xc))


@measure("turnout_region_spread", "highest minus lowest regional turnout (each region's "
                                  "popular votes pooled)")
def _turnout_spread(c: pd.DataFrame, ctx: MeasureContext) -> float:
    p = _popular(c)
    if len(p) == 0:
        return math.nan
    regions = p["unit_id"].map(ctx.region_of)
    if regions.isna().any():
        raise KeyError("turnout_region_spread: units without a region: "
                       f"{sorted(set(p.loc[regions.isna(), 'unit_id']))[:5]}")
    sums = p.groupby(regions.to_numpy())[["ballots", "electorate"]].sum()
    rates = sums["ballots"] / sums["electorate"]
    return float(rates.max() - rates.min())


# ----------------------------------------------------------------------------- selection

def select(contests: pd.DataFrame, ctx: MeasureContext, *, tier: str | None = None,
           regime: str | None = None, years: Sequence[int] | None = None,
           kind: str | None = None, region: str | None = None) -> pd.DataFrame:
    """The contests of one figure: a tier, a regime, an inclusive window of years, a kind
    of contest and a region (its id or name), each optional."""
    ok = np.ones(len(contests), dtype=bool)
    if tier is not None:
        ok &= (contests["tier"] == tier).to_numpy()
    if regime is not None:
        ok &= (contests["regime"] == regime).to_numpy()
    if years is not None:
        first, last = years
        y = contests["year"].to_numpy()
        ok &= (y >= first) & (y <= last)
    if kind is not None:
        ok &= (contests["kind"] == kind).to_numpy()
    if region is not None:
        rid = ctx.region_id(region)
        ok &= (contests["unit_id"].map(ctx.region_of) == rid).to_numpy()
    return contests[ok]


def describe() -> pd.DataFrame:
    """The registry as a table: name and description, in registration order."""
    return pd.DataFrame([{"metric": m.name, "description": m.description}
                         for m in MEASURES.values()])
