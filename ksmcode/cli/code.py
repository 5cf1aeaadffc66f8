"""``ksmcode code``: code a folder of transcripts with a codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import (
    INPUT,
    MATCHING,
    CodebookOpt,
    Format,
    NamesOpt,
    OutDir,
    Transcripts,
    Unit,
)
from ksmcode.cli._output import DocumentProgress, err, handle_errors, plural, warn
from ksmcode.cli.app import app


@app.command()
@handle_errors
def code(
    transcripts: Transcripts = None,
    *,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help="Language of documents that do not declare one (id or en).",
            rich_help_panel=INPUT,
            show_default=False,
        ),
    ] = None,
    interviewer: Annotated[
        list[str] | None,
        typer.Option(
            "--interviewer",
            "-i",
            help="Speaker label of the interviewer (repeatable); their turns are never coded.",
            rich_help_panel=INPUT,
            show_default=False,
        ),
    ] = None,
    codebook: CodebookOpt = None,
    unit: Unit = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Processes to code in (0: one per core). The output is the same, byte for "
            "byte; two processes code a large corpus about 1.6x as fast on two cores.",
            rich_help_panel=MATCHING,
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Code on a Dask cluster: its scheduler's address, e.g. tcp://10.0.0.5:8786 "
            "(needs pip install 'ksmcode[dask]'; the workers must reach the transcripts: a "
            "shared folder, or an s3:// / gs:// address).",
            rich_help_panel=MATCHING,
            show_default=False,
        ),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse the coding of documents unchanged since the last run into --out.",
            rich_help_panel=MATCHING,
        ),
    ] = True,
    pseudonymise: Annotated[
        bool | None,
        typer.Option(
            "--pseudonymise/--real-names",
            help="Outputs use pseudonyms for informants, speakers and names in the text; the "
            "name map is written to pseudonyms.csv beside ksmcode.yaml, never into --out.",
            rich_help_panel=INPUT,
            show_default=False,
        ),
    ] = None,
    names: NamesOpt = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="A trained coder (ksmcode learn) that decides every code; default: "
            "'model:' in ksmcode.yaml.",
            rich_help_panel=MATCHING,
            show_default=False,
        ),
    ] = None,
    no_model: Annotated[
        bool,
        typer.Option(
            "--no-model",
            help="Rules only, even if ksmcode.yaml names a model.",
            rich_help_panel=MATCHING,
        ),
    ] = False,
    out: OutDir = None,
    fmt: Format = None,
) -> None:
    """Code every transcript and write coded segments, units, evidence and run.json.

    Settings come from ./ksmcode.yaml when present; options override them.

    Example: [bold]ksmcode code transcripts/ --codebook codebooks/ksm.yaml --out out/[/]
    """
    from ksmcode.workflow import CodeRequest, code_study

    request = CodeRequest.resolve(
        Path("."),
        transcripts=transcripts,
        codebook=codebook,
        out=out,
        unit=unit,
        language=language,
        interviewer=interviewer,
        fmt=fmt,
        jobs=jobs,
        scheduler=scheduler,
        cache=cache,
        pseudonymise=pseudonymise,
        names=names,
        model=model,
        use_model=not no_model,
    )
    with DocumentProgress("Coding") as progress:
        summary = code_study(request, on_progress=progress.update)
    for message in summary.warnings:
        warn(message)
    err.print(
        f"Coded {plural(summary.documents, 'document')}: {plural(summary.units, 'unit')}, "
        f"{summary.coded_units} coded ({summary.percent_coded:.0f}%), "
        f"{plural(summary.matches, 'piece')} of evidence ({summary.negated_matches} negated)."
    )
    if summary.from_cache:
        err.print(
            f"{plural(summary.from_cache, 'document')} unchanged since the last run came from "
            f"{request.out}/.cache (--no-cache codes everything)."
        )
    if summary.codes_never_matched:
        err.print(f"Codes never matched: {', '.join(summary.codes_never_matched)}")
    written = "segments, units, evidence, suppressed, run.json"
    if summary.model:
        written = written.replace("run.json", "decisions, run.json")
        err.print(f"Codes decided by the model {summary.model} (--no-model: rules only).",
                  markup=False)  # fmt: skip
    if request.pseudonymise:
        written += ", documents.jsonl; pseudonymised, name map in " + str(request.name_map)
    err.print(f"Wrote {request.out}/ ({written}).")
