"""A study report as one Excel workbook: a sheet per table, so nobody has to join CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ksmcode.analysis.report import StudyReport
from ksmcode.export.tables import write_workbook as write_sheets

HEAT = ("matrix", "co-occurrence", "pairwise", "per code")


def report_sheets(report: StudyReport) -> dict[str, pd.DataFrame]:
    """The report's tables by sheet name, in reading order (agreement and evaluation only
    where they exist)."""
    sheets = {
        "overview": report.glance,
        "sources": report.sources,
        "segments": report.coding.segments,
        "units": report.coding.units,
        "matrix": report.matrix,
        "co-occurrence": report.cooccurrence,
        "triangulation": report.triangulation,
        "sequence": report.sequence,
        "exemplars": _joined(report.exemplars),
        "denials": _joined(report.negations),
    }
    if report.agreement is not None:
        result = report.agreement
        sheets["stances"] = result.stances
        sheets["pairwise"] = result.pairwise
        sheets["agreement"] = result.coefficients()
    if report.evaluation is not None:
        sheets["evaluation"] = report.evaluation.rename_axis("part")
    if report.per_code is not None:
        sheets["per code"] = report.per_code
    return sheets


def _joined(frame: pd.DataFrame) -> pd.DataFrame:
    """Tuple cells (the highlighted words) as "a; b" text."""
    tuples = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, tuple)).any()]
    return frame.assign(**{c: frame[c].map("; ".join) for c in tuples})


def write_workbook(report: StudyReport, path: str | Path) -> Path:
    """Write the report's tables to one xlsx workbook (frozen headers, filters, widths,
    colour scales on the matrices)."""
    return write_sheets(report_sheets(report), path, heat=HEAT)
