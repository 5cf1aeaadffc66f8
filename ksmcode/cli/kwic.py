"""``ksmcode kwic``: every occurrence of a term, a rule or a code in its context."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import CodebookOpt, OutputFile, Transcripts, Unit
from ksmcode.cli._output import DocumentProgress, err, handle_errors, out, plural, show_frame
from ksmcode.cli.app import app


@app.command()
@handle_errors
def kwic(
    term: Annotated[
        str | None,
        typer.Argument(
            help="A word or phrase in codebook keyword syntax: 'pelatihan' (normalised: "
            "pelatihan, dilatih, latihan), '=dilepas' (exact), 'pelatih*' (prefix).",
            show_default=False,
        ),
    ] = None,
    transcripts: Transcripts = None,
    *,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            "-r",
            help="A rule id instead, e.g. support.budget/keyword/3.",
            show_default=False,
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Every rule of a code instead.", show_default=False),
    ] = None,
    window: Annotated[
        int, typer.Option("--window", "-w", min=0, help="Words of context on each side.")
    ] = 8,
    codebook: CodebookOpt = None,
    unit: Unit = None,
    output: OutputFile = None,
) -> None:
    """Keyword in context: every occurrence of a term, a rule or a code's rules in the
    transcripts, with the words around it. Interviewer turns are searched too and marked
    (they are never coded). Try a keyword here before adding it to the codebook.

    With --rule or --code, a single argument is the transcript folder.

    Examples: [bold]ksmcode kwic "=dilepas"[/] · [bold]ksmcode kwic --rule still-monitored[/] ·
    [bold]ksmcode kwic --code support.budget transcripts/ --output budget.xlsx[/]
    """
    from ksmcode.analysis.kwic import kwic as find
    from ksmcode.codebook.load import load_codebook
    from ksmcode.export.tables import write_table
    from ksmcode.io import load_corpus
    from ksmcode.workflow import CodeRequest

    if (rule or code) and term is not None and transcripts is None:
        transcripts, term = term, None
    request = CodeRequest.resolve(Path("."), transcripts=transcripts, codebook=codebook, unit=unit)
    corpus = load_corpus(
        request.transcripts,
        default_language=request.language,
        interviewer=request.interviewer or None,
        exclude=request.exclude,
    )
    with DocumentProgress("Searching") as progress:
        table = find(
            corpus,
            load_codebook(request.codebook),
            term=term,
            rule=rule,
            code=code,
            unit=request.unit,
            window=window,
            on_progress=progress.update,
        )
    if sys.stdout.isatty():
        _show_aligned(table, with_rule=term is None)
    else:
        show_frame(table)
    interviewer = int(table["interviewer"].sum())
    err.print(
        f"{plural(len(table), 'occurrence')} in {plural(table['segment_id'].nunique(), 'unit')}"
        f" ({interviewer} in interviewer turns, never coded; "
        f"{int(table['negated'].sum())} negated)."
    )
    if output:
        write_table(table, output)


def _show_aligned(table, *, with_rule: bool, max_rows: int = 200) -> None:
    """One occurrence a line, the matches aligned in one column; negated matches in red."""
    from rich.table import Table

    side = max(12, (out.width - 30) // 3)
    grid = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    grid.add_column("left", justify="right", no_wrap=True, width=side)
    grid.add_column("match", style="bold", no_wrap=True)
    grid.add_column("right", no_wrap=True, width=side)
    grid.add_column("unit", style="dim", no_wrap=True, overflow="fold")
    if with_rule:
        grid.add_column("rule", style="dim", no_wrap=True, overflow="fold")
    for row in table.head(max_rows).itertuples():
        left = row.left if len(row.left) <= side else "…" + row.left[-(side - 1) :]
        right = row.right if len(row.right) <= side else row.right[: side - 1] + "…"
        unit = f"{row.segment_id} (interviewer)" if row.interviewer else row.segment_id
        match = f"[red]{row.match}[/]" if row.negated else row.match
        grid.add_row(left, match, right, unit, *([row.rule_id] if with_rule else []))
    out.print(grid)
    if len(table) > max_rows:
        err.print(f"({len(table) - max_rows} more; write them all with --output FILE)")
