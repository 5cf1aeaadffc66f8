"""`ksmcode codebook suggest` and `ksmcode codebook diff`: helpers for editing a codebook."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from ksmcode.analysis.frame import load_coding
from ksmcode.analysis.rundiff import diff_runs
from ksmcode.analysis.suggest import run_suggestions
from ksmcode.cli import app
from ksmcode.errors import AnalysisError
from ksmcode.workflow import CodeRequest, code_study

runner = CliRunner()


def test_suggestions_are_characteristic_and_not_yet_matched(coded_out, human_coding):
    table, text = run_suggestions(coded_out, human_coding, min_units=1)
    people = table[table["code"] == "support.human_resources"].set_index("term")
    assert {"panas", "cuacanya panas"} <= set(people.index)
    assert people.loc["panas", ["units", "other_units", "precision"]].tolist() == [1, 0, 1.0]
    assert "[panas]" in people.loc["panas", "example"]
    termination = set(table.loc[table["code"] == "stage.termination", "term"])
    assert "terminasi" not in termination  # the code's keyword already matches it
    assert "dipantau terus" not in termination
    pasted = yaml.safe_load(text)
    entry = next(e for e in pasted if e["id"] == "support.human_resources")
    assert "panas" in entry["keywords"]["id"]
    default = run_suggestions(coded_out, human_coding)[0]
    assert default.empty  # no code has two units here


@pytest.fixture()
def edited_run(coded_out, data, tmp_path):
    """The same study coded after dropping =APBD from budget and adding panas to facilities."""
    text = (data / "codebook" / "valid.yaml").read_text()
    text = text.replace('"=APBD", ', "").replace("id: [sarana, alat]", "id: [sarana, alat, panas]")
    (tmp_path / "edited.yaml").write_text(text)
    study = tmp_path / "study2"
    shutil.copytree(data / "cli" / "study", study)
    code_study(CodeRequest(study, tmp_path / "edited.yaml", tmp_path / "out2"))
    return tmp_path / "out2"


def test_diff_shows_codings_codes_and_rules_that_changed(coded_out, edited_run):
    result = diff_runs(load_coding(coded_out), load_coding(edited_run))
    assert result.codings[["segment_id", "code", "change"]].values.tolist() == [
        ["ketua.txt#5", "support.facilities", "added"]
    ]
    codes = result.codes.set_index("code")
    assert codes.loc["support.facilities", ["units_old", "units_new", "added"]].tolist() == [
        0,
        1,
        1,
    ]
    rules = result.rules.set_index("rule")
    assert rules.loc["=APBD", ["units_old", "units_new", "removed"]].tolist() == [1, 0, 1]
    assert rules.loc["panas", "rule_id_new"] == "support.facilities/keyword/3"


def test_diff_refuses_runs_of_other_transcripts(coded_out, tmp_path, data):
    shutil.copytree(data / "cli" / "study", tmp_path / "one", ignore=shutil.ignore_patterns("w*"))
    code_study(CodeRequest(tmp_path / "one", data / "codebook" / "valid.yaml", tmp_path / "o1"))
    with pytest.raises(AnalysisError, match="different units"):
        diff_runs(load_coding(coded_out), load_coding(tmp_path / "o1"))


def test_cli_suggest_and_diff(coded_out, human_coding, edited_run, tmp_path):
    result = runner.invoke(
        app,
        ["codebook", "suggest", "--coding", str(human_coding), "--out", str(coded_out),
         "--min-units", "1", "--output", str(tmp_path / "s.yaml")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "- id: support.human_resources" in result.stdout
    assert yaml.safe_load((tmp_path / "s.yaml").read_text()) == yaml.safe_load(result.stdout)
    diff = runner.invoke(app, ["codebook", "diff", str(coded_out), str(edited_run)])
    assert diff.exit_code == 0, diff.output
    changed = pd.read_csv(io.StringIO(diff.stdout))
    assert changed["change"].tolist() == ["added"]
    assert "1 coding added, 0 removed" in diff.stderr
    missing = runner.invoke(
        app, ["codebook", "suggest", "--coding", str(human_coding), "--out", "nope"]
    )
    assert missing.exit_code == 1 and "no run.json" in missing.stderr
