"""How results look in a Jupyter notebook (their ``_repr_html_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksmcode.report.markup import esc, fragment, mark_spans, table

if TYPE_CHECKING:
    from ksmcode.analysis.agreement import AgreementResult, SourceAgreement
    from ksmcode.analysis.evaluation import Evaluation
    from ksmcode.analysis.explain import Explanation
    from ksmcode.analysis.frame import Coding


def coding_html(coding: Coding) -> str:
    """The coding at a glance and its code frequencies."""
    from ksmcode.analysis.report import code_frequencies, glance

    source = f" from {esc(coding.folder)}" if coding.folder else ""
    return fragment(
        f"<h3>Coding{source}</h3>"
        + table(glance(coding))
        + "<p class='note'>Coded segments per code; <code>.segments</code>, "
        "<code>.units</code> and <code>.evidence</code> hold the frames.</p>"
        + table(code_frequencies(coding))
    )


def explanation_html(result: Explanation) -> str:
    """The unit's text with its evidence marked (negated evidence in red), and the rules."""
    spans = [
        (int(r.start) - result.start, int(r.end) - result.start, "neg" if r.negated else "",
         f"{r.code}: {r.term}")
        for r in result.evidence.itertuples(index=False)
    ]  # fmt: skip
    return fragment(
        f"<h3><code>{esc(result.segment_id)}</code> {esc(result.speaker)}</h3>"
        f"<blockquote><p>{mark_spans(result.text, spans)}</p></blockquote>"
        + table(result.codes, index=False)
        + table(result.evidence, index=False)
    )


def agreement_html(result: AgreementResult) -> str:
    return fragment(
        f"<h3>Agreement of {esc(', '.join(result.coders))}</h3>" + table(result.summary())
    )


def sources_html(result: SourceAgreement) -> str:
    note = f"<p class='note'>{esc(result.note)}</p>" if result.note else ""
    return fragment(
        f"<h3>Agreement between sources ({esc(result.by)})</h3><p>Krippendorff's alpha "
        f"{result.alpha:.2f}, Gwet's AC1 {result.ac1:.2f}.</p>{note}"
        + table(result.stances, pills=[c for c in result.stances.columns if c != "agree"])
        + table(result.pairwise)
    )


def evaluation_html(result: Evaluation) -> str:
    return fragment("<h3>Auto-coding against gold</h3>" + table(result.summary))
