"""triangulate, status_legend and exemplars on the mini study in tests/data/analysis/out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ksmcode.analysis import exemplars, status_legend, triangulate
from ksmcode.analysis.frame import load_coding
from ksmcode.analysis.triangulation import evidence_terms, stance_table, trim_text
from ksmcode.errors import AnalysisError

OUT = Path(__file__).parent / "data" / "analysis" / "out"


@pytest.fixture(scope="module")
def study():
    return load_coding(OUT)


def run(study, segments=None, **options):
    segments = study.segments if segments is None else segments
    return triangulate(segments, codes=study.code_ids, families=study.families, **options)


def test_statuses_of_the_mini_study(study):
    table = run(study)
    assert table["status"].to_dict() == {
        "stage.engagement": "convergent",  # agency + organiser
        "stage.termination": "convergent-absent",  # negated by agency and organiser
        "welfare.health": "single-source",  # resident only
        "support.budget": "divergent",  # agency affirms, resident only negates
        "inhibit.time": "single-source",  # organiser only
    }
    budget = table.loc["support.budget"]
    assert budget["groups_affirming"] == "agency (1)"
    assert budget["groups_negating"] == "resident (1)"
    assert budget["groups_mixed"] == "agency (1)"  # kasi.txt#6 negates, kasi.txt#2 affirms
    assert (budget["affirmed_segments"], budget["negated_segments"]) == (1, 2)
    assert table.loc["stage.engagement", "methods_affirming"] == "interview (2)"


def test_mixed_group_still_supports_and_convergence_holds(study):
    # agency both affirms and negates engagement; organiser affirms: still convergent.
    extra = study.segments.iloc[[2]].assign(code="stage.engagement", family="stage")
    table = run(study, pd.concat([study.segments, extra], ignore_index=True))
    assert table.loc["stage.engagement", "status"] == "convergent"
    assert table.loc["stage.engagement", "groups_mixed"] == "agency (1)"


def test_thresholds(study):
    assert run(study, min_groups=3).loc["stage.engagement", "status"] == "limited"
    assert run(study, min_groups=3).loc["stage.termination", "status"] == "single-source-absent"
    # two segments per group needed: nobody affirms engagement twice
    assert run(study, min_segments=2).loc["stage.engagement", "status"] == "below-threshold"


def test_methods_count_as_sources(study):
    observed = study.segments.iloc[[7]].assign(
        segment_id="obs.txt#1", document="obs.txt", role="resident", method="observation"
    )
    table = run(study, pd.concat([study.segments, observed], ignore_index=True))
    assert table.loc["welfare.health", "status"] == "convergent"
    assert table.loc["welfare.health", "methods_affirming"] == "interview (1); observation (1)"
    assert (
        run(study, pd.concat([study.segments, observed]), methods_column=None).loc[
            "welfare.health", "status"
        ]
        == "single-source"
    )


def test_grouping_by_informant_and_not_found(study):
    segments = study.segments[study.segments["code"] != "inhibit.time"]
    table = run(study, segments, by="informant")
    assert table.loc["inhibit.time", "status"] == "not found"
    assert table.loc["stage.engagement", "groups_affirming"] == "kasi (1); ketua (1)"


def test_unknown_group_column(study):
    with pytest.raises(AnalysisError, match="did you mean 'role'"):
        run(study, by="roles")


def test_legend_names_every_status_and_threshold(study):
    legend = status_legend(min_groups=3)
    statuses = set(run(study)["status"]) | set(run(study, min_groups=3)["status"])
    assert statuses <= set(legend["status"])
    assert "at least 3 groups" in legend.set_index("status").loc["convergent", "rule"]
    assert (
        "missing group or method never counts"
        in legend.set_index("status").loc["convergent", "rule"]
    )


def test_exemplars_pick_the_clearest_affirmed_segment(study):
    longer = study.segments.iloc[[4]].assign(
        segment_id="ketua.txt#8",
        text="Sosialisasi awal, sosialisasi awal lagi, dan sosialisasi awal terus.",
    )
    table = exemplars(pd.concat([study.segments, longer], ignore_index=True), codes=study.code_ids)
    assert list(table.columns) == [
        "code",
        "role",
        "document",
        "segment_id",
        "start",
        "end",
        "evidence_terms",
        "text",
    ]
    engagement = table[table["code"] == "stage.engagement"].set_index("role")
    assert engagement.loc["agency", "segment_id"] == "kasi.txt#2"
    assert engagement.loc["agency", "evidence_terms"] == 2
    assert engagement.loc["organiser", "segment_id"] == "ketua.txt#2"  # same terms, shorter
    # negated segments never serve as exemplars: termination is only negated
    assert "stage.termination" not in set(table["code"])
    assert table["code"].tolist() == sorted(table["code"], key=study.code_ids.index)


@pytest.mark.parametrize(
    ("evidence", "terms"),
    [
        ("keyword 'anggaran' → \"Anggaran\" [88:96]; keyword 'apbd' → \"APBD\" [102:106]", 2),
        ("keyword 'anggaran' → \"Anggaran\" [1:9]; pattern 'Anggaran' → \"anggaran\" [20:28]", 1),
        ("keyword 'x' → \"x\" [0:1] (negated by 'tidak')", 1),
        ("sibuk; jadwal bentrok", 2),
        ("", 0),
        (None, 0),
    ],
)
def test_evidence_terms(evidence, terms):
    assert evidence_terms(evidence) == terms


def test_trim_text_cuts_at_a_word():
    assert trim_text("a  b\n c") == "a b c"
    assert trim_text("satu dua tiga empat", max_chars=12) == "satu dua…"


@pytest.mark.parametrize("no_method", ["", float("nan"), "(missing)", "  "])
def test_a_document_without_method_is_no_second_method(study, no_method):
    # One resident segment through an interview plus one from a document without a method
    # (load_coding fills missing metadata with ""): still one method, one group.
    undated = study.segments.iloc[[7]].assign(
        segment_id="note.txt#1", document="note.txt", method=no_method
    )
    table = run(study, pd.concat([study.segments, undated], ignore_index=True))
    assert table.loc["welfare.health", "status"] == "single-source"
    assert table.loc["welfare.health", "methods_affirming"] == "interview (1)"


def test_a_missing_group_is_shown_but_does_not_converge(study):
    # Health is affirmed by residents and by a segment whose role is unknown: the unknown
    # source is listed, but it is not a second source group.
    unknown = study.segments.iloc[[7]].assign(segment_id="anon.txt#1", role="")
    table = run(study, pd.concat([study.segments, unknown], ignore_index=True))
    health = table.loc["welfare.health"]
    assert health["status"] == "single-source"
    assert health["groups_affirming"] == "resident (1); (missing) (1)"
    assert health["n_groups"] == 1
    # Negations by an unknown group do not make an absence convergent either.
    denial = study.segments.iloc[[2]].assign(segment_id="anon.txt#2", role="(missing)")
    kept = study.segments[study.segments["segment_id"] != "ketua.txt#4"]
    table = run(study, pd.concat([kept, denial], ignore_index=True))
    assert table.loc["stage.termination", "status"] == "single-source-absent"


def test_a_group_below_threshold_that_also_negates_is_not_negating(study):
    # min_segments=2: the organiser affirms the budget twice (present); the agency affirms it
    # once and negates it once: too few affirmations, but no denial of the code either.
    organiser = study.segments.iloc[[4, 6]].assign(code="support.budget", family="support")
    segments = study.segments[study.segments["segment_id"] != "warga1.txt#4"]
    segments = pd.concat([segments, organiser], ignore_index=True)
    stances = stance_table(segments, codes=study.code_ids, by="role", min_segments=2)
    agency = stances[(stances["code"] == "support.budget") & (stances["group"] == "agency")]
    assert agency[["affirmed", "negated", "stance"]].values.tolist() == [[1, 1, "absent"]]
    table = run(study, segments, min_segments=2)
    assert table.loc["support.budget", "status"] == "single-source"
    assert table.loc["support.budget", "groups_negating"] == ""
