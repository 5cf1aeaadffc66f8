"""Why a unit got its codes: the unit's text with every piece of evidence located in it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.errors import AnalysisError

SUPPRESSED = ["code", "rule_id", "term", "start", "end", "matched", "negated", "reason", "detail"]
CODE_COLUMNS = ["code", "family", "negated", "denials", "confidence", "source", "evidence"]


@dataclass(frozen=True)
class Explanation:
    """A unit (``text`` starts at document offset ``start``) and its evidence rows (document
    offsets; ``rule_id``, ``term``, ``matched``, ``negated``, ``cue`` per code)."""

    segment_id: str
    speaker: str
    start: int
    text: str
    codes: pd.DataFrame  # code, family, negated, denials (+ confidence, source, and the
    # weightiest words of a coding no rule made, in a run coded with a model)
    evidence: pd.DataFrame
    decisions: pd.DataFrame | None = None  # a model run: every code proposed or considered
    # evidence that exclude / when_negated / yield_to / min_terms set aside, with why
    suppressed: pd.DataFrame | None = None

    def _repr_html_(self) -> str:
        from ksmcode.report.notebook import explanation_html

        return explanation_html(self)


def explain(coding: Coding, segment_id: str) -> Explanation:
    """The evidence behind the codes of one unit.

    Example::

        explain(load_coding("out"), "wawancara/ketua_ksm.docx#41").evidence
    """
    units = coding.units.set_index("segment_id")
    if segment_id not in units.index:
        close = difflib.get_close_matches(segment_id, list(units.index), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise AnalysisError(
            f"no unit '{segment_id}' in this coding (ids look like 'document#n'; interviewer "
            f"turns are not units){hint}"
        )
    unit = units.loc[segment_id]
    segments = coding.segments[coding.segments["segment_id"] == segment_id]
    evidence = coding.evidence[coding.evidence["segment_id"] == segment_id]
    return Explanation(
        suppressed=_for_unit(coding.suppressed, segment_id, SUPPRESSED),
        segment_id=segment_id,
        speaker=str(unit["speaker"]),
        start=int(unit["start"]),
        text=str(unit["text"]),
        codes=segments[[c for c in CODE_COLUMNS if c in segments]].reset_index(drop=True),
        evidence=evidence[["code", "rule_id", "term", "start", "end", "matched", "negated", "cue"]]
        .sort_values(["start", "code"])
        .reset_index(drop=True),
        decisions=_for_unit(coding.decisions, segment_id),
    )


def _for_unit(
    table: pd.DataFrame | None, segment_id: str, columns: list[str] | None = None
) -> pd.DataFrame | None:
    """The rows of an optional run table that belong to one unit."""
    if table is None:
        return None
    rows = table[table["segment_id"] == segment_id]
    keep = columns or [c for c in rows.columns if c not in ("document", "segment_id")]
    return rows[keep].reset_index(drop=True)
