"""Analyses of a coding: matrices, triangulation and agreement (pandas in, pandas out)."""

from ksmcode.analysis.agreement import (
    AgreementResult,
    SourceAgreement,
    coder_agreement,
    cohen_kappa,
    disagreements,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    source_agreement,
)
from ksmcode.analysis.codings import (
    align_coding,
    coding_from_segments,
    collect_codings,
    read_coding,
    split_coders,
)
from ksmcode.analysis.matrix import coding_matrix, cooccurrence
from ksmcode.analysis.triangulation import exemplars, status_legend, triangulate

__all__ = [
    "AgreementResult",
    "SourceAgreement",
    "align_coding",
    "coder_agreement",
    "coding_from_segments",
    "coding_matrix",
    "cohen_kappa",
    "collect_codings",
    "cooccurrence",
    "disagreements",
    "exemplars",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "read_coding",
    "source_agreement",
    "split_coders",
    "status_legend",
    "triangulate",
]
