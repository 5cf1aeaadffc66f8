"""The bundled KSM study end to end: the codebook is clean, the study codes, the seed paper's
findings show in the triangulation, and coding quality against the gold does not regress.

The floors guard against regressions; they are not targets. The test part of gold/split.csv
is never used to tune the codebook (see gold/README.md); its score is reported, not optimised.
"""

from __future__ import annotations

import pytest

from ksmcode.analysis.evaluation import evaluate
from ksmcode.analysis.frame import coding_frames
from ksmcode.analysis.triangulation import triangulate
from ksmcode.codebook.check import check_codebook
from ksmcode.io import load_corpus
from ksmcode.matching.engine import code_corpus

FRAMEWORK = {
    "stage": ["engagement", "assessment", "planning", "formulation", "implementation",
              "evaluation", "termination"],
    "welfare": ["population", "health", "education", "employment", "consumption", "housing",
                "poverty", "social"],
    "support": ["human_resources", "budget", "facilities", "partners", "problems_potential",
                "location"],
    "inhibit": ["time", "location", "opposition", "facilities"],
}  # fmt: skip
# micro-F1 floors, a few points under the measured values in the README (dev 0.80, test 0.60,
# tuning set 0.79).
FLOORS = {"dev": 0.77, "test": 0.57, "tuning": 0.75}
# Negation F1 (codings that both assign the code and mark it negated) after the clause-aware
# window, majority aggregation and welfare codes that are never negated: dev 0.17, test 0.22.
NEGATION_FLOORS = {"dev": 0.15, "test": 0.2}


@pytest.fixture(scope="module")
def coding(repo):
    codebook = check_codebook(repo / "codebooks" / "ksm.yaml")
    corpus = load_corpus(repo / "transcripts", interviewer=["Peneliti", "Interviewer"])
    return coding_frames(code_corpus(corpus, codebook))


def test_codebook_is_the_framework_and_clean(repo):
    codebook = check_codebook(repo / "codebooks" / "ksm.yaml")
    expected = [f"{family}.{code}" for family, codes in FRAMEWORK.items() for code in codes]
    assert list(codebook.code_ids) == expected
    assert codebook.warnings == ()


def test_study_codes_end_to_end(coding):
    assert coding.units["document"].nunique() == 12
    assert len(coding.units) == 246
    assert set(coding.segments["code"]) == set(coding.code_ids)


def test_triangulation_shows_the_seed_papers_findings(coding):
    table = triangulate(coding.segments, codes=coding.code_ids, families=coding.families)
    # All seven stages, eight welfare indicators, six supporting and four inhibiting factors
    # are evidenced by at least two source groups or methods. Where one group denies what
    # others affirm (the official: "tidak ada yang menentang"), the code is divergent.
    assert set(table["status"]) <= {"convergent", "divergent"}
    assert (table["status"] == "convergent").sum() >= 24
    assert (table["n_groups"] >= 2).all()
    assert (table["methods_affirming"].str.count(";") >= 1).all()  # two or more methods
    # Termination: monitoring goes on, and the official and organisers say that no formal
    # termination took place.
    denying = table.loc["stage.termination", "groups_denying"]
    assert "government" in denying and "organiser" in denying


@pytest.mark.parametrize("part", ["dev", "test"])
def test_quality_against_gold_does_not_regress(coding, repo, part):
    result = evaluate(
        coding, repo / "gold" / "ksm_gold.csv", split_path=repo / "gold" / "split.csv"
    )
    assert result.summary.loc[part, "f1"] >= FLOORS[part]
    assert result.summary.loc[part, "negation_f1"] >= NEGATION_FLOORS[part]


def test_quality_on_the_tuning_set_does_not_regress(repo):
    codebook = check_codebook(repo / "codebooks" / "ksm.yaml")
    corpus = load_corpus(repo / "tuning" / "transcripts", interviewer=["Peneliti", "Interviewer"])
    coding = coding_frames(code_corpus(corpus, codebook))
    result = evaluate(coding, repo / "tuning" / "gold.csv")
    assert result.summary.loc["all", "f1"] >= FLOORS["tuning"]
