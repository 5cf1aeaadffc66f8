"""``ksmcode report``: the study report as an HTML page, an Excel workbook or Markdown."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, GroupBy, OutDir, SplitFile
from ksmcode.cli._output import err, handle_errors
from ksmcode.cli.app import app


class ReportFormat(str, Enum):
    HTML = "html"
    MD = "md"
    XLSX = "xlsx"


@app.command()
@handle_errors
def report(
    *,
    out: OutDir = None,
    by: GroupBy = "role",
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html (a page with charts), xlsx (a workbook, a sheet per table) or md "
            "(default: from the --output suffix, else html).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            help="File to write (default: <out>/report.html, .xlsx or .md).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            "-g",
            help="Gold (human) coding table: adds precision, recall and F1 per code.",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    split: SplitFile = None,
    part: Annotated[
        str, typer.Option(help="Part of --split whose per-code scores are charted.")
    ] = "all",
    sequence: Annotated[
        str | None,
        typer.Option(
            help="Family shown as a process, in codebook order (default: the first family; "
            "'' for none).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the study report: the study at a glance, code frequencies, matrices as heat maps,
    triangulation, agreement between sources, the process stages, exemplar quotes, denials.

    The HTML page is one self-contained file (no scripts, no network): e-mail it or open it
    offline. The workbook holds every table on its own sheet.

    Example: [bold]ksmcode report --gold gold/ksm_gold.csv --output ksm_report.html[/]
    """
    from ksmcode.analysis.frame import load_coding
    from ksmcode.analysis.report import study_report
    from ksmcode.report import report_format, write_report

    coding = load_coding(out)
    chosen = report_format(output or "report", fmt.value if fmt else None)
    target = output or (coding.folder or Path(".")) / f"report.{chosen}"
    study = study_report(coding, by=by, gold=gold, split=split, part=part, sequence=sequence)
    write_report(study, target, fmt=chosen)
    err.print(f"Wrote {target}")
