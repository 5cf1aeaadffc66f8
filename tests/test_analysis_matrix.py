"""coding_matrix and cooccurrence on the mini study in tests/data/analysis/out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.analysis import coding_matrix, cooccurrence
from ksmcode.analysis.frame import load_coding
from ksmcode.errors import AnalysisError

OUT = Path(__file__).parent / "data" / "analysis" / "out"


@pytest.fixture(scope="module")
def study():
    return load_coding(OUT)


def matrix(study, by="role", **options):
    return coding_matrix(
        study.segments, study.units, by, codes=study.code_ids, families=study.families, **options
    )


def test_rows_follow_codebook_with_family_subtotals_first(study):
    m = matrix(study, negated="include")
    assert list(m.index) == [
        "stage",
        "stage.engagement",
        "stage.termination",
        "welfare",
        "welfare.health",
        "support",
        "support.budget",
        "inhibit",
        "inhibit.time",
    ]
    assert list(m.columns) == [
        "level",
        "family",
        "agency",
        "organiser",
        "resident",
        "researcher",
        "(all)",
    ]
    assert m.loc["stage", "level"] == "family"
    assert m.loc["stage.termination", "family"] == "stage"


def test_counts_include_exclude_and_separate(study):
    include = matrix(study, negated="include")
    assert include.loc["support.budget", ["agency", "resident", "(all)"]].tolist() == [2, 1, 3]
    exclude = matrix(study, negated="exclude")
    assert exclude.loc["support.budget", ["agency", "resident", "(all)"]].tolist() == [1, 0, 1]
    separate = matrix(study)
    assert separate.loc["support.budget", "agency"] == 1
    assert separate.loc["support.budget", "agency (negated)"] == 1
    assert separate.loc["stage.termination", "organiser (negated)"] == 1
    assert separate.loc["stage.termination", "organiser"] == 0
    assert list(separate.columns[2:6]) == [
        "agency",
        "agency (negated)",
        "organiser",
        "organiser (negated)",
    ]


def test_family_row_counts_each_segment_once(study):
    # kasi.txt#2 carries stage.engagement and support.budget; a segment with two stage codes:
    extra = study.segments.iloc[[0]].assign(code="stage.termination", negated=False)
    segments = pd.concat([study.segments, extra], ignore_index=True)
    m = coding_matrix(
        segments,
        study.units,
        "role",
        codes=study.code_ids,
        families=study.families,
        negated="exclude",
    )
    assert m.loc["stage.engagement", "agency"] == 1
    assert m.loc["stage.termination", "agency"] == 1
    assert m.loc["stage", "agency"] == 1


def test_uncoded_group_and_code_show_zeros(study):
    m = matrix(study, negated="include")
    assert m["researcher"].tolist() == [0] * len(m)
    segments = study.segments[study.segments["code"] != "welfare.health"]
    m = coding_matrix(segments, study.units, "role", codes=study.code_ids, families=study.families)
    assert m.loc["welfare.health"].drop(["level", "family"]).sum() == 0


def test_presence_and_share(study):
    presence = matrix(study, measure="presence", negated="include")
    assert presence.loc["stage.engagement", ["agency", "organiser", "resident"]].tolist() == [
        1,
        1,
        0,
    ]
    share = matrix(study, measure="share", negated="include")
    # agency has 3 units, 2 of them coded support.budget; 9 units in all, 3 coded.
    assert share.loc["support.budget", "agency"] == pytest.approx(2 / 3)
    assert share.loc["support.budget", "(all)"] == pytest.approx(3 / 9)


def test_any_attribute_column_works(study):
    by_document = matrix(study, by="document", negated="include")
    assert by_document.loc["stage.termination", "ketua.txt"] == 1
    by_district = matrix(study, by="district", negated="include")
    assert by_district.loc["stage", "karawaci"] == 4


def test_empty_segments_give_zero_matrix(study):
    m = coding_matrix(
        study.segments.iloc[0:0],
        study.units,
        "role",
        codes=study.code_ids,
        families=study.families,
    )
    assert (m.drop(columns=["level", "family"]) == 0).all().all()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"by": "rol"},
            "unknown attribute 'rol' (did you mean 'role'?). Available columns are: "
            "document, speaker, informant, role, method, language, district.",
        ),
        ({"measure": "mean"}, "unknown measure 'mean'"),
        ({"negated": "drop"}, "unknown negated mode 'drop'"),
    ],
)
def test_bad_options_raise_analysis_error(study, options, message):
    by = options.pop("by", "role")
    with pytest.raises(AnalysisError) as info:
        matrix(study, by=by, **options)
    assert str(info.value).startswith(message)


def test_cooccurrence_counts_and_jaccard(study):
    counts = cooccurrence(study.segments, codes=study.code_ids)
    assert counts.loc["support.budget", "support.budget"] == 3
    assert counts.loc["stage.engagement", "support.budget"] == 1
    assert counts.loc["welfare.health", "inhibit.time"] == 0
    jaccard = cooccurrence(study.segments, codes=study.code_ids, measure="jaccard")
    assert jaccard.loc["stage.engagement", "support.budget"] == pytest.approx(1 / 4)
    affirmed = cooccurrence(study.segments, codes=study.code_ids, negated="exclude")
    assert affirmed.loc["support.budget", "support.budget"] == 1


def test_jaccard_is_nan_where_neither_code_occurs(study):
    segments = study.segments[study.segments["code"] != "welfare.health"]
    jaccard = cooccurrence(segments, codes=study.code_ids, measure="jaccard")
    assert pd.isna(jaccard.loc["welfare.health", "welfare.health"])


CODES = ["a.x", "a.y", "b.z"]
FAMILIES = {"a.x": "a", "a.y": "a", "b.z": "b"}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(CODES), st.booleans(), st.sampled_from("pq")),
        max_size=25,
    )
)
def test_matrix_invariants(rows):
    units = pd.DataFrame(
        {"segment_id": [f"d#{i}" for i in range(6)], "role": list("ppqqpq"), "text": "t"}
    )
    role = dict(zip(units["segment_id"], units["role"], strict=True))
    segments = pd.DataFrame(
        [
            {"segment_id": f"d#{i}", "code": c, "negated": n, "role": role[f"d#{i}"]}
            for i, c, n, _ in rows
        ],
        columns=["segment_id", "code", "negated", "role"],
    ).drop_duplicates(["segment_id", "code"])
    sep = coding_matrix(segments, units, "role", codes=CODES, families=FAMILIES)
    inc = coding_matrix(segments, units, "role", codes=CODES, families=FAMILIES, negated="include")
    for group in ("p", "q", "(all)"):
        # code rows: affirmed + negated = all, since each (segment, code) is one or the other
        for code in CODES:
            assert (
                inc.loc[code, group] == sep.loc[code, group] + sep.loc[code, f"{group} (negated)"]
            )
        family = inc.loc["a", group]
        assert max(inc.loc["a.x", group], inc.loc["a.y", group]) <= family
        assert family <= inc.loc["a.x", group] + inc.loc["a.y", group]
    co = cooccurrence(segments, codes=CODES)
    assert (co.to_numpy() == co.to_numpy().T).all()
    assert [co.loc[c, c] for c in CODES] == [inc.loc[c, "(all)"] for c in CODES]


def test_missing_attribute_values_form_their_own_column(study):
    units = study.units.assign(role=study.units["role"].where(study.units["role"] != "agency", ""))
    segments = study.segments.assign(
        role=study.segments["role"].where(study.segments["role"] != "agency", None)
    )
    m = coding_matrix(
        segments, units, "role", codes=study.code_ids, families=study.families, negated="include"
    )
    assert m.loc["support.budget", "(missing)"] == 2
    assert "agency" not in m.columns
