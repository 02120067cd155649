"""The interactive dashboard: Mesa's SolaraViz page for :class:`~akimsim.model.AkimModel`.

``akimsim dashboard`` serves it on localhost (see :func:`main`); ``solara run
akimsim.edge.dashboard:page`` does the same by hand. Made for a classroom projector: every
text on the page is at least 12 CSS pixels at a 1,280 px wide window, figures included.

- controls (sidebar): the territory's size (districts, villages per district), the regime
  of each tier (appointment, indirect, direct, or the reform timeline of
  :func:`akimsim.config.presets.kazakhstan_reform`), the rule of direct elections, the seed
  and the first and last year (first 2019 by default: a selection every year); sliders
  show their values. Changes apply when *Reset* is pressed; *Reset*, play and *Step* come
  from Mesa's SolaraViz (its play-interval, render-interval and threads controls are
  hidden: the page sets them);
- the status of the run (year, regimes in force, notices) and a help panel with the
  glossary (:mod:`akimsim.glossary`) of the measures the page shows;
- the contest in focus (the latest direct election, else the latest selection): the policy
  space (:func:`policy_figure`) and how its akim was chosen (:func:`result_figure`):
  a popular vote as vote shares (first round and runoff when there was one), a council's
  election as deputies' votes, an appointment as the appointer's shortlist; one legend of
  its candidates;
- every selection of the year (:func:`selections_figure`), the councils the voters elected
  and the latest vote they held (:func:`council_figure`) and metrics over time
  (:func:`akimsim.analysis.plots.timeline_figure`).

Each candidate has one colour on every panel (:class:`CandidateColours`: a stable
candidate id -> colour mapping). Figures are drawn with 1 pt of text = 1 CSS px and shown
at that size (:data:`PX_PER_INCH`), with no text under :data:`MIN_FONT_PT`.

The territory is always small (at most 27,200 voters), so voter agents are materialised
and the policy space can colour voters by the candidate they chose.

Only the API that Mesa 3.3 and later share is used (``SolaraViz``, keyword-only model
parameters, a model class rebuilt by ``Reset``, ``mesa.visualization.utils
.update_counter``); the model's randomness comes from ``seed`` (``rng=`` is accepted as
an alias), never from Mesa's global state.

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
import re
import textwrap
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.text import Text

from akimsim import glossary
from akimsim.analysis.plots import PARTY_COLOURS, timeline_figure
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
#: the first year the page starts with: from 2019 a selection is held every year of the
#: reform timeline (from 2013, the first round of rural elections is followed by years
#: without any); ``akimsim dashboard --start-year`` changes it
START_YEAR = 2019
#: the years the first/last-year sliders offer (widened to the command line's years)
YEAR_RANGE = (2010, 2040)

#: figures: a figure inch is shown as 72 CSS px, so a 13 pt text is 13 px on the page; the
#: PNG has PNG_SCALE times as many pixels (sharp on projectors and dense screens)
PX_PER_INCH = 72
PNG_SCALE = 1.5
PNG_DPI = PX_PER_INCH * PNG_SCALE
MIN_FONT_PT = 12.5
#: figure widths (inches): a figure of the main column, and of one of its two halves, as
#: wide as the page shows them at a 1,280 px wide window (so they are not shrunk)
FULL_WIDTH = 11.2
HALF_WIDTH = 5.4
FIGURE_RC: Any = {  # matplotlib rcParams (typed Any: its stubs want literal keys)
    "font.size": 13.5, "axes.titlesize": 15, "axes.labelsize": 13.5,
    "xtick.labelsize": 13, "ytick.labelsize": 13, "legend.fontsize": 13,
    "legend.title_fontsize": 13.5, "figure.titlesize": 16,
}

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
    try:
        first, last = (int(v) for v in raw.split(","))
    except ValueError:
        return START_YEAR, RunConfig().end_year
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
                     start_year: int = START_YEAR, end_year: int = 2030) -> RunConfig:
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
    A last year before the first is taken as the first (the page says so). Tables and
    figures are computed once per step and cached.
    """

    def __init__(self, districts: int = 1, villages: int = 4, region: str = REFORM,
                 district: str = REFORM, rural: str = REFORM,
                 rule: str = RuleName.plurality.value, seed: int | float | str | None = 0,
                 start_year: int = START_YEAR, end_year: int = 2030, rng: Any = None) -> None:
        if rng is not None and isinstance(rng, int | np.integer):
            seed = int(rng)  # Mesa's newer keyword, same meaning here
        #: what the page should tell about the controls (e.g. a seed it could not read)
        self.notice = ""
        try:
            seed = parse_seed(seed)
        except ValueError:
            self.notice = f"The seed {seed!r} is not a non-negative integer: seed 0 is used."
            seed = 0
        start_year, end_year = int(start_year), int(end_year)
        if end_year < start_year:
            self.notice = " ".join([self.notice, f"The last year {end_year} is before the "
                                    f"first year {start_year}: the run is {start_year} only."
                                    ]).strip()
            end_year = start_year
        self.controls = {"districts": districts, "villages": villages, "region": region,
                         "district": district, "rural": rural, "rule": rule, "seed": seed}
        with self._noting_warnings():
            super().__init__(dashboard_config(districts, villages, region, district, rural,
                                              rule, seed, start_year, end_year))
        self._cache: dict[str, Any] = {}
        self._cache_step = -1
        self._memo: dict[tuple[Any, ...], Any] = {}
        #: one colour per candidate, on every panel
        self.candidate_colours = CandidateColours()

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

    @property
    def started(self) -> bool:
        """Whether a year has been simulated."""
        return self.steps > 0 and self.year >= self.cfg.start_year

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per model step."""
        if self._cache_step != self.year:
            self._cache = {}
            self._cache_step = self.year
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def memo(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """``make()``, computed once for ``key`` (a view that only changes with what the
        key names, e.g. the contest in focus); the last 8 kept."""
        if key not in self._memo:
            self._memo[key] = make()
            for old in list(self._memo)[:-8]:
                del self._memo[old]
        return self._memo[key]

    def contests(self) -> pd.DataFrame:
        return self.cached("contests", self.contest_table)

    def summary(self) -> pd.DataFrame:
        return self.cached("summary", self.summary_table)

    def colours(self) -> CandidateColours:
        """The candidate colours, with every contest so far coloured."""
        def make() -> CandidateColours:
            self.candidate_colours.update(self.contests())
            return self.candidate_colours
        colours: CandidateColours = self.cached("colours", make)
        return colours


# ----------------------------------------------------------------------- colours

#: candidates' colours (none grey or black: those are "stayed home" and "against all")
CANDIDATE_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939",
)
AGAINST_ALL = "#111111"
STAYED_HOME = "#cfcfcf"


class CandidateColours:
    """A stable candidate id -> colour mapping, shared by every panel of the page.

    Contests are coloured in the order they were held. A candidate keeps the colour of
    their first contest; a newcomer takes the palette colour no other candidate of the
    contest has, the first in the palette. Only when two
    candidates who already had a colour meet with the same one does the later of them
    get a new colour (from then on), so that no contest shows two candidates alike
    (up to :data:`CANDIDATE_PALETTE`'s 12 candidates).
    """

    def __init__(self, palette: Sequence[str] = CANDIDATE_PALETTE) -> None:
        self.palette = tuple(palette)
        self.colour: dict[int, str] = {}
        self.seen = 0  # contests coloured so far

    def update(self, contests: pd.DataFrame) -> None:
        """Colour the candidates of the contests not yet seen (rows after :attr:`seen`)."""
        for ids in contests["candidate_ids"].iloc[self.seen:]:
            self.colour_contest([int(i) for i in ids])
        self.seen = max(self.seen, len(contests))

    def colour_contest(self, ids: Sequence[int]) -> None:
        taken: set[str] = set()
        for cid in ids:
            have = self.colour.get(cid)
            if have is not None and have not in taken:
                taken.add(have)
                continue
            free = [c for c in self.palette if c not in taken]
            pick = free[0] if free else self.palette[len(taken) % len(self.palette)]
            self.colour[cid] = pick
            taken.add(pick)

    def of(self, cid: int) -> str:
        """A candidate's colour (grey for one never coloured)."""
        return self.colour.get(int(cid), "#7f7f7f")

    def of_contest(self, row: pd.Series | dict[str, Any]) -> list[str]:
        return [self.of(i) for i in row["candidate_ids"]]


# ----------------------------------------------------------------------- figures

def _figure(width: float, height: float, **kwargs: Any) -> tuple[Figure, Any]:
    """A new figure (pyplot's, closed by :func:`figure_png`) with the page's font sizes."""
    with plt.rc_context(FIGURE_RC):
        fig, axes = plt.subplots(figsize=(width, height), layout="constrained", **kwargs)
    return fig, axes


def readable(fig: Figure, min_pt: float = MIN_FONT_PT) -> Figure:
    """Raise every text of ``fig`` (titles, labels, ticks, legends, annotations) to at
    least ``min_pt`` points: on the page, ``min_pt`` CSS px."""
    for ax in fig.axes:
        ax.tick_params(labelsize=max(min_pt, FIGURE_RC["xtick.labelsize"]))
    for text in fig.findobj(Text):
        if float(text.get_fontsize()) < min_pt:
            text.set_fontsize(min_pt)
    return fig


def figure_texts(fig: Figure) -> list[Text]:
    """The visible, non-empty texts of ``fig`` once drawn (tick labels included)."""
    with plt.rc_context(FIGURE_RC):
        fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
            and (t.axes is None or t.get_window_extent().width > 0)]


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at :data:`PNG_DPI`, its small texts raised to
    :data:`MIN_FONT_PT`; the figure is closed (no pyplot leak)."""
    try:
        readable(fig)
        buf = io.BytesIO()
        with plt.rc_context(FIGURE_RC):
            fig.savefig(buf, format="png", dpi=PNG_DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)


def message_figure(text: str, size: tuple[float, float] = (HALF_WIDTH, 2.4)) -> Figure:
    """A blank figure that says why there is nothing to draw yet."""
    fig, ax = _figure(*size)
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=15,
            color="#444444")
    ax.set_axis_off()
    return fig


@dataclass(frozen=True)
class View:
    """One rendered view: a PNG, a line of text under it, the width to show it at (CSS
    px: the figure's size, so its text keeps its size) and the colour it drew each
    candidate in (candidate id -> colour)."""

    png: bytes
    caption: str
    width: int = 0
    colours: dict[int, str] = field(default_factory=dict)


def make_view(fig: Figure, caption: str, colours: dict[int, str] | None = None) -> View:
    width = round(fig.get_size_inches()[0] * PX_PER_INCH)
    return View(figure_png(fig), caption, width, dict(colours or {}))


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


def focus_contest(model: AkimModel) -> int | None:
    """The contest the page explains: the latest direct election (its voters' choices are
    known), else the latest selection of any kind; None before the first."""
    i = latest_direct(model)
    if i is None and model.outcomes:
        return len(model.outcomes) - 1
    return i


#: who appoints the akims of each tier (the unit above's akim; the President for regions)
APPOINTER = {Tier.region.value: "the President", Tier.district.value: "the regional akim",
             Tier.rural.value: "the district akim"}
NOMINATION = {"party": "party nominee", "self": "self-nominated", "appointer": "shortlisted"}


def selection_kind(row: pd.Series | dict[str, Any]) -> str:
    """How a contest chose its akim: ``popular`` (a direct election), ``council`` (an
    indirect election: the deputies' secret ballot), ``consent`` (an appointment the
    deputies consented to in an open vote) or ``appointed`` (the appointer alone)."""
    if row["regime"] == RegimeName.direct.value:
        return "popular"
    if row["rule"] == "council_majority":
        return "council"
    if row["rule"] == "consent":
        return "consent"
    return "appointed"


#: a few words for each way of choosing (selection_kind)
KIND_WORDS = {"popular": "popular vote", "council": "council election",
              "consent": "appointment with consent", "appointed": "appointment"}


def how_chosen(row: pd.Series | dict[str, Any]) -> str:
    """One line: how the contest's akim was chosen."""
    kind = selection_kind(row)
    n = len(row["candidate_ids"])
    if kind == "popular":
        return f"popular vote ({row['rule']})"
    if kind == "council":
        return f"elected by the council: {row['electorate']} deputies' secret ballot"
    who = APPOINTER.get(str(row["tier"]), "the appointer")
    if kind == "consent":
        return (f"appointed by {who} from a shortlist of {n}, with the consent of "
                f"{row['electorate']} deputies (open vote)")
    return f"appointed by {who} from a shortlist of {n}"


def short_name(name: str) -> str:
    """A unit's name without the synthetic territory's prefix ("district 2 village 3")."""
    return re.sub(r"\b(Synthetic|Toy) ", "", str(name))


def candidate_label(row: pd.Series | dict[str, Any], k: int, nomination: bool = False) -> str:
    party = str(row["candidate_parties"][k])
    if not nomination:
        return f"{k + 1}: {party}"
    nom = str(row["candidate_nominations"][k])
    return f"{k + 1}: {party}, {NOMINATION.get(nom, nom)}"


def _winner_slot(row: pd.Series | dict[str, Any]) -> int:
    ids = [int(i) for i in row["candidate_ids"]]
    win = row["winner_id"]
    return ids.index(int(win)) if win is not None and int(win) in ids else -1


def _share(counts: Sequence[float], total: float) -> np.ndarray:
    values = np.asarray(counts, dtype=np.float64)
    return values / total if total > 0 else np.zeros_like(values)


def _pct(value: float) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.0%}"


def policy_figure(model: DashboardModel, i: int | None) -> tuple[Figure, str, dict[int, str]]:
    """Voters and candidates of contest ``i`` in the policy space: voters coloured by the
    candidate they voted for (a direct election), else grey; candidates numbered as in the
    legend, in their colours, the winner a star."""
    fig, ax = _figure(HALF_WIDTH, 4.9)
    colours = model.colours()
    if i is None:
        unit = 0
        row = None
    else:
        row = model.contests().iloc[i]
        unit = model.outcomes[i].unit
    voters = voter_table(model, unit, limit=PLOT_VOTERS)
    drawn: dict[int, str] = {}
    direct = row is not None and selection_kind(row) == "popular"
    if row is not None and direct:
        # RGBA of each choice: the candidates' slots, then against all, then stayed home
        table = to_rgba_array([*colours.of_contest(row), AGAINST_ALL, STAYED_HOME])
        n = len(row["candidate_ids"])
        choice = voters["last_choice"].to_numpy()
        pick = np.where((choice >= 0) & (choice < n), choice,
                        np.where(choice == -1, n, n + 1))
        dots = table[pick]
        note = "voters in the colour of their vote"
    else:
        dots = np.tile(to_rgba_array(["#b5b5b5"]), (len(voters), 1))
        note = "voters (they had no vote in this selection)"
    dots[:, 3] = 0.55
    ax.scatter(voters["x"], voters["y"], s=10, c=dots, linewidths=0)
    if row is not None:
        won = _winner_slot(row)
        for k, (x, y) in enumerate(zip(row["candidate_x"], row["candidate_y"], strict=True)):
            colour = colours.of(row["candidate_ids"][k])
            drawn[int(row["candidate_ids"][k])] = colour
            ax.scatter([x], [y], s=620 if k == won else 330, marker="*" if k == won else "o",
                       color=colour, edgecolors="black", linewidths=1.4, zorder=5)
            ax.annotate(str(k + 1), (x, y), xytext=(9, 7), textcoords="offset points",
                        fontsize=14, fontweight="bold", zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour,
                              "alpha": 0.85})
    ax.scatter([float(np.median(voters["x"]))], [float(np.median(voters["y"]))], marker="X",
               s=160, color="white", edgecolors="black", linewidths=1.4, zorder=4)
    ax.set_xlabel("policy dimension 1")
    ax.set_ylabel("policy dimension 2")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    if row is None:
        ax.set_title(f"{short_name(model.territory.name[unit])}: voters", loc="left")
        caption = "No selection yet: the voters of the territory (grey)."
    else:
        ax.set_title(f"{short_name(row['unit_name'])}, {row['year']}", loc="left")
        caption = (f"{note}; numbers as in the legend; star: the winner; white cross: the "
                   "median voter.")
        caption = caption[0].upper() + caption[1:]
    return fig, caption, drawn


def result_figure(model: DashboardModel, i: int | None
                  ) -> tuple[Figure, str, dict[int, str]]:
    """How contest ``i`` chose its akim: vote shares of a popular vote (first round and
    runoff), deputies' votes of a council, or an appointer's shortlist."""
    if i is None:
        fig = message_figure("No akim chosen yet:\npress Step to simulate the first year.",
                             size=(HALF_WIDTH, 4.9))
        return fig, "No selection yet.", {}
    row = model.contests().iloc[i]
    colours = model.colours()
    slot_colours = colours.of_contest(row)
    drawn = {int(c): slot_colours[k] for k, c in enumerate(row["candidate_ids"])}
    kind = selection_kind(row)
    n = len(slot_colours)
    won = _winner_slot(row)
    labels = [candidate_label(row, k) for k in range(n)]
    fig, ax = _figure(HALF_WIDTH, 4.9)
    y = np.arange(n, dtype=np.float64)
    title = how_chosen(row)
    if kind == "appointed":
        ax.scatter(np.zeros(n), y, s=[620 if k == won else 330 for k in range(n)],
                   marker="o", c=slot_colours, edgecolors="black", linewidths=1.4, zorder=3)
        if won >= 0:
            ax.scatter([0], [won], s=260, marker="*", color="white", edgecolors="black",
                       zorder=4)
            ax.text(0.35, won, "appointed", va="center", fontsize=14, fontweight="bold")
        ax.set_xlim(-0.5, 2.0)
        ax.set_xticks([])
        ax.set_xlabel(f"the shortlist of {n}: no vote is held")
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        caption = f"{title[0].upper()}{title[1:]}: no vote; the appointer's choice is final."
    elif kind == "popular":
        ballots = float(row["ballots"])
        first = list(row["first_round_votes"]) or list(row["first_preferences"]) \
            or list(row["votes"])
        final = [float(v) for v in row["votes"]]
        two = int(row["rounds"]) > 1 or str(row["rule"]) not in ("plurality", "two_round")
        first_share = _share(first, ballots)
        height = 0.38 if two else 0.7
        off = height / 2 if two else 0.0
        ax.barh(y - off, first_share, height=height, color=slot_colours, edgecolor="black",
                linewidth=0.6, alpha=0.55 if two else 1.0)
        for k in range(n):
            ax.text(first_share[k] + 0.01, y[k] - off, _pct(first_share[k]), va="center",
                    fontsize=13)
        if row["against_all"]:
            against = float(row["against_all"]) / ballots if ballots else 0.0
            ax.barh([n], [against], height=0.7, color=AGAINST_ALL)
            ax.text(against + 0.01, n, _pct(against), va="center", fontsize=13)
            labels.append("against all")
        if two:
            rule = str(row["rule"])
            second_name = {"two_round": "runoff", "instant_runoff": "final count"}.get(
                rule, f"{rule} count")
            total = float(sum(final))
            final_share = _share(final, total)
            ax.barh(y + off, final_share, height=height, color=slot_colours,
                    edgecolor="black", linewidth=0.6)
            for k in range(n):
                if final[k] > 0:
                    ax.text(final_share[k] + 0.01, y[k] + off, _pct(final_share[k]),
                            va="center", fontsize=13, fontweight="bold")
            before = "round 1" if rule == "two_round" else "first preferences"
            ax.set_xlabel(f"share of votes (pale: {before}, solid: {second_name})")
            title = (f"popular vote ({rule}): round 1 and runoff" if rule == "two_round"
                     else f"popular vote ({rule}): first preferences and {second_name}")
        else:
            ax.set_xlabel("share of ballots")
        ax.set_xlim(0, 1.18)
        turnout = _pct(float(row["turnout"]))
        caption = (f"{title[0].upper()}{title[1:]}; turnout {turnout} of "
                   f"{row['electorate']:,} voters.")
        if int(row["rounds"]) > 1 and str(row["rule"]) == "two_round":
            caption += " No one had a majority in round 1: the top two met in a runoff."
    else:  # council or consent: deputies' votes
        deputies = float(row["electorate"])
        got_votes = np.asarray(row["votes"], dtype=np.float64)
        round1 = list(row["first_round_votes"])
        if round1:
            ax.barh(y - 0.19, round1, height=0.38, color=slot_colours, alpha=0.55,
                    edgecolor="black", linewidth=0.6)
            ax.barh(y + 0.19, got_votes, height=0.38, color=slot_colours, edgecolor="black",
                    linewidth=0.6)
            ax.set_xlabel(f"deputies' votes (of {int(deputies)}; pale: round 1)")
        else:
            ax.barh(y, got_votes, height=0.7, color=slot_colours, edgecolor="black",
                    linewidth=0.6)
            ax.set_xlabel(f"deputies' votes (of {int(deputies)})")
        for k in range(n):
            ax.text(got_votes[k] + deputies * 0.01, y[k] + (0.19 if round1 else 0),
                    f"{int(got_votes[k])}", va="center", fontsize=13, fontweight="bold")
        ax.axvline(deputies / 2, color="black", lw=1.2, ls=":")
        ax.text(deputies / 2, -0.75, " half", fontsize=13, va="bottom")
        ax.set_xlim(0, deputies * 1.12)
        caption = f"{title[0].upper()}{title[1:]}"
        if won >= 0:
            caption += f": {int(got_votes[won])} of {int(deputies)} deputies voted for the winner."
        else:
            caption += "."
    if row["status"] not in ("elected", "appointed"):
        caption += (f" No akim was chosen ({str(row['status']).replace('_', ' ')}): an acting "
                    "akim holds the post until the selection is held again.")
    ax.set_yticks(np.arange(len(labels)), labels)
    for k, tick in enumerate(ax.get_yticklabels()):
        if k == won:
            tick.set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.4, -1.0)
    ax.set_title(f"{short_name(row['unit_name'])}, {row['year']}: {KIND_WORDS[kind]}",
                 loc="left")
    return fig, caption, drawn


#: at most this many selections in the year's figure (the caption counts the rest)
MAX_SELECTIONS = 10


def selections_figure(model: DashboardModel, year: int | None = None
                      ) -> tuple[Figure, str, dict[int, str]]:
    """Every selection of the year (default: the latest simulated), one row each, drawn by
    how it chose: a popular vote as vote shares (a second row for a runoff), a council's
    vote as deputies' votes, an appointment as the appointer's shortlist; candidates in
    their colours, the winner hatched (or starred)."""
    year = model.year if year is None else int(year)
    contests = model.contests()
    now = contests[contests["year"] == year] if len(contests) else contests
    if not model.started:
        return (message_figure("Press Step to simulate the first year.",
                               size=(FULL_WIDTH, 1.6)), "No selection yet.", {})
    if len(now) == 0:
        return (message_figure(f"{year}: no akim's term ended; no selection was held.",
                               size=(FULL_WIDTH, 1.6)),
                f"{year}: no selection (no akim's term ended this year).", {})
    tier_rank = {t.value: k for k, t in enumerate(TIERS)}
    order = sorted(range(len(now)), key=lambda j: (tier_rank.get(now["tier"].iloc[j], 9), j))
    shown = now.iloc[order[:MAX_SELECTIONS]]
    colours = model.colours()
    # one row per selection, a second for a runoff
    rows: list[tuple[pd.Series, str]] = []
    for _, r in shown.iterrows():
        rows.append((r, "first"))
        if selection_kind(r) == "popular" and int(r["rounds"]) > 1 \
                and str(r["rule"]) == "two_round":
            rows.append((r, "runoff"))
    fig, ax = _figure(FULL_WIDTH, 0.52 * len(rows) + 1.5)
    drawn: dict[int, str] = {}
    labels = []
    for yi, (r, part) in enumerate(rows):
        kind = selection_kind(r)
        slot_colours = colours.of_contest(r)
        drawn.update({int(c): slot_colours[k] for k, c in enumerate(r["candidate_ids"])})
        won = _winner_slot(r)
        name = f"{short_name(r['unit_name'])} ({r['tier']})"
        labels.append("\u21b3 runoff" if part == "runoff" else name)
        if kind == "appointed":
            n = len(slot_colours)
            xs = 0.02 + 0.035 * np.arange(n)
            ax.scatter(xs, np.full(n, yi), s=[300 if k == won else 150 for k in range(n)],
                       marker="o", c=slot_colours, edgecolors="black", linewidths=1.0,
                       zorder=3)
            if won >= 0:
                ax.scatter([xs[won]], [yi], s=110, marker="*", color="white",
                           edgecolors="black", zorder=4)
            ax.text(xs[-1] + 0.03, yi, how_chosen(r), va="center", fontsize=13)
            continue
        if kind == "popular":
            if part == "runoff":
                counts = [float(v) for v in r["votes"]]
                total = float(sum(counts))
                against = 0.0
            else:
                counts = [float(v) for v in (list(r["first_round_votes"])
                                             or list(r["first_preferences"]) or list(r["votes"]))]
                total = float(r["ballots"])
                against = float(r["against_all"])
        else:
            counts = [float(v) for v in r["votes"]]
            total = float(r["electorate"])
            against = 0.0
        shares = _share(counts, total)
        left = 0.0
        for k, s in enumerate(shares):
            if s <= 0:
                continue
            ax.barh(yi, s, left=left, height=0.72, color=slot_colours[k], edgecolor="black",
                    linewidth=1.8 if k == won else 0.5, hatch="//" if k == won else None)
            if s >= 0.09:
                ax.text(left + s / 2, yi, f"{k + 1}", ha="center", va="center",
                        fontsize=13, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                              "alpha": 0.8})
            left += s
        if against > 0 and total > 0:
            ax.barh(yi, against / total, left=left, height=0.72, color=AGAINST_ALL)
            left += against / total
        if kind == "popular":
            note = ("runoff" if part == "runoff" else
                    f"{r['rule']}, turnout {_pct(float(r['turnout']))}")
        else:
            got = int(counts[won]) if won >= 0 else 0
            note = (f"council: {got} of {int(total)} deputies" if kind == "council"
                    else f"consent: {got} of {int(total)} deputies")
        ax.text(1.01, yi, note, va="center", fontsize=13, transform=ax.get_yaxis_transform())
        if kind != "popular":
            ax.plot([0.5, 0.5], [yi - 0.42, yi + 0.42], color="black", lw=1.2, ls=":")
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of ballots (popular votes) or of deputies (councils; dotted: half);"
                  " hatched: the winner; black: against all")
    ax.set_title(f"{year}: every selection of an akim", loc="left")
    ax.grid(axis="x", alpha=0.3)
    kinds = Counter(selection_kind(r) for _, r in now.iterrows())
    parts = [_plural(kinds[k], KIND_WORDS[k]) for k in KIND_WORDS if kinds[k]]
    caption = f"{year}: {_plural(len(now), 'selection')} ({', '.join(parts)})"
    if len(now) > len(shown):
        caption += f"; the first {len(shown)} shown"
    caption += ". Numbers and colours: the candidates, as in the contest in focus."
    return fig, caption, drawn


#: the rules of a council's vote on an akim (indirect election, consent)
COUNCIL_RULES = ("council_majority", "consent")


def council_figure(model: DashboardModel) -> tuple[Figure, str, dict[int, str]]:
    """The councils in office, as the voters elected them (deputies by party, one bar per
    council), and the latest vote a council held on an akim (each candidate's votes, in
    the candidate's colour; the first round's too when there were two)."""
    councils = model.cached("councils", model.council_table)
    fig, (left, right) = _figure(FULL_WIDTH, 5.0, ncols=2,
                                 gridspec_kw={"width_ratios": [1.25, 1]})
    latest = councils[councils["year"] == councils["year"].max()]
    parties = [*model.party_names, "non_party"]
    fallback = plt.get_cmap("tab10")
    bottom = np.zeros(len(latest))
    names = [short_name(n) for n in latest["unit_name"]]
    for k, party in enumerate(parties):
        seats = latest[f"seats_{party}"].to_numpy(dtype=float)
        label = party.replace("_", "-")
        if seats.sum():
            left.bar(names, seats, bottom=bottom,
                     color=PARTY_COLOURS.get(label, fallback(k)), label=label)
        bottom += seats
    year = int(latest["year"].iloc[0])
    systems = ", ".join(sorted(set(latest["system"])))
    left.set_title(f"Councils elected in {year} ({systems})", loc="left")
    left.set_ylabel("deputies")
    left.tick_params(axis="x", labelrotation=20)
    left.legend(ncols=2, loc="upper right", title="party")
    left.set_ylim(0, float(latest["seats"].max()) * 1.45)
    contests = model.contests()
    votes = contests[contests["rule"].isin(COUNCIL_RULES)] if len(contests) else contests
    drawn: dict[int, str] = {}
    if len(votes) == 0:
        right.text(0.5, 0.5, "No council has voted\non an akim yet", ha="center",
                   va="center", color="#444444", fontsize=15)
        right.set_axis_off()
        vote_line = "no council vote on an akim yet"
    else:
        row = votes.iloc[-1]
        slot_colours = model.colours().of_contest(row)
        drawn = {int(c): slot_colours[k] for k, c in enumerate(row["candidate_ids"])}
        labels = [candidate_label(row, k) for k in range(len(slot_colours))]
        y = np.arange(len(labels))
        final = np.asarray(row["votes"], dtype=float)
        won = _winner_slot(row)
        if len(row["first_round_votes"]):
            right.barh(y - 0.19, row["first_round_votes"], height=0.38, color=slot_colours,
                       alpha=0.55, edgecolor="black", linewidth=0.6)
            right.barh(y + 0.19, final, height=0.38, color=slot_colours, edgecolor="black",
                       linewidth=0.6)
        else:
            right.barh(y, final, height=0.7, color=slot_colours, edgecolor="black",
                       linewidth=0.6)
        for k in range(len(labels)):
            right.text(final[k] + float(row["electorate"]) * 0.01, y[k] + (
                0.19 if len(row["first_round_votes"]) else 0), f"{int(final[k])}",
                va="center", fontsize=13, fontweight="bold")
        right.set_xlim(0, float(row["electorate"]) * 1.12)
        right.set_yticks(y, labels)
        right.invert_yaxis()
        right.axvline(row["electorate"] / 2, color="k", lw=1.2, ls=":")
        how = ("council election, secret ballot" if row["rule"] == "council_majority"
               else "consent, open vote")
        right.set_title(f"{short_name(row['unit_name'])}, {row['year']}: {how}", loc="left")
        right.set_xlabel(f"deputies' votes (of {row['electorate']}; dotted: half)")
        got = int(final[won]) if won >= 0 else 0
        vote_line = (f"latest council vote: {row['unit_name']} in {row['year']}, "
                     f"{got} of {row['electorate']} deputies for the winner "
                     f"({row['winner_party'] or 'none'})")
    caption = (f"{len(latest)} councils elected in {year} ({systems}), "
               f"{int(latest['filled'].sum())} of {int(latest['seats'].sum())} seats "
               f"filled; {vote_line}.")
    return fig, caption, drawn


#: the summary columns the timeline draws (akimsim.analysis.plots.PANELS, new names)
def _timeline_panels() -> tuple[str, ...]:
    from akimsim.analysis import plots

    return tuple(getattr(plots, "PANELS", ("turnout", "enc", "incumbent_reselected_share",
                                            "focus_on_voters")))


def timeline_view_figure(model: DashboardModel) -> tuple[Figure, str]:
    """Turnout, competitiveness, re-selection and focus on voters over the years so far
    (:func:`~akimsim.analysis.plots.timeline_figure`, at the page's size)."""
    cfg = model.cfg
    if not model.started:
        return (message_figure("Metrics over time appear after the first step.",
                               size=(FULL_WIDTH, 1.6)), "No year simulated yet.")
    with plt.rc_context(FIGURE_RC):
        fig = timeline_figure(model.summary(), title=f"{cfg.start_year}-{model.year}")
    fig.set_size_inches(FULL_WIDTH, 7.6)
    for ax in fig.axes:  # the panels' titles, readable and within their panel
        ax.set_title(textwrap.fill(ax.get_title(), 34), fontsize=14)
    panels = ", ".join(glossary.label(p) for p in _timeline_panels())
    return fig, f"Metrics by tier and regime, {cfg.start_year}-{model.year}: {panels}."


# ----------------------------------------------------------------------- views

def _focus_key(model: DashboardModel) -> tuple[Any, ...]:
    """What the views of the contest in focus depend on: the contest, its candidates'
    colours, and before the first step the territory shown."""
    i = focus_contest(model)
    if i is None:
        return (None, model.started)
    row = model.contests().iloc[i]
    return (i, tuple(model.colours().of_contest(row)))


def policy_space_view(model: DashboardModel) -> View:
    """The contest in focus in the policy space (:func:`policy_figure`); drawn again only
    when the contest in focus changes."""
    return model.cached("policy_space", lambda: model.memo(
        ("policy", *_focus_key(model)),
        lambda: make_view(*policy_figure(model, focus_contest(model)))))


def result_view(model: DashboardModel) -> View:
    """How the contest in focus chose its akim (:func:`result_figure`); drawn again only
    when the contest in focus changes."""
    return model.cached("result", lambda: model.memo(
        ("result", *_focus_key(model)),
        lambda: make_view(*result_figure(model, focus_contest(model)))))


def vote_shares_view(model: DashboardModel) -> View:
    """Every selection of this year (:func:`selections_figure`)."""
    return model.cached("vote_shares", lambda: make_view(*selections_figure(model)))


def council_view(model: DashboardModel) -> View:
    """The councils and their latest vote on an akim (:func:`council_figure`); drawn again
    only when new councils were elected or a council voted on an akim."""
    def make() -> View:
        councils = model.cached("councils", model.council_table)
        contests = model.contests()
        voted = np.flatnonzero(contests["rule"].isin(COUNCIL_RULES).to_numpy()) \
            if len(contests) else np.zeros(0, dtype=np.int64)
        last = int(voted[-1]) if len(voted) else None
        colours = tuple(model.colours().of_contest(contests.iloc[last])) \
            if last is not None else ()
        key = ("council", int(councils["year"].max()), last, colours)
        return model.memo(key, lambda: make_view(*council_figure(model)))
    return model.cached("council", make)


def timeline_view(model: DashboardModel) -> View:
    """Metrics over time (:func:`timeline_view_figure`)."""
    return model.cached("timeline", lambda: make_view(*timeline_view_figure(model)))


@dataclass(frozen=True)
class LegendEntry:
    """One candidate of the contest in focus: number, label, colour, winner or not."""

    candidate_id: int
    label: str
    colour: str
    winner: bool


def focus_legend(model: DashboardModel) -> list[LegendEntry]:
    """The candidates of the contest in focus, in ballot order, with their colours."""
    i = focus_contest(model)
    if i is None:
        return []
    row = model.contests().iloc[i]
    won = _winner_slot(row)
    colours = model.colours()
    return [LegendEntry(int(c), candidate_label(row, k, nomination=True), colours.of(c),
                        k == won) for k, c in enumerate(row["candidate_ids"])]


def focus_title(model: DashboardModel) -> str:
    i = focus_contest(model)
    if i is None:
        return "The contest in focus: none yet"
    row = model.contests().iloc[i]
    what = "latest direct election" if selection_kind(row) == "popular" else "latest selection"
    return f"The contest in focus ({what}): {short_name(row['unit_name'])}, {row['year']}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def status_lines(model: DashboardModel) -> list[str]:
    """What the run is: year, territory, regimes in force, rule, seed."""
    cfg = model.cfg
    terr = model.territory
    n_years = cfg.end_year - cfg.start_year + 1
    done = max(model.year - cfg.start_year + 1, 0) if model.started else 0
    if done:
        first = (f"Year {model.year}: {done} of {n_years} years simulated "
                 f"({cfg.start_year}-{cfg.end_year}).")
    else:
        first = (f"Before {cfg.start_year}: press Step to simulate {cfg.start_year} "
                 f"(the run: {cfg.start_year}-{cfg.end_year}, {_plural(n_years, 'year')}).")
    lines = [first]
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


# ----------------------------------------------------------------------- help

#: the measures the page shows (captions, figures, the timeline's panels), explained in the
#: help panel in this order
HELP_TERMS: tuple[str, ...] = ("turnout", "n_candidates", "margin", "rounds", "enc",
                               "incumbent_reselected_share", "focus_on_voters")
ORIGIN_NOTE = {
    "emerges": "emerges from the run: the agents' choices decide it",
    "assumption": "set by assumption, not a finding: the model's formula decides it",
    "mixed": "mixed: part assumption, part the run's selection",
    "input": "input data",
}


def help_terms() -> list[glossary.Term]:
    """The glossary's terms for the measures the page shows (:data:`HELP_TERMS` and the
    timeline's panels), each once, in that order."""
    terms = glossary.glossary()
    names = dict.fromkeys([*HELP_TERMS, *_timeline_panels()])
    out = []
    for name in names:
        with contextlib.suppress(KeyError):
            out.append(terms[name] if name in terms else glossary.term(name))
    return list({t.name: t for t in out}.values())


HELP_INTRO = (
    "Each year, every akim whose term ended is chosen again: appointed (the President "
    "appoints regional akims with the consent of the councils' deputies; the regional akim "
    "appoints district akims; the district akim appoints rural akims), elected by a "
    "council (maslikhat) of deputies the voters elected (indirect), or elected by the "
    "voters (direct). Step simulates one year, ▶ plays to the last year, Reset starts a "
    "new run from the controls on the left."
)


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


#: the page's style: large type for a projector; Mesa's play-interval, render-interval and
#: threads controls hidden (the first card of the sidebar holds them with the Reset, play
#: and Step buttons; the page sets the intervals); slider values always shown
PAGE_CSS = """
.v-application { font-size: 16px; }
.v-navigation-drawer .v-card:first-child .v-card__text .v-input,
.v-navigation-drawer .v-card:first-child .v-card__text > span { display: none !important; }
.v-navigation-drawer .v-input__slider { margin-top: 32px; }
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-slider__thumb-label { font-size: 15px !important;
                                              width: 42px !important; height: 42px !important; }
.v-navigation-drawer .v-label, .v-navigation-drawer input,
.v-navigation-drawer .v-select__selection { font-size: 17px !important; }
.v-navigation-drawer .v-btn { font-size: 16px !important; }
.akimsim-main { max-width: 1400px; }
.akimsim-main .v-card__title { font-size: 22px; padding-bottom: 6px; }
.akimsim-main .v-card > .v-card__text { font-size: 16px; }
.akimsim-main .theme--light.v-card > .v-card__text { color: rgba(0, 0, 0, 0.87); }
.akimsim-main .v-card__text .v-alert { font-size: 16px; }
.akimsim-figure img { max-width: 100%; height: auto; display: block; }
.akimsim-caption { font-size: 16px; display: block; margin-top: 6px; }
.akimsim-status-year { font-size: 22px !important; font-weight: 600; display: block;
                       margin-bottom: 4px; }
.akimsim-status { display: block; }
.akimsim-legend { display: flex; flex-wrap: wrap; gap: 6px 22px; margin-top: 10px;
                  font-size: 16px; }
.akimsim-legend-entry { display: inline-flex; align-items: center; gap: 8px; }
.akimsim-swatch { width: 22px; height: 22px; border: 1px solid #222; border-radius: 50%;
                  display: inline-block; }
.akimsim-help .v-expansion-panel-header { font-size: 19px; font-weight: 600; }
.akimsim-help .v-expansion-panel-content { font-size: 16px; }
.akimsim-term { margin: 10px 0 0 0; }
.akimsim-term-label { font-weight: 700; }
.akimsim-origin { display: inline-block; margin-left: 8px; padding: 0 8px; font-size: 14px;
                  border-radius: 10px; background: #e8f0e8; color: #1b1b1b; }
.akimsim-origin-assumption { background: #fbe3c2; font-weight: 700; }
"""


# Solara and Mesa's visualization are imported only here, so the rest of the module (and
# the tests of the config mapping) work without the dashboard extra.

def _page() -> Any:
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import update_counter

    logging.getLogger("MESA").setLevel(logging.WARNING)
    v = solara.v

    def figure_block(view: View, name: str) -> None:
        """The figure at its size (its text keeps its size), its caption, and the colour
        it drew each candidate in (``data-colours``: id:colour,...)."""
        colours = ",".join(f"{c}:{col}" for c, col in view.colours.items())
        with v.Html(tag="div", class_=f"akimsim-figure akimsim-{name}-figure",
                    attributes={"data-colours": colours}):
            solara.Image(view.png, width=f"{view.width}px", classes=[f"akimsim-{name}"])
            solara.Text(view.caption, classes=["akimsim-caption", f"akimsim-{name}-caption"])

    def Status(model: DashboardModel) -> None:
        with solara.Card("Status", classes=["akimsim-card", "akimsim-status-card"]):
            for k, line in enumerate(status_lines(model)):
                solara.Text(line, classes=["akimsim-status-year" if k == 0 else
                                           "akimsim-status"])
            cfg = model.cfg
            done = max(model.year - cfg.start_year + 1, 0) if model.started else 0
            solara.ProgressLinear(value=100 * done / (cfg.end_year - cfg.start_year + 1))
            if model.notice:
                solara.Warning(model.notice, dense=True, classes=["akimsim-notice"])
            if not model.running:
                solara.Success(f"Finished: the run reached its last year {cfg.end_year}. "
                               "Press Reset to start again.", classes=["akimsim-finished"])
            else:
                solara.Info("Changes to the controls apply when you press Reset.",
                            dense=True)

    def Help() -> None:
        with v.ExpansionPanels(class_="akimsim-help"), v.ExpansionPanel():
            v.ExpansionPanelHeader(children=["Help: what the page shows and what the "
                                             "measures mean"])
            with v.ExpansionPanelContent():
                v.Html(tag="p", children=[HELP_INTRO])
                for t in help_terms():
                    with v.Html(tag="div", class_=f"akimsim-term akimsim-term-{t.name}",
                                attributes={"data-term": t.name, "data-origin": t.origin}):
                        v.Html(tag="span", class_="akimsim-term-label",
                               children=[t.label[0].upper() + t.label[1:]])
                        v.Html(tag="span", class_=f"akimsim-origin akimsim-origin-{t.origin}",
                               children=[ORIGIN_NOTE.get(t.origin, t.origin)])
                        v.Html(tag="div", children=[f"{t.meaning[0].upper()}{t.meaning[1:]}."])
                        v.Html(tag="div", children=[f"Formula: {t.formula}."])

    def Legend(entries: Sequence[LegendEntry]) -> None:
        """The candidates of the contest in focus: one entry each, with the colour both
        figures drew them in (``data-colour``)."""
        with v.Html(tag="div", class_="akimsim-legend",
                    attributes={"data-entries": str(len(entries))}):
            v.Html(tag="span", class_="akimsim-legend-title", children=["Candidates:"])
            for e in entries:
                with v.Html(tag="span", class_="akimsim-legend-entry",
                            attributes={"data-candidate-id": str(e.candidate_id),
                                        "data-colour": e.colour}):
                    v.Html(tag="span", class_="akimsim-swatch",
                           style_=f"background: {e.colour}")
                    v.Html(tag="span", children=[e.label + (" (winner)" if e.winner else "")])

    @solara.component
    def Views(model: DashboardModel) -> None:
        update_counter.get()  # redrawn after every step (Mesa's controller bumps it)
        solara.Style(PAGE_CSS)
        with solara.Column(classes=["akimsim-main"], style={"gap": "16px"}):
            Status(model)
            Help()
            with solara.Card(focus_title(model), classes=["akimsim-card",
                                                          "akimsim-focus-card"]):
                with solara.Columns([1, 1]):
                    figure_block(policy_space_view(model), "policy")
                    figure_block(result_view(model), "result")
                entries = focus_legend(model)
                if entries:
                    Legend(entries)
            with solara.Card("This year's selections", classes=["akimsim-card"]):
                figure_block(vote_shares_view(model), "votes")
            with solara.Card("Councils: elected by the voters, electing akims",
                             classes=["akimsim-card"]):
                figure_block(council_view(model), "councils")
            with solara.Card("Metrics over time", classes=["akimsim-card"]):
                figure_block(timeline_view(model), "timeline")

    first, last = _years()
    lo, hi = min(YEAR_RANGE[0], first), max(YEAR_RANGE[1], last)
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
        "start_year": {"type": "SliderInt", "value": first, "label": "First year",
                       "min": lo, "max": hi, "step": 1},
        "end_year": {"type": "SliderInt", "value": last, "label": "Last year",
                     "min": lo, "max": hi, "step": 1},
    }

    @solara.component
    def Page() -> Any:
        # one model per browser session, in a reactive that Reset replaces
        initial = solara.use_memo(lambda: DashboardModel(start_year=first, end_year=last), [])
        model: Any = solara.use_reactive(initial)
        solara.use_effect(lambda: release_replaced(model), [])
        # no components: SolaraViz draws the app bar and the sidebar (controls), and no
        # tab bar ("Page 0") nor draggable grid; the views follow as the page's content
        SolaraViz(model, components=[], model_params=model_params,
                  name="akimsim: how Kazakhstan chooses its akims", play_interval=400)
        Views(model.value)

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
        env[YEARS_ENV] = (f"{start_year if start_year is not None else START_YEAR},"
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
                        help=f"first simulated year (default {START_YEAR}; a slider on the "
                             "page changes it)")
    parser.add_argument("--end-year", type=int, default=None,
                        help="last simulated year (default 2030; a slider on the page "
                             "changes it)")
    args = parser.parse_args(argv)
    try:
        check_installed()
    except DashboardUnavailable as exc:
        print(f"akimsim dashboard: error: {exc}", file=sys.stderr)
        return 2
    start = args.start_year if args.start_year is not None else START_YEAR
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
