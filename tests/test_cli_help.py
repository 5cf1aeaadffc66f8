"""Every command has help with an example, and `ksmcode --help` imports neither spaCy nor pandas."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

import ksmcode
from ksmcode.cli import app

runner = CliRunner()


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_commands_are_registered():
    assert ("code",) in COMMANDS
    assert ("codebook", "check") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ksmcode {ksmcode.__version__}"


def test_help_does_not_import_spacy_or_pandas():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ksmcode.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "print(sorted(m for m in ('spacy', 'pandas', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_runs():
    out = subprocess.run(
        [sys.executable, "-m", "ksmcode", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("ksmcode ")


def test_every_public_name_resolves():
    for name in ksmcode.__all__:
        assert getattr(ksmcode, name) is not None


def test_analyses_of_a_finished_run_import_no_spacy(coded_out):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ksmcode.cli import app\n"
        f"for args in (['matrix'], ['triangulate'], ['agree', 'sources']):\n"
        f"    result = CliRunner().invoke(app, [*args, '--out', {str(coded_out)!r}])\n"
        "    assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('spacy', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
