"""``ksmcode pseudonymise``: write the name map, or list names it does not cover yet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import NamesOpt, Transcripts
from ksmcode.cli._output import err, handle_errors, plural, show_frame
from ksmcode.cli.app import app


@app.command()
@handle_errors
def pseudonymise(
    transcripts: Transcripts = None,
    *,
    names: NamesOpt = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="List capitalised name-like words and honorific + word sequences that the "
            "map does not cover yet (add them to the names file), instead of writing the map.",
        ),
    ] = False,
) -> None:
    """Write the name map (pseudonyms.csv beside ksmcode.yaml) that 'ksmcode code
    --pseudonymise' uses, and show it; with --suggest, list names it misses.

    Example: [bold]ksmcode pseudonymise --suggest --names names.csv[/]
    """
    from ksmcode.pseudonymise import review_names
    from ksmcode.workflow import CodeRequest

    request = CodeRequest.resolve(Path("."), transcripts=transcripts, names=names)
    review = review_names(request, write=not suggest)
    if suggest:
        show_frame(review.suggestions, title="Not covered by the name map")
        err.print(
            f"{plural(len(review.suggestions), 'name-like word')} to check; add real names to "
            "the names file (--names, or 'names:' in ksmcode.yaml)."
        )
    else:
        show_frame(review.map, title="Name map")
        err.print(f"Wrote {request.name_map}: {plural(len(review.map), 'row')}.")
