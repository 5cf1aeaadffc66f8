"""``ksmcode evaluate``: score the automatic coding against a hand-coded gold standard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, OutDir
from ksmcode.cli._output import handle_errors, show_frame
from ksmcode.cli.app import app


@app.command()
@handle_errors
def evaluate(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold",
            "-g",
            help="Gold coding table (document, code, locator).",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
        ),
    ],
    *,
    split: Annotated[
        Path | None,
        typer.Option(
            "--split",
            help="Table document,split (e.g. dev/test): scores per part.",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    out: OutDir = None,
    per_code: Annotated[
        str | None,
        typer.Option(
            "--per-code",
            help="Also show per-code scores for this part (all, dev, test…).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write the table shown last to this file (.csv, .xlsx, .parquet, .jsonl): the "
            "per-code scores with --per-code, else the summary.",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Write every false positive and false negative, with its evidence and text, "
            "to this file: the worklist for improving a codebook.",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Precision, recall, F1, kappa and negation accuracy of the auto-coding against gold.

    Run 'ksmcode code' first. Tune rules on the dev part only; report the test part.

    Example: [bold]ksmcode evaluate -g gold/ksm_gold.csv --split gold/split.csv --per-code test[/]
    """
    from ksmcode.analysis.evaluation import evaluate as score
    from ksmcode.analysis.frame import load_coding
    from ksmcode.export.tables import write_table

    result = score(load_coding(out), gold, split_path=split)
    table = result.summary
    show_frame(table, title="Auto-coding against gold (micro averages; pooled kappa)")
    if per_code:
        table = result.per_code(per_code)
        show_frame(table, title=f"Per code ({per_code})")
    if output:
        write_table(table, output)
    if errors:
        write_table(result.errors, errors)
