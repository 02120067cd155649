"""Rules that read head-to-head majorities: Condorcet and Copeland."""

from __future__ import annotations

import numpy as np

from akimsim.config import RuleConfig, RuleName, Status
from akimsim.elections.box import BallotBox, ContestResult
from akimsim.elections.lots import pick_best
from akimsim.elections.registry import decide_each, register_rule
from akimsim.kernels import balanced, pairwise_kernel


def pairwise(box: BallotBox) -> np.ndarray:
    """Pairwise majorities int64[C, Kmax, Kmax]: ballots ranking a above b."""
    k_max = box.batch.k_max
    out = np.zeros((box.n_contests, k_max, k_max), dtype=np.int64)
    with balanced():
        pairwise_kernel(box.batch, box.ranking, box.voted, out)
    return out


def condorcet_winner(matrix: np.ndarray) -> int:
    """The candidate who beats every other head to head, or -1 if there is none."""
    k = matrix.shape[0]
    for a in range(k):
        if all(matrix[a, b] > matrix[b, a] for b in range(k) if b != a):
            return a
    return -1


def copeland_scores(matrix: np.ndarray) -> np.ndarray:
    """Copeland score x2 (int64[K]): two points per head-to-head win, one per draw."""
    wins = (matrix > matrix.T).sum(axis=1)
    draws = (matrix == matrix.T).sum(axis=1) - 1  # the diagonal draws with itself
    return (2 * wins + draws).astype(np.int64)


def _pairwise_rule(box: BallotBox, cfg: RuleConfig, copeland: bool) -> list[ContestResult]:
    matrices = pairwise(box)

    def decide(c: int, against: int, ballots: int) -> ContestResult:
        k = int(box.n_candidates[c])
        m = matrices[c, :k, :k]
        winner = condorcet_winner(m)
        scores = copeland_scores(m)
        rounds = (tuple(int(v) for v in scores),)
        if winner >= 0:
            return ContestResult(winner, Status.elected, rounds, against, ballots)
        if not copeland:
            return ContestResult(-1, Status.no_winner, rounds, against, ballots,
                                 reason="no Condorcet winner (a majority cycle or a tie)")
        w, tie = pick_best(scores, box.lot_keys[c])
        return ContestResult(w, Status.elected, rounds, against, ballots, (tie,) if tie else ())

    return decide_each(box, cfg, decide)


@register_rule(RuleName.condorcet)
def condorcet(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Condorcet: the candidate who beats every other head to head wins; with no such
    candidate nobody is elected (status ``no_winner``). Counts are Copeland scores x2."""
    return _pairwise_rule(box, cfg, copeland=False)


@register_rule(RuleName.copeland)
def copeland(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Copeland: the Condorcet winner if there is one, else the candidate with most
    head-to-head wins (a draw counts half), ties by lot. Counts are scores x2."""
    return _pairwise_rule(box, cfg, copeland=True)
