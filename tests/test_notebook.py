"""Results display as HTML in a Jupyter notebook (``_repr_html_``)."""

from __future__ import annotations

import ksmcode
from ksmcode.analysis.codings import collect_codings
from ksmcode.analysis.report import study_report


def test_coding_shows_its_numbers_and_frequencies(coded_out):
    html = ksmcode.load_coding(coded_out)._repr_html_()
    assert html.startswith('<div class="ksm">')
    assert "<td>documents</td><td>3</td>" in html
    assert "<td>stage.termination</td>" in html


def test_explanation_marks_affirmed_and_negated_evidence(coded_out):
    result = ksmcode.explain(ksmcode.load_coding(coded_out), "ketua.txt#4")
    html = result._repr_html_()
    assert '<mark class="neg" title="stage.termination: terminasi">terminasi</mark>' in html
    assert '<mark title="stage.termination: dipantau terus">dipantau terus</mark>' in html


def test_report_and_agreements_display(coded_out, data):
    coding = ksmcode.load_coding(coded_out)
    page = study_report(coding)._repr_html_()
    assert "<!DOCTYPE" not in page and "<svg" in page and 'id="sequence"' in page
    sources = ksmcode.source_agreement(coding.segments, coding.units, codes=coding.code_ids)
    assert "Krippendorff's alpha" in sources._repr_html_()
    analysis = ksmcode.load_coding(data / "analysis" / "out")
    codings = collect_codings(
        [data / "analysis" / "coding_ani.csv"], analysis.units, codes=analysis.code_ids,
        segments=analysis.segments,
    )  # fmt: skip
    agreement = ksmcode.coder_agreement(codings, codes=analysis.code_ids, reference="coding_ani")
    assert "<th>kappa</th>" in agreement._repr_html_()
    assert "<th>f1 (auto)</th>" in agreement._repr_html_()
