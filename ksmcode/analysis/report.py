"""The tables of a study report, computed once; ``ksmcode.export.report`` renders them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.analysis.matrix import coding_matrix
from ksmcode.analysis.triangulation import exemplars, triangulate


@dataclass(frozen=True)
class StudyReport:
    """What a results chapter needs: the corpus at a glance, triangulation by source group and
    by method, one exemplar per code and group, denials, and the code × group matrix."""

    run: dict[str, Any]
    by: str
    corpus: pd.DataFrame  # per group: documents, units, coded units
    triangulation: pd.DataFrame
    exemplars: pd.DataFrame
    negations: pd.DataFrame  # per denied code: the shortest segment with negated evidence
    matrix: pd.DataFrame


def study_report(coding: Coding, *, by: str = "role", max_chars: int = 240) -> StudyReport:
    """Compute the report tables for ``coding`` with source groups ``by``.

    Example::

        report = study_report(load_coding("out"))
        report.triangulation[["status", "groups_affirming"]]
    """
    codes, families = list(coding.code_ids), coding.families
    units = coding.units
    coded = units[codes].sum(axis=1) > 0
    corpus = (
        units.assign(coded=coded)
        .groupby(by, sort=False)
        .agg(
            documents=("document", "nunique"), units=("segment_id", "size"), coded=("coded", "sum")
        )
    )
    segments = coding.segments
    negated = segments[pd.to_numeric(segments["denials"], errors="coerce").fillna(0) > 0]
    negations = (
        negated.assign(length=negated["text"].str.len())
        .sort_values(["length", "document", "start"])
        .drop_duplicates("code")
        .set_index("code")
        .reindex([c for c in codes if c in set(negated["code"])])[
            ["document", "segment_id", by, "text"]
        ]
    )
    negations["text"] = negations["text"].map(lambda t: _trim(t, max_chars))
    return StudyReport(
        run=coding.run,
        by=by,
        corpus=corpus,
        triangulation=triangulate(coding.segments, codes=codes, families=families, by=by),
        exemplars=exemplars(coding.segments, by=by, codes=codes, max_chars=max_chars),
        negations=negations,
        matrix=coding_matrix(coding.segments, units, by, codes=codes, families=families),
    )


def _trim(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
