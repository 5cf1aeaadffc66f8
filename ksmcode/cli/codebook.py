"""``ksmcode codebook check|show|stats|suggest|diff``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksmcode.cli._options import INPUT, OUTPUT, OutDir, OutputFile
from ksmcode.cli._output import err, handle_errors, out, plural, show_frame, styled, warn
from ksmcode.cli.app import codebook_app

CodebookPath = Annotated[Path, typer.Argument(help="The YAML codebook, e.g. codebooks/ksm.yaml.")]


@codebook_app.command("check")
@handle_errors
def check(path: CodebookPath) -> None:
    """Validate a codebook: keys, ids, families, references, keywords and token patterns, all
    at once, each with its line.

    Exits 1 when there are errors. Warnings are shown too: codes without rules, and keywords
    that read the same once normalised (under two codes, or twice in one).

    Example: [bold]ksmcode codebook check codebooks/ksm.yaml[/]
    """
    from ksmcode.codebook.check import inspect
    from ksmcode.errors import CodebookError

    result = inspect(path)
    for message in result.warnings:
        warn(message)
    if result.problems or result.codebook is None:
        problems = list(result.problems)
        raise CodebookError(
            f"{path}: the codebook has {plural(len(problems), 'problem')}.", problems
        )
    codebook = result.codebook
    rules = sum(c.rule_count for c in codebook.codes)
    err.print(
        styled("OK", "green", f" {path}: ") + f"{plural(len(codebook.codes), 'code')} in "
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


HumanCoding = Annotated[
    Path | None,
    typer.Option(
        "--coding",
        help="A human coding of the run's units (.csv, .xlsx or .qdpx; one coder).",
        rich_help_panel=INPUT,
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]


Split = Annotated[
    Path | None,
    typer.Option(
        "--split",
        help="Table document,split: use the human coding of one part only (--part).",
        rich_help_panel=INPUT,
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
Part = Annotated[
    str, typer.Option("--part", help="The part of --split to use.", rich_help_panel=INPUT)
]


@codebook_app.command("stats")
@handle_errors
def stats(
    *,
    out_dir: OutDir = None,
    coding: HumanCoding = None,
    split: Split = None,
    part: Part = "dev",
    codebook: Annotated[
        Path | None,
        typer.Option(help="The codebook (default: the one the run used).", show_default=False),
    ] = None,
    broad: Annotated[
        float, typer.Option(min=0, max=1, help="Flag codes assigned to more than this share.")
    ] = 0.5,
    overlap: Annotated[
        float,
        typer.Option(
            min=0, max=1, help="Flag code pairs sharing at least this share of the rarer's units."
        ),
    ] = 0.8,
    output: OutputFile = None,
) -> None:
    """What every rule did in a run: hits, units coded because of it, share negated, what
    the filters suppressed; with --coding each rule's precision and each code's misses. Then
    the diagnostics: rules never fired, codes never assigned or too broad, overlapping codes,
    informant units with no code.

    Piped, it prints the rules table as CSV; --output writes every table (one .xlsx workbook
    with a sheet per table; or the rules to FILE and each other table beside it:
    stats.csv, stats.never_fired.csv, stats.codes.csv …).

    Example: [bold]ksmcode codebook stats --coding gold/ksm_gold.csv --split gold/split.csv
    --output stats.xlsx[/]
    """
    import sys

    from ksmcode.analysis.rulestats import run_stats

    result = run_stats(out_dir, coding_path=coding, codebook_path=codebook, split_path=split,
                       part=part, broad=broad, overlap=overlap)  # fmt: skip
    for message in result.warnings:
        warn(message)
    rules = result.rules
    if not sys.stdout.isatty():
        show_frame(rules)
    else:
        _show_worklists(result, judged="precision" in rules)
    fired = int(((rules["hits"] > 0) | (rules["suppressed"] > 0)).sum())
    err.print(
        f"{plural(len(rules), 'rule')}: {fired} fired, {len(rules) - fired} never fired; "
        f"{plural(int((result.codes['units'] == 0).sum()), 'code')} never assigned, "
        f"{int(result.codes['broad'].sum())} too broad; "
        f"{plural(len(result.uncoded), 'informant unit')} with no code."
    )
    if output:
        _write_tables(result.tables(), output)


def _show_worklists(result, *, judged: bool) -> None:
    rules = result.rules[result.rules["hits"] > 0]
    if judged:
        worst = rules[rules["wrong"] > 0].sort_values(
            ["wrong", "precision"], ascending=[False, True]
        )
        columns = ["rule_id", "rule", "units", "correct", "wrong", "precision"]
        show_frame(worst[columns].head(20), title="Rules behind most false positives")
    else:
        busiest = rules.sort_values("units", ascending=False)
        columns = ["rule_id", "rule", "hits", "units", "sole_units", "negated_share"]
        show_frame(busiest[columns].head(20), title="Rules that code the most units")
    show_frame(result.codes, title="Codes")
    if len(result.pairs):
        show_frame(result.pairs, title="Codes that nearly always come together")
    show_frame(
        result.suppression, title="What exclude / when_negated / yield_to / min_terms suppressed"
    )
    from ksmcode.analysis.triangulation import trim_text

    uncoded = result.uncoded.assign(text=result.uncoded["text"].map(lambda t: trim_text(t, 80)))
    show_frame(uncoded.head(10), title="Informant units with no code (longest first)")


@codebook_app.command("suggest")
@handle_errors
def suggest(
    *,
    coding: HumanCoding,
    split: Split = None,
    part: Part = "dev",
    out_dir: OutDir = None,
    top: Annotated[int, typer.Option(min=1, help="Terms per code.")] = 5,
    min_units: Annotated[
        int, typer.Option(min=1, help="Units of the code a term must occur in.")
    ] = 2,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Also write the suggestions: .yaml as printed, or a table (.csv, .xlsx …).",
            rich_help_panel=OUTPUT,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Keywords to consider: the words and two-word phrases most characteristic of the units
    a human coder gave each code that no keyword of the code matches yet, with counts and an
    example, printed as codebook YAML to check (ksmcode kwic TERM) and paste.

    Example: [bold]ksmcode codebook suggest --coding gold/ksm_gold.csv --split gold/split.csv[/]
    """
    from ksmcode.analysis.suggest import run_suggestions
    from ksmcode.export.atomic import write_bytes
    from ksmcode.export.tables import write_table

    table, text = run_suggestions(
        out_dir, coding, split_path=split, part=part, top=top, min_units=min_units
    )
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="")
    err.print(f"{plural(len(table), 'suggestion')} for {table['code'].nunique()} codes.")
    if output is not None and output.suffix.lower() in (".yaml", ".yml"):
        write_bytes(output, text.encode("utf-8"))
    elif output is not None:
        write_table(table, output)


@codebook_app.command("diff")
@handle_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The output folder of the earlier run.")],
    new: Annotated[Path, typer.Argument(help="The output folder of the later run.")],
    *,
    output: OutputFile = None,
) -> None:
    """What changed between two runs on the same transcripts (e.g. before and after editing
    the codebook): codings that appear or disappear, per code and per rule.

    Piped, it prints the changed codings as CSV; --output writes the three tables (a workbook,
    or FILE plus FILE.codes and FILE.rules beside it).

    Example: [bold]ksmcode codebook diff out_before out[/]
    """
    import sys

    from ksmcode.analysis.frame import load_coding
    from ksmcode.analysis.rundiff import diff_runs

    result = diff_runs(load_coding(old), load_coding(new))
    if sys.stdout.isatty():
        show_frame(result.codes[(result.codes["added"] + result.codes["removed"]) > 0],
                   title="Codes whose units changed")  # fmt: skip
        show_frame(result.rules, title="Rules whose units changed")
    show_frame(result.codings, title="Codings that changed")
    counts = result.codings["change"].value_counts()
    err.print(
        f"{plural(int(counts.get('added', 0)), 'coding')} added, "
        f"{int(counts.get('removed', 0))} removed, "
        f"{int(counts.drop(['added', 'removed'], errors='ignore').sum())} changed negation."
    )
    if output:
        _write_tables(result.tables(), output)


def _write_tables(tables, output: Path) -> None:
    from ksmcode.export.tables import write_named_tables

    written = write_named_tables(tables, output)
    err.print(f"Wrote {', '.join(map(str, written))}.")
