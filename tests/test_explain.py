"""`ksmcode explain`: a unit's evidence, located in its text."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ksmcode.analysis.explain import explain
from ksmcode.analysis.frame import load_coding
from ksmcode.cli import app
from ksmcode.errors import AnalysisError

runner = CliRunner()


@pytest.fixture()
def out(coded_out):
    return coded_out


def test_evidence_points_into_the_unit_text(out):
    result = explain(load_coding(out), "ketua.txt#4")
    assert result.speaker == "Pak Darsono"
    assert list(result.codes["code"]) == ["stage.termination"]
    for row in result.evidence.itertuples():
        assert result.text[row.start - result.start : row.end - result.start] == row.matched
    assert list(zip(result.evidence["term"], result.evidence["negated"], strict=True)) == [
        ("terminasi", True),
        ("dipantau terus", False),
    ]


def test_cli_shows_text_and_evidence_and_rejects_unknown_units(out):
    result = runner.invoke(app, ["explain", "ketua.txt#4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Nggak pernah ada terminasi" in result.stdout
    assert "stage.termination,stage.termination/keyword/1,terminasi" in result.stdout
    missing = runner.invoke(app, ["explain", "ketua.txt#3", "--out", str(out)])
    assert missing.exit_code == 1
    assert "no unit 'ketua.txt#3'" in missing.stderr
    with pytest.raises(AnalysisError, match=r"did you mean ketua\.txt#"):
        explain(load_coding(out), "ketua.txt#3")


def test_explain_shows_evidence_the_filters_set_aside(repo):
    import ksmcode

    corpus = ksmcode.load_corpus(repo / "transcripts", interviewer=["Peneliti", "Interviewer"])
    codebook = ksmcode.load_codebook(repo / "codebooks" / "ksm.yaml")
    coding = ksmcode.coding_frames(ksmcode.code_corpus(corpus, codebook))
    unit = coding.suppressed["segment_id"].iloc[0]
    result = explain(coding, unit)
    assert result.suppressed is not None and len(result.suppressed) >= 1
    reasons = set(result.suppressed["reason"])
    assert reasons <= {"exclude", "when_negated", "yield_to", "min_terms"}
    # what was set aside is not evidence of the unit's codings
    kept = set(zip(result.evidence["rule_id"], result.evidence["start"], strict=True))
    aside = set(zip(result.suppressed["rule_id"], result.suppressed["start"], strict=True))
    assert not kept & aside
