"""``ksmcode review``: the model's codings most worth a human look, as a worklist to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, OutDir
from ksmcode.cli._output import err, handle_errors, plural
from ksmcode.cli.app import app


@app.command()
@handle_errors
def review(
    *,
    out: OutDir = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="Apply this model to the run first (needed when the run was coded without "
            "one; default: 'model:' in ksmcode.yaml).",
            rich_help_panel=INPUT,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output", help="The worklist to write (.xlsx or .csv).", rich_help_panel=OUTPUT
        ),
    ] = Path("review.xlsx"),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows in the worklist.")] = 200,
) -> None:
    """Write the codings most worth checking: uncertain ones, rule–model disagreements and
    codes with few training examples, one row per (unit, code) with its text and evidence.

    Fill the 'decision' column (accept, reject, or the code that applies instead), then learn
    from it: [bold]ksmcode learn --coding review.xlsx --output model.ksm[/]

    Example: [bold]ksmcode review --output review.xlsx --limit 100[/]
    """
    from ksmcode.learn.workflow import review_run

    worklist = review_run(out, model=model, limit=limit, output=output)
    err.print(f"Wrote {output}: {plural(len(worklist), 'coding')} to review.")
