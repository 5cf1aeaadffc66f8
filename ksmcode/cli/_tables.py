"""Tables at a terminal that never break an identifier.

Cells without spaces (code ids, group names, numbers) are never wrapped; text cells wrap at
spaces. A table too wide for the terminal first gets short keys for long column headers
(explained under the table), then is split into several tables of fewer columns, each
repeating the first column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

TEXT_MIN = 12  # narrowest a wrapping text column may get
EDGE = 4  # a table's outer border and the first column's padding
GAP = 3  # a column's padding and separator


@dataclass
class _Column:
    header: str
    cells: list[str]
    numeric: bool

    @property
    def atomic(self) -> bool:
        return not any(" " in c for c in self.cells)

    def width(self, header: str | None = None) -> int:
        header = self.header if header is None else header
        longest_word = max((len(w) for c in self.cells for w in c.split()), default=0)
        cells = max((len(c) for c in self.cells), default=0)
        body = cells if self.atomic else min(cells, max(TEXT_MIN, longest_word))
        return max(body, *(len(w) for w in header.split()), 1)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.3g}"
    return str(value)


def _columns(flat) -> list[_Column]:
    columns = []
    for name in flat.columns:
        header = " ".join(str(p) for p in name if str(p)) if isinstance(name, tuple) else str(name)
        cells = [_cell(v) for v in flat[name]]
        columns.append(_Column(header, cells, flat[name].dtype.kind in "if"))
    return columns


def _total(widths: list[int]) -> int:
    return EDGE + sum(w + GAP for w in widths)


def _keys(columns: list[_Column], width: int) -> dict[int, str]:
    """Short headers ("[1]", "[2]"…) for columns whose header is wider than their cells,
    when the full headers do not fit."""
    if _total([c.width() for c in columns]) <= width:
        return {}
    keys, number = {}, 0
    for i, column in enumerate(columns[1:], start=1):
        if column.width() > column.width("") + 3:  # a key must save room
            number += 1
            keys[i] = f"[{number}]"
    return keys


def _chunks(widths: list[int], width: int) -> list[list[int]]:
    """Column positions per table: the first column, then as many others as fit."""
    chunks: list[list[int]] = [[0]]
    for i in range(1, len(widths)):
        if len(chunks[-1]) > 1 and _total([widths[j] for j in chunks[-1]] + [widths[i]]) > width:
            chunks.append([0])
        chunks[-1].append(i)
    return chunks


def render(console: Console, flat, *, title: str | None = None) -> None:
    """Print ``flat`` (a DataFrame with a plain index) on ``console`` without breaking ids."""
    columns = _columns(flat)
    keys = _keys(columns, console.width)
    headers = [keys.get(i, c.header) for i, c in enumerate(columns)]
    widths = [c.width(h) for c, h in zip(columns, headers, strict=True)]
    chunks = _chunks(widths, console.width)
    for n, chunk in enumerate(chunks, start=1):
        part = f" ({n} of {len(chunks)})" if len(chunks) > 1 else ""
        table = Table(title=f"{title or ''}{part}" or None, header_style="bold")
        for i in chunk:
            column = columns[i]
            table.add_column(
                headers[i],
                justify="right" if column.numeric else "left",
                no_wrap=column.atomic,
                min_width=widths[i],
                overflow="fold",
            )
        for row in range(len(flat)):
            table.add_row(*(columns[i].cells[row] for i in chunk))
        console.print(table)
    if keys:
        console.print(
            "Columns: " + "; ".join(f"{key} {columns[i].header}" for i, key in keys.items()),
            soft_wrap=False,
        )
