"""The dashboard (``akimsim dashboard``): the controls' config, the model's end, the
views, the command line, and the page in a real headless Chromium.

The browser test starts the dashboard on a free local port, loads it in the system's
Chromium through Playwright (``apt-get install -y chromium``; Playwright downloads no
browser), changes controls, steps to the end of a short run and checks that the views
redraw, that no error shows and that the page asks nothing of any host but this one.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
import numpy as np
import pytest

from akimsim.config import RegimeName, RuleName, Tier
from akimsim.edge import dashboard

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "screenshot_dashboard.py"


def _helpers() -> ModuleType:
    """scripts/screenshot_dashboard.py, the browser helpers shared with the screenshot."""
    name = "screenshot_dashboard"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------- without a browser

def test_controls_map_to_a_run_config():
    cfg = dashboard.dashboard_config(districts=3, villages=5, region="direct",
                                     district="indirect", rural=dashboard.REFORM,
                                     rule="borda", seed=" 12 ", start_year=2015, end_year=2020)
    assert (cfg.territory.districts_per_region, cfg.territory.villages_per_district) == (3, 5)
    assert cfg.regimes.region == RegimeName.direct
    assert cfg.regimes.district == RegimeName.indirect
    assert cfg.regimes.rural is None  # follows the reform schedule
    assert {s.tier for s in cfg.regimes.schedule} >= {Tier.rural, Tier.district}
    assert cfg.rule.for_tier(Tier.rural) == RuleName.borda
    assert (cfg.seed, cfg.start_year, cfg.end_year) == (12, 2015, 2020)
    assert cfg.output.progress is False


def test_every_choice_on_the_page_is_a_valid_config():
    assert set(dashboard.REGIME_CHOICES) == {*(r.value for r in RegimeName), dashboard.REFORM}
    assert set(dashboard.RULE_CHOICES) == {r.value for r in RuleName}
    assert dashboard.parse_seed("") == 0
    assert dashboard.parse_seed(5.0) == dashboard.parse_seed("5") == 5  # Mesa 3.4+ converts
    with pytest.raises(ValueError, match="seed"):
        dashboard.parse_seed("-3")
    with pytest.raises(ValueError, match="seed"):
        dashboard.parse_seed("abc")
    model = dashboard.DashboardModel(seed="abc", end_year=2013)  # the page says, runs seed 0
    assert model.cfg.seed == 0
    assert "'abc'" in model.notice


def test_the_largest_territory_keeps_voter_agents():
    model = dashboard.DashboardModel(districts=dashboard.DISTRICTS[1],
                                     villages=dashboard.VILLAGES[1], end_year=2013)
    assert model.materialised
    assert model.territory.n_voters <= dashboard.MAX_VOTERS


def test_model_stops_cleanly_at_its_end_year():
    model = dashboard.DashboardModel(rural="direct", start_year=2019, end_year=2021)
    for _ in range(3):
        assert model.running
        model.step()
    assert (model.year, model.running) == (2021, False)
    contests = len(model.outcomes)
    model.step()  # Mesa's Step after the end (or a render interval past it) does nothing
    assert (model.year, model.running, len(model.outcomes)) == (2021, False, contests)


VIEW_FUNCTIONS = (dashboard.policy_space_view, dashboard.result_view,
                  dashboard.vote_shares_view, dashboard.timeline_view, dashboard.council_view)


def test_views_render_pngs_and_close_their_figures():
    model = dashboard.DashboardModel(rural="direct", district="direct", rule="two_round",
                                     start_year=2019, end_year=2024)
    open_before = set(plt.get_fignums())
    empty = [f(model) for f in VIEW_FUNCTIONS]
    for _ in range(4):
        model.step()
    views = [f(model) for f in VIEW_FUNCTIONS]
    assert set(plt.get_fignums()) == open_before
    for v in [*empty, *views]:
        assert v.png.startswith(b"\x89PNG")
    assert "No selection yet" in empty[0].caption
    assert "No selection yet" in empty[1].caption
    assert "popular vote (two_round)" in views[1].caption.lower()
    assert "2019-2022" in views[3].caption
    assert empty[4].caption.startswith("2 councils elected in 2016 (smd)")
    assert "council vote" in views[4].caption
    assert dashboard.policy_space_view(model) is views[0]  # cached within a year
    lines = dashboard.status_lines(model)
    assert lines[0].startswith("Year 2022: 4 of 6 years")
    assert "district direct" in lines[2]
    assert "rural direct" in lines[2]


def test_status_says_what_to_do_before_the_first_step():
    model = dashboard.DashboardModel(end_year=2021)
    assert model.cfg.start_year == dashboard.START_YEAR == 2019  # a selection every year
    first = dashboard.status_lines(model)[0]
    assert first.startswith("Before 2019: press Step to simulate 2019")
    assert "-:" not in first
    model.step()
    assert dashboard.status_lines(model)[0].startswith("Year 2019: 1 of 3 years")
    backwards = dashboard.DashboardModel(start_year=2022, end_year=2020)
    assert (backwards.cfg.start_year, backwards.cfg.end_year) == (2022, 2022)
    assert "before the first year 2022" in backwards.notice


def figures_of(model):
    """Every figure of the page for ``model``'s current year (left open: close them)."""
    i = dashboard.focus_contest(model)
    return {"policy": dashboard.policy_figure(model, i)[0],
            "result": dashboard.result_figure(model, i)[0],
            "votes": dashboard.selections_figure(model)[0],
            "councils": dashboard.council_figure(model)[0],
            "timeline": dashboard.timeline_view_figure(model)[0]}


def test_figure_text_is_at_least_12_px_as_shown():
    # drawn with 1 pt = 1 CSS px and shown at that size (not shrunk: the browser test
    # checks the shown width), so a text of MIN_FONT_PT points is that many px
    assert dashboard.MIN_FONT_PT >= 12
    model = dashboard.DashboardModel(districts=2, villages=3, rural="direct",
                                     district="indirect", rule="two_round",
                                     start_year=2019, end_year=2021)
    states = [figures_of(model)]
    for _ in range(3):
        model.step()
    states.append(figures_of(model))
    for figs in states:
        for name, fig in figs.items():
            try:
                dashboard.readable(fig)
                sizes = {t.get_text(): float(t.get_fontsize())
                         for t in dashboard.figure_texts(fig)}
            finally:
                plt.close(fig)
            assert sizes, name
            small = {t: s for t, s in sizes.items() if s < dashboard.MIN_FONT_PT}
            assert small == {}, name
            # shown at 72 CSS px an inch: it fits the page's main column at 1,280 px (the
            # browser test checks it is shown at that size, not shrunk)
            width = fig.get_size_inches()[0] * dashboard.PX_PER_INCH
            assert width <= 830, name
    view = dashboard.make_view(figures_of(model)["result"], "")
    plt.close("all")
    assert view.width == round(dashboard.HALF_WIDTH * dashboard.PX_PER_INCH)
    png_width = int.from_bytes(view.png[16:20], "big")  # the IHDR chunk
    assert abs(png_width - view.width * dashboard.PNG_SCALE) <= 1


def kinds_model(**kwargs):
    model = dashboard.DashboardModel(districts=2, villages=3, start_year=2019,
                                     end_year=2022, **kwargs)
    model.run()
    return model


def test_an_appointment_is_drawn_as_a_shortlist_not_a_vote():
    model = kinds_model(region="appointment", district="appointment", rural="appointment")
    contests = model.contests()
    i = int(np.flatnonzero((contests["rule"] == "appointer").to_numpy())[-1])
    row = contests.iloc[i]
    fig, caption, colours = dashboard.result_figure(model, i)
    try:
        ax = fig.axes[0]
        assert len(ax.patches) == 0  # no bar
        assert "appointed" in [t.get_text() for t in ax.texts]
    finally:
        plt.close(fig)
    who = dashboard.APPOINTER[row["tier"]]
    n = len(row["candidate_ids"])
    assert caption.startswith(f"Appointed by {who} from a shortlist of {n}")
    assert set(colours) == {int(c) for c in row["candidate_ids"]}
    fig, _, _ = dashboard.selections_figure(model)
    try:
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any(t.startswith("appointed by ") and "shortlist of" in t for t in texts)
    finally:
        plt.close(fig)


def test_a_council_election_is_drawn_as_deputies_votes():
    model = kinds_model(rural="indirect")
    contests = model.contests()
    i = int(np.flatnonzero((contests["rule"] == "council_majority").to_numpy())[-1])
    row = contests.iloc[i]
    fig, caption, _ = dashboard.result_figure(model, i)
    try:
        ax = fig.axes[0]
        assert ax.get_xlabel().startswith(f"deputies' votes (of {row['electorate']}")
        heights = sorted(round(p.get_width()) for p in ax.patches)
        assert heights == sorted(int(v) for v in row["votes"])  # votes, not shares
    finally:
        plt.close(fig)
    assert caption.startswith("Elected by the council")
    assert "deputies' secret ballot" in caption


def test_a_runoff_shows_both_rounds():
    model = kinds_model(rural="direct", district="direct", rule="two_round")
    contests = model.contests()
    runoff = (contests["regime"] == "direct") & (contests["rounds"] == 2)
    assert runoff.any()
    i = int(np.flatnonzero(runoff.to_numpy())[-1])
    row = contests.iloc[i]
    fig, caption, _ = dashboard.result_figure(model, i)
    try:
        ax = fig.axes[0]
        assert "round 1" in ax.get_xlabel()
        assert "runoff" in ax.get_xlabel()
        assert ax.get_title(loc="left").endswith("popular vote")
        n = len(row["candidate_ids"])
        against = 1 if row["against_all"] else 0
        assert len(ax.patches) == 2 * n + against  # a bar per candidate and round
    finally:
        plt.close(fig)
    assert "round 1 and runoff" in caption
    assert "the top two met in a runoff" in caption
    fig, _, _ = dashboard.selections_figure(model, year=int(row["year"]))
    try:
        assert "\u21b3 runoff" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    finally:
        plt.close(fig)


def test_a_popular_vote_is_drawn_as_vote_shares():
    model = kinds_model(rural="direct", rule="plurality")
    i = dashboard.latest_direct(model)
    assert i is not None
    row = model.contests().iloc[i]
    fig, caption, _ = dashboard.result_figure(model, i)
    try:
        ax = fig.axes[0]
        assert ax.get_xlabel() == "share of ballots"
        widths = [p.get_width() for p in ax.patches][:len(row["candidate_ids"])]
        assert widths == pytest.approx([v / row["ballots"] for v in row["first_preferences"]])
    finally:
        plt.close(fig)
    assert caption.startswith("Popular vote (plurality)")


def test_candidate_colours_are_stable_and_distinct_within_a_contest():
    colours = dashboard.CandidateColours()
    colours.colour_contest([1, 2, 3])
    first = dict(colours.colour)
    assert len(set(first.values())) == 3
    colours.colour_contest([2, 4, 5])  # 2 keeps its colour; newcomers take free ones
    assert colours.of(2) == first[2]
    assert len({colours.of(c) for c in (2, 4, 5)}) == 3
    colours.colour_contest([1, 4])  # 1 and 4 met with the same colour: 4 (later) changes
    if first[1] == colours.colour[4]:
        pytest.fail("two candidates of one contest share a colour")
    assert colours.of(1) == first[1]


def test_every_panel_draws_a_candidate_in_one_colour():
    model = dashboard.DashboardModel(districts=2, villages=3, rural="direct",
                                     district="indirect", start_year=2019, end_year=2023)
    seen: dict[int, set[str]] = {}
    focus_years = 0
    for _ in range(5):
        model.step()
        i = dashboard.focus_contest(model)
        drawn = []
        for fig, _, colours in (dashboard.policy_figure(model, i),
                                dashboard.result_figure(model, i),
                                dashboard.selections_figure(model),
                                dashboard.council_figure(model)):
            plt.close(fig)
            drawn.append(colours)
            for cid, colour in colours.items():
                seen.setdefault(cid, set()).add(colour)
        legend = dashboard.focus_legend(model)
        if legend:
            focus_years += 1
            by_legend = {e.candidate_id: e.colour for e in legend}
            assert drawn[0] == by_legend  # the policy space
            assert drawn[1] == by_legend  # how the akim was chosen
            assert len(set(by_legend.values())) == len(by_legend)
            assert sum(e.winner for e in legend) <= 1
    assert focus_years >= 3
    assert all(len(c) == 1 for c in seen.values())


def test_help_lists_the_glossary_of_what_the_page_shows():
    from akimsim import glossary
    from akimsim.analysis import plots

    terms = {t.name: t for t in dashboard.help_terms()}
    assert set(getattr(plots, "PANELS", ())) <= set(terms)  # the timeline's panels
    for name in ("turnout", "margin", "n_candidates", "rounds"):
        assert name in terms
    assert terms["focus_on_voters"].origin == "assumption"
    assert "not a finding" in dashboard.ORIGIN_NOTE["assumption"]
    assert all(t.label == glossary.label(t.name) for t in terms.values())


def test_latest_direct_contest_is_the_last_its_voters_took_part_in():
    model = dashboard.DashboardModel(rural="direct", district="direct", start_year=2019,
                                     end_year=2022)
    model.run()
    i = dashboard.latest_direct(model)
    assert i is not None
    out = model.outcomes[i]
    assert all(o.regime != "direct" for o in model.outcomes[i + 1:])
    voters = dashboard.voter_table(model, out.unit)
    assert (voters["last_choice"] >= -2).all()  # every voter of it has a recorded choice
    assert voters["last_choice"].max() < len(out.candidate_ids)


def test_reset_releases_the_model_it_replaces():
    solara = pytest.importorskip("solara")
    import mesa

    old = dashboard.DashboardModel(end_year=2013)
    new = dashboard.DashboardModel(end_year=2013)
    model = solara.reactive(old)
    unsubscribe = dashboard.release_replaced(model)
    try:
        model.value = new
    finally:
        unsubscribe()
    assert len(old.agents) == 0
    assert old not in getattr(mesa.Agent, "_ids", {})  # Mesa 3.4+ has no such registry
    assert len(new.agents) > 0
    assert dashboard.policy_space_view(old).png  # its tables stay readable
    assert dashboard.result_view(old).png


def test_server_is_local_and_offline_by_default():
    cmd = dashboard.server_command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--no-check-version" in cmd
    assert "--no-open" in cmd
    assert "akimsim.edge.dashboard:page" in cmd
    env = dashboard.server_env(2019, 2024, base={})
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1")
    assert env[dashboard.YEARS_ENV] == "2019,2024"


def test_cli_names_the_extra_when_it_is_missing(monkeypatch, capsys):
    from akimsim.edge import cli

    real = importlib.util.find_spec

    def no_solara(name, *args, **kwargs):
        return None if name.startswith("solara") else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_solara)
    with pytest.raises(SystemExit) as exc:
        cli.main(["dashboard", "--no-browser"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "pip install 'akimsim[dashboard]'" in err
    assert "solara" in err


def test_cli_help_lists_the_options(capsys):
    from akimsim.edge import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["dashboard", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--host", "--no-browser", "--start-year", "--end-year"):
        assert option in out


# --------------------------------------------------------------------- in a browser

@pytest.mark.process
def test_dashboard_in_a_headless_browser(tmp_path):
    helpers = _helpers()
    chromium = helpers.find_chromium()
    if chromium is None:
        pytest.fail(helpers.INSTALL_HINT)
    if importlib.util.find_spec("playwright") is None:
        pytest.fail("the browser test needs Playwright: pip install -e '.[dev,dashboard]'")
    dashboard.check_installed()  # the dashboard extra, with its offline assets
    started = time.monotonic()
    # a projector's window: 1,280 x 800 (helpers.PROJECTOR)
    with helpers.Server(end_year=2023) as server, \
            helpers.open_dashboard(server.url, chromium, viewport=helpers.PROJECTOR) as dash:
        page = dash.page
        # the controls, Mesa's buttons and the views are there
        for label in ("Districts", "Villages per district", "Regional akims", "District akims",
                      "Rural akims", "Rule of direct elections", "Seed", "First year",
                      "Last year"):
            assert page.get_by_text(label, exact=True).first.is_visible(), label
        for name in ("Reset", "Step"):
            assert dash.button(name).is_enabled(), name
        for title in ("Status", "This year's selections", "Metrics over time",
                      "Councils: elected by the voters, electing akims"):
            assert page.get_by_text(title, exact=True).is_visible(), title
        assert page.get_by_text("The contest in focus", exact=False).first.is_visible()
        # before the first step: what to do, from the default first year 2019
        assert dash.year() == "-"
        assert dash.status().startswith("Before 2019: press Step to simulate 2019")
        assert "rural indirect (reform timeline)" in dash.status()
        # Mesa's own interval and threads controls hidden, no tab bar ("PAGE 0")
        for hidden in helpers.HIDDEN_CONTROLS:
            assert not page.get_by_text(hidden, exact=False).first.is_visible(), hidden
        assert "page 0" not in page.locator("body").inner_text().lower()
        # every slider shows its value
        sliders = dash.slider_values()
        assert set(sliders) == {"Districts", "Villages per district", "First year",
                                "Last year"}
        assert sliders["First year"] == ("2019", "2019")
        assert sliders["Last year"] == ("2023", "2023")
        assert all(value == shown for value, shown in sliders.values()), sliders

        # change controls; Reset builds the model they describe
        dash.select("Rural akims", "direct")
        dash.select("Rule of direct elections", "two_round")
        dash.slide("Villages per district", 1)
        assert dash.slider_values()["Villages per district"] == ("5", "5")
        seed = page.get_by_label("Seed")
        seed.fill("7")
        seed.press("Enter")
        dash.reset(expect=("rural direct.", "two_round", "seed 7", "5 rural posts"))

        # step: the year advances and the views redraw
        hashes = [dash.view_hashes()]
        years = []
        for _ in range(4):
            years.append(dash.step())
            hashes.append(dash.view_hashes())
        assert years == ["2019", "2020", "2021", "2022"]
        for k in range(4):
            assert hashes[k]["timeline"] != hashes[k + 1]["timeline"], years[k]
        for view in helpers.VIEWS:
            assert len({h[view] for h in hashes}) > 2, view
        assert "popular vote (two_round)" in dash.captions()["result"].lower()

        # one legend entry per candidate of the contest in focus, in the colours both of
        # its figures drew them in; every figure draws a candidate in one colour
        legend = dash.legend()
        drawn = dash.figure_colours()
        assert len(legend) >= 2
        assert {e["id"]: e["colour"] for e in legend} == drawn["policy"] == drawn["result"]
        assert all(e["text"] for e in legend)
        for fig in helpers.FIGURES:
            for cid, colour in drawn[fig].items():
                assert {d[cid] for d in drawn.values() if cid in d} == {colour}, (fig, cid)

        # projector-readable: no visible text under 12 px, figures shown at full size
        smallest = dash.min_font()
        assert smallest["size"] >= 12, smallest
        scales = dash.figure_scales()
        assert all(s >= 0.99 for s in scales.values()), scales

        # the help panel opens on the glossary of what the page shows
        dash.open_help()
        help_text = page.locator(".akimsim-help").inner_text()
        terms = dashboard.help_terms()
        shown = page.evaluate("() => [...document.querySelectorAll('.akimsim-term')]"
                              ".map(e => e.dataset.term)")
        assert shown == [t.name for t in terms]
        for t in terms:
            assert t.label[0].upper() + t.label[1:] in help_text, t.name
        focus = page.locator(".akimsim-term-focus_on_voters")
        assert focus.is_visible()
        assert "set by assumption, not a finding" in focus.inner_text()
        smallest = dash.min_font()
        assert smallest["size"] >= 12, smallest
        page.screenshot(path=str(tmp_path / "dashboard_help.png"))

        # play runs on to the end year; the run stops there and the page says so
        dash.play_button().click()
        page.locator(".akimsim-finished").wait_for(timeout=60_000)
        assert "last year 2023" in page.locator(".akimsim-finished").inner_text()
        page.wait_for_function(
            "() => document.querySelector('.akimsim-timeline-caption')?.textContent"
            ".includes('2019-2023:')")
        assert dash.year() == "2023"
        assert dash.button("Step").is_disabled()
        assert dash.play_button().is_disabled()
        page.screenshot(path=str(tmp_path / "dashboard.png"))

        # no error on the page or in its console; nothing fetched from outside localhost
        assert dash.errors_shown() == []
        assert dash.console_errors == []
        assert dash.outside_requests() == []
        assert any("/_solara/cdn/" in url for url in dash.requests)  # assets served locally
        log = server.output()
        assert "Traceback" not in log
        assert "Warning" not in log
    assert time.monotonic() - started < 120


def test_council_view_shows_a_council_elected_then_electing():
    # the reform timeline from 2013: the 2012 councils elect the village akims in 2013
    model = dashboard.DashboardModel(districts=2, villages=3, start_year=2013, end_year=2014)
    model.step()
    view = dashboard.council_view(model)
    assert view.png.startswith(b"\x89PNG")
    assert view.caption.startswith("3 councils elected in 2012 (smd)")
    assert re.search(r"latest council vote: \w+ district 2 village 3 in 2013", view.caption)
    row = model.contests().iloc[-1]
    assert view.colours == {int(c): model.colours().of(c) for c in row["candidate_ids"]}
