"""The Typer application. Command modules register themselves on ``app`` when imported."""

from __future__ import annotations

from typing import Annotated

import typer

from ksmcode import __version__
from ksmcode.cli._output import state

app = typer.Typer(
    name="ksmcode",
    help="Code qualitative interview transcripts automatically and transparently with a YAML "
    "codebook; compare informants, sources and coders; exchange projects with QDA software.\n\n"
    "Start with: [bold]ksmcode code[/] (in a folder with ksmcode.yaml, or give the transcript "
    "folder and --codebook).",
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
codebook_app = typer.Typer(
    help="Check, show, import and export codebooks.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(codebook_app, name="codebook")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ksmcode {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks for errors.")
    ] = False,
) -> None:
    state["verbose"] = verbose


def main() -> None:
    app()


# Command modules: imported for their registrations. They import the library lazily, inside
# each command, so `ksmcode --help` stays fast (no spaCy, no pandas).
from ksmcode.cli import agree as _agree  # noqa: E402, F401
from ksmcode.cli import code as _code  # noqa: E402, F401
from ksmcode.cli import codebook as _codebook  # noqa: E402, F401
from ksmcode.cli import evaluate as _evaluate  # noqa: E402, F401
from ksmcode.cli import explain as _explain  # noqa: E402, F401
from ksmcode.cli import init as _init  # noqa: E402, F401
from ksmcode.cli import kwic as _kwic  # noqa: E402, F401
from ksmcode.cli import learn as _learn  # noqa: E402, F401
from ksmcode.cli import matrix as _matrix  # noqa: E402, F401
from ksmcode.cli import pseudonymise as _pseudonymise  # noqa: E402, F401
from ksmcode.cli import refiqda as _refiqda  # noqa: E402
from ksmcode.cli import report as _report  # noqa: E402, F401
from ksmcode.cli import review as _review  # noqa: E402, F401
from ksmcode.cli import triangulate as _triangulate  # noqa: E402, F401

_refiqda.register(app, codebook_app)
