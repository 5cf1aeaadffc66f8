"""`ksmcode report`: the Markdown report of a coded study."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.export.report import markdown_table

runner = CliRunner()


def test_markdown_table_escapes_pipes_and_newlines():
    frame = pd.DataFrame({"code": ["a|b"], "text": ["line one\nline two"], "n": [1.5]})
    assert markdown_table(frame, index=False) == (
        "| code | text | n |\n|---|---|---|\n| a\\|b | line one line two | 1.5 |"
    )


def test_report_on_a_coded_study(coded_out):
    out = coded_out
    result = runner.invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    assert text.startswith("# Coding report: Test codebook (version 1.0)")
    for heading in (
        "## Sources by role",
        "## Triangulation by role",
        "## Exemplar quotes",
        "## Denials",
        "## Coded segments per code and role",
    ):
        assert heading in text
    # "Nggak pernah ada terminasi, kita malah dipantau terus" is affirmed overall (continued
    # monitoring) but denies a formal termination: it is listed as a denial, and both the
    # organiser and the partner ("there was never a termination") deny termination.
    denials = text.split("## Denials")[1].split("##")[0]
    assert "| stage.termination | ketua.txt | ketua.txt#4 | organiser |" in denials
    triangulation = text.split("## Triangulation by role")[1].split("##")[0]
    termination = next(r for r in triangulation.splitlines() if r.startswith("| stage.termination"))
    assert termination.startswith("| stage.termination | Terminasi / Termination | divergent |")
    assert "| organiser (1); partner (1) |" in termination


def test_report_without_a_run_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no run.json here; run 'ksmcode code" in result.stderr
