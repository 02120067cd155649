"""Dataclass schemas for every config group.

The core takes these plain dataclasses; Hydra (in :mod:`akimsim.edge.hydra`) registers
the same classes in its ConfigStore so a misspelt key or a wrong type fails when a
config is composed. Nothing here imports Hydra.

Every number below is one of three things, and its comment says which:
*law* (a legal rule, cited in ``docs/model.md``), *figure* (a published figure, cited
in the project's domain notes and the territory data file) or *assumption* (a modelling
choice, documented here and open to override).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from akimsim.config.bounds import (
    at_least,
    between,
    positive,
    real,
    share,
    utility,
    whole,
)
from akimsim.config.enums import (
    TIERS,
    AgainstAllPolicy,
    AppointerView,
    CouncilComposition,
    CouncilSystem,
    EffortMode,
    EntryMode,
    NoCandidatePolicy,
    RegimeName,
    RegistrationMode,
    Retrospection,
    RuleName,
    TerritorySource,
    Tier,
    TurnoutLearning,
    TurnoutMode,
)


@dataclass
class TerritoryConfig:
    """Which territory to simulate and at what scale."""

    source: TerritorySource = TerritorySource.kazakhstan
    path: str | None = None  # with source=csv: the table to load
    # share of registered voters simulated, in (0, 1]; assumption knob
    scale: float = between(1.0, 0, 1, lo_open=True, what="a share")
    # with scale < 1, a rural or childless unit keeps at least min(its voters, this many)
    min_unit_voters: int = whole(7, 1)
    # synthetic generator (source=synthetic)
    regions: int = whole(1, 1)
    districts_per_region: int = whole(1, 1)
    villages_per_district: int = whole(4, 1)
    voters_per_village: int = whole(700, 1)
    district_centre_voters: int = whole(1200, 0)  # voters living in the district town itself
    region_centre_voters: int = whole(0, 0)  # voters living in the region's own city
    # how a district's rural voters are split across its rural units (derived rule D-split):
    # sizes proportional to exp(spread * z_k), z_k the normal quantiles at (k - 0.5) / n
    rural_size_spread: float = at_least(0.6, 0)  # assumption


@dataclass
class PartyConfig:
    """A party: its share of attached voters, its platform and how often it nominates."""

    name: str = "independent"
    attachment: float = share(0.0)  # share of voters attached to the party; assumption
    x: float = real(0.0)  # platform in the two-dimensional policy space; assumption
    y: float = real(0.0)  # assumption
    # chance it fields a nominee in a direct race; figure (2021)
    nominate_rate: float = share(0.0, "a probability")
    dominant: bool = False


def _default_parties() -> list[PartyConfig]:
    # nominate_rate: 2021 rural races, nominees per race (Nur Otan 588, Auyl 100,
    # People's Party 70, Adal 56, Ak Zhol 53 over 730 races;
    # docs/sources.md#rural-direct-2021). Attachment shares and platforms are assumptions.
    return [
        PartyConfig("Amanat", 0.38, 0.0, 0.3, 0.81, dominant=True),
        PartyConfig("Auyl", 0.05, -0.4, 0.2, 0.14),
        PartyConfig("People's Party", 0.05, -0.8, -0.2, 0.10),
        PartyConfig("Adal", 0.03, 0.5, -0.1, 0.08),
        PartyConfig("Ak Zhol", 0.05, 0.8, -0.3, 0.07),
    ]


@dataclass
class VoterBehaviour:
    """How voters are placed, attached to parties, turn out and choose."""

    region_sd: float = at_least(0.35, 0)  # spread of regional mean ideal points; assumption
    district_sd: float = at_least(0.25, 0)  # assumption
    local_sd: float = at_least(0.2, 0)  # rural unit around its district; assumption
    voter_sd: float = at_least(0.7, 0)  # individual spread around the unit mean; assumption
    party_pull: float = share(0.4)  # attached voters move this far toward their party; assumption
    # strength of attachment = logistic(N(mean, sd)) for attached voters; assumption
    partisanship_logit_mean: float = real(0.0)
    partisanship_logit_sd: float = at_least(1.0, 0)
    # turnout propensity on the logit scale ~ N(mean, sd) per voter, plus a shift per
    # region; assumption (mean propensity about 0.66 before the tier's salience)
    # calibrated (issue 14; 0.936 in issue 12, 0.9 before)
    propensity_logit_mean: float = real(0.82)
    propensity_logit_sd: float = at_least(1.0, 0)
    # logit sd across regions (66.5-90.9 % in 2021)
    region_turnout_sd: float = at_least(0.554, 0)  # calibrated (issue 14; 0.84, 0.4 before)
    # logit turnout shift by tier of the contest: local races mobilise more; assumption
    salience_region: float = real(-0.3)
    salience_district: float = real(0.3)
    salience_rural: float = real(0.8)
    turnout_per_log_candidate: float = real(0.2)  # more candidates, more turnout; assumption
    # utility of a candidate: valence - distance_weight * d^2 + party_weight * strength
    distance_weight: float = at_least(1.0, 0)  # assumption
    competence_weight: float = real(0.5)  # assumption
    party_weight: float = real(1.0)  # assumption
    # bonus of the dominant party's nominee: an open question (docs/model.md)
    admin_support: float = real(0.701)  # calibrated (issue 14; 0.888, hand-set 1.2 before)
    record_weight: float = real(0.6)  # retrospective weight on the incumbent's record; assumption
    noise_scale: float = at_least(0.7, 0)  # Gumbel scale of idiosyncratic taste; assumption
    against_all_utility: float = utility(-1.6)  # utility of the "against all" line; assumption
    # a switch (issue 14; agents.behaviour.turnout): ``fixed``, the tier's salience and the
    # number of candidates; ``context``, also the size of the race's electorate and how
    # close the race is expected to be
    turnout_mode: TurnoutMode = TurnoutMode.context
    # context: logit turnout per unit of ln(electorate / size_reference), the electorate
    # counted in registered voters (the simulated ones over territory.scale); the
    # mechanism a finding of aggregate studies (Geys 2006), the value calibrated (issue 14)
    # to the turnout-size pattern (Kyzylorda region, 2025) and the 2021 turnout
    size_effect: float = between(-1.545, -3, 3, what="a logit per log voter")
    size_reference: float = positive(1660.0, "voters")  # figure: voters per race, 2021
    # context: the electorate beyond which size no longer lowers turnout (0: no cap, the
    # first form of issue 14, which extrapolates the rural slope to districts and regions
    # and gives them a turnout of a few per cent). The largest rural electorate the
    # sources report (Akshukur village, Mangistau region, 6,877;
    # docs/sources.md#rural-direct-2021-regions), so the
    # slope fitted on rural races is applied only within their range; the cap itself is
    # an assumption (in the pivotal-voter logic the chance that a vote decides is
    # already negligible at a few thousand voters)
    size_cap: float = at_least(6877.0, 0)
    # context: logit turnout per unit of expected closeness (1 minus the expected lead of
    # the favourite over the runner-up); the mechanism a finding of aggregate studies
    # (Geys 2006), the value an assumption
    closeness_effect: float = between(0.5, -5, 5, what="a logit")
    # a switch (issue 14; agents.behaviour.learning): ``none``, fixed propensities;
    # ``aspiration``, after each direct election every voter of it reinforces what it did
    # when its payoff met its aspiration and moves away from it otherwise (Bendor,
    # Diermeier and Ting 2003), plus a habit step toward what it did (Fowler 2006); the
    # propensities carry to the next election
    learning: TurnoutLearning = TurnoutLearning.none
    learning_rate: float = share(0.1)  # the reinforcement step on the propensity; assumption
    habit: float = share(0.05)  # the habit step toward what the voter did; assumption
    aspiration_memory: float = share(0.8)  # weight of the old aspiration; assumption
    aspiration_start: float = real(0.5)  # every voter's first aspiration; assumption
    vote_cost: float = at_least(0.2, 0)  # the payoff lost by voting (winning pays 1); assumption
    # a switch (issue 14; agents.behaviour.retrospection): what voters hold against a
    # sitting akim: ``record``, the mean performance of the last term; ``belief``, the
    # posterior mean of its competence from every year of performance in office (normal
    # prior of sd candidates.competence_sd, noise of sd akims.performance_noise)
    retrospection: Retrospection = Retrospection.belief


@dataclass
class CandidateBehaviour:
    """Who enters races and with what traits."""

    # Poisson mean of would-be self-nominees; calibrated (issue 14, who could stand with
    # strategic entry; 2.611 in issue 12, 2.4 before)
    self_nominee_rate: float = between(3.743, 0, 100, what="a mean count")
    signature_threshold: float = share(0.01)  # law: 1 % of the unit's voters
    # share of voters a self-nominee can gather signatures from ~ Beta(a, b); assumption
    signature_reach_a: float = positive(1.2)
    signature_reach_b: float = positive(30.0)
    # figure: 2,582 nominated, 2,297 registered (2021)
    registration_rejection: float = share(0.11, "a probability")
    # chance an eligible incumbent stands again
    # calibrated (issue 14: the chance at the reference chance of winning; 0.485, 0.75)
    incumbent_runs: float = share(0.539, "a probability")
    # a nominee's distance from the party platform; assumption
    platform_sd: float = at_least(0.3, 0)
    competence_sd: float = at_least(1.0, 0)  # assumption
    loyalty_sd: float = at_least(1.0, 0)  # assumption
    dominant_loyalty: float = real(0.8)  # dominant-party nominees' mean loyalty; assumption
    pool_size: int = whole(4, 1, 50)  # appointer's shortlist pool besides the incumbent; assumption
    # a "municipal filter" as for Russia's governors (law there: 5-10 % of municipal
    # deputies): the share of the deputies of the councils below a post whose
    # signatures every nominee of a direct race needs; a deputy signs for one nominee
    # only (see entry.council_filter). 0 = no filter (Kazakhstan).
    council_signature_threshold: float = share(0.0)
    # a switch (issue 14; agents.behaviour.entry): ``fixed``, the probabilities above;
    # ``strategic``, a person stands with probability logistic(logit(base) +
    # entry_sensitivity * (chance - entry_reference)), the chance of winning from a poll of
    # the potential field (citizen-candidate entry with logistic costs: Osborne and
    # Slivinski 1996, Besley and Coate 1997); the base is incumbent_runs, the party's
    # nominate_rate or self_stand
    entry: EntryMode = EntryMode.strategic
    # strategic: how much the chance of winning moves the decision; calibrated (issue 14)
    entry_sensitivity: float = between(0.683, 0, 50, what="a logit per unit of chance")
    entry_reference: float = share(1 / 3)  # the chance at which the base rates hold; assumption
    # strategic: a would-be self-nominee's chance of standing at the reference chance;
    # assumption
    self_stand: float = between(0.8, 0, 1, lo_open=True, hi_open=True, what="a probability")
    # a switch (issue 14; agents.behaviour.entry): ``uniform``, every nominee rejected with
    # registration_rejection; ``managed``, the rejection logit rises by managed_filter
    # times a non-dominant nominee's chance of winning, and races the dominant party's
    # nominee would face alone get a technical candidate with technical_rate
    registration: RegistrationMode = RegistrationMode.uniform
    # managed pre-selection, as reported for commissions in Kazakhstan and Russia but not
    # measured: assumptions
    managed_filter: float = between(0.0, 0, 50, what="a logit per unit of chance")
    technical_rate: float = share(0.0, "a probability")  # per lone race; assumption
    technical_competence: float = real(-1.0)  # their competence, in competence sd; assumption


@dataclass
class AkimBehaviour:
    """How office holders govern and whom they answer to."""

    term_years: int = whole(4, 1, 20, "years")  # law: akim term 4 years
    # terms allowed in a row (0 = no limit); assumption: reports of two, unverified
    term_limit: int = whole(0, 0, 100, "terms in a row", "0 = no limit")
    # the tiers the term limit applies to (Russia's two-term limit binds governors only)
    term_limit_tiers: list[Tier] = field(default_factory=lambda: list(TIERS))
    effort_gain: float = real(0.6)  # performance per unit of voter-focused effort; assumption
    # loyalty shown per unit of appointer-focused effort; assumption
    loyalty_gain: float = real(0.6)
    # sd of the yearly performance signal and of the loyalty shown; assumption
    performance_noise: float = at_least(0.8, 0)
    # a year's chance that an akim elected by a council leaves before the term ends
    # (promotion, resignation, removal), so the council elects a successor for a full
    # term; calibrated (issue 14; 0.201 in issue 13) to the 2017 round's 1,416 posts
    # against 2,454 in 2013
    departure_rate: float = share(0.196, "a probability")
    # a switch (issue 14; agents.behaviour.accountability): ``formula``, a fixed share of
    # effort for voters set by the weights (docs/model.md 6.2); ``career``, effort on each
    # task (voters' local services, the appointer's mandated tasks) is base_effort plus
    # career_stakes times what a unit of it adds to the selector's score, nothing in a
    # last allowed term (career concerns: Holmström 1999; multi-task: Holmström and
    # Milgrom 1991)
    effort: EffortMode = EffortMode.career
    base_effort: float = at_least(0.3, 0)  # effort on each task without career concerns; assumption
    career_stakes: float = at_least(1.0, 0)  # the post's value over the cost of effort; assumption
    # the dominant party's extra administrative support in the akim's unit per unit of the
    # akim's effort for the appointer above base_effort (vote delivery); assumption
    mobilisation: float = at_least(0.3, 0)


@dataclass
class AppointerBehaviour:
    """How appointers (regional akims, the President) rank candidates."""

    loyalty_weight: float = real(1.0)  # open question: loyalty against competence
    competence_weight: float = real(0.5)  # open question: see loyalty_weight
    party_weight: float = real(0.8)  # preference for their own party's candidates; assumption
    noise: float = at_least(0.5, 0)  # assumption
    # appointer utility below which dismissal is considered; assumption
    dismissal_threshold: float = real(-1.5)
    # chance a below-threshold akim is dismissed in a year; assumption
    dismissal_rate: float = share(0.3, "a probability")
    min_candidates: int = whole(2, 1)  # law (2022): at least two candidates go to the maslikhat
    # indirect elections: the mean number of nominees the akim above puts to the council
    # (at least one, at least two from ``two_nominees_from``; the rest Poisson); 0 puts
    # exactly max(2, min_candidates), the rule before issue 13; calibrated (issue 14;
    # 2.795 in issue 13) to 2.79 candidates per post in 2017
    nominees_mean: float = between(2.724, 0, 20, what="a mean count")
    two_nominees_from: int = whole(2016, 1900, 2200, "a year")  # law (2016 amendments)
    # consent votes from this year on are a choice between the appointer's first two
    # candidates in an open vote of the deputies of all of the region's maslikhats (law,
    # 2022); before it, and always when null, the proposals are put to a yes/no vote one
    # after another, before 2022 by the region's own maslikhat (assumption: the rule
    # reported for the 1995 Constitution; with null, by all of them, as before issue 13)
    consent_choice_from: int | None = whole(2022, 1900, 2200, "a year",
                                            "null: yes/no votes in every year")
    # in an open consent vote, a deputy's utility bonus for the appointer's first
    # candidate (pressure of a vote cast in public); the mechanism an assumption, the
    # value calibrated (issue 14; 0.01 in issue 13) to the consent-vote shares since 2022
    open_vote_pressure: float = real(-0.266)
    consent_tiers: list[Tier] = field(default_factory=lambda: [Tier.region])  # law (2022)
    # a switch (issue 14; agents.behaviour.appraisal): ``exact``, a candidate's competence
    # and loyalty themselves, plus an incumbent's record; ``signals``, a newcomer's
    # competence and loyalty through noise of sd screening_noise (shrunk toward the
    # prior), an incumbent's record of performance and of loyalty shown over its tenure,
    # and the votes its unit delivered to the dominant party
    observation: AppointerView = AppointerView.signals
    screening_noise: float = at_least(1.0, 0)  # signals: sd of the screening noise; assumption
    # signals: weight on vote delivery (the dominant party's share of the unit's council
    # seats minus the country's, times ten); positive in studies of Russia (Reuter and
    # Robertson 2012); the value an assumption, to bound by that evidence
    delivery_weight: float = real(0.3)
    # the dominant party renominates its sitting akim in a direct race only when the
    # appointer above ranks it above a fresh nominee (party gatekeeping; assumption)
    renomination: bool = True


@dataclass
class CouncilRule:
    """From ``year`` on, maslikhats are elected under these systems: ``region`` for region
    and republican-city maslikhats, ``local`` for city and district ones; a party list
    needs ``threshold`` of the ballots cast to win seats."""

    year: int = whole(1990, 1900, 2200, "a year")
    region: CouncilSystem = CouncilSystem.smd
    local: CouncilSystem = CouncilSystem.smd
    threshold: float = share(0.0)


def _council_rules() -> list[CouncilRule]:
    # 2012 and 2016 single-member districts: assumption (the project's sources do not give
    # the rule); 2021 party lists: as reported (the sources give no threshold; the
    # Mazhilis's 7 % is assumed); from 2023 regions half by list, districts and cities in
    # single-member districts (docs/sources.md#maslikhats), the threshold the Mazhilis's
    # 5 % (assumption; docs/sources.md#mazhilis-rules)
    return [CouncilRule(1990, CouncilSystem.smd, CouncilSystem.smd, 0.0),
            CouncilRule(2021, CouncilSystem.list, CouncilSystem.list, 0.07),
            CouncilRule(2023, CouncilSystem.mixed, CouncilSystem.smd, 0.05)]


@dataclass
class MaslikhatBehaviour:
    """Council sizes, terms, how voters elect them and how deputies vote."""

    term_years: int = whole(5, 1, 20, "years")  # law: maslikhat term 5 years
    # where the deputies come from: ``elected`` by voters in ``election_years`` under
    # ``systems`` (law: maslikhats are elected), or ``drawn`` from the voters with
    # staggered terms (an assumption, the rule before issue 13)
    composition: CouncilComposition = CouncilComposition.elected
    # figure: the maslikhat elections held (2023 an early one); after the last, one every
    # ``term_years``, and before the first, one every ``term_years`` back
    election_years: list[int] = field(default_factory=lambda: [2012, 2016, 2021, 2023])
    systems: list[CouncilRule] = field(default_factory=_council_rules)
    # turnout shift on the logit scale of a council election day; assumption
    salience: float = real(-0.4)
    # repeat elections in a single-member district nobody won ("against all" won, or
    # nobody stood): law, a repeat election; assumption, held once, with fresh
    # candidates and the election day's turnout, after which the seat stays vacant
    repeat_elections: int = whole(1, 0, 10, "repeat elections")
    # share of the voters who turn out whose council ballots are cast and counted (a
    # systematic sample of the voter rows; the rest count in turnout only): 1 counts
    # every ballot. An assumption for speed, like territory.scale (docs/model.md, 7.4)
    ballot_share: float = between(0.25, 0, 1, lo_open=True, what="a share")
    # seats of a unit of the tier's median electorate: assumption within the legal caps of
    # 50 (region), 30 (city) and 25 (district); a unit with ``voters`` seats
    # round(size * (voters / median) ** size_elasticity), within [min_size, cap]. Set so
    # the shipped territory's 222 councils seat 3,414 deputies (3,415 deputies in 223
    # maslikhats reported for 2023: docs/sources.md#maslikhats); before issue 13, 33, 21
    # and 12 seats everywhere (elasticity 0)
    size_region: int = whole(34, 1, 50, "seats", "the legal cap")
    size_city: int = whole(21, 1, 30, "seats", "the legal cap")
    size_district: int = whole(11, 1, 25, "seats", "the legal cap")
    size_elasticity: float = between(0.3, 0, 2, what="an elasticity")  # assumption
    min_size: int = whole(7, 1, 25, "seats")  # assumption
    # seat-share multiplier for the dominant party; assumption
    dominant_seat_bonus: float = at_least(1.5, 0)
    distance_weight: float = at_least(1.0, 0)  # assumption
    # bonus a deputy gives a candidate of its own party and, in an open consent vote,
    # to the appointer's proposal when the deputy belongs to the appointer's party
    party_discipline: float = real(1.5)  # assumption
    noise: float = at_least(0.5, 0)  # assumption
    # secret ballot of an indirect election: the bonus a deputy of the nominating akim's
    # party gives the akim's first nominee (the nominator's line); the mechanism an
    # assumption, the value calibrated (issue 14; 3.98 in issue 13) to the 2013 incumbents
    # kept, which it does not reach (0 before issue 13)
    follow_nominator: float = real(2.964)
    # open vote: consent if utility above this; calibrated (issue 12; -1.2 before)
    consent_threshold: float = real(-0.635)
    second_round: bool = True  # indirect: a top-two runoff if no majority in round one


@dataclass
class BehaviourConfig:
    voters: VoterBehaviour = field(default_factory=VoterBehaviour)
    candidates: CandidateBehaviour = field(default_factory=CandidateBehaviour)
    akims: AkimBehaviour = field(default_factory=AkimBehaviour)
    appointers: AppointerBehaviour = field(default_factory=AppointerBehaviour)
    maslikhats: MaslikhatBehaviour = field(default_factory=MaslikhatBehaviour)
    parties: list[PartyConfig] = field(default_factory=_default_parties)


@dataclass
class RuleConfig:
    """The rule of direct elections and what happens at its edges."""

    name: RuleName = RuleName.plurality  # the rule of every tier not set below
    region: RuleName | None = None  # e.g. rule.district=two_round
    district: RuleName | None = None
    rural: RuleName | None = None
    against_all_wins: AgainstAllPolicy = AgainstAllPolicy.rerun
    no_candidates: NoCandidatePolicy = NoCandidatePolicy.rerun
    allow_single_candidate: bool = True  # open question; a lone candidate must beat "against all"
    # open question; below it the election is void and handled as ``no_candidates`` says
    min_turnout: float = share(0.0)
    # two_round: share of ballots needed to win in round one (Russia's governors: 0.5)
    majority_threshold: float = between(0.5, 0, 1, hi_open=True, what="a share")
    # two_round: share of first-round voters who return; assumption
    runoff_turnout: float = share(1.0)
    # approval: approve candidates within this utility of the best
    approval_margin: float = at_least(1.0, 0)

    def for_tier(self, tier: Tier | str) -> RuleName:
        """The rule of direct elections at ``tier``."""
        override = getattr(self, Tier(tier).value)
        return RuleName(override if override is not None else self.name)


@dataclass
class ReformStep:
    """From ``year`` on, ``tier`` uses ``regime`` for new selections, and ``rule`` for its
    direct elections.

    ``units`` limits the switch to that many units of the tier (chosen by lot among
    those not yet switched), e.g. the 45 districts of the 2023 pilot; ``immediate``
    holds the selection that year instead of waiting for terms to expire. ``regime:
    null`` makes a step that changes only the rule; ``rule`` (null: unchanged) is the
    tier's rule of direct elections from ``year`` on, whatever ``rule.<tier>`` says
    (which holds before it).
    """

    year: int = whole(2013, 1900, 2200, "a year")
    tier: Tier = Tier.rural
    regime: RegimeName | None = RegimeName.direct
    units: int | None = whole(None, 1, what="a number of units", note="null: all units")
    immediate: bool = False
    rule: RuleName | None = None


@dataclass
class RegimesConfig:
    """Regime per tier: a fixed value pins the tier for every year; null follows the
    reform steps (``schedule``, then ``add``)."""

    region: RegimeName | None = None
    district: RegimeName | None = None
    rural: RegimeName | None = None
    # the regime of tiers neither pinned nor yet reached by the schedule, and the label
    # of the office holders at the start (always drawn from an appointer's shortlist)
    initial: RegimeName = RegimeName.appointment
    schedule: list[ReformStep] = field(default_factory=list)
    # steps added to the schedule without restating it, e.g. on the command line
    # regimes.add=[{year:2027,tier:region,regime:direct}]
    add: list[ReformStep] = field(default_factory=list)

    def steps(self) -> list[tuple[str, ReformStep]]:
        """Every reform step with the config key that names it (``regimes.schedule[0]``,
        ``regimes.add[0]``), the schedule first."""
        return ([(f"regimes.schedule[{i}]", s) for i, s in enumerate(self.schedule)]
                + [(f"regimes.add[{i}]", s) for i, s in enumerate(self.add)])


@dataclass
class OutputConfig:
    """What a run writes besides its tables, and whether it may replace earlier results."""

    figures: bool = True
    progress: bool = True  # a progress bar over the years
    # replace the results a folder already holds (all of them: no old file stays beside
    # the new ones); without it a run into such a folder stops before any work
    overwrite: bool = False


@dataclass
class RunConfig:
    """One simulation run."""

    seed: int = whole(0, 0, what="a seed")
    start_year: int = whole(2013, 1900, 2200, "a year")
    end_year: int = whole(2030, 1900, 2200, "a year")
    max_materialised_voters: int = whole(20_000, 0)  # Voter agents are created up to this size
    territory: TerritoryConfig = field(default_factory=TerritoryConfig)
    regimes: RegimesConfig = field(default_factory=RegimesConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    rule: RuleConfig = field(default_factory=RuleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
