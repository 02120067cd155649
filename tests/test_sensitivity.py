"""Global sensitivity of the headline findings (issue 12): headlines as data, the
SALib wrappers on functions whose indices are known, the sign-robustness share by hand,
and the command on a small territory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from akimsim.calibration.params import PARAMS_DIR, Param, check_params, load_params
from akimsim.calibration.sensitivity import (
    Headline,
    SensitivityError,
    Setup,
    evaluate,
    load_headlines,
    morris_indices,
    morris_sample,
    parse_headlines,
    robustness,
    sobol_indices,
    sobol_sample,
    wilson,
)
from akimsim.calibration.smm import Store

H = {"name": "h", "experiment": "regime_comparison", "treatment": "regimes.rural=direct",
     "reference": "regimes.rural=appointment", "metric": "performance", "tier": "rural",
     "years": [2017, 2030], "claim": "negative", "source": "s"}
PARAMS = [Param("a", 0.0, 1.0), Param("b", 0.0, 1.0)]


def _head(name: str = "h", claim: str = "negative") -> Headline:
    return parse_headlines([{**H, "name": name, "claim": claim}])[0]


def test_the_shipped_headlines_and_ranges_load() -> None:
    from akimsim import RunConfig

    heads = load_headlines()
    assert {h.experiment for h in heads} >= {"regime_comparison", "unification"}
    ranges = check_params(load_params(PARAMS_DIR / "plausible.yaml"), RunConfig())
    assert all(p.reason for p in ranges)


@pytest.mark.parametrize(("change", "says"), [
    ({"metric": "happiness"}, "metric 'happiness' is not one of"),
    ({"tier": "oblast"}, "tier 'oblast' is not one of region"),
    ({"claim": "big"}, "claim 'big' is not one of positive, negative"),
    ({"years": [2030, 2017]}, "years must be [first, last]"),
    ({"source": ""}, "missing source"),
    ({"colour": "red"}, "unknown field(s) colour"),
])
def test_a_bad_headline_names_its_entry(change: dict[str, object], says: str) -> None:
    with pytest.raises(SensitivityError) as info:
        parse_headlines([H | {"name": "ok"}, H | change], "mine.yaml")
    assert "mine.yaml: entry 1 ('h')" in str(info.value)
    assert says in str(info.value)


def test_morris_and_sobol_recover_known_indices() -> None:
    """y = 4a + 0b: all of the variance and every elementary effect belong to a."""
    head = [_head()]
    xm = morris_sample(PARAMS, 8, seed=1)
    assert xm.shape == (8 * 3, 2)
    m = morris_indices(PARAMS, xm, (4 * xm[:, 0])[:, None], head, seed=1).set_index("param")
    assert m.loc["a", "mu_star"] == pytest.approx(4.0)
    assert m.loc["b", "mu_star"] == pytest.approx(0.0)
    xs = sobol_sample(PARAMS, 256, seed=1)
    assert xs.shape == (256 * 4, 2)
    s = sobol_indices(PARAMS, (4 * xs[:, 0])[:, None], head, seed=1).set_index("param")
    assert s.loc["a", "S1"] == pytest.approx(1.0, abs=0.05)
    assert s.loc["a", "ST"] == pytest.approx(1.0, abs=0.05)
    assert s.loc["b", "ST"] == pytest.approx(0.0, abs=0.02)
    with pytest.raises(SensitivityError, match="power of two"):
        sobol_sample(PARAMS, 48)


def test_robustness_and_wilson_by_hand() -> None:
    ys = np.array([[-0.2, 0.1], [-0.1, 0.2], [0.3, -0.1], [0.0, np.nan]])
    table = robustness(ys, [_head("neg"), _head("pos", "positive")]).set_index("headline")
    assert table.loc["neg", "sign_holds_share"] == pytest.approx(2 / 4)  # 0 does not hold
    assert table.loc["pos", "vectors"] == 3
    assert table.loc["pos", "sign_holds_share"] == pytest.approx(2 / 3)
    lo, hi = wilson(2, 4)
    z = 1.959963984540054
    centre = (0.5 + z * z / 8) / (1 + z * z / 4)
    half = z * np.sqrt(0.25 / 4 + z * z / 64) / (1 + z * z / 4)
    assert (lo, hi) == (pytest.approx(centre - half), pytest.approx(centre + half))
    assert table.loc["neg", "share_low"] == pytest.approx(lo)


def test_evaluate_pairs_the_arms_on_the_seed_and_resumes(tmp_path: Path) -> None:
    from akimsim import AkimModel
    from akimsim.analysis.pooled import contest_metrics, office_metrics
    from akimsim.edge.sensitivity import setups

    heads = parse_headlines([{**H, "metric": "dominant_winner_share",
                              "years": [2021, 2024]}])
    small = ["territory=synthetic_region", "end_year=2024"]
    groups = setups(heads, small)
    assert isinstance(groups[0], Setup)
    params = [Param("behaviour.voters.admin_support", 0.0, 3.0)]
    xs = np.array([[0.0], [3.0]])
    store = Store(tmp_path / "e.jsonl", {"x": 1})
    ys = evaluate(groups, params, xs, [5], store)

    def metric(arm: str, value: float) -> float:
        cfg = groups[0].arms[arm]
        cfg.behaviour.voters.admin_support = value
        cfg.seed = 5
        cfg.output.progress = False
        m = AkimModel(cfg).run()
        c, o = m.contest_table(), m.office_table()
        c = c[(c.tier == "rural") & c.year.between(2021, 2024)]
        o = o[(o.tier == "rural") & o.year.between(2021, 2024)]
        return (contest_metrics(c) | office_metrics(o))["dominant_winner_share"]

    expected = metric("regimes.rural=direct", 3.0) - metric("regimes.rural=appointment", 3.0)
    assert ys[1, 0] == pytest.approx(expected)
    assert ys[1, 0] > ys[0, 0]  # more administrative support, more dominant winners
    again = evaluate(groups, params, xs, [5], Store(tmp_path / "e.jsonl", {"x": 1}))
    np.testing.assert_array_equal(again, ys)


@pytest.mark.process
def test_sensitivity_command_end_to_end(tmp_path: Path) -> None:
    def akimsim(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "akimsim", "sensitivity", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=900,
                              check=False)

    base = ["--only=rural_direct_minus_appointment_focus", "territory=synthetic_region",
            "end_year=2024", "--ranges=behaviour.voters.admin_support=0:3,"
            "behaviour.voters.record_weight=0:1.5", "--seeds=1", "--workers=1", "--quiet"]
    done = akimsim(*base, "--trajectories=2", "--samples=2", "--out=s")
    assert done.returncode == 0, done.stderr
    robust = pd.read_csv(tmp_path / "s" / "robustness.csv")
    assert robust["headline"].tolist() == ["rural_direct_minus_appointment_focus"]
    assert 0 <= robust.loc[0, "sign_holds_share"] <= 1
    for name in ("sensitivity.md", "morris.csv", "sobol.csv", "sensitivity.png"):
        assert (tmp_path / "s" / name).exists(), name
    for bad, says in [(["--only=nothing"], "is not a headline or experiment"),
                      (["--samples=3"], "power of two"),
                      (["--ranges=behaviour.voters.admin_suport=0:3"], "did you mean")]:
        done = akimsim(*[b for b in base if not b.startswith(bad[0].split("=")[0])], *bad,
                       "--out=bad")
        assert done.returncode == 2, (bad, done.stderr)
        assert says in done.stderr
