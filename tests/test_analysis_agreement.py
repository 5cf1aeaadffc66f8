"""Agreement coefficients against published worked examples, and the agreement tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.analysis import (
    align_coding,
    coder_agreement,
    coding_from_segments,
    cohen_kappa,
    disagreements,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    read_coding,
    source_agreement,
)
from ksmcode.analysis.frame import load_coding
from ksmcode.errors import AnalysisError

DATA = Path(__file__).parent / "data" / "analysis"
nan = np.nan

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School for
# Communication, University of Pennsylvania, section C: 4 observers x 12 units, nominal values,
# with missing data; alpha = 0.743. The same data are Gwet's "cac.raw4raters" (Gwet 2014,
# Handbook of Inter-Rater Reliability, 4th ed.; irrCAC R package vignette by K. L. Gwet):
# percent agreement 0.8181818, Gwet's AC1 0.77544, Krippendorff's alpha 0.74342.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T  # units x coders

# Gwet (2014), dataset "cont3x3abstractors" (2 abstractors, 100 cases, categories Ectopic /
# AIU / NIU), irrCAC R package vignette: Cohen's kappa 0.7964094, Gwet's AC1 0.8493305,
# Krippendorff's alpha 0.7972585, percent agreement 0.89.
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

# Cohen's kappa worked example, Wikipedia "Cohen's kappa" (after Cohen 1960): 50 proposals,
# both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
WIKIPEDIA_KAPPA = [[20, 5], [10, 15]]


def expand(table):
    """A contingency table as (units x 2 coders) ratings."""
    pairs = [(i, j) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    return np.array(pairs, dtype=float)


def test_krippendorff_2011_example():
    assert round(krippendorff_alpha(KRIPPENDORFF_2011), 3) == 0.743
    assert round(krippendorff_alpha(KRIPPENDORFF_2011), 5) == 0.74342
    assert round(percent_agreement(KRIPPENDORFF_2011), 7) == 0.8181818
    assert round(gwet_ac1(KRIPPENDORFF_2011), 5) == 0.77544


def test_gwet_abstractors_example():
    ratings = expand(ABSTRACTORS)
    assert round(cohen_kappa(ratings[:, 0], ratings[:, 1]), 7) == 0.7964094
    assert round(gwet_ac1(ratings), 7) == 0.8493305
    assert round(krippendorff_alpha(ratings), 7) == 0.7972585
    assert percent_agreement(ratings) == pytest.approx(0.89)


def test_wikipedia_kappa_example():
    ratings = expand(WIKIPEDIA_KAPPA)
    assert cohen_kappa(ratings[:, 0], ratings[:, 1]) == pytest.approx(0.4)
    assert percent_agreement(ratings) == pytest.approx(0.7)


def test_percent_agreement_trivial_cases():
    assert percent_agreement(np.array([[1, 1], [0, 0], [1, 0], [0, 1.0]])) == 0.5
    assert np.isnan(percent_agreement(np.array([[1, nan], [nan, 0]])))


def test_undefined_coefficients_are_nan():
    never = np.zeros((5, 2))
    assert np.isnan(cohen_kappa(never[:, 0], never[:, 1]))
    assert np.isnan(krippendorff_alpha(never, [0, 1]))
    assert gwet_ac1(never, [0, 1]) == 1.0  # q = 2 is fixed, so AC1 stays defined
    assert np.isnan(gwet_ac1(never))  # only one category known


def wide(values: dict[str, list], index=("u1", "u2", "u3", "u4")) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.Index(index, name="segment_id")).astype("Int64")


def test_coder_agreement_per_code_overall_and_notes():
    ani = wide({"a": [1, 0, 1, 0], "b": [0, 0, 0, 0]})
    budi = wide({"a": [1, 0, 0, 0], "b": [0, 0, 0, 0]})
    result = coder_agreement({"ani": ani, "budi": budi}, codes=["a", "b"])
    a, b = result.per_code.loc["a"], result.per_code.loc["b"]
    assert (a["n_units"], a["percent"]) == (4, 0.75)
    assert a["kappa"] == pytest.approx(0.5)  # p_o .75, p_e .5
    assert np.isnan(b["kappa"]) and np.isnan(b["alpha"])
    assert b["ac1"] == 1.0
    assert "kappa undefined" in b["note"] and "alpha undefined" in b["note"]
    pooled = result.overall.loc["pooled"]
    assert pooled["percent"] == pytest.approx(7 / 8)
    ratings = np.array([[1, 1], [0, 0], [1, 0], [0, 0]] * 1 + [[0, 0]] * 4, dtype=float)
    assert pooled["kappa"] == pytest.approx(cohen_kappa(ratings[:, 0], ratings[:, 1]))
    assert result.overall.loc["mean", "percent"] == pytest.approx((0.75 + 1.0) / 2)
    assert result.overall.loc["mean", "kappa"] == pytest.approx(0.5)  # NaN skipped


def test_missing_units_and_three_coders():
    ani = wide({"a": [1, 0, 1, pd.NA]})
    budi = wide({"a": [1, 0, 0, 1]})
    cici = wide({"a": [1, 1, pd.NA, pd.NA]})
    result = coder_agreement({"ani": ani, "budi": budi, "cici": cici}, codes=["a"])
    row = result.per_code.loc["a"]
    assert row["n_units"] == 3  # u4 has one rating only
    assert np.isnan(row["kappa"]) and "exactly two coders" in row["note"]
    expected = np.array([[1, 1, 1], [0, 0, 1], [1, 0, nan], [nan, 1, nan]], dtype=float)
    assert row["alpha"] == pytest.approx(krippendorff_alpha(expected, [0, 1]))


def test_reference_scores():
    gold = wide({"a": [1, 1, 0, 0], "b": [0, 0, 0, 0]})
    auto = wide({"a": [1, 0, 1, 0], "b": [0, 0, 0, 0]})
    result = coder_agreement({"gold": gold, "auto": auto}, codes=["a", "b"], reference="gold")
    scores = result.reference_scores
    assert scores.loc[("auto", "a"), ["tp", "fp", "fn"]].tolist() == [1, 1, 1]
    assert scores.loc[("auto", "a"), "f1"] == pytest.approx(0.5)
    assert scores.loc[("auto", "b")][["precision", "recall", "f1"]].isna().all()
    assert scores.loc[("auto", "micro"), "precision"] == pytest.approx(0.5)
    assert scores.loc[("auto", "macro"), "recall"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("codings", "reference", "message"),
    [
        ({"ani": wide({"a": [1, 0, 1, 0]})}, None, "agreement needs at least two codings"),
        (
            {"x": wide({"a": [1, 0, 1, 0]}), "y": wide({"b": [1, 0, 1, 0]})},
            None,
            "coding 'y' has no column for: a",
        ),
        (
            {"x": wide({"a": [1, 0, 1, 0]}), "y": wide({"a": [1, 0, 1, 0]})},
            "z",
            "reference 'z' is not a coder; coders: x, y",
        ),
    ],
)
def test_coder_agreement_errors(codings, reference, message):
    with pytest.raises(AnalysisError) as info:
        coder_agreement(codings, codes=["a"], reference=reference)
    assert str(info.value).startswith(message)


@pytest.fixture(scope="module")
def study():
    return load_coding(DATA / "out")


def test_human_against_auto_on_the_mini_study(study):
    human = align_coding(read_coding(DATA / "coding_ani.csv"), study.units, codes=study.code_ids)
    auto = coding_from_segments(study.segments, study.units, study.code_ids)
    codings = {"ani": human, "auto": auto}
    result = coder_agreement(codings, codes=study.code_ids, reference="ani")
    assert result.per_code["n_units"].tolist() == [8] * 5  # obs.txt not coded by ani
    assert result.per_code.loc["stage.engagement", "kappa"] == 1.0
    table = disagreements(codings, study.units, study.code_ids)
    assert list(table.columns) == [
        "document",
        "segment_id",
        "start",
        "end",
        "code",
        "ani",
        "auto",
        "text",
    ]
    columns = ["segment_id", "code", "ani", "auto"]
    assert [tuple(row) for row in table[columns].itertuples(index=False)] == [
        ("kasi.txt#6", "support.budget", 0, 1),
        ("ketua.txt#4", "stage.termination", 0, 1),
        ("ketua.txt#6", "welfare.health", 1, 0),
        ("warga1.txt#2", "welfare.health", 0, 1),
        ("warga1.txt#4", "support.budget", 0, 1),
    ]
    assert table["text"].iloc[0] == "Anggaran kadang belum cair."


def test_source_agreement(study):
    result = source_agreement(study.segments, study.units, codes=study.code_ids)
    stances = result.stances
    assert list(stances.columns) == ["agency", "organiser", "resident", "researcher", "agree"]
    assert stances.loc["stage.termination"].tolist() == [
        "negated",
        "negated",
        "absent",
        "absent",
        False,
    ]
    assert stances.loc["support.budget", "resident"] == "negated"
    # agency and organiser agree on engagement, termination and health (both absent): 3 of 5
    assert result.pairwise.loc["agency", "organiser"] == pytest.approx(3 / 5)
    assert result.pairwise.loc["organiser", "agency"] == pytest.approx(3 / 5)
    levels = {"absent": 0, "negated": 1, "present": 2}
    ratings = stances.drop(columns="agree").apply(lambda c: c.map(levels)).to_numpy(dtype=float)
    assert result.alpha == pytest.approx(krippendorff_alpha(ratings, [0, 1, 2]))
    assert result.ac1 == pytest.approx(gwet_ac1(ratings, [0, 1, 2]))


def test_source_agreement_needs_two_groups(study):
    with pytest.raises(AnalysisError, match="at least two values of 'district'"):
        source_agreement(study.segments, study.units, codes=study.code_ids, by="district")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=30))
def test_two_coder_invariants(pairs):
    ratings = np.array(pairs, dtype=float)
    a, b = ratings[:, 0], ratings[:, 1]
    assert percent_agreement(ratings) == pytest.approx(np.mean(a == b))
    kappa = cohen_kappa(a, b)
    assert np.isnan(kappa) or kappa == pytest.approx(cohen_kappa(b, a))
    # Gwet (2008), two raters: pe = sum_k pi_k (1 - pi_k) / (q - 1), pi_k = (p_Ak + p_Bk) / 2
    q = np.union1d(a, b)
    if q.size >= 2:
        pi = np.array([(np.mean(a == k) + np.mean(b == k)) / 2 for k in q])
        pe = float((pi * (1 - pi)).sum() / (q.size - 1))
        assert gwet_ac1(ratings) == pytest.approx((np.mean(a == b) - pe) / (1 - pe))
    alpha = krippendorff_alpha(ratings)
    assert np.isnan(alpha) or alpha <= 1 + 1e-12


def _stances_study(shared: int, differing: int):
    """Three groups affirming ``shared`` codes each, and ``differing`` codes only group A."""
    codes = [f"x.c{i}" for i in range(shared + differing)]
    units = pd.DataFrame({"segment_id": ["a", "b", "c"], "role": ["A", "B", "C"],
                          "document": ["d"] * 3})  # fmt: skip
    rows = [
        {"segment_id": sid, "code": code, "role": group, "negated": False}
        for group, sid in zip("ABC", "abc", strict=True)
        for i, code in enumerate(codes)
        if i < shared or group == "A"
    ]
    return pd.DataFrame(rows), units, codes


def test_source_agreement_explains_the_prevalence_paradox():
    segments, units, codes = _stances_study(shared=10, differing=2)
    result = source_agreement(segments, units, codes=codes, by="role")
    assert result.ac1 - result.alpha > 0.3
    assert "prevalence paradox" in result.note
    assert "(89% of the group × code stances are 'present')" in result.note


def test_no_paradox_note_when_alpha_and_ac1_agree():
    segments, units, codes = _stances_study(shared=3, differing=3)
    result = source_agreement(segments, units, codes=codes, by="role")
    assert abs(result.ac1 - result.alpha) < 0.3
    assert result.note == ""
