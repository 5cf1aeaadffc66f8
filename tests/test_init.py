"""`ksmcode init`: a new project that codes out of the box, and never over an existing one."""

from __future__ import annotations

from typer.testing import CliRunner

from ksmcode.cli import app

runner = CliRunner()


def test_new_project_codes_its_example(tmp_path, monkeypatch):
    result = runner.invoke(app, ["init", str(tmp_path / "study"), "--language", "id"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "study")
    check = runner.invoke(app, ["codebook", "check", "codebooks/codebook.yaml"])
    assert check.exit_code == 0, check.output
    assert "1 code in 1 family, 4 rules, 0 warnings" in check.stderr
    coded = runner.invoke(app, ["code"])
    assert coded.exit_code == 0, coded.output
    assert "Coded 1 document: 1 unit, 1 coded (100%)" in coded.stderr


def test_init_refuses_to_overwrite_and_checks_the_language(tmp_path):
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 1
    assert "already has" in again.stderr and "ksmcode.yaml" in again.stderr
    french = runner.invoke(app, ["init", str(tmp_path / "fr"), "--language", "fr"])
    assert french.exit_code == 1
    assert "unknown language 'fr'" in french.stderr
