"""docs/odd.md's generated parts (patterns from the targets file, parameter tables from
the schema) match the code: rerun `python scripts/write_odd.py` when this fails."""

from __future__ import annotations

from pathlib import Path

from akimsim.calibration.odd import blocks, render
from akimsim.config.describe import fields_of, status_of
from akimsim.config.schema import CandidateBehaviour

DOC = Path(__file__).resolve().parent.parent / "docs" / "odd.md"


def test_the_odd_document_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, "docs/odd.md is stale: run python scripts/write_odd.py"
    for name in blocks():
        assert f"<!-- odd:{name}:start -->" in text


def test_statuses_are_read_from_the_schema_comments():
    assert status_of("law: 1 % of the unit's voters") == "law"
    assert status_of("figure: 2,582 nominated (2021)") == "figure"
    assert status_of("bonus: an open question, hand-set") == "open question"
    assert status_of("spread; assumption") == "assumption"
    assert status_of("") == "not labelled"
    rows = {f.path: f for f in fields_of(CandidateBehaviour, "behaviour.candidates")}
    assert rows["behaviour.candidates.signature_threshold"].status == "law"
    assert rows["behaviour.candidates.registration_rejection"].status == "figure"
    # a bare field right below another shares the comment above both
    assert rows["behaviour.candidates.signature_reach_b"].comment == \
        rows["behaviour.candidates.signature_reach_a"].comment
    assert rows["behaviour.candidates.signature_threshold"].valid == "a share in [0, 1]"
