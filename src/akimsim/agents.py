"""Mesa agents: the actors a person reasons about.

Agents return decisions (rankings, ballots, consent votes, performance); the model
records them. Voters are arrays (:mod:`akimsim.population`); a :class:`Voter` agent is
only a view onto one row, created for teaching-sized models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np

from akimsim.config import AppointerBehaviour, MaslikhatBehaviour, RegimeName

if TYPE_CHECKING:
    from akimsim.population import Population


class Voter(mesa.Agent):
    """A view onto row ``row`` of the population arrays; holds no state of its own."""

    def __init__(self, model: mesa.Model, population: Population, row: int) -> None:
        super().__init__(model)
        self._population = population
        self.row = int(row)

    @property
    def home(self) -> int:
        return int(self._population.home[self.row])

    @property
    def position(self) -> tuple[float, float]:
        x, y = self._population.xy[self.row]
        return float(x), float(y)

    @property
    def party(self) -> int:
        return int(self._population.party[self.row])

    @property
    def strength(self) -> float:
        return float(self._population.strength[self.row])

    @property
    def turnout_propensity(self) -> float:
        return float(1.0 / (1.0 + np.exp(-float(self._population.turnout_logit[self.row]))))

    @property
    def last_choice(self) -> int | None:
        """Slot of the candidate chosen in the voter's last direct election (-1 against
        all, -2 abstained), or None if the voter has not had one."""
        last = getattr(self.model, "last_choice", None)
        if last is None:
            return None
        value = int(last[self.row])
        return None if value == -3 else value


@dataclass(frozen=True)
class Traits:
    """What a person brings to a race: platform, competence, loyalty, party."""

    x: float
    y: float
    competence: float
    loyalty: float
    party: int  # party index, -1 self-nominated / non-party


class Person(Protocol):
    """What appointers, deputies and offices read of a person seeking a post."""

    @property
    def candidate_id(self) -> int: ...

    @property
    def traits(self) -> Traits: ...

    @property
    def nomination(self) -> str: ...

    @property
    def record(self) -> float: ...

    @property
    def party(self) -> int: ...

    @property
    def platform(self) -> tuple[float, float]: ...


@dataclass(frozen=True)
class Applicant:
    """A person on a shortlist that no vote is held on (not a Mesa agent): used when
    an appointer fills a post alone, e.g. the first office holders or acting akims."""

    candidate_id: int
    traits: Traits
    nomination: str = "appointer"
    record: float = 0.0

    @property
    def party(self) -> int:
        return self.traits.party

    @property
    def platform(self) -> tuple[float, float]:
        return self.traits.x, self.traits.y


class Candidate(mesa.Agent):
    """A person standing for akim in one contest.

    ``nomination`` is "party", "self" (self-nominated with signatures) or
    "appointer" (on an appointer's shortlist).
    """

    def __init__(self, model: mesa.Model, candidate_id: int, unit: int, year: int,
                 traits: Traits, nomination: str, incumbent: bool = False,
                 record: float = 0.0) -> None:
        super().__init__(model)
        self.candidate_id = candidate_id
        self.unit = unit
        self.year = year
        self.traits = traits
        self.nomination = nomination
        self.incumbent = incumbent
        self.record = record  # the incumbent's mean performance over the term, else 0

    @property
    def party(self) -> int:
        return self.traits.party

    @property
    def platform(self) -> tuple[float, float]:
        return self.traits.x, self.traits.y


class Appointer:
    """Ranks candidates by its own utility: loyalty, competence (plus an incumbent's
    record) and shared party."""

    party: int
    weights: AppointerBehaviour

    def utility(self, candidates: Sequence[Person], noise: np.ndarray) -> np.ndarray:
        """Appointer utility of each candidate (float64[K]); ``noise`` ~ N(0, 1)[K]."""
        w = self.weights
        loyalty = np.array([c.traits.loyalty for c in candidates])
        competence = np.array([c.traits.competence + c.record for c in candidates])
        same = np.array([c.party == self.party and c.party >= 0 for c in candidates], float)
        return (w.loyalty_weight * loyalty + w.competence_weight * competence
                + w.party_weight * same + w.noise * noise)

    def rank(self, candidates: Sequence[Person], noise: np.ndarray) -> np.ndarray:
        """Candidate slots from most to least preferred (stable on exact ties)."""
        return np.argsort(-self.utility(candidates, noise), kind="stable")

    def evaluation(self, loyalty_shown: float, performance: float, party: int,
                   noise: float) -> float:
        """How the appointer rates a sitting akim (used for dismissals)."""
        w = self.weights
        same = 1.0 if party == self.party and party >= 0 else 0.0
        return (w.loyalty_weight * loyalty_shown + w.competence_weight * performance
                + w.party_weight * same + w.noise * noise)


class President(mesa.Agent, Appointer):
    """Appoints (with maslikhat consent) the akims of regions and republican cities."""

    def __init__(self, model: mesa.Model, party: int, weights: AppointerBehaviour) -> None:
        super().__init__(model)
        self.party = party
        self.weights = weights


class Akim(mesa.Agent, Appointer):
    """The office holder of one unit.

    ``focus`` in [0, 1] is the share of effort spent on what voters see (services);
    the rest goes to what the appointer sees (loyalty). It follows whom the akim
    answers to: see :func:`accountability_focus`.
    """

    def __init__(self, model: mesa.Model, unit: int, candidate: Person, year: int,
                 regime: RegimeName, term_end: int, focus: float,
                 weights: AppointerBehaviour, acting: bool = False,
                 consecutive_terms: int = 1) -> None:
        super().__init__(model)
        self.unit = unit
        self.person_id = candidate.candidate_id
        self.traits = candidate.traits
        self.party = candidate.party
        self.nomination = candidate.nomination
        self.since = year
        self.regime = RegimeName(regime)
        self.term_end = term_end
        self.focus = focus
        self.weights = weights
        self.acting = acting
        self.consecutive_terms = consecutive_terms
        self.performance: list[float] = []
        self.loyalty_shown: list[float] = []

    @property
    def competence(self) -> float:
        return self.traits.competence

    @property
    def tenure(self) -> int:
        """Years in office so far."""
        return len(self.performance)

    def govern(self, effort_gain: float, loyalty_gain: float, shock: float,
               loyalty_shock: float) -> tuple[float, float]:
        """One year in office: returns (performance signal, loyalty shown)."""
        performance = self.traits.competence + effort_gain * self.focus + shock
        loyalty = self.traits.loyalty + loyalty_gain * (1.0 - self.focus) + loyalty_shock
        return performance, loyalty

    def remember(self, performance: float, loyalty: float) -> None:
        """Keep the year's record (the model calls this after recording it)."""
        self.performance.append(performance)
        self.loyalty_shown.append(loyalty)

    def record(self, years: int) -> float:
        """Mean performance over the last ``years`` years (0 if none)."""
        recent = self.performance[-years:]
        return float(np.mean(recent)) if recent else 0.0

    def mean_loyalty(self, years: int) -> float:
        recent = self.loyalty_shown[-years:]
        return float(np.mean(recent)) if recent else self.traits.loyalty


class RegionalAkim(Akim):
    """The akim of a region or republican city: appoints and nominates below it."""


@dataclass(frozen=True)
class DeputyBloc:
    """Deputies who vote together: one maslikhat, or several in a joint session.

    ``xy`` float64[D, 2] positions, ``party`` int64[D] (-1 non-party).
    """

    xy: np.ndarray
    party: np.ndarray
    rules: MaslikhatBehaviour

    @property
    def size(self) -> int:
        return int(self.party.shape[0])

    @staticmethod
    def joint(blocs: list[DeputyBloc]) -> DeputyBloc:
        """All deputies of several blocs voting as one (the rules of the first)."""
        if len(blocs) == 1:
            return blocs[0]
        return DeputyBloc(np.concatenate([b.xy for b in blocs]),
                          np.concatenate([b.party for b in blocs]), blocs[0].rules)

    def preferences(self, candidates: list[Candidate], noise: np.ndarray,
                    line_party: int = -1) -> np.ndarray:
        """Deputies' utility for each candidate (float64[D, K]).

        Proximity plus loyalty to a shared party plus, if ``line_party`` >= 0, party
        discipline: deputies of ``line_party`` get a bonus for the first candidate (in a
        consent vote, the one the appointer proposes). ``noise`` ~ N(0, 1)[D, K].
        """
        r = self.rules
        plat = np.array([c.platform for c in candidates], dtype=np.float64).reshape(-1, 2)
        d2 = ((self.xy[:, None, :] - plat[None, :, :]) ** 2).sum(axis=2)
        cparty = np.array([c.party for c in candidates])
        same = (self.party[:, None] == cparty[None, :]) & (cparty[None, :] >= 0)
        u = -r.distance_weight * d2 + r.party_discipline * same + r.noise * noise
        if line_party >= 0:
            u[:, 0] += r.party_discipline * (self.party == line_party)
        return u

    def secret_ballot(self, candidates: list[Candidate], noise: np.ndarray) -> np.ndarray:
        """Each deputy votes for its favourite; returns votes per candidate (int64[K]).

        Exact ties in a deputy's utilities go to the candidate listed first.
        """
        pick = np.argmax(self.preferences(candidates, noise), axis=1)
        return np.bincount(pick, minlength=len(candidates)).astype(np.int64)

    def consent(self, candidate: Candidate, appointer_party: int, noise: np.ndarray) -> int:
        """Open vote on one proposed candidate; returns the number of deputies in favour."""
        u = self.preferences([candidate], noise.reshape(-1, 1), line_party=appointer_party)
        return int((u[:, 0] > self.rules.consent_threshold).sum())


class Maslikhat(mesa.Agent):
    """A council of deputies at region or district level, elected for a term.

    ``deputy_xy`` float64[D, 2] positions and ``deputy_party`` int64[D] (-1 non-party);
    :attr:`deputies` is the bloc that votes.
    """

    def __init__(self, model: mesa.Model, unit: int, size: int, rules: MaslikhatBehaviour,
                 deputy_xy: np.ndarray, deputy_party: np.ndarray, term_end: int) -> None:
        super().__init__(model)
        if deputy_xy.shape != (size, 2) or deputy_party.shape != (size,):
            raise ValueError(f"a maslikhat of {size} needs {size} deputy positions and parties")
        self.unit = unit
        self.size = size
        self.term_end = term_end
        self.deputies = DeputyBloc(deputy_xy, deputy_party, rules)

    @property
    def deputy_xy(self) -> np.ndarray:
        return self.deputies.xy

    @property
    def deputy_party(self) -> np.ndarray:
        return self.deputies.party

    def seat_counts(self, n_parties: int) -> np.ndarray:
        """Seats per party (int64[P + 1], the last entry non-party deputies)."""
        codes = np.where(self.deputy_party < 0, n_parties, self.deputy_party)
        return np.bincount(codes, minlength=n_parties + 1)


def accountability_focus(regime: RegimeName, party: int, dominant: int,
                         appointers: AppointerBehaviour, record_weight: float,
                         admin_support: float) -> float:
    """Share of effort an akim gives to voters, from whom its next selection depends on.

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
