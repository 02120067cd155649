"""Named reporters: the contest table, the office table and the yearly summary.

Each is a plain function of a run's :class:`~akimsim.records.RunRecord` (the model's
``contest_table`` and friends call them); per-contest measures are small functions of
one outcome so tests can check them by hand. :func:`voter_table` reads a model's voters.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from akimsim.config import TIERS, Nomination, RegimeName, SelectionMethod, Status
from akimsim.records import RunRecord

if TYPE_CHECKING:
    from akimsim.model import AkimModel

NON_PARTY = "non-party"


def effective_number(votes: Sequence[int]) -> float:
    """Laakso-Taagepera effective number of candidates: 1 / sum of squared vote shares.

    Over candidates only ("against all" excluded); NaN when no candidate got a vote.
    """
    v = np.asarray(votes, dtype=np.float64)
    total = v.sum()
    if total <= 0:
        return math.nan
    shares = v / total
    return float(1.0 / np.sum(shares * shares))


def margin(votes: Sequence[int], against_all: int, winner: int, basis: int) -> float:
    """Winner's lead over the best other option, as a share of ``basis`` ballots.

    The other options include "against all". NaN when there is no winner or no basis.
    """
    if winner < 0 or basis <= 0 or len(votes) == 0:
        return math.nan
    others = [int(v) for k, v in enumerate(votes) if k != winner] + [int(against_all)]
    return (int(votes[winner]) - max(others)) / basis


#: the Parquet type of the contest table's ``ties`` column (a list of tie records)
TIES_TYPE = pa.list_(pa.struct([
    ("round", pa.int64()), ("stage", pa.string()), ("tied", pa.list_(pa.int64())),
    ("lots", pa.list_(pa.float64())), ("chosen", pa.list_(pa.int64())),
]))
#: column types the tables must have even when no row fills them
TABLE_TYPES: dict[str, dict[str, pa.DataType]] = {"contests": {"ties": TIES_TYPE}}


CONTEST_COLUMNS = [
    "year", "unit_id", "unit_name", "region_id", "region_name", "tier", "regime", "rule",
    "kind", "status", "n_candidates", "considered", "stood", "nominated", "technical",
    "candidate_ids", "candidate_parties",
    "candidate_nominations", "candidate_x", "candidate_y", "votes", "first_preferences",
    "against_all", "first_round_votes", "rounds",
    "electorate", "ballots", "turnout", "winner_id", "winner_party", "winner_nomination",
    "winner_dominant", "margin", "enc", "winner_median_distance", "incumbent_ran",
    "incumbent_reelected", "incumbent_record", "incumbent_delivery", "tie", "ties",
]
_INT_COLUMNS = ["year", "n_candidates", "considered", "stood", "nominated", "technical",
                "against_all", "rounds", "electorate", "ballots", "winner_id"]
_FLAG_COLUMNS = ["winner_dominant", "incumbent_ran", "incumbent_reelected", "tie"]
#: a count below every real one, to mask a winner out of a maximum
_FLOOR = np.int64(-(2**62))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a table's many small (acyclic) lists
    are made: its passes over every live object would otherwise take half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _split(flat: list[Any], start: list[int]) -> list[list[Any]]:
    return [flat[a:b] for a, b in pairwise(start)]


def _segment_sum_in_order(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Each segment's sum, added as ``np.sum`` adds a short array (left to right, for
    fewer than eight values; ``np.sum`` itself for longer segments)."""
    counts = np.diff(start)
    c = counts.shape[0]
    total = np.zeros(c)
    short = counts < 8
    for j in range(int(counts[short].max(initial=0))):  # slots, not contests
        has = short & (counts > j)
        idx = np.flatnonzero(has)
        total[idx] = total[idx] + values[start[idx] + j]
    for j in np.flatnonzero(~short).tolist():
        total[j] = float(np.sum(values[start[j]:start[j + 1]]))
    return total


def _at(values: np.ndarray, rows: np.ndarray, fill: Any) -> np.ndarray:
    """``values[rows]``, or ``fill`` everywhere when there are no values at all."""
    return values[rows] if values.shape[0] else np.full(rows.shape[0], fill)


def _batch_columns(batch: Any, terr: Any, names: list[str], dominant: int) -> dict[str, Any]:
    """The contest table's columns for one batch of contests, as arrays and lists."""
    cols = batch.columns
    c = cols.n
    start = cols.cand_start
    counts = np.diff(start)
    post = np.repeat(np.arange(c), counts)
    first_row = start[:-1]
    popular = cols.regime == RegimeName.direct
    council_vote = cols.regime == RegimeName.indirect
    party_names = np.asarray([*names, NON_PARTY], dtype=object)
    cand_party = party_names[np.where(cols.party < 0, len(names), cols.party)]
    nomination = [n.value for n in cols.nomination]
    win = cols.winner
    has_win = win >= 0
    win_row = np.where(has_win, first_row + np.maximum(win, 0), 0)
    # competitiveness is measured on first preferences in popular votes
    use_prefs = (cols.has_first_preferences & (counts > 0)) if popular else np.zeros(c, bool)
    basis = np.where(use_prefs[post], cols.first_preferences, cols.votes)
    has_basis = (use_prefs | cols.has_votes) & (counts > 0)
    ballots = cols.ballots
    margin = np.full(c, np.nan)
    enc = np.full(c, np.nan)
    if popular or council_vote:
        masked = np.where(np.arange(post.shape[0]) == win_row[post], _FLOOR, basis)
        other = np.full(c, _FLOOR)
        if post.shape[0]:
            other[counts > 0] = np.maximum.reduceat(masked, first_row[counts > 0])
        other = np.maximum(other, cols.against_all)
        ok = has_win & (ballots > 0) & has_basis
        lead = _at(basis, win_row, 0) - other
        margin[ok] = lead[ok] / ballots[ok]
        voted = np.array([r != SelectionMethod.appointer for r in cols.rule], dtype=bool)
        total = np.zeros(c)
        if post.shape[0]:
            sums = np.add.reduceat(basis.astype(np.float64), first_row[counts > 0])
            total[counts > 0] = sums
        ok = voted & has_basis & (total > 0)
        shares = basis / np.where(total > 0, total, 1.0)[post]
        squares = _segment_sum_in_order(shares * shares, start)
        enc[ok] = 1.0 / squares[ok]
    median = batch.unit_median.tolist()
    xs, ys = cols.x.tolist(), cols.y.tolist()
    distance = [math.hypot(xs[r] - m[0], ys[r] - m[1]) if w else math.nan
                for w, r, m in zip(has_win.tolist(), win_row.tolist(), median, strict=True)]
    inc_rows = np.flatnonzero(cols.incumbent)
    inc_slot = np.full(c, -1, dtype=np.int64)
    inc_slot[post[inc_rows][::-1]] = (inc_rows - first_row[post[inc_rows]])[::-1]
    electorate = cols.electorate
    status = [st.value for st in cols.status]
    valid_turnout = popular & (electorate > 0) & np.array(
        [st != Status.no_candidates for st in cols.status], dtype=bool)
    turnout = np.full(c, np.nan)
    turnout[valid_turnout] = ballots[valid_turnout] / electorate[valid_turnout]
    starts = start.tolist()
    empty: list[Any] = []
    votes = _split(cols.votes.tolist(), starts)
    prefs = _split(cols.first_preferences.tolist(), starts)
    first = _split(cols.first_round.tolist(), starts)
    ties = [[t.as_record() for t in cols.ties.get(j, ())] for j in range(c)]
    win_party = np.where(has_win, _at(cand_party, win_row, ""), "")
    win_nom = [nomination[r] if w else "" for w, r in zip(has_win.tolist(), win_row.tolist(),
                                                            strict=True)]
    unit = cols.unit
    return {
        "year": np.full(c, cols.year, dtype=np.int64),
        "unit_id": np.asarray(terr.unit_id, dtype=object)[unit],
        "unit_name": np.asarray(terr.name, dtype=object)[unit],
        **region_columns(terr, unit),
        "tier": [cols.tier.value] * c,
        "regime": [cols.regime.value] * c,
        "rule": [r.value for r in cols.rule],
        "kind": [k.value for k in cols.kind],
        "status": status,
        "n_candidates": counts.astype(np.int64),
        "considered": (cols.stages[:, 0] if popular else counts).astype(np.int64),
        "stood": (cols.stages[:, 1] if popular else counts).astype(np.int64),
        "nominated": (cols.nominated if popular else counts).astype(np.int64),
        "technical": (cols.stages[:, 2] if popular else np.zeros(c)).astype(np.int64),
        "candidate_ids": _split(cols.candidate_id.tolist(), starts),
        "candidate_parties": _split(cand_party.tolist(), starts),
        "candidate_nominations": _split(nomination, starts),
        "candidate_x": _split(xs, starts),
        "candidate_y": _split(ys, starts),
        "votes": [v if h else empty[:] for v, h in zip(votes, cols.has_votes.tolist(),
                                                       strict=True)],
        "first_preferences": [p if h else empty[:] for p, h in zip(
            prefs, cols.has_first_preferences.tolist(), strict=True)],
        "against_all": cols.against_all.astype(np.int64),
        "first_round_votes": [f if h else empty[:] for f, h in zip(
            first, cols.has_first_round.tolist(), strict=True)],
        "rounds": cols.rounds.astype(np.int64),
        "electorate": electorate.astype(np.int64),
        "ballots": ballots.astype(np.int64),
        "turnout": turnout,
        "winner_id": np.where(has_win, _at(cols.candidate_id, win_row, -1), -1).astype(np.int64),
        "winner_party": win_party.tolist(),
        "winner_nomination": win_nom,
        "winner_dominant": has_win & (dominant >= 0) & (
            np.where(has_win, _at(cols.party, win_row, -1), -1) == dominant),
        "margin": margin,
        "enc": enc,
        "winner_median_distance": np.array(distance, dtype=np.float64),
        "incumbent_ran": inc_slot >= 0,
        "incumbent_reelected": (inc_slot >= 0) & (win == inc_slot),
        "incumbent_record": batch.incumbent_record.astype(np.float64),
        "incumbent_delivery": (np.zeros(c) if batch.incumbent_delivery is None
                               else batch.incumbent_delivery).astype(np.float64),
        "tie": np.array([j in cols.ties and len(cols.ties[j]) > 0 for j in range(c)],
                        dtype=bool),
        "ties": ties,
    }


def region_columns(terr: Any, unit: np.ndarray) -> dict[str, np.ndarray]:
    """``region_id`` and ``region_name`` of each unit's region (the unit for a region)."""
    region = terr.region[unit]
    return {"region_id": np.asarray(terr.unit_id, dtype=object)[region],
            "region_name": np.asarray(terr.name, dtype=object)[region]}


def contest_table(record: RunRecord) -> pd.DataFrame:
    """One row per contest (computed over each batch's columns at once; the same table as
    :func:`contest_table_by_contest`, which ``tests/test_batches.py`` checks it against).

    Columns: year, unit_id, unit_name, region_id and region_name (the region the unit
    lies in), tier, regime, rule, kind, status, n_candidates,
    considered, stood, nominated and technical (in a direct race, who could have stood,
    who decided to, who was nominated and the technical candidates added at registration;
    elsewhere the listed candidates and no technical one), candidate_ids,
    candidate_parties, candidate_nominations, candidate_x and candidate_y (platforms in the
    policy space), votes (the
    rule's final counts), first_preferences (popular votes), against_all,
    first_round_votes, rounds, electorate, ballots, turnout (popular votes only),
    winner_id, winner_party, winner_nomination, winner_dominant, margin and enc
    (effective number of candidates; on first preferences in popular votes, on
    deputies' votes in councils), winner_median_distance, incumbent_ran, incumbent_reelected,
    incumbent_record, incumbent_delivery (the votes the outgoing holder's unit delivered to
    the dominant party at the last council election), tie (whether a lot settled a tie)
    and ties (each tie as a record:
    round, stage, tied slots, their lots, the slots chosen).
    """
    if not record.batches:
        return contest_table_by_contest(record)
    with _collector_paused():
        return _contest_frame(record)


def _contest_frame(record: RunRecord) -> pd.DataFrame:
    parts = [_batch_columns(b, record.territory, record.party_names, record.dominant)
             for b in record.batches]
    data: dict[str, Any] = {}
    for name in CONTEST_COLUMNS:
        values = [p[name] for p in parts]
        if isinstance(values[0], np.ndarray) and values[0].dtype != object:
            data[name] = np.concatenate(values)
        else:
            data[name] = [v for part in values for v in part]
    frame = pd.DataFrame(data, columns=CONTEST_COLUMNS)
    frame[_INT_COLUMNS] = frame[_INT_COLUMNS].astype(np.int64)
    frame[_FLAG_COLUMNS] = frame[_FLAG_COLUMNS].astype(bool)
    return frame


def contest_table_by_contest(record: RunRecord) -> pd.DataFrame:
    """:func:`contest_table` computed contest by contest from each outcome record (the
    slow reference: plain per-contest arithmetic)."""
    terr = record.territory
    names = record.party_names
    dominant = record.dominant
    rows: list[dict[str, Any]] = []
    for rec in record.contests:
        out = rec.outcome
        parties = [names[p] if p >= 0 else NON_PARTY for p in out.candidate_parties]
        voted = out.rule != SelectionMethod.appointer
        popular = out.regime == RegimeName.direct
        win = out.winner
        if win >= 0:
            wx, wy = out.candidate_xy[win]
            dist = math.hypot(wx - rec.unit_median[0], wy - rec.unit_median[1])
        else:
            dist = math.nan
        council_vote = out.regime == RegimeName.indirect
        # competitiveness is measured on first preferences in popular votes
        basis = out.first_preferences if (popular and out.first_preferences) else out.votes
        rows.append({
            "year": out.year,
            "unit_id": terr.unit_id[out.unit],
            "unit_name": terr.name[out.unit],
            "region_id": terr.unit_id[terr.region[out.unit]],
            "region_name": terr.name[terr.region[out.unit]],
            "tier": out.tier.value,
            "regime": out.regime.value,
            "rule": out.rule.value,
            "kind": out.kind.value,
            "status": out.status.value,
            "n_candidates": len(out.candidate_ids),
            "considered": out.considered if popular else len(out.candidate_ids),
            "stood": out.stood if popular else len(out.candidate_ids),
            "nominated": out.nominated if popular else len(out.candidate_ids),
            "technical": out.technical if popular else 0,
            "candidate_ids": list(out.candidate_ids),
            "candidate_parties": parties,
            "candidate_nominations": [n.value for n in out.candidate_nominations],
            "candidate_x": [float(x) for x, _ in out.candidate_xy],
            "candidate_y": [float(y) for _, y in out.candidate_xy],
            "votes": list(out.votes),
            "against_all": out.against_all,
            "first_round_votes": list(out.first_round) if out.first_round else [],
            "rounds": out.rounds,
            "electorate": out.electorate,
            "ballots": out.ballots,
            "turnout": out.ballots / out.electorate
            if popular and out.electorate and out.status != Status.no_candidates else math.nan,
            "winner_id": out.winner_id if out.winner_id is not None else -1,
            "winner_party": parties[win] if win >= 0 else "",
            "winner_nomination": out.candidate_nominations[win].value if win >= 0 else "",
            "winner_dominant": win >= 0 and out.candidate_parties[win] == dominant
            and dominant >= 0,
            "first_preferences": list(out.first_preferences),
            "margin": margin(basis, out.against_all, win, out.ballots)
            if (popular or council_vote) else math.nan,
            "enc": effective_number(basis) if (voted and (popular or council_vote))
            else math.nan,
            "winner_median_distance": dist,
            "incumbent_ran": out.incumbent_slot >= 0,
            "incumbent_reelected": out.incumbent_slot >= 0 and win == out.incumbent_slot,
            "incumbent_record": rec.incumbent_record,
            "incumbent_delivery": rec.incumbent_delivery,
            "tie": len(out.ties) > 0,
            "ties": [t.as_record() for t in out.ties],
        })
    frame = pd.DataFrame(rows, columns=CONTEST_COLUMNS)
    frame[_INT_COLUMNS] = frame[_INT_COLUMNS].astype(np.int64)
    frame[_FLAG_COLUMNS] = frame[_FLAG_COLUMNS].astype(bool)
    return frame


def council_table(record: RunRecord) -> pd.DataFrame:
    """Every council seated during the run (the first ones included): year, unit, how it
    was elected, seats and deputies (filled seats), turnout, and per party its list votes
    and its seats (``votes_<party>``, ``seats_<party>``; ``seats_non_party``), with the
    dominant party's share of the deputies."""
    if not record.councils:
        return pd.DataFrame()
    data: dict[str, list[Any]] = {}
    for batch in record.councils:
        for name, values in batch.items():
            data.setdefault(name, []).extend(values)
    terr = record.territory
    unit = np.asarray(data.pop("unit"), dtype=np.int64)
    votes = np.asarray(data.pop("list_votes"), dtype=np.int64).reshape(unit.shape[0], -1)
    seats = np.asarray(data.pop("seats_by_party"), dtype=np.int64).reshape(unit.shape[0], -1)
    frame = pd.DataFrame({"year": np.asarray(data.pop("year"), dtype=np.int64)})
    frame["unit_id"] = np.asarray(terr.unit_id, dtype=object)[unit]
    frame["unit_name"] = np.asarray(terr.name, dtype=object)[unit]
    for name, values in region_columns(terr, unit).items():
        frame[name] = values
    frame["tier"] = np.asarray([t.value for t in TIERS], dtype=object)[terr.tier[unit]]
    for name, values in data.items():
        frame[name] = np.asarray(values)
    frame["turnout"] = np.divide(frame["ballots"], frame["electorate"],
                                 out=np.full(len(frame), np.nan),
                                 where=(frame["electorate"] > 0) & (frame["system"] != "drawn"))
    for i, name in enumerate(record.party_names):
        frame[f"votes_{name}"] = votes[:, i]
    for i, name in enumerate(record.party_names):
        frame[f"seats_{name}"] = seats[:, i]
    frame["seats_non_party"] = frame.pop("non_party_seats")
    dominant = (seats[:, record.dominant] if record.dominant >= 0
                else np.zeros(len(frame), dtype=np.int64))
    frame["dominant_seat_share"] = np.divide(dominant, frame["filled"],
                                             out=np.full(len(frame), np.nan),
                                             where=frame["filled"] > 0)
    return frame


def office_table(record: RunRecord) -> pd.DataFrame:
    """Every office holder in every year: unit, tier, how selected, traits, record."""
    if not record.offices:
        return pd.DataFrame()
    with _collector_paused():
        data: dict[str, Any] = {}
        for name in record.offices[0]:
            values = [year[name] for year in record.offices]
            if all(isinstance(v, np.ndarray) for v in values):
                data[name] = np.concatenate(values)
            else:
                data[name] = pd.Series([x for v in values for x in v]).to_numpy()
        frame = pd.DataFrame(data)
    terr = record.territory
    frame.insert(2, "unit_id", np.asarray(terr.unit_id, dtype=object)[frame["unit"]])
    for i, (column, region) in enumerate(
            region_columns(terr, frame["unit"].to_numpy()).items()):
        frame.insert(3 + i, column, region)
    frame.insert(5, "tier", np.asarray([t.value for t in TIERS], dtype=object)[frame["tier_code"]])
    frame = frame.drop(columns=["tier_code"])
    names = np.asarray([*record.party_names, NON_PARTY], dtype=object)
    frame["party"] = names[np.where(frame["party"] < 0, len(record.party_names),
                                    frame["party"])]
    return frame


def summary_table(record: RunRecord) -> pd.DataFrame:
    """Yearly metrics per tier and regime, named as in :mod:`akimsim.glossary`.

    From contests: ``contests``, ``turnout`` (ballots over electorate of popular votes),
    ``candidates_per_seat`` (elections only: NaN under appointment, whose shortlist is
    not a race), ``enc``, ``margin``, ``runoff_share`` and ``rounds`` (popular votes
    counted), ``no_winner_share``, ``incumbent_reselected_share`` (of the incumbents who
    stood), ``dominant_winner_share`` and ``self_nominated_winner_share`` (of contests
    with a winner), ``winner_median_distance``. From office holders (grouped by the
    unit's regime that year): ``offices``, ``competence``, ``performance``,
    ``focus_on_voters`` (set by an assumption: the selecting regime's effort formula)
    and ``acting_share``.
    """
    contests = contest_table(record)
    offices = office_table(record)
    keys = ["year", "tier", "regime"]
    if len(contests):
        c = contests.assign(
            no_winner=(contests["winner_id"] < 0).astype(float),
            dominant_win=contests["winner_dominant"].astype(float).where(
                contests["winner_id"] >= 0),
            self_win=(contests["winner_nomination"] == Nomination.self.value).astype(float).where(
                contests["winner_id"] >= 0),
            popular_electorate=np.where(contests["turnout"].notna(), contests["electorate"], 0),
            popular_ballots=np.where(contests["turnout"].notna(), contests["ballots"], 0),
            reselected=contests["incumbent_reelected"].astype(float).where(
                contests["incumbent_ran"]),
            elected_candidates=contests["n_candidates"].astype(float).where(
                contests["regime"] != RegimeName.appointment.value),
            counted_rounds=contests["rounds"].astype(float).where(
                contests["turnout"].notna() & (contests["rounds"] > 0)),
        )
        c["runoff"] = (c["counted_rounds"] > 1).astype(float).where(
            c["counted_rounds"].notna())
        grouped = c.groupby(keys, sort=True)
        csum = grouped.agg(
            contests=("unit_id", "size"),
            electorate=("popular_electorate", "sum"),
            ballots=("popular_ballots", "sum"),
            candidates_per_seat=("elected_candidates", "mean"),
            enc=("enc", "mean"),
            margin=("margin", "mean"),
            runoff_share=("runoff", "mean"),
            rounds=("counted_rounds", "mean"),
            no_winner_share=("no_winner", "mean"),
            incumbent_reselected_share=("reselected", "mean"),
            dominant_winner_share=("dominant_win", "mean"),
            self_nominated_winner_share=("self_win", "mean"),
            winner_median_distance=("winner_median_distance", "mean"),
        ).reset_index()
        csum["turnout"] = np.where(csum["electorate"] > 0,
                                   csum["ballots"] / csum["electorate"].where(
                                       csum["electorate"] > 0, 1), np.nan)
        csum = csum.drop(columns=["electorate", "ballots"])
    else:
        csum = pd.DataFrame(columns=keys)
    o = offices.rename(columns={"unit_regime": "regime"})
    osum = o.groupby(keys, sort=True).agg(
        offices=("unit", "size"),
        competence=("competence", "mean"),
        performance=("performance", "mean"),
        focus_on_voters=("focus", "mean"),
        acting_share=("acting", "mean"),
    ).reset_index()
    merged = osum.merge(csum, on=keys, how="outer").sort_values(keys, kind="stable")
    merged["contests"] = merged["contests"].fillna(0).astype(np.int64)
    merged["offices"] = merged["offices"].fillna(0).astype(np.int64)
    order = ["year", "tier", "regime", "offices", "contests", "turnout", "candidates_per_seat",
             "enc", "margin", "runoff_share", "rounds", "no_winner_share",
             "incumbent_reselected_share", "dominant_winner_share",
             "self_nominated_winner_share", "winner_median_distance", "competence",
             "performance", "focus_on_voters", "acting_share"]
    return merged[order].reset_index(drop=True)


def voter_table(model: AkimModel, unit: int, limit: int | None = None) -> pd.DataFrame:
    """The electorate of one unit's contests (its voters and those of the units below):
    ideal point, home unit, party, strength, turnout propensity and last choice.

    ``last_choice`` is the slot of the candidate chosen in the voter's last direct
    election (-1 against all, -2 abstained), or -3 when there was none or the model
    does not keep choices (above ``max_materialised_voters``). With ``limit``, an
    evenly spaced sample of at most that many voters (for plots).
    """
    terr, pop = model.territory, model.population
    rows = np.arange(int(terr.start[unit]), int(terr.stop[unit]), dtype=np.int64)
    if limit is not None and rows.shape[0] > limit:
        rows = rows[np.linspace(0, rows.shape[0] - 1, limit).astype(np.int64)]
    names = np.asarray([*model.party_names, NON_PARTY], dtype=object)
    party = pop.party[rows].astype(np.int64)
    choice = (model.last_choice[rows].astype(np.int64) if model.last_choice is not None
              else np.full(rows.shape[0], -3, dtype=np.int64))
    return pd.DataFrame({
        "row": rows.astype(np.int64),
        "x": pop.xy[rows, 0].astype(np.float64),
        "y": pop.xy[rows, 1].astype(np.float64),
        "home": np.asarray(terr.unit_id, dtype=object)[pop.home[rows]],
        "party": names[np.where(party < 0, len(model.party_names), party)],
        "strength": pop.strength[rows].astype(np.float64),
        "turnout_propensity": 1.0 / (1.0 + np.exp(-pop.turnout_logit[rows].astype(np.float64))),
        "last_choice": choice,
    })
