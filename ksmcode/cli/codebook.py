"""``ksmcode codebook check|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._output import err, handle_errors, out, plural, warn
from ksmcode.cli.app import codebook_app

CodebookPath = Annotated[Path, typer.Argument(help="The YAML codebook, e.g. codebooks/ksm.yaml.")]


@codebook_app.command("check")
@handle_errors
def check(path: CodebookPath) -> None:
    """Validate a codebook: keys, ids, families, keywords and token patterns, all at once.

    Exits 1 when there are errors; warnings (e.g. a keyword under two codes) are shown too.

    Example: [bold]ksmcode codebook check codebooks/ksm.yaml[/]
    """
    from ksmcode.codebook.check import check_codebook

    codebook = check_codebook(path)
    for message in codebook.warnings:
        warn(message)
    rules = sum(c.rule_count for c in codebook.codes)
    err.print(
        f"[green]OK[/] {path}: {plural(len(codebook.codes), 'code')} in "
        f"{len(codebook.families)} famil{'y' if len(codebook.families) == 1 else 'ies'}, "
        f"{plural(rules, 'rule')}, {plural(len(codebook.warnings), 'warning')}."
    )


@codebook_app.command("show")
@handle_errors
def show(path: CodebookPath) -> None:
    """List the codes with their labels and rule counts.

    Example: [bold]ksmcode codebook show codebooks/ksm.yaml[/]
    """
    from rich.table import Table

    from ksmcode.codebook.load import load_codebook

    codebook = load_codebook(path)
    table = Table(title=f"{codebook.name} (version {codebook.version})", header_style="bold")
    for column in ("code", "family", "label (id)", "label (en)", "keywords", "patterns", "near"):
        table.add_column(
            column, justify="right" if column in ("keywords", "patterns", "near") else "left"
        )
    for c in codebook.codes:
        table.add_row(
            c.id,
            c.family,
            c.labels.get("id", ""),
            c.labels.get("en", ""),
            str(len(c.keywords)),
            str(len(c.patterns)),
            str(len(c.near)),
        )
    out.print(table)
