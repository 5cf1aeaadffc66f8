"""`ksmcode codebook stats`: what each rule did, and the codebook's diagnostics."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.analysis.frame import load_coding
from ksmcode.analysis.rulestats import codebook_stats, run_stats
from ksmcode.cli import app
from ksmcode.errors import AnalysisError

runner = CliRunner()


def test_every_rule_with_its_hits_units_and_precision(coded_out, human_coding):
    stats = run_stats(coded_out, coding_path=human_coding)
    rules = stats.rules.set_index("rule_id")
    assert len(rules) == 25  # every rule of the test codebook, exclude phrases included
    capster = rules.loc["stage.implementation/keyword/2"]
    assert (capster["hits"], capster["units"], capster["sole_units"]) == (1, 1, 1)
    assert (capster["correct"], capster["wrong"], capster["precision"]) == (1, 0, 1.0)
    tani = rules.loc["stage.implementation/pattern/1"]
    assert (tani["rule"], tani["wrong"], tani["precision"]) == ("kelompok tani", 1, 0.0)
    termination = rules.loc["stage.termination/keyword/1"]
    assert (termination["negated_share"], termination["units"]) == (1.0, 1)
    assert rules.loc["support.budget/keyword/2", "suppressed"] == 1  # dananya yields to time
    # inside "pelatihan capster", the shorter keyword never decides anything
    assert "stage.implementation/keyword/1" in set(stats.never_fired["rule_id"])
    assert "support.budget/exclude/1" in set(stats.never_fired["rule_id"])


def test_codes_suppression_and_uncoded_units(coded_out, human_coding):
    stats = run_stats(coded_out, coding_path=human_coding, broad=0.4)
    codes = stats.codes.set_index("code")
    assert codes.loc["stage.implementation", "broad"]  # 3 of 6 units
    assert codes.loc["support.facilities", "units"] == 0
    people = codes.loc["support.human_resources"]
    assert (people["gold_units"], people["missed"], people["missed_untouched"]) == (1, 1, 1)
    suppression = stats.suppression.set_index(["code", "reason"])
    assert suppression.loc[("support.budget", "yield_to"), "details"] == "inhibit.time (1)"
    assert suppression.loc[("support.facilities", "when_negated"), "codings_prevented"] == 1
    assert suppression.loc[("support.human_resources", "min_terms"), "evidence"] == 1
    assert list(stats.uncoded["segment_id"]) == ["ketua.txt#5"]


def test_pairs_of_codes_that_always_come_together(coded_out, test_codebook):
    coding = load_coding(coded_out)
    pairs = codebook_stats(coding, test_codebook, min_units=2).pairs
    # budget (2 units) always comes with implementation (3 units); termination only half
    assert pairs[["code_a", "code_b", "both", "share_of_rarer"]].values.tolist() == [
        ["stage.implementation", "support.budget", 2, 1.0]
    ]
    assert codebook_stats(coding, test_codebook).pairs.empty  # each code in >= 3 units
    assert "correct" not in codebook_stats(coding, test_codebook).rules


def test_cli_prints_rules_as_csv_and_writes_every_table(coded_out, human_coding, tmp_path):
    result = runner.invoke(
        app,
        ["codebook", "stats", "--out", str(coded_out), "--coding", str(human_coding),
         "--output", str(tmp_path / "stats.xlsx")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rules = pd.read_csv(io.StringIO(result.stdout))
    assert len(rules) == 25 and "precision" in rules
    assert "25 rules: 13 fired, 12 never fired" in result.stderr
    sheets = pd.read_excel(tmp_path / "stats.xlsx", sheet_name=None)
    assert list(sheets) == ["rules", "never_fired", "codes", "pairs", "suppression", "uncoded"]
    csv = runner.invoke(
        app, ["codebook", "stats", "--out", str(coded_out), "--output", str(tmp_path / "s.csv")]
    )
    assert csv.exit_code == 0, csv.output
    assert (tmp_path / "s.never_fired.csv").is_file() and (tmp_path / "s.uncoded.csv").is_file()


def test_cli_without_a_run_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["codebook", "stats", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no run.json here" in result.stderr


def test_a_run_from_before_suppressed_evidence_warns(coded_out):
    (coded_out / "suppressed.csv").unlink()
    stats = run_stats(coded_out)
    assert stats.suppression.empty
    assert "run 'ksmcode code' again" in stats.warnings[0]


def test_a_codebook_with_codes_the_run_lacks_is_refused(coded_out, tmp_path, data):
    text = (data / "codebook" / "valid.yaml").read_text()
    extra = text + "  - id: support.new\n    family: support\n    keywords: {id: [baru]}\n"
    (tmp_path / "new.yaml").write_text(extra)
    with pytest.raises(AnalysisError, match=r"codes the run does not know \(support.new\)"):
        run_stats(coded_out, codebook_path=tmp_path / "new.yaml")
    changed = text.replace("kader]", "kader, relawan]")
    (tmp_path / "changed.yaml").write_text(changed)
    assert (
        "changed since the run"
        in run_stats(coded_out, codebook_path=tmp_path / "changed.yaml").warnings[0]
    )


def test_a_split_keeps_the_human_coding_of_one_part(coded_out, human_coding, tmp_path):
    split = tmp_path / "split.csv"
    split.write_text("document,split\nketua.txt,dev\nwarga.md,test\npartner.txt,test\n")
    rules = run_stats(coded_out, coding_path=human_coding, split_path=split).rules
    tani = rules.set_index("rule_id").loc["stage.implementation/pattern/1"]  # in warga.md
    assert (tani["correct"], tani["wrong"]) == (0, 0)
    capster = rules.set_index("rule_id").loc["stage.implementation/keyword/2"]  # in ketua.txt
    assert capster["correct"] == 1
    with pytest.raises(AnalysisError, match="no part 'train'"):
        run_stats(coded_out, coding_path=human_coding, split_path=split, part="train")
