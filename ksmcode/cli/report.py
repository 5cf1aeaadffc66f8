"""``ksmcode report``: a Markdown report of a coded study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import OUTPUT, GroupBy, OutDir
from ksmcode.cli._output import err, handle_errors
from ksmcode.cli.app import app


@app.command()
@handle_errors
def report(
    *,
    out: OutDir = None,
    by: GroupBy = "role",
    output: Annotated[
        Path | None,
        typer.Option(
            help="Markdown file to write (default: <out>/report.md).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a Markdown report: sources, triangulation, exemplar quotes, denials, matrix.

    Example: [bold]ksmcode report --by role --output ksm_report.md[/]
    """
    from ksmcode.analysis.frame import load_coding
    from ksmcode.analysis.report import study_report
    from ksmcode.export.report import write_report

    coding = load_coding(out)
    target = output or (coding.folder or Path(".")) / "report.md"
    write_report(study_report(coding, by=by), target)
    err.print(f"Wrote {target}")
