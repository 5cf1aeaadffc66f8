"""Consoles, the error boundary and table rendering shared by every command.

stdout carries data; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.text import Text

from ksmcode.errors import ExportError, KsmcodeError
from ksmcode.wording import plural as plural  # re-exported for the commands

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

# No markup: paths, roles and transcript text may hold "[/]" or "[bold]"; styled parts are Text.
err = Console(stderr=True, highlight=False, markup=False)
out = Console(highlight=False, markup=False)
F = TypeVar("F", bound=Callable[..., Any])
state = {"verbose": False}


def handle_errors(func: F) -> F:
    """Turn library errors into ``Error: …`` on stderr and exit code 1 (traceback with -v)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KsmcodeError as exc:
            if state["verbose"]:
                err.print_exception(show_locals=False)
            err.print(styled("Error:", "bold red", f" {exc}"), soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Interrupted; outputs already written are intact.")
            raise typer.Exit(130) from None

    return cast(F, wrapper)


class DocumentProgress:
    """A progress bar on stderr that appears with the first update, so errors raised before
    any document is processed print cleanly."""

    def __init__(self, label: str):
        self.label = label
        self._bar: tuple[Progress, TaskID] | None = None

    def __enter__(self) -> DocumentProgress:
        return self

    def update(self, done: int, total: int, name: str) -> None:
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            progress = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}", markup=False),
                console=err,
                transient=True,
            )
            progress.start()
            self._bar = (progress, progress.add_task("", total=total))
        progress, task = self._bar
        progress.update(task, completed=done, total=total, description=name)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar[0].stop()


def refuse_input(output: Path, source: Path) -> None:
    """Raise :class:`ExportError` if ``output`` is the command's input file. Every other
    existing ``--output`` file is replaced (atomically: a failed write leaves it as it was)."""
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise ExportError(f"{output}: would overwrite its input; give another --output")


def warn(message: str) -> None:
    err.print(styled("Warning:", "yellow", f" {message}"), soft_wrap=True)


def styled(prefix: str, style: str, message: str) -> Text:
    """``prefix`` in ``style`` followed by ``message`` as plain text (never parsed as markup)."""
    return Text.assemble((prefix, style), message)


def show_frame(frame, *, title: str | None = None, max_rows: int = 60, excel: bool = False) -> None:
    """Show a DataFrame: a table at a terminal (never breaking an id), CSV when stdout is piped
    (with a byte-order mark for Excel when ``excel``)."""
    if not sys.stdout.isatty():
        from ksmcode.export.tables import csv_safe

        if excel:
            sys.stdout.write("\ufeff")
        csv_safe(frame).to_csv(sys.stdout, index=not _plain_index(frame), lineterminator="\n")
        return
    from ksmcode.cli._tables import render

    flat = frame if _plain_index(frame) else frame.reset_index()
    render(out, flat.head(max_rows), title=title)
    if len(flat) > max_rows:
        err.print(f"({len(flat) - max_rows} more rows; write them all with --output FILE)")


def show_tables(
    tables: Mapping[str, tuple[str | None, Any]],
    *,
    piped: str,
    output: Path | None = None,
    excel: bool = False,
) -> None:
    """Show the tables of one result (name: (title, frame); a ``None`` title is only written):
    all at a terminal, only ``piped`` when stdout is piped (a CSV stream holds one table),
    saying so on stderr; with ``output`` write every table, as one workbook for ``.xlsx``,
    else one file per table, and name the files."""
    tty = sys.stdout.isatty()
    for name, (title, frame) in tables.items():
        if name == piped or (tty and title is not None):
            show_frame(frame, title=title, excel=excel)
    if not tty and not output and len(tables) > 1:
        err.print(
            f"stdout holds the {piped} table only; --output FILE.xlsx writes all "
            f"{len(tables)} tables ({', '.join(tables)}) as sheets, --output FILE.csv one file "
            "each.",
            soft_wrap=True,
        )
    if output:
        from ksmcode.export.tables import write_named_tables

        files = write_named_tables({n: f for n, (_, f) in tables.items()}, output, excel=excel)
        if len(files) == 1 and len(tables) > 1:
            err.print(f"Wrote {output}: one sheet per table ({', '.join(tables)}).", soft_wrap=True)
        else:
            listing = ", ".join(f"{f} ({n})" for f, n in zip(files, tables, strict=True))
            err.print(f"Wrote {listing}.", soft_wrap=True)


def _plain_index(frame) -> bool:
    import pandas as pd

    return isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
