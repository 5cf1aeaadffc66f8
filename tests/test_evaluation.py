"""`ksmcode evaluate`: scores against a small hand-made gold with known counts."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.analysis.evaluation import evaluate
from ksmcode.analysis.frame import load_coding
from ksmcode.cli import app

runner = CliRunner()

# Auto-coding of tests/data/cli/study with the test codebook (see test_cli_code.py):
#   ketua.txt#2 implementation, budget; ketua.txt#4 termination; partner.txt#2 termination
#   (negated), implementation, budget; warga.md#2 implementation, inhibit.facilities;
#   warga.md#4 inhibit.time.
GOLD = """document,segment_id,code,negated
ketua.txt,ketua.txt#2,stage.implementation,false
ketua.txt,ketua.txt#2,support.budget,false
ketua.txt,ketua.txt#4,stage.termination,true
ketua.txt,ketua.txt#5,support.human_resources,false
warga.md,warga.md#2,inhibit.facilities,false
warga.md,warga.md#4,inhibit.time,false
"""
SPLIT = "document,split\nketua.txt,dev\nwarga.md,test\npartner.txt,test\n"


@pytest.fixture()
def coded(coded_out):
    tmp_path = coded_out.parent
    (tmp_path / "gold.csv").write_text(GOLD)
    (tmp_path / "split.csv").write_text(SPLIT)
    return tmp_path


def test_scores_and_errors(coded):
    result = evaluate(
        load_coding(coded / "out"), coded / "gold.csv", split_path=coded / "split.csv"
    )
    # ketua.txt (dev): gold 4 codes, auto 3 of them -> tp 3, fp 0, fn 1 (human resources).
    dev = result.summary.loc["dev"]
    assert (dev.precision, dev.recall) == (1.0, 0.75)
    assert dev.f1 == pytest.approx(6 / 7)
    # Termination is negated in gold; auto has one denial and one affirmation ("dipantau
    # terus"), and a tie goes to the denial, as a human coder reads it.
    assert (dev.negation_precision, dev.negation_recall, dev.negation_f1) == (1.0, 1.0, 1.0)
    # partner.txt has no gold rows, so it is not covered: test = warga.md alone, which auto
    # codes with one extra code (implementation: "kelompok tani").
    test = result.summary.loc["test"]
    assert test.units == 2
    assert (test.precision, test.recall) == (pytest.approx(2 / 3), 1.0)
    errors = result.errors.set_index(["segment_id", "code"])
    assert errors.loc[("ketua.txt#5", "support.human_resources"), "error"] == "false negative"
    fp = errors.loc[("warga.md#2", "stage.implementation")]
    assert fp["error"] == "false positive" and fp["part"] == "test"
    assert fp["evidence"].startswith("stage.implementation/pattern/1 'kelompok tani'")


def test_cli_writes_per_code_and_errors(coded):
    result = runner.invoke(app, ["evaluate", "--out", str(coded / "out"), "--gold",
                                 str(coded / "gold.csv"), "--split", str(coded / "split.csv"),
                                 "--per-code", "dev", "--output", str(coded / "pc.csv"),
                                 "--errors", str(coded / "errors.xlsx")])  # fmt: skip
    assert result.exit_code == 0, result.output
    # two tables, two files, both named on stderr
    assert f"Wrote {coded / 'pc.csv'} (summary), {coded / 'pc.per_code.csv'} (per_code)." in (
        " ".join(result.stderr.split())
    )
    assert list(pd.read_csv(coded / "pc.csv", index_col=0).index) == ["all", "dev", "test"]
    per_code = pd.read_csv(coded / "pc.per_code.csv", index_col=0)
    assert per_code.loc["micro", "f1"] == pytest.approx(6 / 7)
    assert len(pd.read_excel(coded / "errors.xlsx")) == 2
    unknown = runner.invoke(app, ["evaluate", "--out", str(coded / "out"), "--gold",
                                  str(coded / "gold.csv"), "--per-code", "holdout"])  # fmt: skip
    assert unknown.exit_code == 1
    assert "no part 'holdout'; parts: all" in unknown.stderr


def test_cli_piped_per_code_is_one_table_and_xlsx_holds_both(coded):
    args = ["evaluate", "--out", str(coded / "out"), "--gold", str(coded / "gold.csv"),
            "--split", str(coded / "split.csv"), "--per-code", "dev"]  # fmt: skip
    piped = runner.invoke(app, args)
    assert piped.exit_code == 0, piped.output
    lines = piped.stdout.splitlines()
    assert lines[0].startswith("code,tp,fp,fn,precision")
    assert not any(line.startswith("part,") or line.startswith(",units") for line in lines)
    assert "stdout holds the per_code table only" in piped.stderr
    book = runner.invoke(app, [*args, "--output", str(coded / "e.xlsx")])
    assert book.exit_code == 0, book.output
    sheets = pd.read_excel(coded / "e.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "per_code"]
    assert "micro" in set(sheets["per_code"]["code"])


def test_cli_output_without_per_code_writes_the_summary_shown(coded):
    target = coded / "summary.csv"
    result = runner.invoke(app, ["evaluate", "--out", str(coded / "out"), "--gold",
                                 str(coded / "gold.csv"), "--split", str(coded / "split.csv"),
                                 "--output", str(target)])  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(target, index_col=0)
    expected = evaluate(
        load_coding(coded / "out"), coded / "gold.csv", split_path=coded / "split.csv"
    ).summary
    assert list(written.index) == ["all", "dev", "test"]
    pd.testing.assert_frame_equal(written, expected, check_dtype=False, check_names=False)
