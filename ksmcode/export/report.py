"""Render a ``StudyReport`` as Markdown a researcher can read and paste into a paper."""

from __future__ import annotations

import re

import pandas as pd

from ksmcode.analysis.report import StudyReport
from ksmcode.wording import plural


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text on one line: characters that could start HTML, a
    link, emphasis, code or a table cell (``< > [ ] * _ ` | \\``) are backslash-escaped,
    so text from transcripts and metadata can never become markup or a link."""
    return _MARKDOWN_ACTIVE.sub(r"\\\g<0>", " ".join(str(value).split()))


_MARKDOWN_ACTIVE = re.compile(r"[\\`*_<>\[\]|]")


def markdown_table(frame: pd.DataFrame, *, index: bool = True) -> str:
    """A GitHub-flavoured Markdown table; every header and cell is ``markdown_text``."""
    flat = frame.reset_index() if index else frame
    header = [markdown_text(c) for c in flat.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in flat.itertuples(index=False):
        cells = [_cell(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        value = "" if value != value else f"{value:g}"
    return markdown_text(value)


def _label(labels: dict[str, str]) -> str:
    """ "Tahap persiapan / Engagement" from a code's labels per language."""
    return " / ".join(dict.fromkeys(labels.values()))


def _count(counts: dict, key: str, noun: str) -> str:
    """ "1 document", "12 documents", "? documents" from run.json's counts."""
    n = counts.get(key)
    return plural(n, noun) if isinstance(n, int) else f"? {noun}s"


def render_markdown(report: StudyReport) -> str:
    """The report as one Markdown document."""
    run = report.run
    codebook = run.get("codebook", {})
    counts = run.get("counts", {})
    labels = codebook.get("labels", {})
    tri = report.triangulation.assign(
        label=[_label(labels.get(code, {})) for code in report.triangulation.index]
    )
    status = tri["status"].value_counts()
    title = markdown_text(
        f"{codebook.get('name', 'codebook')} (version {codebook.get('version', '?')})"
    )
    by = markdown_text(report.by)
    parts = [
        f"# Coding report: {title}",
        f"Automatic coding with ksmcode {run.get('ksmcode', '')}, unit of analysis: "
        f"{run.get('options', {}).get('unit', 'turn')}. {_count(counts, 'documents', 'document')}, "
        f"{_count(counts, 'units', 'unit')}, {counts.get('coded_units', '?')} coded; "
        f"codebook sha256 {str(codebook.get('sha256', ''))[:12]}. Every coding below is backed "
        "by evidence (rule, matched words, offsets) in evidence.csv.",
        f"## Sources by {by}",
        markdown_table(report.corpus),
        f"## Triangulation by {by}",
        "Status per code: " + ", ".join(f"{n} {s}" for s, n in status.items()) + ".",
        markdown_table(
            tri[
                [
                    "label",
                    "status",
                    "groups_affirming",
                    "groups_negating",
                    "groups_denying",
                    "methods_affirming",
                ]
            ]
        ),
        "## Exemplar quotes",
        "The clearest affirmed segment of each code for each supporting group.",
        markdown_table(report.exemplars[["code", report.by, "segment_id", "text"]], index=False),
        "## Denials",
        "Codes whose topic is spoken of as absent or not done, where the negation covers the "
        "code's own words (e.g. a formal termination that never happened), with the shortest "
        "such segment.",
        markdown_table(report.negations[["document", "segment_id", report.by, "text"]])
        if len(report.negations)
        else "None.",
        f"## Coded segments per code and {by}",
        markdown_table(report.matrix),
    ]
    return "\n\n".join(parts) + "\n"
