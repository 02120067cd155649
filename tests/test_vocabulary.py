"""Scenarios a user writes (reform steps added from the command line, a step that changes
the voting rule) and one vocabulary (the glossary names every column and measure; region
on every unit row; runoffs counted in the summary)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from akimsim import AkimModel, glossary, toy_config
from akimsim.analysis.pooled import METRICS
from akimsim.config import ConfigError, RegimeName, RuleName, Tier, validate
from akimsim.config.schema import ReformStep
from akimsim.edge.hydra import compose
from akimsim.runner import OVERVIEW_COLUMNS, overview

ROOT = Path(__file__).resolve().parents[1]


def _run(cfg):
    cfg.output.progress = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AkimModel(cfg).run()


# ------------------------------------------------------------ reform steps a user adds

def test_a_reform_step_is_added_from_the_command_line_without_restating_the_list():
    base = compose("territory=toy")
    added = compose("territory=toy",
                    "regimes.add=[{year:2027,tier:region,regime:direct},"
                    "{year:2025,tier:district,regime:null,rule:two_round}]")
    assert added.regimes.schedule == base.regimes.schedule  # the shipped list is kept
    assert added.regimes.add == [
        ReformStep(year=2027, tier=Tier.region, regime=RegimeName.direct),
        ReformStep(year=2025, tier=Tier.district, regime=None, rule=RuleName.two_round)]
    keys = [k for k, _ in added.regimes.steps()]
    assert keys[-2:] == ["regimes.add[0]", "regimes.add[1]"]
    assert keys[0] == "regimes.schedule[0]"


def test_a_step_changes_the_rule_of_its_tier_from_its_year_on():
    cfg = toy_config(seed=4)
    cfg.end_year = 2030
    cfg.regimes.district = RegimeName.direct  # pinned: districts elect every term
    cfg.regimes.add = [ReformStep(year=2025, tier=Tier.district, regime=None,
                                  rule=RuleName.two_round)]
    c = _run(cfg).contest_table()
    direct = c[c["regime"] == "direct"]
    district = direct[direct["tier"] == "district"]
    assert len(district[district["year"] < 2025]) > 0
    assert len(district[district["year"] >= 2025]) > 0
    # before 2025 the tier's rule (plurality), from 2025 on the step's; rural unchanged
    assert set(district.loc[district["year"] < 2025, "rule"]) == {"plurality"}
    assert set(district.loc[district["year"] >= 2025, "rule"]) == {"two_round"}
    assert set(direct.loc[direct["tier"] == "rural", "rule"]) == {"plurality"}


def test_a_rule_step_with_a_regime_step_of_the_same_year_is_allowed_two_rules_are_not():
    cfg = toy_config()
    cfg.regimes.add = [ReformStep(year=2025, tier=Tier.district, regime=None,
                                  rule=RuleName.two_round)]
    validate(cfg)  # the shipped schedule's 2025 district step sets the regime, this the rule
    cfg.regimes.add.append(ReformStep(year=2025, tier=Tier.district, regime=None,
                                      rule=RuleName.borda))
    with pytest.raises(ConfigError, match=r"regimes\.add\[1\].*sets the rule"):
        validate(cfg)
    cfg.regimes.add = [ReformStep(year=2026, tier=Tier.rural, regime=None, rule=None)]
    with pytest.raises(ConfigError, match="changes the regime or the rule"):
        validate(cfg)


def test_an_added_step_that_leaves_less_than_a_term_warns_with_its_key():
    cfg = toy_config()
    cfg.end_year = 2030
    cfg.regimes.add = [ReformStep(year=2027, tier=Tier.region, regime=RegimeName.direct)]
    with pytest.warns(UserWarning, match=r"regimes\.add\[0\] \(2027: region -> direct\) "
                                         r"leaves 3 year"):
        AkimModel(cfg)


# ------------------------------------------------------------------ the vocabulary

@pytest.fixture(scope="module")
def two_round_run():
    cfg = toy_config(seed=5)
    cfg.territory.districts_per_region = 3
    cfg.regimes.district = RegimeName.direct
    cfg.rule.name = RuleName.two_round
    cfg.rule.majority_threshold = 0.6  # runoffs are frequent
    return _run(cfg)


def test_runoff_share_and_rounds_count_the_popular_votes(two_round_run):
    c, s = two_round_run.contest_table(), two_round_run.summary_table()
    popular = c[c["turnout"].notna() & (c["rounds"] > 0)]
    assert (popular["rounds"] > 1).any()  # the test needs a runoff
    for (year, tier), part in popular.groupby(["year", "tier"]):
        row = s[(s["year"] == year) & (s["tier"] == tier) & (s["regime"] == "direct")]
        assert row["runoff_share"].item() == pytest.approx((part["rounds"] > 1).mean())
        assert row["rounds"].item() == pytest.approx(part["rounds"].mean())
    appointed = s[s["regime"] == "appointment"]
    assert appointed["runoff_share"].isna().all()
    assert appointed["candidates_per_seat"].isna().all()  # a shortlist is not a race


def test_every_unit_row_names_its_region(two_round_run):
    terr = two_round_run.territory
    ids, names = np.asarray(terr.unit_id), np.asarray(terr.name)
    region_of = dict(zip(ids, ids[terr.region], strict=True))
    name_of = dict(zip(ids, names, strict=True))
    for table in (two_round_run.contest_table(), two_round_run.office_table(),
                  two_round_run.council_table()):
        assert len(table) > 0
        assert (table["region_id"] == table["unit_id"].map(region_of)).all()
        assert (table["region_name"] == table["region_id"].map(name_of)).all()
    assert set(two_round_run.contest_table()["region_name"]) == {"Synthetic region"}


def test_the_glossary_names_every_summary_column_metric_and_console_column(two_round_run):
    terms = glossary.glossary()
    summary = two_round_run.summary_table()
    missing = [c for c in summary.columns if c not in ("year", "tier", "regime")
               and c not in terms]
    assert missing == []
    assert [m for m in METRICS if m not in terms] == []
    assert [c for c in OVERVIEW_COLUMNS if c not in terms] == []
    assert list(overview(summary).columns) == ["tier", "regime", "years", *OVERVIEW_COLUMNS]
    assert all(t.origin in glossary.ORIGINS for t in terms.values())
    assert terms["focus_on_voters"].origin == "assumption"
    assert glossary.term("reelection_rate").name == "incumbent_reselected_share"


def test_the_overview_weighs_each_year_by_its_contests():
    summary = pd.DataFrame({
        "year": [2021, 2022, 2023], "tier": "rural", "regime": "direct",
        "contests": [1, 3, 0], "turnout": [0.2, 0.6, np.nan],
        "candidates_per_seat": [2.0, 4.0, np.nan], "enc": 1.5, "margin": 0.1,
        "runoff_share": [0.0, 1.0, np.nan], "incumbent_reselected_share": [1.0, 0.0, np.nan],
        "dominant_winner_share": 0.5})
    row = overview(summary).iloc[0]
    assert row["years"] == "2021-2023"
    assert row["contests"] == 4
    assert row["turnout"] == pytest.approx((0.2 + 3 * 0.6) / 4)
    assert row["candidates_per_seat"] == pytest.approx((2 + 12) / 4)
    assert row["runoff_share"] == pytest.approx(0.75)


def test_docs_glossary_is_generated_from_the_data_file():
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == glossary.markdown()
