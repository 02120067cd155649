"""Appointment, indirect and direct selection of akims behind one interface.

A :class:`Contest` says who may be chosen for one post in one year and who chooses;
a regime turns a batch of contests into immutable :class:`ContestOutcome` records.
Regimes never change the model: the model installs winners from the outcomes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from akimsim.agents import Appointer, Candidate, DeputyBloc, Maslikhat
from akimsim.config import (
    BehaviourConfig,
    RegimeName,
    RuleConfig,
    RuleName,
    Tier,
)
from akimsim.population import Population
from akimsim.rules import (
    MAX_CANDIDATES,
    BallotBox,
    ContestResult,
    RuleSpec,
    first_preferences,
    get_rule,
)
from akimsim.voting import Ballots, cast_ballots

STATUSES: tuple[str, ...] = (
    "elected",  # a direct or indirect election produced a winner
    "appointed",  # an appointer chose (with consent where the law asks)
    "against_all",  # "against all" beat every candidate
    "no_candidates",  # nobody (or too few) registered
    "turnout_too_low",  # below the minimum turnout, or nobody voted
    "consent_refused",  # the maslikhats refused every proposed candidate
    "no_winner",  # the rule elected nobody (e.g. no Condorcet winner)
)


@dataclass
class Contest:
    """One post to fill in one year.

    ``councils`` are the maslikhats whose deputies vote (indirect) or consent
    (appointment); their deputies vote as one bloc. ``start``/``stop`` is the unit's
    electorate; ``nominated`` counts nominees before registration (direct only).
    """

    year: int
    unit: int
    tier: Tier
    kind: str
    regime: RegimeName
    candidates: list[Candidate]
    appointer: Appointer
    councils: list[Maslikhat]
    start: int
    stop: int
    rng: np.random.Generator  # appointers' and deputies' noise
    lot: np.random.Generator  # tie-breaking lots
    ballot_key: np.uint64  # kernel key of the voters' draws
    lot_key: np.uint64  # kernel key of the candidates' lots
    nominated: int = 0
    incumbent_slot: int = -1


@dataclass(frozen=True)
class ContestOutcome:
    """The immutable record of one contest.

    ``votes`` are the final round's counts per candidate (votes, Borda points,
    approvals or Copeland scores x2 by rule in a direct election; deputies' votes for
    an indirect election; consent votes for an appointment with consent; empty for a
    plain appointment); ``first_round`` the first round's when there were more;
    ``first_preferences`` the voters' first preferences in a direct election.
    ``winner`` is a slot of ``candidate_ids`` or -1. ``tie`` lists the slots tied
    for first and ``tie_break`` how the tie was settled.
    """

    year: int
    unit: int
    tier: str
    regime: str
    rule: str
    kind: str
    status: str
    candidate_ids: tuple[int, ...]
    candidate_parties: tuple[int, ...]
    candidate_nominations: tuple[str, ...]
    candidate_xy: tuple[tuple[float, float], ...]
    incumbent_slot: int
    nominated: int
    electorate: int
    ballots: int
    votes: tuple[int, ...]
    against_all: int
    first_round: tuple[int, ...] | None
    rounds: int
    winner: int
    tie: tuple[int, ...] = ()
    tie_break: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    first_preferences: tuple[int, ...] = ()

    @property
    def winner_id(self) -> int | None:
        return self.candidate_ids[self.winner] if self.winner >= 0 else None


@dataclass(frozen=True)
class SelectionContext:
    """What every regime may read: the electorate, behaviour, the rule and parties."""

    population: Population
    behaviour: BehaviourConfig
    rule: RuleConfig
    dominant_party: int
    record_choices: bool = False


def _outcome(contest: Contest, *, rule: str, status: str, candidates: Sequence[Candidate],
             votes: Sequence[int] | np.ndarray, winner: int, electorate: int = 0,
             ballots: int = 0, against_all: int = 0,
             first_round: Sequence[int] | np.ndarray | None = None, rounds: int = 0,
             tie: Sequence[int] = (), tie_break: str = "",
             extra: dict[str, float] | None = None,
             first_preferences: Sequence[int] | np.ndarray = ()) -> ContestOutcome:
    ids = [c.candidate_id for c in candidates]
    incumbent_slot = next((k for k, c in enumerate(candidates) if c.incumbent), -1)
    return ContestOutcome(
        year=contest.year,
        unit=contest.unit,
        tier=Tier(contest.tier).value,
        regime=RegimeName(contest.regime).value,
        rule=rule,
        kind=contest.kind,
        status=status,
        candidate_ids=tuple(ids),
        candidate_parties=tuple(c.party for c in candidates),
        candidate_nominations=tuple(c.nomination for c in candidates),
        candidate_xy=tuple((float(c.traits.x), float(c.traits.y)) for c in candidates),
        incumbent_slot=incumbent_slot,
        nominated=contest.nominated,
        electorate=electorate,
        ballots=ballots,
        votes=tuple(int(v) for v in votes),
        against_all=int(against_all),
        first_round=None if first_round is None else tuple(int(v) for v in first_round),
        rounds=rounds,
        winner=int(winner),
        tie=tuple(int(t) for t in tie),
        tie_break=tie_break,
        extra=extra or {},
        first_preferences=tuple(int(v) for v in first_preferences),
    )


class Regime(ABC):
    """A way of choosing akims: contests in, outcomes out, one per contest, same order."""

    name: RegimeName

    @abstractmethod
    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> list[ContestOutcome]:
        """Decide every contest of the batch."""


REGIMES: dict[str, type[Regime]] = {}


def register_regime(name: RegimeName) -> Callable[[type[Regime]], type[Regime]]:
    """Add a regime class to :data:`REGIMES`."""

    def wrap(cls: type[Regime]) -> type[Regime]:
        cls.name = RegimeName(name)
        REGIMES[RegimeName(name).value] = cls
        return cls

    return wrap


def get_regime(name: RegimeName | str) -> Regime:
    """An instance of the regime called ``name``; fails listing the known names."""
    key = RegimeName(name).value if isinstance(name, RegimeName) else str(name)
    if key not in REGIMES:
        raise KeyError(f"unknown regime {key!r}; known regimes: {sorted(REGIMES)}")
    return REGIMES[key]()


def draw_lot(tied: np.ndarray, lot: np.random.Generator) -> tuple[int, str]:
    """Pick one of ``tied`` slots by a seeded lot; returns the slot and its record."""
    pick = int(tied[int(lot.integers(len(tied)))])
    return pick, f"lot among {tuple(int(t) for t in tied)} -> {pick}"


def joint_bloc(councils: Sequence[Maslikhat]) -> DeputyBloc:
    """The deputies of several maslikhats voting together (a joint session)."""
    return DeputyBloc.joint([c.deputies for c in councils])


def council_vote(bloc: DeputyBloc, candidates: list[Candidate], rng: np.random.Generator,
                 lot: np.random.Generator, second_round: bool
                 ) -> tuple[int, np.ndarray, np.ndarray | None, int, tuple[int, ...], str]:
    """Secret ballot of a council's deputies with a majority rule.

    Round one: a candidate with votes from more than half of the deputies wins.
    Otherwise, if ``second_round``, the two best-placed candidates (ties for second
    place by lot) go to a second round decided by a majority of votes cast, a tie by
    lot; without a second round the best-placed candidate wins, ties by lot.
    Returns (winner, final votes int64[K], first-round votes or None, rounds, tied
    slots, tie-break record).
    """
    k = len(candidates)
    d = bloc.size
    first = bloc.secret_ballot(candidates, rng.standard_normal((d, k)))
    top = int(first.max())
    if 2 * top > d or k == 1:
        tied = np.flatnonzero(first == top)
        if tied.shape[0] == 1:
            return int(tied[0]), first, None, 1, (), ""
        w, rec = draw_lot(tied, lot)
        return w, first, None, 1, tuple(int(t) for t in tied), rec
    if not second_round:
        tied = np.flatnonzero(first == top)
        if tied.shape[0] == 1:
            return int(tied[0]), first, None, 1, (), ""
        w, rec = draw_lot(tied, lot)
        return w, first, None, 1, tuple(int(t) for t in tied), rec
    # pick the top two, settling ties at the cut by lot
    order = np.lexsort((lot.random(k), -first))
    finalists = np.sort(order[:2])
    sub = [candidates[int(s)] for s in finalists]
    second = bloc.secret_ballot(sub, rng.standard_normal((d, 2)))
    final = np.zeros(k, dtype=np.int64)
    final[finalists] = second
    if second[0] == second[1]:
        w, rec = draw_lot(finalists, lot)
        return w, final, first, 2, tuple(int(f) for f in finalists), rec
    return int(finalists[int(np.argmax(second))]), final, first, 2, (), ""


@register_regime(RegimeName.appointment)
class Appointment(Regime):
    """The appointer ranks the shortlist; where the law asks, maslikhats must consent.

    With consent (tiers in ``behaviour.appointers.consent_tiers``), the appointer's
    ``min_candidates`` best-ranked candidates are put, in the appointer's order, to an
    open vote of the deputies of the councils; the first to win a majority of all
    deputies is appointed. If every one is refused the post goes to an acting akim
    (status ``consent_refused``).
    """

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> list[ContestOutcome]:
        out = []
        ap = ctx.behaviour.appointers
        consent_tiers = {Tier(t) for t in ap.consent_tiers}
        for contest in contests:
            cands = contest.candidates
            if not cands:
                out.append(_outcome(contest, rule="appointer", status="no_candidates",
                                    candidates=[], votes=[], winner=-1))
                continue
            order = contest.appointer.rank(cands, contest.rng.standard_normal(len(cands)))
            if Tier(contest.tier) not in consent_tiers or not contest.councils:
                out.append(_outcome(contest, rule="appointer", status="appointed",
                                    candidates=cands, votes=[], winner=int(order[0])))
                continue
            bloc = joint_bloc(contest.councils)
            proposed = order[: max(ap.min_candidates, 1)]
            yes = np.zeros(len(cands), dtype=np.int64)
            winner = -1
            held = 0
            for slot in proposed:
                slot = int(slot)
                held += 1
                yes[slot] = bloc.consent(cands[slot], contest.appointer.party,
                                         contest.rng.standard_normal(bloc.size))
                if 2 * yes[slot] > bloc.size:
                    winner = slot
                    break
            out.append(_outcome(
                contest, rule="consent", status="appointed" if winner >= 0 else "consent_refused",
                candidates=cands, votes=yes, winner=winner, electorate=bloc.size,
                ballots=bloc.size, rounds=held,
            ))
        return out


@register_regime(RegimeName.indirect)
class Indirect(Regime):
    """The upper akim nominates at least two candidates; maslikhat deputies elect.

    Secret ballot with proximity, party loyalty and noise; majority of all deputies
    in round one, else a top-two second round (see :func:`council_vote`).
    """

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> list[ContestOutcome]:
        out = []
        n_nominees = max(2, ctx.behaviour.appointers.min_candidates)
        for contest in contests:
            cands = contest.candidates
            if not cands or not contest.councils:
                out.append(_outcome(contest, rule="council_majority", status="no_candidates",
                                    candidates=[], votes=[], winner=-1))
                continue
            order = contest.appointer.rank(cands, contest.rng.standard_normal(len(cands)))
            nominees = [cands[int(s)] for s in order[:n_nominees]]
            bloc = joint_bloc(contest.councils)
            winner, final, first, rounds, tie, rec = council_vote(
                bloc, nominees, contest.rng, contest.lot, ctx.behaviour.maslikhats.second_round
            )
            out.append(_outcome(
                contest, rule="council_majority", status="elected", candidates=nominees,
                votes=final, winner=winner, electorate=bloc.size, ballots=bloc.size,
                first_round=first, rounds=rounds, tie=tie, tie_break=rec,
            ))
        return out


def candidate_valence(candidates: Sequence[Candidate], ctx: SelectionContext) -> np.ndarray:
    """Weighted non-spatial appeal of each candidate to voters (float64[K])."""
    v = ctx.behaviour.voters
    return np.array([
        v.competence_weight * c.traits.competence
        + (v.admin_support if (c.party == ctx.dominant_party and c.party >= 0) else 0.0)
        + (v.record_weight * c.record if c.incumbent else 0.0)
        for c in candidates
    ], dtype=np.float64)


@register_regime(RegimeName.direct)
class Direct(Regime):
    """Voters turn out and rank (or approve) the registered candidates or vote "against
    all"; the tier's rule (``rule.for_tier``) decides each contest.

    Per-voter work (turnout, ballots, counts) runs in the kernels for the whole batch
    at once; a batch holds contests of one tier, which never share voters.
    """

    last_choice: np.ndarray | None = None

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> list[ContestOutcome]:
        rule_cfg = ctx.rule
        tiers = {Tier(c.tier) for c in contests}
        if len(tiers) > 1:
            raise ValueError("a direct-election batch must hold contests of one tier")
        rule_name = rule_cfg.for_tier(tiers.pop()) if contests else RuleName(rule_cfg.name)
        spec = get_rule(rule_name)
        min_k = 1 if rule_cfg.allow_single_candidate else 2
        runnable = [c for c in contests if len(c.candidates) >= min_k]
        results: dict[int, ContestOutcome] = {}
        for c in contests:
            if len(c.candidates) < min_k:
                results[id(c)] = _outcome(c, rule=spec.name, status="no_candidates",
                                          candidates=c.candidates, votes=[0] * len(c.candidates),
                                          winner=-1, electorate=c.stop - c.start)
        self.last_choice = None
        if runnable:
            box = self._ballot_box(runnable, ctx, spec)
            decided = spec.fn(box, rule_cfg)
            first, _, _ = first_preferences(box)
            if ctx.record_choices:
                choice = np.full(ctx.population.n, -3, dtype=np.int16)
                for c in runnable:
                    rows = slice(c.start, c.stop)
                    choice[rows] = np.where(box.voted[rows] == 1, box.ranking[rows, 0], -2)
                self.last_choice = choice
            for j, (c, res) in enumerate(zip(runnable, decided, strict=True)):
                k0, k1 = int(box.cand_start[j]), int(box.cand_start[j + 1])
                results[id(c)] = self._outcome(c, res, spec.name, first[k0:k1])
        return [results[id(c)] for c in contests]

    @staticmethod
    def _ballot_box(runnable: Sequence[Contest], ctx: SelectionContext, spec: RuleSpec
                    ) -> BallotBox:
        """Turnout and ballots of every voter of the batch, via the kernels."""
        v = ctx.behaviour.voters
        salience = {Tier.region: v.salience_region, Tier.district: v.salience_district,
                    Tier.rural: v.salience_rural}
        counts = np.array([min(len(c.candidates), MAX_CANDIDATES) for c in runnable],
                          dtype=np.int64)
        if np.any(counts != [len(c.candidates) for c in runnable]):
            raise ValueError(f"a ballot holds at most {MAX_CANDIDATES} candidates")
        all_cands = [cand for c in runnable for cand in c.candidates]
        ballots = Ballots(
            starts=np.array([c.start for c in runnable], dtype=np.int64),
            stops=np.array([c.stop for c in runnable], dtype=np.int64),
            cand_start=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            cand_xy=np.array([cand.platform for cand in all_cands],
                             dtype=np.float64).reshape(-1, 2),
            cand_valence=candidate_valence(all_cands, ctx),
            cand_party=np.array([cand.party for cand in all_cands], dtype=np.int16),
            logit_shift=np.array([salience[Tier(c.tier)] + v.turnout_per_log_candidate
                                  * np.log(len(c.candidates)) for c in runnable]),
            keys=np.array([c.ballot_key for c in runnable], dtype=np.uint64),
        )
        weights = np.array([v.distance_weight, v.party_weight, v.noise_scale,
                            v.against_all_utility], dtype=np.float64)
        depth = int(np.max(counts)) if spec.full_ranking else 1
        voted, ranking, approvals = cast_ballots(
            ctx.population, ballots, weights, depth=depth,
            approval_margin=ctx.rule.approval_margin if spec.ballot == "approval" else None)
        return BallotBox(
            starts=ballots.starts, stops=ballots.stops, cand_start=ballots.cand_start,
            electorate=ballots.stops - ballots.starts, voted=voted, ranking=ranking,
            keys=ballots.keys,
            lot_keys=np.array([c.lot_key for c in runnable], dtype=np.uint64),
            approvals=approvals,
        )

    @staticmethod
    def _outcome(c: Contest, res: ContestResult, rule: str, first: np.ndarray
                 ) -> ContestOutcome:
        rounds = res.rounds
        status = {"elected": "elected", "against_all": "against_all",
                  "turnout_too_low": "turnout_too_low", "no_winner": "no_winner"}[res.status]
        return _outcome(
            c, rule=rule, status=status, candidates=c.candidates, votes=rounds[-1],
            winner=res.winner, electorate=c.stop - c.start, ballots=res.ballots,
            against_all=res.against_all, first_round=rounds[0] if len(rounds) > 1 else None,
            rounds=len(rounds), tie=res.tie, tie_break=res.tie_break,
            first_preferences=first,
        )
