"""The domain's vocabulary: one enum per kind of word the model and its tables use.

Every enum is a :class:`~enum.StrEnum`, so a member compares equal to its value and the
tables write the plain string. Nothing here imports anything of the package.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class _Ordered(StrEnum):
    """An enum whose members have an integer code: their place in the definition."""

    @property
    def code(self) -> int:
        return type(self)._member_names_.index(self.name)

    @classmethod
    def from_code(cls, code: int) -> Self:
        return cls[cls._member_names_[int(code)]]


class Tier(_Ordered):
    """The three tiers whose akims the model selects, top down.

    ``code`` is the tier's integer in the territory's ``tier`` array (0 region,
    1 district, 2 rural); :meth:`from_code` goes back.
    """

    region = "region"
    district = "district"
    rural = "rural"


#: the tiers top down; ``TIERS[t.code] is t``
TIERS: tuple[Tier, ...] = tuple(Tier)


class RegimeName(_Ordered):
    """How a tier's akims are chosen; ``code`` is the regime's integer in the model's
    per-unit ``unit_regime`` array, in the order the model selects a year's batches."""

    appointment = "appointment"
    indirect = "indirect"
    direct = "direct"


#: the regimes in the order the model selects a year's batches
REGIMES_IN_ORDER: tuple[RegimeName, ...] = tuple(RegimeName)


class RuleName(StrEnum):
    """Voting rule of a direct election (see :mod:`akimsim.elections`)."""

    plurality = "plurality"
    two_round = "two_round"
    instant_runoff = "instant_runoff"
    approval = "approval"
    borda = "borda"
    condorcet = "condorcet"
    copeland = "copeland"


class SelectionMethod(StrEnum):
    """How a contest that no popular vote decides is decided (the ``rule`` column of
    appointments and council elections; popular votes write their :class:`RuleName`)."""

    appointer = "appointer"  # the appointer alone
    consent = "consent"  # the appointer, with the maslikhats' consent
    council_majority = "council_majority"  # the deputies' secret ballot (indirect)


class Status(StrEnum):
    """How a contest ended."""

    elected = "elected"  # a direct or indirect election produced a winner
    appointed = "appointed"  # an appointer chose (with consent where the law asks)
    against_all = "against_all"  # "against all" beat every candidate
    no_candidates = "no_candidates"  # nobody (or too few) registered
    turnout_too_low = "turnout_too_low"  # below the minimum turnout, or nobody voted
    consent_refused = "consent_refused"  # the maslikhats refused every proposed candidate
    no_winner = "no_winner"  # the rule elected nobody (e.g. no Condorcet winner)


class ContestKind(StrEnum):
    """Why a contest is held."""

    regular = "regular"  # the term ended
    reform = "reform"  # an immediate reform step ended the term early
    rerun = "rerun"  # last year's contest failed; an acting akim held the post
    dismissal = "dismissal"  # the appointer dismissed the akim
    departure = "departure"  # the akim left mid-term (promotion, resignation, removal)


class Nomination(StrEnum):
    """How a person came forward."""

    party = "party"  # a party's nominee
    self = "self"  # self-nominated, with signatures
    appointer = "appointer"  # on an appointer's shortlist


class TieStage(StrEnum):
    """What a lot decided when candidates were tied."""

    winner = "winner"  # who wins (a round's or the final count)
    eliminated = "eliminated"  # who is eliminated (instant runoff)
    first_place = "first_place"  # first place going into a runoff (two-round)
    second_place = "second_place"  # second place going into a runoff (two-round)
    finalists = "finalists"  # who goes to a council's second round


class BallotKind(StrEnum):
    """What a voting rule reads of each voter's ballot."""

    ranking = "ranking"
    approval = "approval"


class AgainstAllPolicy(StrEnum):
    """What happens when "against all" gets more votes than every candidate."""

    rerun = "rerun"  # the appointer installs an acting akim; a new election next year
    appoint_acting = "appoint_acting"  # the appointer installs an akim for a full term
    ignore = "ignore"  # the best-placed candidate wins anyway


class NoCandidatePolicy(StrEnum):
    """What happens when nobody is registered (or too few for the rule), or when the
    election is void for low turnout: an acting akim until a rerun next year, or an
    acting akim for a full term."""

    rerun = "rerun"
    appoint_acting = "appoint_acting"


class CouncilSystem(StrEnum):
    """How voters elect a maslikhat's deputies."""

    smd = "smd"  # single-member districts by plurality, with "against all"
    list = "list"  # party lists, seats by largest remainders above a threshold
    mixed = "mixed"  # half of the seats by party list, the rest in single-member districts


class CouncilComposition(StrEnum):
    """Where a maslikhat's deputies come from."""

    elected = "elected"  # voters elect them in the council election years
    drawn = "drawn"  # drawn from the unit's voters at random, staggered terms (before issue 13)


class TurnoutMode(StrEnum):
    """What a direct contest's turnout responds to (``voters.turnout_mode``)."""

    fixed = "fixed"  # the tier's salience and the number of candidates (before issue 14)
    context = "context"  # also the size of the electorate and the expected closeness


class TurnoutLearning(StrEnum):
    """Whether voters' turnout propensities change with experience (``voters.learning``)."""

    none = "none"  # fixed propensities (before issue 14)
    aspiration = "aspiration"  # aspiration-based reinforcement with habit (BDT 2003, Fowler 2006)


class Retrospection(StrEnum):
    """What voters hold against a sitting akim (``voters.retrospection``)."""

    record = "record"  # the mean performance of the last term (before issue 14)
    belief = "belief"  # a Bayesian belief about competence from every year's performance


class EntryMode(StrEnum):
    """How people decide to stand in a direct race (``candidates.entry``)."""

    fixed = "fixed"  # fixed probabilities (before issue 14)
    strategic = "strategic"  # the chance of standing rises with the chance of winning


class RegistrationMode(StrEnum):
    """How the election commission filters nominees (``candidates.registration``)."""

    uniform = "uniform"  # every nominee rejected with one probability (before issue 14)
    managed = "managed"  # strong challengers rejected more often; technical candidates added


class EffortMode(StrEnum):
    """How an akim splits its effort between voters and the appointer (``akims.effort``)."""

    formula = "formula"  # a share set by the config's weights (before issue 14)
    career = "career"  # chosen for the chance of keeping the post (career concerns)


class AppointerView(StrEnum):
    """What an appointer ranks candidates on (``appointers.observation``)."""

    exact = "exact"  # their competence and loyalty themselves (before issue 14)
    signals = "signals"  # noisy signals, the record, the loyalty shown, the votes delivered


class TerritorySource(StrEnum):
    """Where the territory comes from."""

    kazakhstan = "kazakhstan"  # the table shipped in akimsim/data/kazakhstan.csv
    synthetic = "synthetic"  # a small generated territory for teaching
    csv = "csv"  # a user table at ``path``, same columns as the shipped one
