"""The interactive dashboard: Mesa's SolaraViz page for :class:`~akimsim.model.AkimModel`.

``akimsim dashboard`` serves it on localhost (see :func:`main`); ``solara run
akimsim.edge.dashboard:page`` does the same by hand. The page has:

- controls (sidebar): the territory's size (districts, villages per district), the regime
  of each tier (appointment, indirect, direct, or the reform timeline of
  :func:`akimsim.config.presets.kazakhstan_reform`), the rule of direct elections and the seed;
  changes apply when *Reset* is pressed (Mesa's SolaraViz), and *Step*, play and *Reset*
  come from SolaraViz itself;
- five views: the status of the run (year, regimes in force, a notice when the run reached
  its end year), the policy space of the latest direct contest
  (:func:`akimsim.analysis.plots.policy_space_figure`), the vote shares of the current year's
  contests (:func:`akimsim.analysis.plots.vote_shares_figure`), the councils the voters
  elected and the latest vote they held (:func:`council_view`) and metrics over time
  (:func:`akimsim.analysis.plots.timeline_figure`).

The territory is always small (at most 27,200 voters), so voter agents are materialised
and the policy space can colour voters by the candidate they chose.

Only the API that Mesa 3.3 and later share is used (``SolaraViz``, keyword-only model
parameters, a model class rebuilt by ``Reset``); the model's randomness comes from
``seed`` (``rng=`` is accepted as an alias), never from Mesa's global state.

Offline: the front-end is served by the local server from the files of the
``solara-assets`` package (``pip install 'akimsim[dashboard]'``); :data:`OFFLINE_ENV`
turns off Solara's telemetry and points its CDN fallback at a closed local port, so the
page makes no request outside localhost.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from akimsim.analysis.plots import policy_space_figure, timeline_figure, vote_shares_figure
from akimsim.config import (
    TIERS,
    ConfigWarning,
    RegimeName,
    RuleConfig,
    RuleName,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    Tier,
    kazakhstan_reform,
)
from akimsim.metrics import voter_table
from akimsim.model import AkimModel

#: the choice that leaves a tier to Kazakhstan's reform timeline
REFORM = "reform timeline"
REGIME_CHOICES: tuple[str, ...] = (*[r.value for r in RegimeName], REFORM)
RULE_CHOICES: tuple[str, ...] = tuple(r.value for r in RuleName)

#: territory sizes offered by the sliders (synthetic territory, 700 voters a village and
#: 1,200 in each district town): at most 4 x (8 x 700 + 1200) = 27,200 voters
DISTRICTS = (1, 4)
VILLAGES = (2, 8)
MAX_VOTERS = 30_000  # voter agents (and their last choices) up to this size
PLOT_VOTERS = 2_500  # voters drawn in the policy space
PNG_DPI = 80

#: environment for the Solara server: no telemetry, and the CDN fallback (used only for
#: an asset that solara-assets lacks) points at a closed local port instead of the internet
OFFLINE_ENV: dict[str, str] = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    "SOLARA_THEME_SHOW_BANNER": "False",
    # Mesa 3.3's SolaraViz trips Solara's rules-of-hooks check (a warning on every load)
    "SOLARA_CHECK_HOOKS": "off",
}
#: the run's first and last year, read when the page is built (``akimsim dashboard
#: --start-year/--end-year`` sets them)
YEARS_ENV = "AKIMSIM_DASHBOARD_YEARS"


def _years() -> tuple[int, int]:
    raw = os.environ.get(YEARS_ENV, "")
    default = RunConfig()
    try:
        first, last = (int(v) for v in raw.split(","))
    except ValueError:
        return default.start_year, default.end_year
    return first, last


def parse_seed(seed: int | float | str | None) -> int:
    """A seed typed in the page: a non-negative integer (blank means 0); ValueError else.

    Mesa 3.3 passes the text field's string; later releases convert it to a number."""
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        return 0
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise ValueError(f"seed = {seed!r} is invalid: expected a non-negative integer"
                         ) from None
    if value < 0:
        raise ValueError(f"seed = {value} is invalid: expected a non-negative integer")
    return value


def dashboard_config(districts: int = 1, villages: int = 4, region: str = REFORM,
                     district: str = REFORM, rural: str = REFORM,
                     rule: str = RuleName.plurality.value, seed: int | float | str | None = 0,
                     start_year: int = 2013, end_year: int = 2030) -> RunConfig:
    """The :class:`RunConfig` behind the page's controls.

    A synthetic territory of one region with ``districts`` districts of ``villages``
    rural posts each; each tier's regime pinned, or left to the reform timeline (the
    schedule of :func:`akimsim.config.presets.kazakhstan_reform`); one rule for every direct
    election.
    """
    regimes = kazakhstan_reform()
    for tier, choice in zip(TIERS, (region, district, rural), strict=True):
        if choice != REFORM:
            setattr(regimes, tier.value, RegimeName(choice))
    cfg = RunConfig(
        seed=parse_seed(seed),
        start_year=int(start_year),
        end_year=int(end_year),
        max_materialised_voters=MAX_VOTERS,
        territory=TerritoryConfig(source=TerritorySource.synthetic, regions=1,
                                  districts_per_region=int(districts),
                                  villages_per_district=int(villages)),
        regimes=regimes,
        rule=RuleConfig(name=RuleName(rule)),
    )
    cfg.output.progress = False
    cfg.output.figures = False
    return cfg


class DashboardModel(AkimModel):
    """:class:`AkimModel` built from the page's controls (keyword arguments, as Mesa's
    SolaraViz rebuilds the model class with them on *Reset*).

    Stepping past ``end_year`` does nothing: the model stops with ``running = False``.
    Tables and figures are computed once per step and cached.
    """

    def __init__(self, districts: int = 1, villages: int = 4, region: str = REFORM,
                 district: str = REFORM, rural: str = REFORM,
                 rule: str = RuleName.plurality.value, seed: int | float | str | None = 0,
                 start_year: int = 2013, end_year: int = 2030, rng: Any = None) -> None:
        if rng is not None and isinstance(rng, int | np.integer):
            seed = int(rng)  # Mesa's newer keyword, same meaning here
        #: what the page should tell about the controls (e.g. a seed it could not read)
        self.notice = ""
        try:
            seed = parse_seed(seed)
        except ValueError:
            self.notice = f"The seed {seed!r} is not a non-negative integer: seed 0 is used."
            seed = 0
        self.controls = {"districts": districts, "villages": villages, "region": region,
                         "district": district, "rural": rural, "rule": rule, "seed": seed}
        with self._noting_warnings():
            super().__init__(dashboard_config(districts, villages, region, district, rural,
                                              rule, seed, start_year, end_year))
        self._cache: dict[str, Any] = {}
        self._cache_step = -1

    def step(self) -> None:
        """One year, unless the run already reached its end year."""
        if not self.running or self.year >= self.cfg.end_year:
            self.running = False
            return
        with self._noting_warnings():
            super().step()

    @contextlib.contextmanager
    def _noting_warnings(self) -> Iterator[None]:
        """Show the run's config warnings (e.g. the 45-district pilot step on a territory
        of fewer districts) on the page rather than in the server's log."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConfigWarning)
            yield
        notes = [str(w.message) for w in caught if issubclass(w.category, ConfigWarning)]
        for w in caught:
            if not issubclass(w.category, ConfigWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if notes:
            self.notice = " ".join([self.notice, *(f"Note: {n}." for n in notes)]).strip()

    # --------------------------------------------------------------- cached views

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per model step."""
        if self._cache_step != self.year:
            self._cache = {}
            self._cache_step = self.year
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def contests(self) -> pd.DataFrame:
        return self.cached("contests", self.contest_table)

    def summary(self) -> pd.DataFrame:
        return self.cached("summary", self.summary_table)


# ----------------------------------------------------------------------- figures

def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed (no pyplot leak)."""
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PNG_DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)


def message_figure(text: str, size: tuple[float, float] = (6.4, 3.0)) -> Figure:
    """A blank figure that says why there is nothing to draw yet."""
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=11, color="#555555")
    ax.set_axis_off()
    return fig


@dataclass(frozen=True)
class View:
    """One rendered view: a PNG and a line of text under it."""

    png: bytes
    caption: str


def latest_direct(model: AkimModel) -> int | None:
    """Index (in ``model.outcomes`` and the contest table) of the latest direct contest.

    The latest one is the last its voters took part in, so their recorded last choice is
    their vote in it.
    """
    outcomes = model.outcomes
    for i in range(len(outcomes) - 1, -1, -1):
        if outcomes[i].regime == RegimeName.direct:
            return i
    return None


def _axes(size: tuple[float, float] = (7.2, 5.0)) -> Any:
    """Axes of a new landscape figure (the page's cells are wider than tall)."""
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def policy_space_view(model: DashboardModel) -> View:
    """Voters and candidates of the latest direct contest (voters coloured by their vote)."""
    def make() -> View:
        i = latest_direct(model)
        if i is None:
            unit = 0
            voters = voter_table(model, unit, limit=PLOT_VOTERS)
            fig = policy_space_figure(voters, None, title="No direct election yet: voters of "
                                      f"{model.territory.name[unit]} by party", ax=_axes())
            caption = "No direct election yet; voters coloured by party attachment."
        else:
            row = model.contests().iloc[i]
            unit = model.outcomes[i].unit
            voters = voter_table(model, unit, limit=PLOT_VOTERS)
            fig = policy_space_figure(voters, row, title=f"{row['unit_name']}, {row['year']} "
                                      f"({row['tier']}, {row['rule']})", ax=_axes())
            share = _fmt_share(row["turnout"])
            caption = (f"Latest direct contest: {row['unit_name']} in {row['year']} "
                       f"({row['rule']}), {row['n_candidates']} candidates, turnout {share}, "
                       f"winner: {row['winner_party'] or 'none'}.")
        return View(figure_png(fig), caption)
    return model.cached("policy_space", make)


def vote_shares_view(model: DashboardModel) -> View:
    """Vote shares of this year's contests with votes (councils and popular votes)."""
    def make() -> View:
        year = model.year
        contests = model.contests()
        now = contests[contests["year"] == year] if len(contests) else contests
        voted = now[[len(v) > 0 for v in now["votes"]]] if len(now) else now
        if model.steps == 0 or year < model.cfg.start_year:
            fig = message_figure("Press Step to simulate the first year.")
            caption = "No contest yet."
        elif len(voted) == 0:
            what = ("every post filled this year was appointed" if len(now)
                    else "no post was filled this year")
            fig = message_figure(f"{year}: no votes cast ({what}).")
            caption = f"{year}: {_plural(len(now), 'contest')}, none with votes."
        else:
            fig = vote_shares_figure(voted, title=f"Vote shares, {year}", max_contests=20)
            caption = (f"{year}: {_plural(len(now), 'contest')}, {len(voted)} with votes "
                       f"({', '.join(sorted(set(voted['regime'])))}).")
        return View(figure_png(fig), caption)
    return model.cached("vote_shares", make)


#: the rules of a council's vote on an akim (indirect election, consent)
COUNCIL_RULES = ("council_majority", "consent")


def council_view(model: DashboardModel) -> View:
    """The councils in office, as the voters elected them (deputies by party, one bar per
    council), and the latest vote a council held on an akim (each candidate's votes; the
    first round's too when there were two)."""
    def make() -> View:
        councils = model.cached("councils", model.council_table)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.2), layout="constrained",
                                          gridspec_kw={"width_ratios": [1.3, 1]})
        latest = councils[councils["year"] == councils["year"].max()]
        parties = [*model.party_names, "non_party"]
        colours = plt.get_cmap("tab10")
        bottom = np.zeros(len(latest))
        names = [str(n).replace("Toy ", "") for n in latest["unit_name"]]
        for k, party in enumerate(parties):
            seats = latest[f"seats_{party}"].to_numpy(dtype=float)
            if seats.sum():
                left.bar(names, seats, bottom=bottom, color=colours(k) if k < len(parties) - 1
                         else "#999999", label=party.replace("_", "-"))
            bottom += seats
        left.plot(names, latest["seats"], "k_", markersize=18, label="seats")
        year = int(latest["year"].iloc[0])
        systems = ", ".join(sorted(set(latest["system"])))
        left.set(title=f"Councils elected in {year} ({systems})", ylabel="deputies")
        left.tick_params(axis="x", labelrotation=30)
        left.legend(fontsize=7, ncols=2)
        contests = model.contests()
        votes = contests[contests["rule"].isin(COUNCIL_RULES)] if len(contests) else contests
        if len(votes) == 0:
            right.text(0.5, 0.5, "No council has voted on an akim yet", ha="center",
                       va="center", color="#555555")
            right.set_axis_off()
            vote_line = "no council vote on an akim yet"
        else:
            row = votes.iloc[-1]
            labels = [f"{k + 1}: {p}" for k, p in enumerate(row["candidate_parties"])]
            y = np.arange(len(labels))
            final = np.asarray(row["votes"], dtype=float)
            won = list(row["candidate_ids"]).index(row["winner_id"]) \
                if row["winner_id"] is not None and row["winner_id"] in list(
                    row["candidate_ids"]) else -1
            if len(row["first_round_votes"]):
                right.barh(y + 0.2, row["first_round_votes"], height=0.4, color="#bbbbbb",
                           label="round 1")
                right.barh(y - 0.2, final, height=0.4, color="#1f77b4", label="round 2")
                right.legend(fontsize=7)
            else:
                right.barh(y, final, height=0.6, color=["#1f77b4" if k == won else "#9ecae1"
                                            for k in range(len(y))])
            right.set_yticks(y, labels, fontsize=8)
            right.invert_yaxis()
            right.axvline(row["electorate"] / 2, color="k", lw=0.8, ls=":")
            how = "secret ballot" if row["rule"] == "council_majority" else "open vote"
            right.set(title=f"{row['unit_name']}, {row['year']}: {how}",
                      xlabel=f"deputies' votes (of {row['electorate']}; dotted: half)")
            got = int(final[won]) if won >= 0 else 0
            vote_line = (f"latest council vote: {row['unit_name']} in {row['year']}, "
                         f"{got} of {row['electorate']} deputies for the winner "
                         f"({row['winner_party'] or 'none'})")
        caption = (f"{len(latest)} councils elected in {year} ({systems}), "
                   f"{int(latest['filled'].sum())} of {int(latest['seats'].sum())} seats "
                   f"filled; {vote_line}.")
        return View(figure_png(fig), caption)
    return model.cached("council", make)


def timeline_view(model: DashboardModel) -> View:
    """Turnout, competitiveness, re-election and focus on voters over the years so far."""
    def make() -> View:
        if model.steps == 0 or model.year < model.cfg.start_year:
            fig = message_figure("Metrics over time appear after the first step.")
            caption = "No year simulated yet."
        else:
            fig = timeline_figure(model.summary(), title=f"{model.cfg.start_year}-{model.year}")
            fig.set_size_inches(9.0, 6.0)  # the page shows it in half a screen
            caption = f"Metrics by tier and regime, {model.cfg.start_year}-{model.year}."
        return View(figure_png(fig), caption)
    return model.cached("timeline", make)


def _fmt_share(value: float) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.0%}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def status_lines(model: DashboardModel) -> list[str]:
    """What the run is: year, territory, regimes in force, rule, seed."""
    cfg = model.cfg
    terr = model.territory
    n_years = cfg.end_year - cfg.start_year + 1
    done = max(model.year - cfg.start_year + 1, 0)
    lines = [f"Year {model.year if done else '-'}: {done} of {n_years} years simulated "
             f"({cfg.start_year}-{cfg.end_year})."]
    counts = {t: len(terr.units_of(t)) for t in TIERS}
    lines.append(f"Territory: {_plural(counts[Tier.district], 'district')}, "
                 f"{_plural(counts[Tier.rural], 'rural post')}, {terr.n_voters:,} voters.")
    in_force = []
    for tier in TIERS:
        units = terr.units_of(tier)
        regimes = sorted({model.regime_of(int(u)).value for u in units})
        setting = model.controls[tier.value]
        in_force.append(f"{tier.value} {'/'.join(regimes)}"
                        + (" (reform timeline)" if setting == REFORM else ""))
    lines.append("Regimes now: " + "; ".join(in_force) + ".")
    lines.append(f"Rule of direct elections: {cfg.rule.name.value}; seed {cfg.seed}.")
    return lines


# ----------------------------------------------------------------------- the page

def release_replaced(model: Any) -> Callable[[], None]:
    """Release every model that replaces another in ``model`` (a Solara reactive), as
    *Reset* does, so a long session does not pile up models: Mesa 3.3 keeps each model
    alive (see :meth:`AkimModel.release`). Returns the unsubscribe function."""
    def on_change(new: Any, old: Any) -> None:
        if old is not new and isinstance(old, AkimModel):
            old.release()
    unsubscribe: Callable[[], None] = model.subscribe_change(on_change)
    return unsubscribe


#: each view fills its (resizable) grid cell: the figure shrinks to fit, caption below
CARD_CSS = """
.vue-grid-item > div { height: 100%; }
.akimsim-card { height: 100%; display: flex; flex-direction: column; overflow: hidden; }
.akimsim-card > .v-card__title { padding-bottom: 4px; }
.akimsim-card > .v-card__text { flex: 1 1 auto; min-height: 0; display: flex;
                                flex-direction: column; padding-bottom: 8px; }
.akimsim-figure-card > .v-card__text > div { flex: 1 1 auto; min-height: 0; }
.akimsim-figure-card img.solara-image { width: 100%; height: 100%; object-fit: contain; }
.akimsim-status-card > .v-card__text { overflow: auto; }
.akimsim-caption { flex: 0 0 auto; }
"""
# Solara and Mesa's visualization are imported only here, so the rest of the module (and
# the tests of the config mapping) work without the dashboard extra.

def _page() -> Any:
    import solara
    from mesa.visualization import SolaraViz

    logging.getLogger("MESA").setLevel(logging.WARNING)

    def image_card(title: str, view: View, testid: str) -> Any:
        with solara.Card(title, classes=["akimsim-card", "akimsim-figure-card"]) as card:
            solara.Image(view.png, width="100%", classes=[f"akimsim-{testid}"])
            solara.Text(view.caption, classes=["akimsim-caption", f"akimsim-{testid}-caption"])
        return card

    def Status(model: DashboardModel) -> Any:
        with solara.Card("Status", classes=["akimsim-card", "akimsim-status-card"]) as card:
            solara.Style(CARD_CSS)
            for k, line in enumerate(status_lines(model)):
                solara.Text(line, classes=["akimsim-status-year" if k == 0 else
                                           "akimsim-status"])
            cfg = model.cfg
            done = max(model.year - cfg.start_year + 1, 0)
            solara.ProgressLinear(value=100 * done / (cfg.end_year - cfg.start_year + 1))
            if model.notice:
                solara.Warning(model.notice, dense=True, classes=["akimsim-notice"])
            if not model.running:
                solara.Success(f"Finished: the run reached its end year {cfg.end_year}. "
                               "Press Reset to start again.", classes=["akimsim-finished"])
            else:
                solara.Info("Changes to the model parameters apply when you press Reset.",
                            dense=True)
        return card

    def PolicySpace(model: DashboardModel) -> Any:
        return image_card("Policy space of the latest direct contest",
                          policy_space_view(model), "policy")

    def VoteShares(model: DashboardModel) -> Any:
        return image_card("Vote shares of this year's contests", vote_shares_view(model),
                          "votes")

    def Councils(model: DashboardModel) -> Any:
        return image_card("Councils: elected by the voters, electing akims",
                          council_view(model), "councils")

    def Timeline(model: DashboardModel) -> Any:
        return image_card("Metrics over time", timeline_view(model), "timeline")

    first, last = _years()
    model_params: dict[str, Any] = {
        "districts": {"type": "SliderInt", "value": 1, "label": "Districts",
                      "min": DISTRICTS[0], "max": DISTRICTS[1], "step": 1},
        "villages": {"type": "SliderInt", "value": 4, "label": "Villages per district",
                     "min": VILLAGES[0], "max": VILLAGES[1], "step": 1},
        "region": {"type": "Select", "value": REFORM, "values": list(REGIME_CHOICES),
                   "label": "Regional akims"},
        "district": {"type": "Select", "value": REFORM, "values": list(REGIME_CHOICES),
                     "label": "District akims"},
        "rural": {"type": "Select", "value": REFORM, "values": list(REGIME_CHOICES),
                  "label": "Rural akims"},
        "rule": {"type": "Select", "value": RuleName.plurality.value,
                 "values": list(RULE_CHOICES), "label": "Rule of direct elections"},
        "seed": {"type": "InputText", "value": "0", "label": "Seed"},
        "start_year": first,
        "end_year": last,
    }

    @solara.component
    def Page() -> Any:
        # one model per browser session, in a reactive that Reset replaces
        initial = solara.use_memo(lambda: DashboardModel(start_year=first, end_year=last), [])
        model: Any = solara.use_reactive(initial)
        solara.use_effect(lambda: release_replaced(model), [])
        return SolaraViz(
            model,
            components=[(Status, 0), (PolicySpace, 0), (VoteShares, 0), (Councils, 0),
                        (Timeline, 0)],
            model_params=model_params,
            name="akimsim: how Kazakhstan chooses its akims",
            play_interval=400,
        )

    return Page


def __getattr__(name: str) -> Any:
    # ``page`` (the Solara component) is built on first use, so importing this module
    # needs neither Solara nor Mesa's visualization
    if name in ("page", "Page"):
        value = _page()
        globals()["page"] = globals()["Page"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------------- the server

EXTRA_HINT = "pip install 'akimsim[dashboard]'"
DEFAULT_PORT = 8765


class DashboardUnavailable(RuntimeError):
    """The dashboard extra (Solara, its offline assets, Mesa's visualization) is missing."""


def check_installed() -> None:
    """Raise :class:`DashboardUnavailable` naming what is missing and how to install it."""
    import importlib.util

    missing = [name for name in ("solara", "solara_assets", "altair", "ipyvuetify",
                                 "mesa.visualization")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise DashboardUnavailable(
            f"the dashboard needs the 'dashboard' extra ({', '.join(missing)} not "
            f"installed): {EXTRA_HINT}")


def port_number(text: str) -> int:
    """A TCP port from the command line: 0 (pick a free one) to 65535."""
    import argparse

    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def check_listen(host: str, port: int) -> None:
    """Raise OSError when nothing can listen on ``host:port`` (taken, or not this machine's
    address)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def server_command(host: str = "127.0.0.1", port: int = DEFAULT_PORT, open_browser: bool = False
                   ) -> list[str]:
    """The ``solara run`` command line that serves the page (production mode: no reloader,
    no version check against the package index)."""
    import sys

    return [sys.executable, "-m", "akimsim.edge.lifecycle", "solara", "run",
            "akimsim.edge.dashboard:page", "--host", host,
            "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open", "--log-level", "warning"]


def server_env(start_year: int | None = None, end_year: int | None = None,
               base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server: :data:`OFFLINE_ENV` and the run's years."""
    env = dict(os.environ if base is None else base)
    env.update(OFFLINE_ENV)
    if start_year is not None or end_year is not None:
        default = RunConfig()
        env[YEARS_ENV] = (f"{start_year if start_year is not None else default.start_year},"
                          f"{end_year if end_year is not None else default.end_year}")
    env.setdefault("MPLBACKEND", "Agg")
    # served over plain http on 127.0.0.1, Solara warns on every page load that it cannot
    # set a samesite=none cookie (needed only when embedded in another site's iframe)
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    return env


def main(argv: list[str] | None = None) -> int:
    """``akimsim dashboard``: serve the page on localhost until Ctrl-C."""
    import argparse
    import signal
    import subprocess
    import sys

    parser = argparse.ArgumentParser(
        prog="akimsim dashboard",
        description="Serve the interactive dashboard (Mesa's SolaraViz page) on this machine: "
                    "controls for the territory, the regime of each tier, the voting rule and "
                    "the seed; the policy space, vote shares and metrics over time; step, play "
                    "and reset. Needs the dashboard extra: " + EXTRA_HINT + ".")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a web browser on the page")
    parser.add_argument("--start-year", type=int, default=None,
                        help="first simulated year (default 2013)")
    parser.add_argument("--end-year", type=int, default=None,
                        help="last simulated year (default 2030)")
    args = parser.parse_args(argv)
    try:
        check_installed()
    except DashboardUnavailable as exc:
        print(f"akimsim dashboard: error: {exc}", file=sys.stderr)
        return 2
    start = args.start_year if args.start_year is not None else RunConfig().start_year
    end = args.end_year if args.end_year is not None else RunConfig().end_year
    if not 1900 <= start <= 2200 or not start <= end <= start + 200:
        print(f"akimsim dashboard: error: --start-year {start} must be in 1900-2200 and "
              f"--end-year {end} from --start-year to 200 years later", file=sys.stderr)
        return 2
    try:
        port = args.port if args.port else free_port(args.host)
        check_listen(args.host, port)
    except OSError as exc:
        print(f"akimsim dashboard: error: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    from akimsim.edge import lifecycle

    lifecycle.mark_owner()  # the server ends with this launcher, even when it is killed
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    url = f"http://{shown}:{port}/"
    print(f"akimsim dashboard: serving {url} (Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen(server_command(args.host, port, not args.no_browser),
                            env=server_env(start, end))

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a terminated launcher takes its server along
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 0
