"""REFI-QDA commands: ``ksmcode export qdpx``, ``ksmcode codebook export`` and
``ksmcode codebook import``. ``register`` adds them to the apps it is given."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import OUTPUT, OutDir
from ksmcode.cli._output import err, handle_errors, refuse_input, styled, warn


class Offsets(str, Enum):
    codepoint = "codepoint"
    utf16 = "utf16"


class CodebookFormat(str, Enum):
    qdc = "qdc"


OffsetsOpt = Annotated[
    Offsets,
    typer.Option(
        "--offsets",
        help="Selection positions: codepoint (REFI-QDA spec) or utf16 "
        "(NVivo; differs only for emoji and other non-BMP characters).",
        rich_help_panel=OUTPUT,
    ),
]


def export_qdpx_cmd(
    out: OutDir = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="The .qdpx to write (default: <out>/coding.qdpx).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
    offsets: OffsetsOpt = Offsets.codepoint,
) -> None:
    """Export the coding of 'ksmcode code' as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA...

    Families become code folders; negated codings use '<code> \\[negated]' sibling codes.

    Example: [bold]ksmcode export qdpx --out out/ --output study.qdpx --offsets utf16[/]
    """
    from ksmcode.config import load_project
    from ksmcode.refiqda import export_run_qdpx

    coding_dir = out or load_project().out
    target = output or coding_dir / "coding.qdpx"
    written = export_run_qdpx(coding_dir, target, offsets=offsets.value)
    err.print(styled("Wrote", "green", f" {written} (offsets: {offsets.value})"))


def codebook_export_cmd(
    path: Annotated[Path, typer.Argument(help="The YAML codebook, e.g. codebooks/ksm.yaml.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="File to write (default: the codebook with a .qdc suffix).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[CodebookFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CodebookFormat.qdc
    ),
    negated_codes: Annotated[
        bool,
        typer.Option(
            "--negated-codes", help="Add a '\\[negated]' sibling to every code for human coders."
        ),
    ] = False,
) -> None:
    """Export a codebook as a REFI-QDA codebook (.qdc) for QDA software.

    Example: [bold]ksmcode codebook export codebooks/ksm.yaml --format qdc --output ksm.qdc[/]
    """
    from ksmcode.codebook.load import load_codebook
    from ksmcode.refiqda import export_qdc

    target = output or path.with_suffix(f".{fmt.value}")
    refuse_input(target, path)
    written = export_qdc(load_codebook(path), target, negated_codes=negated_codes)
    err.print(styled("Wrote", "green", f" {written}"))


def codebook_import_cmd(
    path: Annotated[Path, typer.Argument(help="A .qdc codebook, or a .qdpx project.")],
    output: Annotated[Path, typer.Option("--output", help="The YAML codebook to write.")],
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Language of the code names: id or en (default: recognised from the names).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Turn a REFI-QDA codebook into a ksmcode YAML skeleton (keywords left to fill in).

    Example: [bold]ksmcode codebook import nvivo.qdc --output codebooks/imported.yaml[/]
    """
    from ksmcode.refiqda import codebook_from_qdc, write_codebook_skeleton

    if language not in (None, "id", "en"):
        raise typer.BadParameter("use id or en", param_hint="--language")
    refuse_input(output, path)
    skeleton = codebook_from_qdc(path, language=language)
    written = write_codebook_skeleton(skeleton, output)
    warn(f"{len(skeleton['codes'])} codes have no keywords yet; fill them in {written}")
    err.print(
        styled(
            "Wrote",
            "green",
            f" {written}: {len(skeleton['codes'])} codes in {len(skeleton['families'])} "
            f"families, labels in '{skeleton['codebook']['languages'][0]}'",
        )
    )


def register(
    app: typer.Typer, codebook_app: typer.Typer, export_app: typer.Typer | None = None
) -> typer.Typer:
    """Add the REFI-QDA commands; creates the ``export`` group unless one is passed in.
    Returns the export group."""
    if export_app is None:
        export_app = typer.Typer(
            help="Export codings for other software.", no_args_is_help=True, rich_markup_mode="rich"
        )
        app.add_typer(export_app, name="export")
    export_app.command("qdpx")(handle_errors(export_qdpx_cmd))
    codebook_app.command("export")(handle_errors(codebook_export_cmd))
    codebook_app.command("import")(handle_errors(codebook_import_cmd))
    return export_app
