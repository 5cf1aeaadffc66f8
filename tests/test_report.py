"""`ksmcode report`: the study report as an HTML page, an xlsx workbook or Markdown."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import ksmcode
from ksmcode.analysis.frame import load_coding
from ksmcode.analysis.report import study_report
from ksmcode.cli import app
from ksmcode.export.report import markdown_table
from ksmcode.workflow import CodeRequest, code_study

runner = CliRunner()
HOSTILE = """---
informant: <b>Mallory</b>
role: <img src=x onerror=alert(1)>
method: interview
language: id
---
Peneliti: Ada pelatihan?
Mallory: Pelatihan <script>alert("x")</script> & dana dari APBD,
<a href="javascript:alert(1)">klik</a>.
"""


def test_markdown_table_escapes_pipes_and_newlines():
    frame = pd.DataFrame({"code": ["a|b"], "text": ["line one\nline two"], "n": [1.5]})
    assert markdown_table(frame, index=False) == (
        "| code | text | n |\n|---|---|---|\n| a\\|b | line one line two | 1.5 |"
    )


def test_markdown_report_on_a_coded_study(coded_out):
    out = coded_out
    result = runner.invoke(app, ["report", "--out", str(out), "--format", "md"])
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
    assert "3 documents, 6 units, 5 coded" in text
    # "Nggak pernah ada terminasi, kita malah dipantau terus" denies a formal termination
    # (one denial against one affirmation: the denial wins): it is listed as a denial, and
    # the organiser and the partner ("there was never a termination") both deny termination.
    denials = text.split("## Denials")[1].split("##")[0]
    assert "| stage.termination | ketua.txt | ketua.txt#4 | organiser |" in denials
    triangulation = text.split("## Triangulation by role")[1].split("##")[0]
    termination = next(r for r in triangulation.splitlines() if r.startswith("| stage.termination"))
    assert termination.startswith(
        "| stage.termination | Terminasi / Termination | convergent-absent |"
    )
    assert "| organiser (1); partner (1) |" in termination


def test_one_document_is_singular(tmp_path, data):
    (tmp_path / "study").mkdir()
    shutil.copy(data / "cli" / "study" / "partner.txt", tmp_path / "study")
    out = tmp_path / "out"
    code_study(CodeRequest(tmp_path / "study", data / "codebook" / "valid.yaml", out))
    result = runner.invoke(app, ["report", "--out", str(out), "--output", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert "1 document, 1 unit," in (tmp_path / "r.md").read_text()


@pytest.fixture()
def hostile_out(tmp_path, data):
    """The small study plus a transcript whose text and metadata are HTML and JavaScript."""
    shutil.copytree(data / "cli" / "study", tmp_path / "study")
    (tmp_path / "study" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    code_study(CodeRequest(tmp_path / "study", data / "codebook" / "valid.yaml", out))
    return out


def test_html_report_is_the_default_and_escapes_every_text(hostile_out):
    result = runner.invoke(app, ["report", "--out", str(hostile_out)])
    assert result.exit_code == 0, result.output
    page = (hostile_out / "report.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for markup in ("<script", "<img", '<a href="javascript', "<b>Mallory"):
        assert markup not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # a group name, as text
    # nothing is loaded from elsewhere: no src or href but in-page anchors
    assert re.findall(r'\b(?:src|href)="(?!#)', page) == []
    for anchor in ("glance", "sequence", "frequencies", "matrix", "cooccurrence",
                   "triangulation", "agreement", "quotes", "denials"):  # fmt: skip
        assert f'<section id="{anchor}">' in page
    assert page.count("<svg") >= 6


def test_html_report_highlights_evidence_and_anchors_each_quote(coded_out):
    page = ksmcode.write_report(coded_out, coded_out / "r.html").read_text("utf-8")
    quote = re.search(r'<blockquote id="(unit-ketua\.txt_2-support\.budget)">(.*?)</blockquote>',
                      page, re.S)  # fmt: skip
    assert quote is not None
    assert "<mark>APBD</mark>" in quote.group(2)
    assert f'href="#{quote.group(1)}"' in quote.group(2)
    # the denial of a formal termination, with the negated words marked
    assert '<mark class="neg">Nggak</mark> pernah ada <mark class="neg">terminasi</mark>' in page


def test_process_sequence_says_what_was_carried_out_and_denied(coded_out):
    report = study_report(load_coding(coded_out))
    sequence = report.sequence
    assert list(sequence.index) == ["stage.termination", "stage.implementation"]
    assert sequence.at["stage.implementation", "status"] == "carried out"
    assert sequence.at["stage.termination", "status"] == "denied"
    assert sequence.at["stage.termination", "groups_denying"] == "organiser (1); partner (1)"
    assert set(sequence["status"]) <= {"carried out", "partial", "denied", "absent"}


def test_workbook_has_a_sheet_per_table_with_frozen_headers_and_colour(study_out, repo):
    target = study_out / "report.xlsx"
    result = runner.invoke(
        app,
        ["report", "--out", str(study_out), "--format", "xlsx", "--gold",
         str(repo / "gold" / "ksm_gold.csv"), "--split", str(repo / "gold" / "split.csv"),
         "--part", "test"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == [
        "overview", "sources", "segments", "units", "matrix", "co-occurrence", "triangulation",
        "sequence", "exemplars", "denials", "stances", "pairwise", "agreement", "evaluation",
        "per code",
    ]  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref
    assert book["matrix"].conditional_formatting
    assert book["co-occurrence"].conditional_formatting
    assert not book["segments"].conditional_formatting
    assert book["segments"].column_dimensions["A"].width > 10
    per_code = pd.read_excel(target, sheet_name="per code", index_col=0)
    assert per_code.loc["micro", "f1"] == pytest.approx(0.60, abs=0.01)


def test_split_without_gold_is_a_clear_error(coded_out, repo):
    result = runner.invoke(
        app, ["report", "--out", str(coded_out), "--split", str(repo / "gold" / "split.csv")]
    )
    assert result.exit_code == 1
    assert "split and part score a gold coding: give the gold coding too" in result.stderr


def test_report_without_a_run_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "no run.json here; run 'ksmcode code" in result.stderr


def test_unknown_report_format_is_a_clear_error(coded_out, tmp_path):
    result = runner.invoke(
        app, ["report", "--out", str(coded_out), "--output", str(tmp_path / "r.txt")]
    )
    assert result.exit_code == 1
    assert "unknown report format 'txt'; use one of: html, md, xlsx" in result.stderr
    assert not (tmp_path / "r.txt").exists()


@pytest.mark.filterwarnings("error")
def test_a_study_where_nothing_is_coded_still_reports(tmp_path, data):
    (tmp_path / "study").mkdir()
    (tmp_path / "study" / "a.txt").write_text(
        "---\nrole: resident\nmethod: interview\n---\nPeneliti: Halo?\nBu Ani: Cuaca cerah.\n"
    )
    out = tmp_path / "out"
    code_study(CodeRequest(tmp_path / "study", data / "codebook" / "valid.yaml", out))
    for fmt in ("html", "xlsx", "md"):
        assert ksmcode.write_report(out, tmp_path / f"r.{fmt}").stat().st_size > 0
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "<b>0</b><span>coded units</span>" in page
    assert "Denials</h2>" in page and "<p>None.</p>" in page


def test_the_same_run_gives_the_same_page(coded_out, tmp_path):
    first = ksmcode.write_report(coded_out, tmp_path / "a.html").read_bytes()
    second = ksmcode.write_report(coded_out, tmp_path / "b.html").read_bytes()
    assert first == second
