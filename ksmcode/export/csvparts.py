"""One document's csv lines, rendered where the document was coded and put together where the
tables are written.

Lines of the segments and units tables hold the attribute cells, and which attribute columns
there are is known only where the tables are written (every document's metadata, in order).
So those lines are rendered without them, cut where they go: consecutive lines' pieces are
fused, and ``joiner.join(parts)`` puts a whole document's lines together with its attribute
cells in one step, whatever the columns turn out to be. Coding workers render their documents'
lines this way, so the process writing the tables only joins and appends text.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from ksmcode.analysis.frame import ID_COLUMNS, TEXT_COLUMNS, DocumentRows, table_columns
from ksmcode.codebook.model import Codebook
from ksmcode.export.tables import csv_lines

WHOLE = ("evidence", "suppressed", "decisions")  # tables without attribute columns


@dataclass(frozen=True)
class CsvParts:
    """A document's csv text per table: ``segments`` and ``units`` as fused pieces to join
    with the attribute cells (``join``), the other tables as whole lines."""

    segments: list[str]
    units: list[str]
    whole: dict[str, str]

    def join(self, table: str, attribute_cells: str) -> str:
        """The table's lines for this document, with its ``attribute_cells`` (as
        ``attribute_cells`` gives them)."""
        if table in WHOLE:
            return self.whole.get(table, "")
        if table == "units":  # the code cells come after the attributes
            return (attribute_cells + ",").join(self.units)
        return attribute_cells.join(self.segments)


def attribute_cells(attributes: list[str], values: dict[str, str]) -> str:
    """The csv text a document's ``attributes`` cells add to a line: each led by a comma."""
    if not attributes:
        return ""
    line = csv_lines([[values.get(name, "") for name in attributes] + [""]])[0]
    return "," + line[:-2]  # [:-2]: the empty cell and the line end


def csv_parts(rows: DocumentRows, codebook: Codebook, model: bool = False) -> CsvParts:
    """Render a document's rows (a run with a learned ``model`` has its segment columns)."""
    columns = table_columns(codebook, [], model=model)
    segment_cells = itemgetter(*columns["segments"])
    leading = len(ID_COLUMNS) + len(TEXT_COLUMNS)  # then the attributes and the codes
    unit_cells = itemgetter(*columns["units"][:leading])
    code_ids = codebook.code_ids
    whole = {
        name: "".join(csv_lines(table))
        for name, table in (
            ("evidence", rows.evidence),
            ("suppressed", rows.suppressed),
            ("decisions", rows.decisions or []),
        )
    }
    return CsvParts(
        segments=_fused(
            _unended(csv_lines(map(segment_cells, rows.segments))), ["\n"] * len(rows.segments)
        ),
        units=_fused(
            _unended(csv_lines(map(unit_cells, rows.units))),
            # 0/1 cells: nothing to quote or make safe
            [",".join([str(u[c]) for c in code_ids]) + "\n" for u in rows.units],
        ),
        whole=whole,
    )


def _unended(lines: list[str]) -> list[str]:
    """The lines without their line ends (rendered with them: a cell holding a line break
    is quoted only then)."""
    return [line[:-1] for line in lines]


def _fused(before: list[str], after: list[str]) -> list[str]:
    """Pieces whose join with a joiner J gives ``before[i] + J + after[i]`` line after line."""
    return [a + b for a, b in zip(["", *after], [*before, ""], strict=True)]
