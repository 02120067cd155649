"""The dashboard (``akimsim dashboard``): the controls' config, the model's end, the
views, the command line, and the page in a real headless Chromium.

The browser test starts the dashboard on a free local port, loads it in the system's
Chromium through Playwright (``apt-get install -y chromium``; Playwright downloads no
browser), changes controls, steps to the end of a short run and checks that the views
redraw, that no error shows and that the page asks nothing of any host but this one.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
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


def test_views_render_pngs_and_close_their_figures():
    model = dashboard.DashboardModel(rural="direct", district="direct", rule="two_round",
                                     start_year=2019, end_year=2024)
    open_before = set(plt.get_fignums())
    empty = [f(model) for f in (dashboard.policy_space_view, dashboard.vote_shares_view,
                                dashboard.timeline_view, dashboard.council_view)]
    for _ in range(4):
        model.step()
    views = [f(model) for f in (dashboard.policy_space_view, dashboard.vote_shares_view,
                                dashboard.timeline_view, dashboard.council_view)]
    assert set(plt.get_fignums()) == open_before
    for v in [*empty, *views]:
        assert v.png.startswith(b"\x89PNG")
    assert "No direct election yet" in empty[0].caption
    assert "two_round" in views[0].caption
    assert views[2].caption.endswith("2019-2022.")
    assert empty[3].caption.startswith("2 councils elected in 2016 (smd)")
    assert "council vote" in views[3].caption
    assert dashboard.policy_space_view(model) is views[0]  # cached within a year
    lines = dashboard.status_lines(model)
    assert lines[0].startswith("Year 2022: 4 of 6 years")
    assert "district direct" in lines[2]
    assert "rural direct" in lines[2]


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
    with helpers.Server(start_year=2019, end_year=2024) as server, \
            helpers.open_dashboard(server.url, chromium) as dash:
        page = dash.page
        # the controls, Mesa's buttons and the four views are there
        for label in ("Districts", "Villages per district", "Regional akims", "District akims",
                      "Rural akims", "Rule of direct elections", "Seed"):
            assert page.get_by_text(label, exact=True).first.is_visible(), label
        for name in ("Reset", "Step"):
            assert dash.button(name).is_enabled(), name
        for title in ("Status", "Policy space of the latest direct contest",
                      "Vote shares of this year's contests", "Metrics over time"):
            assert page.get_by_text(title, exact=True).is_visible(), title
        assert dash.year() == "-"
        assert "rural indirect (reform timeline)" in dash.status()

        # change controls; Reset builds the model they describe
        dash.select("Rural akims", "direct")
        dash.select("Rule of direct elections", "two_round")
        seed = page.get_by_label("Seed")
        seed.fill("7")
        seed.press("Enter")
        dash.reset(expect=("rural direct.", "two_round", "seed 7"))

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
        assert "(two_round)" in dash.captions()["policy"]

        # play runs on to the end year; the run stops there and the page says so
        dash.play_button().click()
        page.locator(".akimsim-finished").wait_for(timeout=60_000)
        assert "end year 2024" in page.locator(".akimsim-finished").inner_text()
        page.wait_for_function(
            "() => document.querySelector('.akimsim-timeline-caption')?.textContent"
            ".endsWith('2019-2024.')")
        assert dash.year() == "2024"
        assert dash.button("Step").is_disabled()
        assert dash.play_button().is_disabled()
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

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
    assert "latest council vote: Toy district 2 village 3 in 2013" in view.caption
