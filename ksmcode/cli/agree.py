"""``ksmcode agree sources`` and ``ksmcode agree coders``: agreement tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, ExcelCsv, GroupBy, OutDir, OutputFile
from ksmcode.cli._output import err, handle_errors, show_tables, warn
from ksmcode.cli.app import app

agree_app = typer.Typer(
    help="Agreement between sources (roles, informants…) or between coders.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(agree_app, name="agree")


@agree_app.command("sources")
@handle_errors
def sources(
    *,
    out: OutDir = None,
    by: GroupBy = "role",
    min_segments: Annotated[
        int, typer.Option(min=1, help="Affirmed segments a group needs for 'present'.")
    ] = 1,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write the stances, the pairwise table and alpha / AC1: one workbook "
            "(.xlsx, a sheet each) or one file each (.csv → FILE.csv, FILE.pairwise.csv, "
            "FILE.coefficients.csv).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
    excel: ExcelCsv = False,
) -> None:
    """Each group's stance (present / negated / absent) per code, and how far groups agree.

    Example: [bold]ksmcode agree sources --by role --output stances.xlsx[/]
    """
    from ksmcode.analysis import source_agreement
    from ksmcode.analysis.frame import load_coding

    coding = load_coding(out)
    result = source_agreement(
        coding.segments, coding.units, codes=coding.code_ids, by=by, min_segments=min_segments
    )
    tables = {
        "stances": (f"Stances by {by}", result.stances),
        "pairwise": ("Share of codes with the same stance", result.pairwise),
        "coefficients": (None, result.coefficients()),
    }
    show_tables(tables, piped="stances", output=output, excel=excel)
    err.print(
        f"Krippendorff's alpha {result.alpha:.3f}, Gwet's AC1 {result.ac1:.3f} "
        f"({by} as coders, codes as units). {result.note}".rstrip(),
        soft_wrap=True,
    )


@agree_app.command("coders")
@handle_errors
def coders(
    *,
    coding: Annotated[
        list[Path],
        typer.Option(
            "--coding",
            help="Human coding: a table (.csv, .xlsx) or a REFI-QDA project (.qdpx) (repeatable).",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
        ),
    ],
    out: OutDir = None,
    auto: Annotated[
        bool,
        typer.Option(
            "--auto/--no-auto",
            help="Compare with the automatic coding as coder 'auto'.",
            rich_help_panel=INPUT,
        ),
    ] = True,
    reference: Annotated[
        str | None,
        typer.Option(
            help="Coder taken as the truth for precision, recall and F1 "
            "(e.g. a gold coder, or 'auto').",
            show_default=False,
        ),
    ] = None,
    output: OutputFile = None,
    excel: ExcelCsv = False,
    disagreements_file: Annotated[
        Path | None,
        typer.Option(
            "--disagreements",
            help="Write every (unit, code) the coders disagree on to this file, for review.",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Percent agreement, Cohen's kappa, Krippendorff's alpha and Gwet's AC1 per code.

    Example: [bold]ksmcode agree coders --coding ani.csv --reference ani --disagreements d.xlsx[/]
    """
    from ksmcode.analysis import coder_agreement, collect_codings, disagreements
    from ksmcode.analysis.frame import load_coding
    from ksmcode.export.tables import write_table

    run = load_coding(out)
    notes: list[str] = []
    try:
        codings = collect_codings(
            coding,
            run.units,
            codes=run.code_ids,
            segments=run.segments if auto else None,
            warnings=notes,
        )
    finally:  # what was skipped explains a later error too
        for message in notes:
            warn(message)
    result = coder_agreement(codings, codes=run.code_ids, reference=reference)
    against = f"; precision, recall and F1 against {reference}" if reference else ""
    tables = {"agreement": (f"Agreement of {', '.join(result.coders)}{against}", result.summary())}
    if reference:
        from ksmcode.analysis.evaluation import negation_table

        tables["negation"] = (
            f"Negated codings against {reference} (assigned and marked negated by both)",
            negation_table(codings, run.code_ids, reference),
        )
    show_tables(tables, piped="agreement", output=output, excel=excel)
    if disagreements_file:
        review = disagreements(codings, run.units, run.code_ids)
        write_table(review, disagreements_file, excel=excel)
        err.print(f"Wrote {len(review)} disagreements to {disagreements_file}.")
