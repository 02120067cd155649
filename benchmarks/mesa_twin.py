"""A Mesa-idiomatic twin of akimsim's direct elections, and a benchmark of the two.

The twin is the model a Mesa user would otherwise write for the same question: every
voter, every candidate and every post's akim is a :class:`mesa.Agent`, activated through
Mesa's :class:`~mesa.AgentSet` (``agents_by_type``, ``select``, ``groupby``, ``do``,
``shuffle_do``), with plain Python per agent. It implements the rules of akimsim's
direct plurality elections with every tier elected directly:

* voters: the electorate akimsim draws (:func:`akimsim.world.build_population` with the
  same seed), copied into one ``TwinVoter`` per voter as Python numbers; a unit's
  electorate is its own voters and those of the units below it;
* terms: the tier's ``behaviour.akims.term_years``, first terms staggered by the same
  draw as ``AkimModel._draw_first_terms`` (the ``territory`` stream), the first akims
  drawn from a shortlist as akimsim's first office holders are;
* entry (:func:`akimsim.agents.behaviour.entry.direct_entry`): the eligible incumbent
  stands with ``incumbent_runs`` and takes its party's place, each other party nominates
  with its ``nominate_rate``, a Poisson number of would-be self-nominees each pass the
  signature threshold with P = 1 - betainc(a, b, needed / electorate), then the
  commission rejects each nominee with ``registration_rejection``;
* turnout (``turnout_kernel``, :func:`contest_logit_shift`): each voter turns out with
  probability logistic(propensity + tier salience + per-log-candidate shift);
* choice (``rank_kernel`` at depth 1): utilities valence - w_d d^2 + w_p strength
  [same party] for every candidate and the "against all" line, one logit (Gumbel) pick
  with weights exp((u - max) / noise);
* count (:mod:`akimsim.elections.scoring`, ``registry.gatekeeper``): plurality with
  "against all": if "against all" beats every candidate, or nobody votes, or nobody
  registers, nobody is elected and an acting akim holds the post until a rerun next year
  (the default ``rule`` policies); ties by lot;
* between elections every akim governs (a yearly performance signal, whose mean over the
  last term is the record an incumbent runs on).

Run it from the repository root::

    .venv/bin/python benchmarks/mesa_twin.py --territory toy --repeats 1
    .venv/bin/python benchmarks/mesa_twin.py --repeats 3 --out /tmp/mesa_twin.json

:func:`time_both` builds and runs akimsim's ``AkimModel`` and the ``TwinModel`` on the same
scenario and reports the median wall times and their ratio.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import mesa
import numpy as np
import yaml
from mesa.agent import AgentSet
from scipy.special import betainc

from akimsim import streams as akim_streams
from akimsim import world as akim_world
from akimsim.agents.behaviour.entry import POOL_DOMINANT_SHARE
from akimsim.config import (
    TIERS,
    AgainstAllPolicy,
    NoCandidatePolicy,
    OutputConfig,
    RegimeName,
    RegimesConfig,
    RuleConfig,
    RuleName,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    Tier,
)

ROOT = Path(__file__).resolve().parents[1]
TERRITORIES = ("toy", "synthetic_region")

T = TypeVar("T")


# ---------------------------------------------------------------------------- agents


class TwinVoter(mesa.Agent):
    """A voter: an ideal point, a party (-1 unattached) with a strength, and a turnout
    propensity on the logit scale; ``home`` is the unit it lives in."""

    def __init__(self, model: mesa.Model, home: int, x: float, y: float, party: int,
                 strength: float, turnout_logit: float) -> None:
        super().__init__(model)
        self.home = home
        self.x = x
        self.y = y
        self.party = party
        self.strength = strength
        self.turnout_logit = turnout_logit

    def vote(self, contest: Contest) -> None:
        """Turn out or not; if so, mark the option of highest noisy utility."""
        rnd = self.random.random
        if rnd() >= 1.0 / (1.0 + math.exp(-(self.turnout_logit + contest.shift))):
            return
        contest.ballots += 1
        # slot 0 is "against all", slots 1.. the candidates in ballot order
        utils = [contest.against_all_utility]
        x, y, party = self.x, self.y, self.party
        bonus = contest.party_weight * self.strength
        w_d = contest.distance_weight
        for cand in contest.ballot:
            dx = x - cand.x
            dy = y - cand.y
            u = cand.valence - w_d * (dx * dx + dy * dy)
            if party >= 0 and party == cand.party:
                u += bonus
            utils.append(u)
        first = 0 if contest.has_against_all else 1
        options = utils[first:]
        top = max(options)
        noise = contest.noise
        if noise > 0.0:
            # a logit pick: the law of the best option under Gumbel noise of scale `noise`
            weights = [math.exp((u - top) / noise) for u in options]
            target = rnd() * sum(weights)
            pick = len(weights) - 1
            acc = 0.0
            for j, w in enumerate(weights):
                acc += w
                if acc > target:
                    pick = j
                    break
        else:
            pick = options.index(top)
        choice = first + pick
        if choice == 0:
            contest.against_all += 1
        else:
            contest.ballot[choice - 1].votes += 1


class TwinCandidate(mesa.Agent):
    """A registered candidate of one contest (removed after the count)."""

    def __init__(self, model: mesa.Model, unit: int, person: Person, nomination: str,
                 incumbent: bool, record: float, valence: float) -> None:
        super().__init__(model)
        self.unit = unit
        self.person = person
        self.x = person.x
        self.y = person.y
        self.party = person.party
        self.nomination = nomination
        self.incumbent = incumbent
        self.record = record
        self.valence = valence
        self.votes = 0


class TwinAkim(mesa.Agent):
    """The akim's office of one unit: who holds it, until when, and their record."""

    def __init__(self, model: TwinModel, unit: int, tier: Tier, parent: int) -> None:
        super().__init__(model)
        self.unit = unit
        self.tier = tier
        self.parent = parent
        self.holder: Person | None = None
        self.term_end = 0
        self.consecutive_terms = 0
        self.acting = False
        self.focus = 0.0
        self.performance: list[float] = []

    def seat(self, person: Person, term_end: int, focus: float, acting: bool) -> None:
        """A new holder: the record starts empty, the first term."""
        self.holder = person
        self.term_end = term_end
        self.focus = focus
        self.acting = acting
        self.consecutive_terms = 1
        self.performance = []

    def renew(self, term_end: int, focus: float) -> None:
        """The sitting holder was elected again."""
        self.term_end = term_end
        self.focus = focus
        self.acting = False
        self.consecutive_terms += 1

    def govern(self) -> None:
        """A year in office: a noisy performance signal of competence and voter focus."""
        a = self.model.behaviour.akims
        assert self.holder is not None
        self.performance.append(self.holder.competence + a.effort_gain * self.focus
                                + self.random.gauss(0.0, a.performance_noise))

    def record(self) -> float:
        """Mean performance over the last term's years (0 with none)."""
        recent = self.performance[-self.model.behaviour.akims.term_years:]
        return sum(recent) / len(recent) if recent else 0.0


@dataclass(frozen=True)
class Person:
    """Someone who may hold office: platform, competence, loyalty, party (-1 none)."""

    x: float
    y: float
    competence: float
    loyalty: float
    party: int


@dataclass
class Contest:
    """One direct election: the ballot, the choice weights, and the running count."""

    year: int
    unit: int
    tier: Tier
    ballot: list[TwinCandidate]
    shift: float
    distance_weight: float
    party_weight: float
    noise: float
    against_all_utility: float
    has_against_all: bool
    ballots: int = 0
    against_all: int = 0


# ---------------------------------------------------------------------------- model


class TwinModel(mesa.Model):
    """Every tier's akim elected directly by plurality, one Mesa agent per voter.

    Built from an akimsim :class:`~akimsim.config.RunConfig` (its ``territory``,
    ``behaviour``, ``rule``, ``seed``, ``start_year`` and ``end_year``); ``step`` is one
    year, ``run`` steps to ``end_year``. ``contests`` holds one dict per contest.
    """

    def __init__(self, cfg: RunConfig) -> None:
        super().__init__(seed=cfg.seed)
        self.cfg = cfg
        self.behaviour = cfg.behaviour
        self.rule = cfg.rule
        self.year = cfg.start_year - 1
        self.parties = list(cfg.behaviour.parties)
        self.dominant = next((i for i, p in enumerate(self.parties) if p.dominant), -1)
        self.contests: list[dict[str, Any]] = []
        terr = akim_world.build_territory(cfg.territory)
        self.n_units = terr.n_units
        self.tiers = [Tier.from_code(int(t)) for t in terr.tier]
        self.parents = [int(p) for p in terr.parent]
        self._build_voters(terr)
        self._build_posts(terr)

    def _build_voters(self, terr: akim_world.Territory) -> None:
        """One TwinVoter per voter of akimsim's population; each unit's electorate."""
        streams = akim_streams.Streams(self.cfg.seed)
        pop = akim_world.build_population(terr, self.behaviour.voters, self.parties, streams)
        TwinVoter.create_agents(
            self, pop.n, home=pop.home.tolist(), x=pop.xy[:, 0].tolist(),
            y=pop.xy[:, 1].tolist(), party=pop.party.tolist(), strength=pop.strength.tolist(),
            turnout_logit=pop.turnout_logit.tolist())
        own = dict(iter(self.agents_by_type[TwinVoter].groupby("home", result_type="list")))
        members: list[list[TwinVoter]] = [[] for _ in range(self.n_units)]
        for unit in range(self.n_units):  # a unit's voters belong to it and every unit above
            up = unit
            while up >= 0:
                members[up].extend(own.get(unit, []))
                up = self.parents[up]
        self.electorate = [AgentSet(m, random=self.random) for m in members]
        # the median voter's position (self-nominees' platforms centre on it)
        self.median = [(statistics.median(e.get("x")), statistics.median(e.get("y")))
                       for e in self.electorate]
        # the chance a would-be self-nominee collects the signatures of the 1 %
        c = self.behaviour.candidates
        self.signature_pass = []
        for e in self.electorate:
            share = max(1, math.ceil(c.signature_threshold * len(e))) / len(e)
            below = 1.0 if share >= 1.0 else float(betainc(c.signature_reach_a,
                                                          c.signature_reach_b, share))
            self.signature_pass.append(1.0 - below)

    def _build_posts(self, terr: akim_world.Territory) -> None:
        """An office per unit; the first akims appointed top down, terms staggered."""
        b = self.behaviour
        # the same staggering draw as AkimModel._draw_first_terms (the councils' offsets
        # come first on that stream; the twin has no councils and drops them)
        init = akim_streams.Streams(self.cfg.seed).generator(akim_streams.Purpose.territory)
        init.integers(0, b.maslikhats.term_years, size=self.n_units)
        offsets = init.integers(0, b.akims.term_years, size=self.n_units).tolist()
        self.posts = [TwinAkim(self, u, self.tiers[u], self.parents[u])
                      for u in range(self.n_units)]
        for tier in TIERS:
            for post in self._posts_where(tier, None):
                post.seat(self._appoint(post), self.cfg.start_year + offsets[post.unit],
                          self._focus(RegimeName.appointment, -1), acting=False)

    # ------------------------------------------------------------------ helpers

    def _posts_where(self, tier: Tier, due_by: int | None) -> AgentSet:
        """The offices of ``tier`` (whose term ends by ``due_by``, if given)."""
        posts = self.agents_by_type[TwinAkim]
        if due_by is None:
            return posts.select(lambda a: a.tier == tier)
        return posts.select(lambda a: a.tier == tier and a.term_end <= due_by)

    def _focus(self, regime: RegimeName, party: int) -> float:
        """Share of effort an akim gives voters (akimsim's accountability_focus)."""
        b = self.behaviour
        if regime == RegimeName.direct:
            owed = b.voters.admin_support if party == self.dominant and party >= 0 else 0.0
            total = b.voters.record_weight + owed
            return 1.0 if total <= 0 else b.voters.record_weight / total
        total = b.appointers.competence_weight + b.appointers.loyalty_weight
        return 0.5 if total <= 0 else b.appointers.competence_weight / total

    def _person(self, cx: float, cy: float, spread: float, party: int) -> Person:
        """A newcomer with a platform around (cx, cy), competence and loyalty."""
        c, g = self.behaviour.candidates, self.random.gauss
        loyalty_mean = c.dominant_loyalty if party == self.dominant and party >= 0 else 0.0
        return Person(cx + spread * g(0.0, 1.0), cy + spread * g(0.0, 1.0),
                      c.competence_sd * g(0.0, 1.0), loyalty_mean + c.loyalty_sd * g(0.0, 1.0),
                      party)

    def _appoint(self, post: TwinAkim) -> Person:
        """The first akim of a post, or an acting one: the best of a fresh shortlist for
        the appointer (the unit above's akim, the President's party for regions)."""
        c, ap = self.behaviour.candidates, self.behaviour.appointers
        mx, my = self.median[post.unit]
        if post.parent >= 0:
            holder = self.posts[post.parent].holder
            boss = holder.party if holder is not None else -1
        else:
            boss = self.dominant
        best, best_u = None, -math.inf
        for _ in range(c.pool_size):
            if self.dominant >= 0 and self.random.random() < POOL_DOMINANT_SHARE:
                d = self.parties[self.dominant]
                person = self._person(d.x, d.y, c.platform_sd, self.dominant)
            else:
                person = self._person(mx, my, 2 * c.platform_sd, -1)
            same = 1.0 if person.party == boss and person.party >= 0 else 0.0
            u = (ap.loyalty_weight * person.loyalty + ap.competence_weight * person.competence
                 + ap.party_weight * same + ap.noise * self.random.gauss(0.0, 1.0))
            if u > best_u:
                best, best_u = person, u
        assert best is not None
        return best

    def _candidate(self, unit: int, person: Person, nomination: str, incumbent: bool,
                   record: float) -> TwinCandidate:
        """A registered candidate with its valence (akimsim's candidate_valence)."""
        v = self.behaviour.voters
        admin = v.admin_support if person.party == self.dominant and person.party >= 0 else 0.0
        valence = (v.competence_weight * person.competence + admin
                   + (v.record_weight * record if incumbent else 0.0))
        return TwinCandidate(self, unit, person, nomination, incumbent, record, valence)

    def _entry(self, post: TwinAkim) -> list[TwinCandidate]:
        """Who registers for a post's direct election: the incumbent, party nominees in
        party order, then self-nominees with signatures; each survives registration."""
        c, rnd = self.behaviour.candidates, self.random.random
        limit = self.behaviour.akims.term_limit
        limited = Tier(post.tier) in {Tier(t) for t in self.behaviour.akims.term_limit_tiers}
        eligible = not (limited and limit > 0 and post.consecutive_terms >= limit)
        holder = post.holder
        assert holder is not None
        stands = eligible and rnd() < c.incumbent_runs
        nominees: list[tuple[Person, str, bool]] = []
        if stands:
            nominees.append((holder, "party" if holder.party >= 0 else "self", True))
        for p, party in enumerate(self.parties):
            if stands and holder.party == p:
                continue  # the incumbent takes its party's place
            if rnd() < party.nominate_rate:
                nominees.append((self._person(party.x, party.y, c.platform_sd, p), "party",
                                 False))
        mx, my = self.median[post.unit]
        for _ in range(int(self.rng.poisson(c.self_nominee_rate))):
            if rnd() < self.signature_pass[post.unit]:
                nominees.append((self._person(mx, my, 2 * c.platform_sd, -1), "self", False))
        record = post.record()
        return [self._candidate(post.unit, person, how, inc, record if inc else 0.0)
                for person, how, inc in nominees if rnd() >= c.registration_rejection]

    # ------------------------------------------------------------------ a year

    def step(self) -> None:
        """One year: every akim governs, then the posts whose term ended are filled, tier
        by tier (regions first)."""
        self.year += 1
        self.agents_by_type[TwinAkim].do("govern")
        for tier in TIERS:
            for post in self._posts_where(tier, self.year):
                self.elect(post)
        if self.year >= self.cfg.end_year:
            self.running = False

    def elect(self, post: TwinAkim) -> None:
        """A post's direct plurality election, and its consequence."""
        year, unit, v, rule = self.year, post.unit, self.behaviour.voters, self.rule
        ballot = self._entry(post)
        electorate = self.electorate[unit]
        contest = Contest(
            year, unit, post.tier, ballot, 0.0, float(v.distance_weight),
            float(v.party_weight), float(v.noise_scale), float(v.against_all_utility),
            math.isfinite(v.against_all_utility))
        winner: TwinCandidate | None = None
        min_k = 1 if rule.allow_single_candidate else 2
        if len(ballot) < min_k:
            status = "no_candidates"
        else:
            salience = {Tier.region: v.salience_region, Tier.district: v.salience_district,
                        Tier.rural: v.salience_rural}[post.tier]
            contest.shift = salience + v.turnout_per_log_candidate * math.log(len(ballot))
            electorate.shuffle_do("vote", contest)
            top = max(c.votes for c in ballot)
            if contest.ballots == 0 or contest.ballots < rule.min_turnout * len(electorate):
                status = "turnout_too_low"
            elif (contest.against_all > top
                  and AgainstAllPolicy(rule.against_all_wins) != AgainstAllPolicy.ignore):
                status = "against_all"
            else:
                status = "elected"
                winner = self.random.choice([c for c in ballot if c.votes == top])  # the lot
        term = self.behaviour.akims.term_years
        if winner is not None:
            focus = self._focus(RegimeName.direct, winner.party)
            if winner.incumbent:
                post.renew(year + term, focus)
            else:
                post.seat(winner.person, year + term, focus, acting=False)
        else:
            if status == "against_all":
                rerun = rule.against_all_wins == AgainstAllPolicy.rerun
            else:
                rerun = rule.no_candidates == NoCandidatePolicy.rerun
            post.seat(self._appoint(post), year + 1 if rerun else year + term,
                      self._focus(RegimeName.appointment, -1), acting=True)
        self.contests.append({
            "year": year, "unit": unit, "tier": post.tier.value, "status": status,
            "n_candidates": len(ballot), "electorate": len(electorate),
            "ballots": contest.ballots, "against_all": contest.against_all,
            "turnout": (contest.ballots / len(electorate)
                        if status != "no_candidates" else math.nan),
            "winner_party": winner.party if winner is not None else None})
        for cand in ballot:
            cand.remove()

    def run(self) -> TwinModel:
        """Step until ``end_year``."""
        while self.running:
            self.step()
        return self

    def release(self) -> None:
        """Remove every agent and forget the model in Mesa 3.3's per-model id counter."""
        self.remove_all_agents()
        self.electorate = []
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)


# ---------------------------------------------------------------------------- benchmark


def akimsim_config(territory: str, seed: int) -> RunConfig:
    """akimsim's config of the twin's scenario: the synthetic ``territory`` ("toy" or
    "synthetic_region", from ``configs/territory/``), every tier direct, plurality, no
    voter agents, no progress bar."""
    if territory not in TERRITORIES:
        raise ValueError(f"territory must be one of {TERRITORIES}, not {territory!r}")
    values = yaml.safe_load((ROOT / "configs" / "territory" / f"{territory}.yaml").read_text())
    source = TerritorySource(values.pop("source"))
    if source != TerritorySource.synthetic:
        raise ValueError(f"configs/territory/{territory}.yaml is not a synthetic territory")
    return RunConfig(
        seed=seed,
        max_materialised_voters=0,
        territory=TerritoryConfig(source=TerritorySource.synthetic, **values),
        regimes=RegimesConfig(region=RegimeName.direct, district=RegimeName.direct,
                              rural=RegimeName.direct, initial=RegimeName.appointment,
                              schedule=[]),
        rule=RuleConfig(name=RuleName.plurality),
        output=OutputConfig(figures=False, progress=False),
    )


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _akimsim_once(cfg: RunConfig) -> dict[str, Any]:
    from akimsim.model import AkimModel

    model, build = _timed(lambda: AkimModel(cfg))
    _, run = _timed(model.run)
    table = model.contest_table()
    out = {"build": build, "run": run, "voters": model.territory.n_voters,
           "contests": len(model.outcomes), "turnout": float(table["turnout"].mean()),
           "elected": int((table["status"] == "elected").sum())}
    model.release()
    return out


def _twin_once(cfg: RunConfig) -> dict[str, Any]:
    model, build = _timed(lambda: TwinModel(cfg))
    _, run = _timed(model.run)
    turnouts = [c["turnout"] for c in model.contests if not math.isnan(c["turnout"])]
    out = {"build": build, "run": run, "voters": len(model.agents_by_type[TwinVoter]),
           "contests": len(model.contests),
           "turnout": statistics.fmean(turnouts) if turnouts else math.nan,
           "elected": sum(c["status"] == "elected" for c in model.contests)}
    model.release()
    return out


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    totals = [r["build"] + r["run"] for r in runs]
    return {
        "build_s": statistics.median(r["build"] for r in runs),
        "run_s": statistics.median(r["run"] for r in runs),
        "total_s": statistics.median(totals),
        "samples": [{"build_s": r["build"], "run_s": r["run"]} for r in runs],
        "contests": runs[-1]["contests"],
        "elected": runs[-1]["elected"],
        "mean_turnout": runs[-1]["turnout"],
    }


def time_both(territory: str, seed: int = 0, repeats: int = 3, years: int | None = None
              ) -> dict[str, Any]:
    """Build and run akimsim's AkimModel and the TwinModel on the same scenario,
    ``repeats`` times each after one untimed warm-up run of akimsim (Numba compile).

    ``years`` shortens the timeline of both models (from ``start_year``). Returns the
    median wall seconds of build, run and build + run of each, the voters, the contests
    held (and won) over the timeline, the mean turnout per contest and
    ``ratio`` = twin (build + run) median / akimsim (build + run) median.
    """
    cfg = akimsim_config(territory, seed)
    if years is not None:
        cfg = dataclasses.replace(cfg, end_year=cfg.start_year + years - 1)
    _akimsim_once(cfg)  # warm-up: Numba compiles (or loads its cache)
    ours = [_akimsim_once(cfg) for _ in range(repeats)]
    twin = [_twin_once(cfg) for _ in range(repeats)]
    a, t = _summary(ours), _summary(twin)
    return {
        "territory": territory, "seed": seed, "repeats": repeats,
        "years": cfg.end_year - cfg.start_year + 1,
        "start_year": cfg.start_year, "end_year": cfg.end_year,
        "voters": ours[0]["voters"], "twin_voters": twin[0]["voters"],
        "akimsim": a, "twin": t,
        "ratio": t["total_s"] / a["total_s"],
        "ratio_run": t["run_s"] / a["run_s"],
        "mesa": mesa.__version__, "numpy": np.__version__,
    }


def _table(results: list[dict[str, Any]]) -> str:
    head = (f"{'territory':<17} {'voters':>7} {'model':<8} {'build s':>8} {'run s':>8} "
            f"{'total s':>8} {'contests':>8} {'elected':>7} {'turnout':>7}")
    lines = [head, "-" * len(head)]
    for r in results:
        for name in ("akimsim", "twin"):
            m = r[name]
            lines.append(f"{r['territory']:<17} {r['voters']:>7} {name:<8} {m['build_s']:>8.3f} "
                         f"{m['run_s']:>8.3f} {m['total_s']:>8.3f} {m['contests']:>8} "
                         f"{m['elected']:>7} {m['mean_turnout']:>7.3f}")
        lines.append(f"{r['territory']:<17} ratio twin / akimsim (build + run): "
                     f"{r['ratio']:.1f}x over {r['years']} years (run only {r['ratio_run']:.1f}x)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", choices=TERRITORIES, action="append",
                        help="toy or synthetic_region (repeatable; default both)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--years", type=int, default=None,
                        help="simulate only this many years from start_year (both models)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    results = [time_both(t, seed=args.seed, repeats=args.repeats, years=args.years)
               for t in (args.territory or TERRITORIES)]
    print(_table(results))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
