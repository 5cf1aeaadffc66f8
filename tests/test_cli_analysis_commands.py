"""`ksmcode matrix`, `triangulate` and `agree` through CliRunner on tests/data/analysis/out."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.cli import app

DATA = Path(__file__).parent / "data" / "analysis"
OUT = str(DATA / "out")
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, [*args, "--out", OUT])
    return result


def csv(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, na_values=[""])


def test_matrix_prints_csv_when_piped_and_writes_xlsx(tmp_path):
    target = tmp_path / "matrix.xlsx"
    table = csv(run("matrix", "--by", "role", "--negated", "include", "--output", str(target)))
    assert table.set_index("code").loc["support.budget", "agency"] == 2
    written = pd.read_excel(target).set_index("code")
    assert written.loc["support", "(all)"] == 3


def test_matrix_cooccurrence_and_bad_measure():
    table = csv(run("matrix", "--cooccurrence", "--measure", "jaccard")).set_index("code")
    assert table.loc["stage.engagement", "support.budget"] == pytest.approx(0.25)
    bad = run("matrix", "--measure", "jaccard")
    assert bad.exit_code == 2
    assert "jaccard needs --cooccurrence" in bad.output


def test_matrix_unknown_attribute_is_a_clean_error():
    result = run("matrix", "--by", "rol")
    assert result.exit_code == 1
    assert "Error: unknown attribute 'rol' (did you mean 'role'?)" in result.stderr


def test_triangulate_table_exemplars_and_legend(tmp_path):
    quotes = tmp_path / "quotes.csv"
    table = csv(run("triangulate", "--min-groups", "2", "--exemplars", str(quotes)))
    assert table.set_index("code").loc["stage.termination", "status"] == "convergent-absent"
    assert pd.read_csv(quotes)["segment_id"].iloc[0] == "kasi.txt#2"
    legend = csv(runner.invoke(app, ["triangulate", "--legend", "--min-groups", "3"]))
    assert "at least 3 groups" in legend.set_index("status").loc["convergent", "rule"]


def test_agree_sources():
    result = run("agree", "sources", "--by", "role")
    table = csv(result).set_index("code")
    assert table.loc["support.budget", "resident"] == "negated"
    assert "Krippendorff's alpha" in result.stderr


def test_agree_coders_with_reference_and_disagreements(tmp_path):
    review = tmp_path / "review.jsonl"
    result = run(
        "agree",
        "coders",
        "--coding",
        str(DATA / "coding_ani.csv"),
        "--reference",
        "coding_ani",
        "--disagreements",
        str(review),
    )
    table = csv(result).set_index("code")
    assert table.loc["stage.engagement", "kappa"] == 1.0
    assert list(table.index[-2:]) == ["(pooled)", "(mean)"]
    assert len(pd.read_json(review, lines=True)) == 5
    assert "Wrote 5 disagreements" in result.stderr


def test_agree_coders_needs_two_codings_without_auto():
    result = run("agree", "coders", "--coding", str(DATA / "coding_ani.csv"), "--no-auto")
    assert result.exit_code == 1
    assert "agreement needs at least two codings" in result.stderr


def test_agree_coders_reports_bad_coding_tables():
    result = run("agree", "coders", "--coding", str(DATA / "coding_bad.csv"))
    assert result.exit_code == 1
    assert "coding_bad.csv:3: column start: 'abc' is not a whole number" in result.stderr


def test_agree_coders_reference_scores_reach_pipes_and_files(tmp_path):
    target = tmp_path / "agreement.csv"
    args = ("agree", "coders", "--coding", str(DATA / "coding_ani.csv"), "--reference",
            "coding_ani")  # fmt: skip
    piped = csv(run(*args)).set_index("code")
    written = csv(run(*args, "--output", str(target)))
    written = pd.read_csv(target).set_index("code")
    for table in (piped, written):
        assert {"precision (auto)", "recall (auto)", "f1 (auto)"} <= set(table.columns)
        assert 0 <= table.loc["(pooled)", "f1 (auto)"] <= 1
    # negation precision / recall / F1 against the reference, as a table of its own
    negation = pd.read_csv(tmp_path / "agreement.negation.csv").set_index("coder")
    assert list(negation.columns) == ["negation_precision", "negation_recall", "negation_f1"]
    assert list(negation.index) == ["auto"]


def test_agree_sources_writes_every_table(tmp_path):
    book = tmp_path / "sources.xlsx"
    result = run("agree", "sources", "--by", "role", "--output", str(book))
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets) == ["stances", "pairwise", "coefficients"]
    assert list(sheets["coefficients"]["statistic"]) == ["krippendorff_alpha", "gwet_ac1", "note"]
    assert "one sheet per table (stances, pairwise, coefficients)" in result.stderr
    flat = run("agree", "sources", "--by", "role", "--output", str(tmp_path / "s.csv"))
    assert flat.exit_code == 0, flat.output
    assert sorted(p.name for p in tmp_path.glob("s*.csv")) == [
        "s.coefficients.csv", "s.csv", "s.pairwise.csv",
    ]  # fmt: skip
    assert "s.pairwise.csv (pairwise)" in " ".join(flat.stderr.split())


def test_excel_option_writes_a_byte_order_mark(tmp_path):
    target = tmp_path / "m.csv"
    result = run("matrix", "--excel", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeff".encode())
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not run("matrix").stdout_bytes.startswith("\ufeff".encode())


def test_legend_reads_plainly():
    legend = csv(runner.invoke(app, ["triangulate", "--legend"])).set_index("status")["rule"]
    assert "fewer than at least" not in " ".join(legend)
    assert legend["limited"].startswith(
        "affirmed by 2 or more groups, but by fewer than 2 groups and fewer than 2 methods"
    )
