"""``ksmcode explain``: why a unit got its codes."""

from __future__ import annotations

from typing import Annotated

import typer

from ksmcode.cli._options import OutDir
from ksmcode.cli._output import handle_errors, out, show_frame
from ksmcode.cli.app import app


@app.command()
@handle_errors
def explain(
    segment_id: Annotated[str, typer.Argument(help="The unit, as in segments.csv: document#n.")],
    *,
    out_dir: OutDir = None,
) -> None:
    """Show a unit's text with its evidence highlighted, and the rule behind every code.

    Example: [bold]ksmcode explain "wawancara/ketua_ksm.docx#41"[/]
    """
    from rich.text import Text

    from ksmcode.analysis.explain import explain as explain_unit
    from ksmcode.analysis.frame import load_coding

    result = explain_unit(load_coding(out_dir), segment_id)
    text = Text(result.text)
    for row in result.evidence.itertuples():
        style = "bold red" if row.negated else "bold green"
        text.stylize(style, row.start - result.start, row.end - result.start)
    out.print(Text(f"{result.segment_id} ({result.speaker})", style="bold"))
    out.print(text)
    show_frame(result.evidence, title="Evidence (green: affirmed, red: negated)")
    if result.suppressed is not None and len(result.suppressed):
        show_frame(result.suppressed, title="Evidence the codebook's filters set aside")
    if result.decisions is not None:
        show_frame(
            result.decisions,
            title="The model's decisions (probability against the code's threshold; "
            "negation: how likely such a coding is negated)",
        )
