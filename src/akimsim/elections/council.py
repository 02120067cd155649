"""How councils decide: the deputies' secret ballot (indirect election) and their open
consent vote on an appointer's proposals.

The deputies' votes come from :class:`~akimsim.agents.DeputyBloc`; here they are
counted. Every draw is counter-based (:mod:`akimsim.kernels.rng`): the deputies' noise
from the contest's ``appointers`` key, the clerk's lots from its ``lots`` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from akimsim.agents import DeputyBloc, Maslikhat
from akimsim.config import TieStage
from akimsim.elections.box import TieBreak
from akimsim.kernels.rng import (
    CLERK,
    CONSENT,
    CONSENT_CHOICE,
    COUNCIL_ROUND,
    CUT_DRAW,
    normals,
    uniforms,
)


@dataclass(frozen=True)
class CouncilResult:
    """A council's vote: the winner (a slot), the final round's votes int64[K], the first
    round's when there was a second, the number of rounds and the ties the lot settled."""

    winner: int
    votes: np.ndarray
    first_round: np.ndarray | None
    rounds: int
    ties: tuple[TieBreak, ...]


def joint_bloc(councils: Sequence[Maslikhat]) -> DeputyBloc:
    """The deputies of several maslikhats voting together (a joint session)."""
    return DeputyBloc.joint([c.deputies for c in councils])


def deputy_noise(key: np.uint64, deputies: int, slots: int, round: int) -> np.ndarray:
    """The deputies' noise of ballot round ``round`` (float64[D, K], ~ N(0, 1))."""
    rows = np.arange(deputies * slots, dtype=np.int64)
    channel = COUNCIL_ROUND + np.uint64(2 * (round - 1))
    return normals(key, rows, channel)[0].reshape(deputies, slots)


def draw_lot(tied: np.ndarray, lot: np.uint64, round: int) -> tuple[int, TieBreak]:
    """The clerk draws one of the ``tied`` slots (``lot`` key, channel ``CLERK + round``);
    returns it and the record."""
    u = float(uniforms(lot, 0, CLERK + np.uint64(round))[0])
    drawn = min(int(u * len(tied)), len(tied) - 1)
    pick = int(tied[drawn])
    return pick, TieBreak(round, TieStage.winner, tuple(int(t) for t in tied),
                          tuple(1.0 if j == drawn else 0.0 for j in range(len(tied))), (pick,))


def _plurality_of(votes: np.ndarray, lot: np.uint64, round: int
                  ) -> tuple[int, tuple[TieBreak, ...]]:
    tied = np.flatnonzero(votes == votes.max())
    if tied.shape[0] == 1:
        return int(tied[0]), ()
    w, tie = draw_lot(tied, lot, round)
    return w, (tie,)


def council_vote(bloc: DeputyBloc, xy: np.ndarray, party: np.ndarray, key: np.uint64,
                 lot: np.uint64, second_round: bool, line_party: int = -1) -> CouncilResult:
    """Secret ballot of a council's deputies with a majority rule, on candidates with
    platforms ``xy`` float64[K, 2] and parties ``party`` int64[K].

    Round one: a candidate with votes from more than half of the deputies wins.
    Otherwise, if ``second_round``, the two best-placed candidates (ties at the cut by
    lot) go to a second round decided by a majority of votes cast, a tie by lot;
    without a second round the best-placed candidate wins, ties by lot. ``key`` gives
    the deputies' noise, ``lot`` the clerk's lots. Deputies of ``line_party`` give
    ``follow_nominator`` to the first candidate (the nominator's first nominee) in every
    round it is in.
    """
    k = int(party.shape[0])
    d = bloc.size
    first = bloc.secret_ballot(xy, party, deputy_noise(key, d, k, 1), line_party)
    if 2 * int(first.max()) > d or k == 1 or not second_round:
        w, ties = _plurality_of(first, lot, 1)
        return CouncilResult(w, first, None, 1, ties)
    # the top two go through; a tie at the cut is settled by a draw per candidate
    draws = uniforms(lot, np.arange(k), CUT_DRAW)
    order = np.lexsort((draws, -first))
    finalists = np.sort(order[:2])
    cut = first[order[1]]
    contenders = np.flatnonzero(first == cut)
    places = 2 - int((first > cut).sum())
    cut_ties: tuple[TieBreak, ...] = ()
    if contenders.shape[0] > places:
        through = tuple(sorted(int(s) for s in order[:2] if first[s] == cut))
        cut_ties = (TieBreak(1, TieStage.finalists, tuple(int(s) for s in contenders),
                             tuple(float(1.0 - draws[s]) for s in contenders), through),)
    second = bloc.secret_ballot(xy[finalists], party[finalists], deputy_noise(key, d, 2, 2),
                                line_party if finalists[0] == 0 else -1)
    final = np.zeros(k, dtype=np.int64)
    final[finalists] = second
    if second[0] == second[1]:
        w, tie = draw_lot(finalists, lot, 2)
        return CouncilResult(w, final, first, 2, (*cut_ties, tie))
    return CouncilResult(int(finalists[int(np.argmax(second))]), final, first, 2, cut_ties)


def council_votes(blocs: Sequence[DeputyBloc], xy: np.ndarray, party: np.ndarray,
                  start: np.ndarray, keys: np.ndarray, lots: np.ndarray, second_round: bool,
                  line_party: np.ndarray | None = None) -> list[CouncilResult]:
    """:func:`council_vote` for a batch of councils at once: contest ``j``'s council
    ``blocs[j]`` votes on the candidates in rows ``start[j]:start[j + 1]`` of ``xy``
    (float64[M, 2]) and ``party`` (int64[M]), with keys ``keys[j]`` and ``lots[j]`` and
    the nominator's party ``line_party[j]`` (-1 for none; none by default).

    Every council's first round, and the second round of a two-candidate council whose
    first round was tied, are array computations over the whole batch (the same draws
    as :func:`council_vote`); any other council without a first-round majority is
    decided by :func:`council_vote`. Both give identical results
    (``tests/test_batches.py`` checks it).
    """
    c = len(blocs)
    if c == 0:
        return []
    rules = blocs[0].rules
    if any(b.rules != rules for b in blocs):
        raise ValueError("council_votes: every council of a batch must share its rules")
    k = np.diff(start).astype(np.int64)
    d = np.array([b.size for b in blocs], dtype=np.int64)
    width = max(int(k.max()), 1)
    contest = np.repeat(np.arange(c), d)
    deputy = np.arange(int(d.sum()), dtype=np.int64) - np.repeat(np.cumsum(d) - d, d)
    dep_xy = np.concatenate([b.xy for b in blocs]) if d.sum() else np.zeros((0, 2))
    dep_party = np.concatenate([b.party for b in blocs]) if d.sum() else np.zeros(0, np.int64)
    post = np.repeat(np.arange(c), k)
    slot = np.arange(int(k.sum()), dtype=np.int64) - start[post]
    cand_xy = np.zeros((c, width, 2))
    cand_party = np.full((c, width), -1, dtype=np.int64)
    cand_xy[post, slot] = xy
    cand_party[post, slot] = party
    valid = np.arange(width)[None, :] < k[:, None]
    slots = np.arange(width, dtype=np.int64)[None, :]
    rows = deputy[:, None] * k[contest][:, None] + slots
    noise = normals(keys[contest][:, None], rows, COUNCIL_ROUND)[0].reshape(-1, width)
    r = rules
    d2 = ((dep_xy[:, None, :] - cand_xy[contest]) ** 2).sum(axis=2)
    cp = cand_party[contest]
    same = (dep_party[:, None] == cp) & (cp >= 0)
    u = -r.distance_weight * d2 + r.party_discipline * same + r.noise * noise
    line = np.full(c, -1, dtype=np.int64) if line_party is None else np.asarray(line_party)
    follows = (dep_party == line[contest]) & (line[contest] >= 0)
    if r.follow_nominator != 0:
        u[:, 0] += r.follow_nominator * follows
    u = np.where(valid[contest], u, -np.inf)
    pick = np.argmax(u, axis=1)
    first = np.bincount(contest * width + pick, minlength=c * width).reshape(c, width)
    top = first.max(axis=1)
    majority = (2 * top > d) | (k == 1)
    # two candidates tied in round one meet again with fresh noise (council_vote's path)
    pair = ~majority & (k == 2) & second_round
    second = np.zeros((c, 2), dtype=np.int64)
    if pair.any():
        on = pair[contest]
        rows2 = deputy[on][:, None] * 2 + np.arange(2, dtype=np.int64)[None, :]
        noise2 = normals(keys[contest[on]][:, None], rows2, COUNCIL_ROUND + np.uint64(2))[0]
        u2 = (-r.distance_weight * d2[on][:, :2] + r.party_discipline * same[on][:, :2]
              + r.noise * noise2.reshape(-1, 2))
        if r.follow_nominator != 0:
            u2[:, 0] += r.follow_nominator * follows[on]
        pick2 = np.argmax(u2, axis=1)
        second = np.bincount(contest[on] * 2 + pick2, minlength=c * 2).reshape(c, 2)
    both = np.arange(2)
    out: list[CouncilResult] = []
    for j in range(c):  # the records: a handful of numbers per council
        if majority[j]:
            votes = first[j, : k[j]].astype(np.int64)
            out.append(CouncilResult(int(np.argmax(votes)), votes, None, 1, ()))
        elif pair[j]:
            final = second[j].astype(np.int64)
            if final[0] == final[1]:
                w, tie = draw_lot(both, lots[j], 2)
                out.append(CouncilResult(w, final, first[j, :2].astype(np.int64), 2, (tie,)))
            else:
                out.append(CouncilResult(int(np.argmax(final)), final,
                                         first[j, :2].astype(np.int64), 2, ()))
        else:
            rows_j = slice(int(start[j]), int(start[j + 1]))
            out.append(council_vote(blocs[j], xy[rows_j], party[rows_j], keys[j], lots[j],
                                    second_round, int(line[j])))
    return out


def consent_vote(bloc: DeputyBloc, xy: np.ndarray, party: np.ndarray, proposed: np.ndarray,
                 appointer_party: int, key: np.uint64) -> tuple[int, np.ndarray, int]:
    """The deputies' open vote on an appointer's proposals, in the appointer's order.

    Each proposed slot is put to the vote in turn (the deputies' noise on the i-th
    proposal from ``key``, channel ``CONSENT + 2 i``); the first to win the consent of
    more than half of all deputies is appointed. Returns (the slot or -1 if every one
    was refused, deputies in favour int64[K], votes held).
    """
    yes = np.zeros(int(party.shape[0]), dtype=np.int64)
    held = 0
    deputies = np.arange(bloc.size, dtype=np.int64)
    for i, slot in enumerate(int(s) for s in proposed):
        held += 1
        noise = normals(key, deputies, CONSENT + np.uint64(2 * i))[0]
        yes[slot] = bloc.consent(xy[slot], int(party[slot]), appointer_party, noise)
        if 2 * yes[slot] > bloc.size:
            return slot, yes, held
    return -1, yes, held


def consent_choice(bloc: DeputyBloc, xy: np.ndarray, party: np.ndarray, proposed: np.ndarray,
                   appointer_party: int, key: np.uint64, lot: np.uint64, pressure: float
                   ) -> tuple[int, np.ndarray, tuple[TieBreak, ...]]:
    """The deputies' open vote between the appointer's proposals (law since 2022: two
    candidates, the deputies of all of the region's maslikhats at a joint session).

    Each deputy votes for the proposal of highest utility
    (:meth:`~akimsim.agents.DeputyBloc.preferences`, with party discipline for the
    appointer's first choice among the appointer's party's deputies) plus ``pressure``
    for the appointer's first choice, as an open ballot puts every deputy's vote on
    record (assumption). The noise is drawn per deputy and proposal from ``key``
    (channel ``CONSENT_CHOICE``). The proposal with the most votes is appointed, a tie
    by the clerk's lot (``lot``). Returns (the slot, votes int64[K] for every candidate
    slot, the ties the lot settled).
    """
    k = int(party.shape[0])
    slots = np.asarray(proposed, dtype=np.int64)
    d, m = bloc.size, int(slots.shape[0])
    noise = normals(key, np.arange(d * m, dtype=np.int64), CONSENT_CHOICE)[0].reshape(d, m)
    u = bloc.preferences(xy[slots], party[slots], noise, line_party=appointer_party)
    if m:
        u[:, 0] += pressure
    votes = np.zeros(k, dtype=np.int64)
    if d == 0 or m == 0:
        return (int(slots[0]) if m else -1), votes, ()
    votes[slots] = np.bincount(np.argmax(u, axis=1), minlength=m)
    tied = slots[votes[slots] == votes[slots].max()]
    if tied.shape[0] == 1:
        return int(tied[0]), votes, ()
    pick, tie = draw_lot(np.sort(tied), lot, 1)
    return pick, votes, (tie,)
