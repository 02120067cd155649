"""Numba kernels: arrays (grouped in named tuples) in, arrays out.

Owns all per-voter work: drawing the voters (:mod:`.population`), turnout and ballots
(:mod:`.ballots`), counting them (:mod:`.counts`), turnout learning (:mod:`.learning`),
with one counter-based generator and its table of channels (:mod:`.rng`), the array
groups (:mod:`.layout`) and the one place that sets compile flags (:mod:`._jit`).
Imports nothing of the package but these modules; the wrappers that validate input and
allocate outputs live in :mod:`akimsim.world`, :mod:`akimsim.elections` and
:mod:`akimsim.agents.behaviour`. Every kernel has a slow twin in ``tests/naive.py``.
"""

from akimsim.kernels._jit import balanced
from akimsim.kernels.ballots import (
    approval_kernel,
    count_flags_kernel,
    flagged_rows_kernel,
    rank_kernel,
    rank_listed_kernel,
    sample_kernel,
    turnout_kernel,
)
from akimsim.kernels.counts import (
    approval_tally_kernel,
    borda_kernel,
    first_preference_kernel,
    irv_kernel,
    pairwise_kernel,
    two_round_kernel,
)
from akimsim.kernels.layout import (
    CandidateArrays,
    ChoiceWeights,
    ContestBatch,
    IrvCounts,
    LearnedTurnout,
    LearningRule,
    PartyLayout,
    RunoffRule,
    TwoRoundCounts,
    UnitEffects,
    VoteCounts,
    VoterArrays,
    VoterBlocks,
    VoterRows,
    VoterTraitParams,
    VoterTraits,
)
from akimsim.kernels.learning import aspiration_kernel
from akimsim.kernels.population import party_count_kernel, unit_median_kernel, voters_kernel
from akimsim.kernels.rng import lot_priority, uniform01

__all__ = [
    "CandidateArrays",
    "ChoiceWeights",
    "ContestBatch",
    "IrvCounts",
    "LearnedTurnout",
    "LearningRule",
    "PartyLayout",
    "RunoffRule",
    "TwoRoundCounts",
    "UnitEffects",
    "VoteCounts",
    "VoterArrays",
    "VoterBlocks",
    "VoterRows",
    "VoterTraitParams",
    "VoterTraits",
    "approval_kernel",
    "approval_tally_kernel",
    "aspiration_kernel",
    "balanced",
    "borda_kernel",
    "count_flags_kernel",
    "first_preference_kernel",
    "flagged_rows_kernel",
    "irv_kernel",
    "lot_priority",
    "pairwise_kernel",
    "party_count_kernel",
    "rank_kernel",
    "rank_listed_kernel",
    "sample_kernel",
    "turnout_kernel",
    "two_round_kernel",
    "uniform01",
    "unit_median_kernel",
    "voters_kernel",
]
