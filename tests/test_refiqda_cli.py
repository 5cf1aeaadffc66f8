"""The REFI-QDA commands, registered on a fresh Typer app, end to end through CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from ksmcode.analysis.frame import load_coding
from ksmcode.cli import app as core_app
from ksmcode.cli.refiqda import register
from ksmcode.codebook.load import load_codebook
from ksmcode.io import load_corpus
from ksmcode.refiqda import qdpx_to_coding, read_qdpx

runner = CliRunner()


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    app, codebook_app = typer.Typer(), typer.Typer()
    app.add_typer(codebook_app, name="codebook")
    register(app, codebook_app)
    return app


@pytest.fixture()
def coded(tmp_path: Path, data: Path) -> Path:
    shutil.copytree(data / "cli" / "study", tmp_path / "study")
    shutil.copy(data / "codebook" / "valid.yaml", tmp_path / "codebook.yaml")
    result = runner.invoke(
        core_app,
        [
            "code",
            str(tmp_path / "study"),
            "--codebook",
            str(tmp_path / "codebook.yaml"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    return tmp_path


def test_export_qdpx_round_trips_the_coding(cli: typer.Typer, coded: Path) -> None:
    target = coded / "study.qdpx"
    args = ["export", "qdpx", "--out", str(coded / "out"), "--output", str(target)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    segments = load_coding(coded / "out").segments
    got = qdpx_to_coding(
        read_qdpx(target),
        load_corpus(coded / "study"),
        codebook=load_codebook(coded / "codebook.yaml"),
    )
    want = segments[["document", "start", "end", "code", "negated"]]
    want = want.sort_values(["document", "start", "end", "code"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.drop(columns="coder"), want, check_dtype=False)
    again = runner.invoke(cli, args)  # every --output overwrites, atomically
    assert again.exit_code == 0, again.output


def test_export_qdpx_defaults_to_the_project_out_folder(
    cli: typer.Typer, coded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (coded / "out").rename(coded / "results")
    (coded / "ksmcode.yaml").write_text("out: results\n", encoding="utf-8")
    monkeypatch.chdir(coded)
    result = runner.invoke(cli, ["export", "qdpx"])
    assert result.exit_code == 0, result.output
    assert read_qdpx(coded / "results" / "coding.qdpx").sources
    old = runner.invoke(cli, ["export", "qdpx", "--coding-dir", "results"])
    assert old.exit_code == 2


def test_export_qdpx_refuses_a_changed_transcript(cli: typer.Typer, coded: Path) -> None:
    with (coded / "study" / "ketua.txt").open("a", encoding="utf-8") as fh:
        fh.write("\nKetua: tambahan.\n")
    result = runner.invoke(
        cli, ["export", "qdpx", "--out", str(coded / "out"), "--output", str(coded / "x.qdpx")]
    )
    assert result.exit_code == 1
    assert "changed or were added since the run" in result.output


def test_codebook_export_then_import(cli: typer.Typer, tmp_path: Path, data: Path) -> None:
    qdc, yaml_out = tmp_path / "cb.qdc", tmp_path / "cb.yaml"
    result = runner.invoke(
        cli,
        [
            "codebook",
            "export",
            str(data / "codebook" / "valid.yaml"),
            "--format",
            "qdc",
            "--output",
            str(qdc),
        ],
    )
    assert result.exit_code == 0, result.output
    args = ["codebook", "import", str(qdc), "--output", str(yaml_out), "--language", "id"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    again = runner.invoke(cli, [*args[:1], "import", str(yaml_out), "--output", str(yaml_out)])
    assert again.exit_code == 1, again.output
    assert "would overwrite its input" in again.stderr
    original = load_codebook(data / "codebook" / "valid.yaml")
    # Same ids; the tree groups codes by family, so their order may differ.
    assert sorted(load_codebook(yaml_out).code_ids) == sorted(original.code_ids)


def test_codebook_import_of_a_non_codebook_fails_cleanly(cli: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdc"
    bad.write_text("<nope/>")
    result = runner.invoke(
        cli, ["codebook", "import", str(bad), "--output", str(tmp_path / "c.yaml")]
    )
    assert result.exit_code == 1
    assert "Error:" in result.output and "expected 'CodeBook'" in result.output
