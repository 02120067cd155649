"""How a race is expected to go before it is held: a poll of the candidates at the unit's
median voter.

Used by strategic entry (a person's chance of winning, :mod:`.entry`) and by turnout
that responds to the expected closeness (:mod:`.turnout`). Source: an assumption. The
expected vote share of candidate k in a unit is the logit choice probability of the
voters' own model (:mod:`.choice`) for a voter at the unit's median ideal point who is
attached to each party in proportion to the unit's supporters of it, with the mean
attachment strength:

    v_k = V_k - distance_weight * |m - p_k|^2 + party_weight * s_bar * support_(party_k)
    share_k = exp(v_k / noise_scale) / sum_j exp(v_j / noise_scale)

among the candidates (not "against all"). The chance of winning is taken to be the
expected share (a reduced form: a favourite's chance is higher than its share in a
large electorate; entry_reference is set on the same scale).
"""

from __future__ import annotations

import numpy as np

from akimsim.config import VoterBehaviour


def mean_strength(behaviour: VoterBehaviour) -> float:
    """The mean attachment strength of attached voters, E[logistic(N(mean, sd^2))], by
    Gauss-Hermite quadrature (40 nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    z = behaviour.partisanship_logit_mean + behaviour.partisanship_logit_sd * nodes
    return float(np.sum(weights / (1.0 + np.exp(-z))) / np.sqrt(2 * np.pi))


def poll_utilities(x: np.ndarray, y: np.ndarray, valence: np.ndarray, party: np.ndarray,
                   post: np.ndarray, median: np.ndarray, support: np.ndarray,
                   behaviour: VoterBehaviour) -> np.ndarray:
    """Each candidate's utility to its post's median voter (float64[K]): ``post`` gives a
    candidate's post, ``median`` (float64[C, 2]) and ``support`` (float64[C, P], the share
    of the unit's voters attached to each party) describe the posts."""
    v = behaviour
    d2 = (x - median[post, 0]) ** 2 + (y - median[post, 1]) ** 2
    own = np.zeros(party.shape[0])
    attached = party >= 0
    if support.size and attached.any():
        own[attached] = support[post[attached], party[attached]]
    return valence - v.distance_weight * d2 + v.party_weight * mean_strength(v) * own


def shares_within(utility: np.ndarray, start: np.ndarray, noise: float,
                  present: np.ndarray | None = None) -> np.ndarray:
    """Logit shares of ``utility`` with scale ``noise`` within each post (rows
    ``start[j]:start[j + 1]``), among the ``present`` rows (all by default); rows not
    present get the share they would have if they joined the present ones."""
    k = utility.shape[0]
    present = np.ones(k, dtype=bool) if present is None else present
    counts = np.diff(start)
    post = np.repeat(np.arange(counts.shape[0]), counts)
    if k == 0:
        return np.zeros(0)
    scale = noise if noise > 0 else 1e-9
    top = np.full(counts.shape[0], -np.inf)
    np.maximum.at(top, post, utility)
    w = np.exp((utility - top[post]) / scale)
    total = np.zeros(counts.shape[0])
    np.add.at(total, post, np.where(present, w, 0.0))
    denom = total[post] + np.where(present, 0.0, w)
    return np.divide(w, denom, out=np.zeros(k), where=denom > 0)


def closeness(shares: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Expected closeness of each post's race (float64[C]): 1 minus the favourite's
    expected lead over the runner-up; 0 with fewer than two candidates."""
    counts = np.diff(start)
    post = np.repeat(np.arange(counts.shape[0]), counts)
    order = np.lexsort((-shares, post))  # each post's candidates, best first
    out = np.zeros(counts.shape[0])
    two = np.flatnonzero(counts >= 2)
    first = shares[order[start[:-1][two]]]
    second = shares[order[start[:-1][two] + 1]]
    out[two] = 1.0 - (first - second)
    return out
