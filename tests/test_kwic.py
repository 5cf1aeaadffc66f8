"""Keyword in context: a term tried before it is added, a rule's and a code's occurrences."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.analysis.kwic import kwic
from ksmcode.cli import app
from ksmcode.errors import ConfigError
from ksmcode.io import load_corpus

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(data):
    return load_corpus(data / "cli" / "study")


def test_a_term_is_found_in_its_forms_and_in_interviewer_turns(corpus, test_codebook):
    table = kwic(corpus, test_codebook, term="pelatihan")
    assert list(table["match"]) == ["pelatihannya", "Pelatihan"]
    asked, answered = table.to_dict("records")
    assert asked["interviewer"] and asked["speaker"] == "Peneliti"
    assert not answered["interviewer"] and answered["segment_id"] == "ketua.txt#2"
    assert answered["left"] == "" and answered["right"] == "capster sudah jalan dari tahun lalu."
    assert (answered["code"], answered["rule_id"]) == ("", "")


@pytest.mark.parametrize(
    ("term", "matches"),
    [("=terminasi", ["terminasi", "terminasi"]), ("dana*", ["Dananya", "Dananya", "dananya"])],
)
def test_exact_and_prefix_terms(corpus, test_codebook, term, matches):
    assert list(kwic(corpus, test_codebook, term=term)["match"]) == matches


def test_context_window_and_negation(corpus, test_codebook):
    table = kwic(corpus, test_codebook, term="terminasi", window=2)
    answer = table[~table["interviewer"]].iloc[0]
    assert (answer["left"], answer["right"], answer["negated"], answer["cue"]) == (
        "pernah ada",
        ", kita",
        True,
        "nggak",
    )


def test_a_rule_and_a_code(corpus, test_codebook):
    near = kwic(corpus, test_codebook, rule="inhibit.time/near/1")
    assert list(near[["left", "match", "term"]].itertuples(index=False, name=None)) == [
        ("Pencairan", "dananya sering telat", "terlambat ~ dana")
    ]
    budget = kwic(corpus, test_codebook, code="support.budget")
    assert set(zip(budget["rule_id"], budget["match"], strict=True)) == {
        ("support.budget/keyword/2", "Dananya"),  # dana
        ("support.budget/keyword/2", "dananya"),
        ("support.budget/keyword/3", "APBD"),  # =APBD
        ("support.budget/keyword/6", "funded"),  # fund (en)
    }
    assert set(budget["code"]) == {"support.budget"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give exactly one of"),
        ({"term": "x", "code": "support.budget"}, "give exactly one of"),
        ({"term": "pel*tihan"}, "'*' may only end a word"),
        ({"rule": "support.budget/keyword/99"}, "did you mean support.budget/keyword/"),
        ({"code": "support.budgte"}, "did you mean support.budget"),
    ],
)
def test_bad_requests_are_clear_errors(corpus, test_codebook, options, message):
    with pytest.raises(ConfigError, match=message):
        kwic(corpus, test_codebook, **options)


def test_cli_prints_csv_when_piped_and_writes_a_table(data, tmp_path):
    study = str(data / "cli" / "study")
    codebook = str(data / "codebook" / "valid.yaml")
    output = tmp_path / "kwic.xlsx"
    result = runner.invoke(
        app, ["kwic", "terminasi", study, "-c", codebook, "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table["segment_id"]) == ["ketua.txt#3", "ketua.txt#4"]
    assert "2 occurrences in 2 units (1 in interviewer turns" in result.stderr
    assert len(pd.read_excel(output)) == 2
    by_rule = runner.invoke(
        app, ["kwic", "--rule", "support.budget/keyword/3", study, "-c", codebook]
    )
    assert by_rule.exit_code == 0, by_rule.output
    assert "APBD" in by_rule.stdout
    folder_only = runner.invoke(app, ["kwic", "--code", "inhibit.time", study, "-c", codebook])
    assert "dananya sering telat" in folder_only.stdout
    bad = runner.invoke(app, ["kwic", "--rule", "nope", study, "-c", codebook])
    assert bad.exit_code == 1 and "no rule id 'nope'" in bad.stderr
