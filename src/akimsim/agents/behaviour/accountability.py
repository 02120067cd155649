"""Whom an akim works for: its effort on what voters see (local services) and on what the
appointer sees (mandated tasks, loyalty, votes delivered).

Two mechanisms (``akims.effort``):

- ``formula`` (before issue 14; an assumption, ``docs/model.md`` 6.2): a fixed total
  effort of 1 split by a share for voters (the focus) set from the config's weights.
- ``career`` (issue 14): effort on each task is ``base_effort`` plus ``career_stakes``
  times what a unit of effort on it adds to the score of whoever decides the akim's next
  selection, and only ``base_effort`` in a last allowed term. The source is the career
  concerns model (Holmström 1999) with two tasks (Holmström and Milgrom 1991): with a
  quadratic cost of effort on each task, the effort that maximises the value of keeping
  the post times the chance of keeping it is proportional to the marginal effect of
  effort on the selector's score. The chance's slope is taken as constant (a
  linearisation, an assumption): effort does not depend on how safe the seat is.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from akimsim.config import (
    AppointerBehaviour,
    AppointerView,
    BehaviourConfig,
    EffortMode,
    RegimeName,
    Retrospection,
)


class Effort(NamedTuple):
    """Each akim's effort (float64 arrays of one shape): ``voters`` on what voters see,
    ``appointer`` on what the appointer sees, and ``focus`` the share for voters."""

    focus: np.ndarray
    voters: np.ndarray
    appointer: np.ndarray


def accountability_focus(regime: RegimeName, party: int, dominant: int,
                         appointers: AppointerBehaviour, record_weight: float,
                         admin_support: float) -> float:
    """Share of effort an akim gives to voters, from whom its next selection depends on
    (the ``formula`` mechanism).

    An appointed or indirectly elected akim keeps office by pleasing its appointer, who
    weighs competence against loyalty: focus = w_competence / (w_competence + w_loyalty).
    A directly elected akim keeps office by its record with voters, unless it owes
    the dominant party's administrative support too:
    focus = w_record / (w_record + admin_support * [dominant-party nominee]).
    A modelling assumption (docs/model.md); all weights are config values.
    """
    if RegimeName(regime) == RegimeName.direct:
        owed = admin_support if (party == dominant and party >= 0) else 0.0
        total = record_weight + owed
        return 1.0 if total <= 0 else record_weight / total
    total = appointers.competence_weight + appointers.loyalty_weight
    return 0.5 if total <= 0 else appointers.competence_weight / total


def focus_of(regime: np.ndarray, party: np.ndarray, dominant: int,
             appointers: AppointerBehaviour, record_weight: float, admin_support: float
             ) -> np.ndarray:
    """:func:`accountability_focus` over arrays of regime codes and parties (float64)."""
    direct = np.asarray(regime) == RegimeName.direct.code
    owes = (np.asarray(party) == dominant) & (np.asarray(party) >= 0)
    f = {(r, d): accountability_focus(r, dominant if d else -1, dominant, appointers,
                                      record_weight, admin_support)
         for r in (RegimeName.direct, RegimeName.appointment) for d in (True, False)}
    return np.where(direct, np.where(owes, f[RegimeName.direct, True],
                                     f[RegimeName.direct, False]),
                    f[RegimeName.appointment, False])


def signal_weight(term_years: int, competence_sd: float, noise: float) -> float:
    """How much a term of performance moves a Bayesian estimate of competence: T / (T +
    noise^2 / competence_sd^2) for a normal prior of sd ``competence_sd`` and yearly
    signals of noise sd ``noise`` (1 when the signal is exact or the prior flat)."""
    if noise <= 0:
        return 1.0
    if competence_sd <= 0:
        return 0.0
    return term_years / (term_years + (noise / competence_sd) ** 2)


def marginal_scores(regime: np.ndarray, party: np.ndarray, dominant: int,
                    behaviour: BehaviourConfig) -> tuple[np.ndarray, np.ndarray]:
    """What a unit of effort on each task adds to the score of the akim's next selector
    (float64 arrays of ``party``'s shape: for voters' services, for the appointer's tasks).

    - Appointed and council-elected akims (the appointer ranks the shortlist and names
      the council's first nominee): the appointer's competence weight times the
      performance per unit of effort (``effort_gain``) times how much a term of it moves
      the appointer's estimate (1 when it reads the record itself, the Bayesian weight of
      :func:`signal_weight` when it sees signals); and its loyalty weight times the
      loyalty shown per unit of effort (``loyalty_gain``), plus, when it sees signals,
      its weight on votes delivered times ``akims.mobilisation``.
    - Directly elected akims: the voters' ``record_weight`` times ``effort_gain`` times
      how much a term moves their view (1 for the record, the Bayesian weight for a
      belief). A dominant-party akim whose party renominates only whom the appointer
      ranks first (``appointers.renomination``) also answers to the appointer as above.
    """
    b = behaviour
    a, ap, v = b.akims, b.appointers, b.voters
    signals = ap.observation == AppointerView.signals
    bayes = signal_weight(a.term_years, b.candidates.competence_sd, a.performance_noise)
    app_v = ap.competence_weight * a.effort_gain * (bayes if signals else 1.0)
    app_a = ap.loyalty_weight * a.loyalty_gain \
        + (ap.delivery_weight * a.mobilisation if signals else 0.0)
    vot_v = v.record_weight * a.effort_gain * (
        bayes if v.retrospection == Retrospection.belief else 1.0)
    direct = np.asarray(regime) == RegimeName.direct.code
    gated = direct & ap.renomination & (np.asarray(party) == dominant) \
        & (np.asarray(party) >= 0)
    m_v = np.where(direct, vot_v + np.where(gated, app_v, 0.0), app_v)
    m_a = np.where(direct, np.where(gated, app_a, 0.0), app_a)
    return m_v.astype(np.float64), m_a.astype(np.float64)


def effort_of(regime: np.ndarray, party: np.ndarray, last_term: np.ndarray, dominant: int,
              behaviour: BehaviourConfig) -> Effort:
    """The effort of akims selected by ``regime`` (codes) with ``party``, by
    ``akims.effort``; ``last_term`` marks akims who may not be selected again (a term
    limit binds at the end of this term), whose career concerns are gone."""
    b = behaviour
    regime = np.broadcast_to(np.asarray(regime), np.shape(party))
    if b.akims.effort == EffortMode.formula:
        focus = focus_of(regime, party, dominant, b.appointers, b.voters.record_weight,
                         b.voters.admin_support)
        return Effort(focus, focus, 1.0 - focus)
    m_v, m_a = marginal_scores(regime, party, dominant, b)
    stakes = np.where(np.asarray(last_term, dtype=bool), 0.0, b.akims.career_stakes)
    e_v = b.akims.base_effort + stakes * m_v
    e_a = b.akims.base_effort + stakes * m_a
    total = e_v + e_a
    focus = np.divide(e_v, total, out=np.full(e_v.shape, 0.5), where=total > 0)
    return Effort(focus, e_v, e_a)
