"""``ksmcode matrix``: codes × an attribute (role, informant, document…), or code co-occurrence."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

import typer

from ksmcode.cli._options import OUTPUT, ExcelCsv, OutDir, OutputFile
from ksmcode.cli._output import handle_errors, show_frame
from ksmcode.cli.app import app


class Measure(str, Enum):
    COUNT = "count"
    PRESENCE = "presence"
    SHARE = "share"
    JACCARD = "jaccard"


class Negated(str, Enum):
    SEPARATE = "separate"
    INCLUDE = "include"
    EXCLUDE = "exclude"


@app.command()
@handle_errors
def matrix(
    *,
    out: OutDir = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="Attribute column: role, informant, document, "
            "method, speaker or any metadata field.",
        ),
    ] = "role",
    measure: Annotated[
        Measure,
        typer.Option(help="count, presence or share of units (jaccard with --cooccurrence)."),
    ] = Measure.COUNT,
    negated: Annotated[
        Negated, typer.Option(help="Negated codings: separate columns, include or exclude.")
    ] = Negated.SEPARATE,
    cooccurrence: Annotated[
        bool,
        typer.Option(
            "--cooccurrence",
            help="Code × code within the same unit instead.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    output: OutputFile = None,
    excel: ExcelCsv = False,
) -> None:
    """Count coded segments per code (and family) for each value of an attribute.

    Example: [bold]ksmcode matrix --by role --measure share --output matrix.xlsx[/]
    """
    from ksmcode.analysis import coding_matrix
    from ksmcode.analysis import cooccurrence as code_cooccurrence
    from ksmcode.analysis.frame import load_coding
    from ksmcode.export.tables import write_table

    coding = load_coding(out)
    if cooccurrence:
        if measure not in (Measure.COUNT, Measure.JACCARD):
            raise typer.BadParameter(
                "use count or jaccard with --cooccurrence", param_hint="--measure"
            )
        mode: Literal["include", "exclude"] = "exclude" if negated is Negated.EXCLUDE else "include"
        table = code_cooccurrence(
            coding.segments, codes=coding.code_ids, measure=measure.value, negated=mode
        )
    else:
        if measure is Measure.JACCARD:
            raise typer.BadParameter("jaccard needs --cooccurrence", param_hint="--measure")
        table = coding_matrix(
            coding.segments,
            coding.units,
            by,
            codes=coding.code_ids,
            families=coding.families,
            measure=measure.value,
            negated=negated.value,
        )
    title = "Code co-occurrence" if cooccurrence else f"Codes by {by}"
    show_frame(table, title=title, excel=excel)
    if output:
        write_table(table, output, excel=excel)
