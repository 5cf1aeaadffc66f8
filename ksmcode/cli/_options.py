"""Option aliases shared by the commands, so each option reads the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

INPUT = "Input"
MATCHING = "Matching"
OUTPUT = "Output"

Transcripts = Annotated[
    str | None,
    typer.Argument(
        help="Transcript folder or file, or an fsspec address such as s3://bucket/study "
        "(default: 'transcripts' from ksmcode.yaml, else ./transcripts).",
        show_default=False,
    ),
]
CodebookOpt = Annotated[
    Path | None,
    typer.Option(
        "--codebook",
        "-c",
        help="YAML codebook (default: codebooks/ksm.yaml).",
        rich_help_panel=MATCHING,
        show_default=False,
    ),
]
NamesOpt = Annotated[
    Path | None,
    typer.Option(
        "--names",
        help="Extra names to pseudonymise: a .csv with 'name' and optional 'pseudonym'.",
        rich_help_panel=INPUT,
        show_default=False,
    ),
]
Unit = Annotated[
    str | None,
    typer.Option(
        help="Unit of analysis: turn, paragraph or sentence.",
        rich_help_panel=MATCHING,
        show_default=False,
    ),
]
GroupBy = Annotated[
    str,
    typer.Option(
        "--by", "-b", help="Source groups: role, informant, method, document or any attribute."
    ),
]
OutDir = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Output folder of 'ksmcode code' (default: out/).",
        rich_help_panel=OUTPUT,
        show_default=False,
    ),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Table format: csv, xlsx, parquet or jsonl.",
        rich_help_panel=OUTPUT,
        show_default=False,
    ),
]
OutputFile = Annotated[
    Path | None,
    typer.Option(
        "--output",
        help="Also write the table to this file (.csv, .xlsx, .parquet, .jsonl).",
        rich_help_panel=OUTPUT,
        show_default=False,
    ),
]
ExcelCsv = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel: start with a byte-order mark, so Excel reads UTF-8 (accents, "
        "arrows) right.",
        rich_help_panel=OUTPUT,
    ),
]
SplitFile = Annotated[
    Path | None,
    typer.Option(
        "--split",
        help="Table document,split (e.g. dev/test): scores per part.",
        rich_help_panel=INPUT,
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
