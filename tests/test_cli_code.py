"""`ksmcode code` end to end through CliRunner, and every bad input it must refuse cleanly."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.export.tables import read_table

runner = CliRunner()


@pytest.fixture()
def study(tmp_path, data):
    folder = tmp_path / "study"
    shutil.copytree(data / "cli" / "study", folder)
    shutil.copy(data / "codebook" / "valid.yaml", tmp_path / "codebook.yaml")
    return tmp_path


def run(study, *args):
    return runner.invoke(
        app, ["code", str(study / "study"), "--codebook", str(study / "codebook.yaml"), *args]
    )


def test_code_writes_segments_units_evidence_and_run(study):
    out = study / "out"
    result = run(study, "--out", str(out))
    assert result.exit_code == 0, result.output
    segments = pd.read_csv(out / "segments.csv")
    units = pd.read_csv(out / "units.csv")
    run_json = json.loads((out / "run.json").read_text())
    assert list(units["document"].unique()) == ["ketua.txt", "partner.txt", "warga.md"]
    # Interviewer turns are kept in the documents but never become units or codings.
    assert "Peneliti" not in set(units["speaker"]) and "Interviewer" not in set(units["speaker"])
    assert len(units) == 6
    coded = set(zip(segments["segment_id"], segments["code"], segments["negated"], strict=True))
    assert ("ketua.txt#2", "stage.implementation", False) in coded
    assert ("ketua.txt#2", "support.budget", False) in coded
    # "Nggak pernah ada terminasi, kita malah dipantau terus": one denial, one affirmation;
    # the tie goes to the denial, as the hand coding of this unit has it
    assert ("ketua.txt#4", "stage.termination", True) in coded
    assert ("partner.txt#2", "stage.termination", True) in coded
    assert ("warga.md#2", "inhibit.facilities", False) in coded
    assert ("warga.md#4", "inhibit.time", False) in coded
    assert not (segments["segment_id"] == "ketua.txt#5").any()  # small talk stays uncoded
    for row in segments.itertuples():
        text = (study / "study" / row.document).read_text()
        assert row.text in text
    assert run_json["counts"]["units"] == 6
    assert run_json["codebook"]["codes"][0] == "stage.termination"
    assert "Coded 3 documents" in result.stderr


def test_same_inputs_give_byte_identical_outputs(study):
    assert run(study, "--out", str(study / "a")).exit_code == 0
    assert run(study, "--out", str(study / "b"), "--jobs", "2").exit_code == 0
    for name in ("segments.csv", "units.csv", "evidence.csv"):
        assert (study / "a" / name).read_bytes() == (study / "b" / name).read_bytes()


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "jsonl"])
def test_other_formats(study, fmt):
    result = run(study, "--out", str(study / fmt), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert (study / fmt / f"units.{fmt}").is_file()
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(study / fmt / "segments.xlsx").active
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert 10 < sheet.column_dimensions["N"].width <= 60  # the evidence column
    frame = read_table(study / fmt / f"segments.{fmt}")
    assert list(frame.columns[:4]) == ["document", "segment_id", "start", "end"]


def test_sentence_units_keep_their_turn(study):
    result = run(study, "--out", str(study / "s"), "--unit", "sentence")
    assert result.exit_code == 0, result.output
    units = pd.read_csv(study / "s" / "units.csv")
    assert len(units) > 6


def test_project_file_supplies_defaults(study, monkeypatch):
    (study / "ksmcode.yaml").write_text(
        "transcripts: study\ncodebook: codebook.yaml\nout: results\nformat: jsonl\n"
    )
    monkeypatch.chdir(study)
    result = runner.invoke(app, ["code"])
    assert result.exit_code == 0, result.output
    assert (study / "results" / "units.jsonl").is_file()


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["code", "{tmp}/missing", "--codebook", "{cb}"], "missing"),
        ("empty_dir", ["code", "{tmp}/empty", "--codebook", "{cb}"], "empty"),
        (None, ["code", "{study}", "--codebook", "{tmp}/nope.yaml"], "codebook not found"),
        ("bad_codebook", ["code", "{study}", "--codebook", "{tmp}/bad.yaml"], "bad.yaml:3"),
        (
            None,
            ["code", "{study}", "--codebook", "{cb}", "--language", "fr"],
            "unknown language 'fr'",
        ),
        (None, ["code", "{study}", "--codebook", "{cb}", "--unit", "page"], "unknown unit 'page'"),
        (
            None,
            ["code", "{study}", "--codebook", "{cb}", "--format", "doc"],
            "unknown format 'doc'",
        ),
        (
            "out_is_file",
            ["code", "{study}", "--codebook", "{cb}", "--out", "{tmp}/file"],
            "not a folder",
        ),
        ("empty_file", ["code", "{study}", "--codebook", "{cb}"], "empty.txt"),
        ("bad_front", ["code", "{study}", "--codebook", "{cb}"], "bad.md"),
        ("binary", ["code", "{study}", "--codebook", "{cb}"], "blob.txt"),
        ("corrupt_docx", ["code", "{study}", "--codebook", "{cb}"], "broken.docx"),
    ],
)
def test_bad_input_is_one_clear_error(study, setup, args, message):
    tmp = study
    if setup == "empty_dir":
        (tmp / "empty").mkdir()
    elif setup == "bad_codebook":
        (tmp / "bad.yaml").write_text("codebook:\n  name: [unclosed\n")
    elif setup == "out_is_file":
        (tmp / "file").write_text("x")
    elif setup == "empty_file":
        (tmp / "study" / "empty.txt").write_text("")
    elif setup == "bad_front":
        (tmp / "study" / "bad.md").write_text("---\nrole: [a\n---\nBu A: halo\n")
    elif setup == "binary":
        (tmp / "study" / "blob.txt").write_bytes(b"\x00\x01PK\x03\x04" * 50)
    elif setup == "corrupt_docx":
        (tmp / "study" / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    fill = {"tmp": str(tmp), "study": str(tmp / "study"), "cb": str(tmp / "codebook.yaml")}
    result = runner.invoke(app, [a.format(**fill) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error:")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_failed_run_leaves_earlier_outputs_intact(study):
    out = study / "out"
    assert run(study, "--out", str(out)).exit_code == 0
    before = (out / "segments.csv").read_bytes()
    (study / "study" / "empty.txt").write_text("")
    assert run(study, "--out", str(out)).exit_code == 1
    assert (out / "segments.csv").read_bytes() == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".cache"]


def test_unknown_extension_is_skipped_with_a_warning(study):
    (study / "study" / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = run(study, "--out", str(study / "out"))
    assert result.exit_code == 0, result.output
    assert "notes.pdf" in result.stderr and "Warning" in result.stderr


def test_output_folder_inside_the_transcripts_is_not_read_back(study):
    inner = study / "study" / "out"
    assert run(study, "--out", str(inner)).exit_code == 0
    second = run(study, "--out", str(inner))
    assert second.exit_code == 0, second.output
    assert "Coded 3 documents" in second.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"out: a\nout: b\n", "ksmcode.yaml:2: not valid YAML: duplicate key 'out'"),
        (b"out: [a\n", "ksmcode.yaml:2: not valid YAML"),
        (b"out: caf\xe9\n", "cannot read the project file"),
        (b"out: a\x00\n", "not valid YAML"),
        (b"colour: red\n", "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_project_file_is_one_clear_error(tmp_path, monkeypatch, content, message):
    (tmp_path / "ksmcode.yaml").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    for args in (["code"], ["matrix"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_documents_in_a_language_without_rules_are_reported(study):
    (study / "en_only.yaml").write_text(
        "codebook: {name: t, languages: [id]}\n"
        "codes:\n  - {id: stage.a, keywords: {id: [pelatihan]}}\n"
    )
    codebook = str(study / "en_only.yaml")
    result = runner.invoke(
        app, ["code", str(study / "study"), "--codebook", codebook, "--out", str(study / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "1 document(s) are in 'en', but the codebook has no rules for that language" in (
        result.stderr.replace("\n", " ")
    )
    assert "Coded 3 documents: 6 units" in result.stderr


def test_a_codebook_error_creates_no_output_folder(study):
    (study / "bad.yaml").write_text("codebook: {name: [x\n")
    codebook = str(study / "bad.yaml")
    result = runner.invoke(
        app, ["code", str(study / "study"), "--codebook", codebook, "--out", str(study / "never")]
    )
    assert result.exit_code == 1
    assert not (study / "never").exists()
