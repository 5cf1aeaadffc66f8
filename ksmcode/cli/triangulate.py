"""``ksmcode triangulate``: which sources and methods support or negate each code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import OUTPUT, ExcelCsv, GroupBy, OutDir, OutputFile
from ksmcode.cli._output import handle_errors, show_frame
from ksmcode.cli.app import app

THRESHOLDS = "Thresholds"


@app.command()
@handle_errors
def triangulate(
    *,
    out: OutDir = None,
    by: GroupBy = "role",
    methods_column: Annotated[
        str,
        typer.Option(
            "--methods", help="Attribute holding the data collection method ('' to ignore methods)."
        ),
    ] = "method",
    min_groups: Annotated[
        int, typer.Option(min=1, help="Groups needed for 'convergent'.", rich_help_panel=THRESHOLDS)
    ] = 2,
    min_methods: Annotated[
        int,
        typer.Option(min=1, help="Methods needed for 'convergent'.", rich_help_panel=THRESHOLDS),
    ] = 2,
    min_segments: Annotated[
        int,
        typer.Option(
            min=1,
            help="Affirmed segments a group needs to support a code.",
            rich_help_panel=THRESHOLDS,
        ),
    ] = 1,
    legend: Annotated[
        bool, typer.Option("--legend", help="Only print the status rules.", rich_help_panel=OUTPUT)
    ] = False,
    output: OutputFile = None,
    excel: ExcelCsv = False,
    exemplars_file: Annotated[
        Path | None,
        typer.Option(
            "--exemplars",
            help="Also write one exemplar quote per code and supporting group to this file.",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Triangulate sources: per code, the groups and methods that affirm or negate it.

    Example: [bold]ksmcode triangulate --by role --min-groups 2 --exemplars quotes.xlsx[/]
    """
    from ksmcode.analysis import exemplars, status_legend
    from ksmcode.analysis import triangulate as triangulate_codes
    from ksmcode.analysis.frame import load_coding
    from ksmcode.export.tables import write_table

    rules = status_legend(min_groups, min_methods)
    if legend:
        show_frame(rules, title="Triangulation status", excel=excel)
        return
    coding = load_coding(out)
    table = triangulate_codes(
        coding.segments,
        codes=coding.code_ids,
        families=coding.families,
        by=by,
        methods_column=methods_column or None,
        min_groups=min_groups,
        min_methods=min_methods,
        min_segments=min_segments,
    )
    show_frame(table, title=f"Triangulation by {by}", excel=excel)
    if sys.stdout.isatty():
        show_frame(rules, title="Status rules")
    if output:
        write_table(table, output, excel=excel)
    if exemplars_file:
        quotes = exemplars(coding.segments, by=by, codes=coding.code_ids)
        write_table(quotes, exemplars_file, excel=excel)
