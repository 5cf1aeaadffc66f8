"""Consoles, the error boundary and table rendering shared by every command.

stdout carries data; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer
from rich.console import Console

from ksmcode.errors import ExportError, KsmcodeError
from ksmcode.wording import plural as plural  # re-exported for the commands

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)
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
            err.print(f"[bold red]Error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
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
                TextColumn("{task.description}"),
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


def refuse_overwrite(path: Path, force: bool) -> None:
    """Raise :class:`ExportError` if ``path`` exists and ``--force`` was not given."""
    if path.exists() and not force:
        raise ExportError(f"{path} exists; add --force to overwrite")


def warn(message: str) -> None:
    err.print(f"[yellow]Warning:[/] {message}", soft_wrap=True, markup=True)


def show_frame(frame, *, title: str | None = None, max_rows: int = 60) -> None:
    """Show a DataFrame: a rich table at a terminal, CSV when stdout is piped."""
    if not sys.stdout.isatty():
        frame.to_csv(sys.stdout, index=not _plain_index(frame), lineterminator="\n")
        return
    from rich.table import Table

    flat = frame if _plain_index(frame) else frame.reset_index()
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in flat.columns:
        name = " ".join(str(p) for p in column if str(p)) if isinstance(column, tuple) else column
        numeric = flat[column].dtype.kind in "if"
        table.add_column(str(name), justify="right" if numeric else "left", overflow="fold")
    for row in flat.head(max_rows).itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    out.print(table)
    if len(flat) > max_rows:
        err.print(f"({len(flat) - max_rows} more rows; write them all with --output FILE)")


def _plain_index(frame) -> bool:
    import pandas as pd

    return isinstance(frame.index, pd.RangeIndex) and frame.index.name is None


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.3g}"
    return str(value)
