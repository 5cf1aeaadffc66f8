"""``ksmcode evaluate``: score the automatic coding against a hand-coded gold standard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, ExcelCsv, OutDir, SplitFile, Transcripts
from ksmcode.cli._output import handle_errors, show_tables
from ksmcode.cli.app import app


@app.command()
@handle_errors
def evaluate(
    transcripts: Transcripts = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            "-g",
            help="Gold coding table (document, code, locator).",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    *,
    learning_curve: Annotated[
        bool,
        typer.Option(
            "--learning-curve",
            help="Instead: F1 of a model learnt from 1, 2, 3, 5… of the documents of --coding "
            "(drawn several times; the rest scored), on top of the project's model.",
            rich_help_panel=INPUT,
        ),
    ] = False,
    coding: Annotated[
        list[Path] | None,
        typer.Option(
            "--coding",
            help="With --learning-curve: your hand coding (repeatable; as 'learn' reads it).",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", min=1, help="With --learning-curve: draws per size.")
    ] = 3,
    split: SplitFile = None,
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
            help="Write the summary (and with --per-code the per-code scores): one workbook "
            "(.xlsx, a sheet each) or one file each (.csv → FILE.csv, FILE.per_code.csv).",
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
    excel: ExcelCsv = False,
) -> None:
    """Precision, recall, F1, kappa and negation precision / recall / F1 of the auto-coding
    against gold; or, with --learning-curve, how F1 grows with hand-coded documents.

    Run 'ksmcode code' first. Tune rules on the dev part only; report the test part.

    Example: [bold]ksmcode evaluate -g gold/ksm_gold.csv --split gold/split.csv --per-code test[/]

    Example: [bold]ksmcode evaluate --learning-curve --coding my_coding.xlsx[/]
    """
    from ksmcode.analysis.evaluation import evaluate as score
    from ksmcode.analysis.frame import load_coding
    from ksmcode.export.tables import write_table

    if learning_curve:
        from ksmcode.learn.workflow import study_learning_curve
        from ksmcode.workflow import CodeRequest

        if not coding:
            raise typer.BadParameter("--learning-curve needs your hand coding: --coding FILE")
        request = CodeRequest.resolve(Path("."), transcripts=transcripts)
        curve = study_learning_curve(request, coding, draws=draws)
        title = "Micro-F1 on the documents not drawn, by hand-coded documents drawn"
        show_tables({"curve": (title, curve)}, piped="curve", output=output, excel=excel)
        return
    if gold is None:
        raise typer.BadParameter("give the gold coding (--gold FILE), or --learning-curve")

    result = score(load_coding(out), gold, split_path=split)
    tables = {
        "summary": ("Auto-coding against gold (micro averages; pooled kappa)", result.summary)
    }
    if per_code:
        tables["per_code"] = (f"Per code ({per_code})", result.per_code(per_code))
    show_tables(tables, piped="per_code" if per_code else "summary", output=output, excel=excel)
    if errors:
        write_table(result.errors, errors, excel=excel)
