"""Study reports a researcher can look at: an HTML page with charts, one Excel workbook, or
Markdown. The tables are computed once (:func:`ksmcode.analysis.report.study_report`) and
rendered here."""

from __future__ import annotations

from pathlib import Path

from ksmcode.analysis.frame import Coding, load_coding
from ksmcode.analysis.report import StudyReport, study_report
from ksmcode.errors import ExportError
from ksmcode.export.atomic import write_bytes

REPORT_FORMATS = ("html", "md", "xlsx")


def report_format(path: str | Path, fmt: str | None = None) -> str:
    """``fmt``, else the format named by the suffix of ``path`` (``.html``, ``.md``, ``.xlsx``)."""
    chosen = (fmt or Path(path).suffix.lstrip(".") or "html").lower()
    chosen = {"htm": "html", "markdown": "md"}.get(chosen, chosen)
    if chosen not in REPORT_FORMATS:
        raise ExportError(
            f"{path}: unknown report format '{chosen}'; use one of: {', '.join(REPORT_FORMATS)}"
        )
    return chosen


def write_report(
    study: StudyReport | Coding | str | Path,
    path: str | Path,
    *,
    fmt: str | None = None,
    **options: object,
) -> Path:
    """Write a study report to ``path``: an HTML page, a Markdown file or an xlsx workbook
    (``fmt``, else from the suffix; html without one). ``study`` is a report, a coding or a
    run folder; ``options`` go to :func:`~ksmcode.analysis.report.study_report` (``by``,
    ``gold``, ``split``, ``part``, ``sequence``).

    Example::

        ksmcode.write_report("out", "report.html", by="role", gold="gold/ksm_gold.csv")
    """
    chosen = report_format(path, fmt)
    if isinstance(study, StudyReport) and options:
        raise TypeError(f"options {sorted(options)} apply when computing a report, not to one")
    if not isinstance(study, StudyReport):
        coding = study if isinstance(study, Coding) else load_coding(study)
        study = study_report(coding, **options)  # type: ignore[arg-type]
    if chosen == "xlsx":
        from ksmcode.report.workbook import write_workbook

        return write_workbook(study, path)
    if chosen == "md":
        from ksmcode.export.report import render_markdown

        return write_bytes(path, render_markdown(study).encode("utf-8"))
    from ksmcode.report.html import render_html

    return write_bytes(path, render_html(study).encode("utf-8"))
