"""A REFI-QDA project as a coding for `ksmcode agree coders`: export, read back, compare."""

from __future__ import annotations

import shutil

import pandas as pd
import typer
from typer.testing import CliRunner

from ksmcode.cli import app

runner = CliRunner()


def test_exported_project_agrees_perfectly_with_the_auto_coding(tmp_path, data, monkeypatch):
    shutil.copytree(data / "cli" / "study", tmp_path / "study")
    shutil.copy(data / "codebook" / "valid.yaml", tmp_path / "codebook.yaml")
    monkeypatch.chdir(tmp_path)  # the export re-reads the transcripts recorded in run.json
    args = ["code", "study", "--codebook", "codebook.yaml", "--out", "out"]
    assert runner.invoke(app, args).exit_code == 0
    exported = runner.invoke(app, ["export", "qdpx", "--out", "out", "--output", "p.qdpx"])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(
        app, ["agree", "coders", "--out", "out", "--coding", "p.qdpx", "--output", "a.csv"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "a.csv", index_col=0)
    assert table.loc["(pooled)", "percent"] == 1.0
    assert table.loc["(pooled)", "n_units"] > 0


def test_coding_help_names_qdpx():
    command = typer.main.get_command(app).commands["agree"].commands["coders"]
    (coding,) = [p for p in command.params if p.name == "coding"]
    assert coding.help.startswith("Human coding: a table (.csv, .xlsx) or a REFI-QDA project")
