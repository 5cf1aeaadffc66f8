"""``ksmcode init``: start a new project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._output import err, handle_errors
from ksmcode.cli.app import app


@app.command()
@handle_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Folder of the new project.")] = Path("."),
    *,
    language: Annotated[
        str, typer.Option("--language", "-l", help="Default transcript language: id or en.")
    ] = "id",
) -> None:
    """Create ksmcode.yaml, a transcripts/ folder with an example, and a codebook to fill in.

    Example: [bold]ksmcode init my_study && cd my_study && ksmcode code[/]
    """
    from ksmcode.nlp import check_language
    from ksmcode.scaffold import init_project

    for path in init_project(folder, language=check_language(language)):
        err.print(f"Wrote {path}")
    err.print("Next: put your transcripts in transcripts/, write your codes, run 'ksmcode code'.")
