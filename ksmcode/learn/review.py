"""The review loop: the codings most worth a human look, and the human's decisions read back.

``review_worklist`` ranks the (unit, code) decisions of a model run: uncertain probabilities
first (near the code's threshold), then rule–model disagreements (a rule fired and the model
said no, or the model coded with no rule), then codes with few training examples. The researcher
fills the ``decision`` column (accept / reject / another code id) and ``ksmcode learn --coding
review.xlsx`` reads it as coding: each judged (unit, code) becomes a label, nothing else does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.analysis.matrix import NEGATED_SUFFIX
from ksmcode.errors import AnalysisError, ImportFormatError, Problem
from ksmcode.flags import parse_flag

ACCEPT = {"accept", "accepted", "yes", "y", "ok", "1", "true", "ya", "benar", "terima"}
REJECT = {"reject", "rejected", "no", "n", "0", "false", "tidak", "salah", "tolak"}
FEW_EXAMPLES = 10
REVIEW_COLUMNS = [
    "document",
    "segment_id",
    "code",
    "probability",
    "threshold",
    "coded",
    "source",
    "why",
    "evidence",
    "question",
    "text",
    "decision",
    "negated",
]


def review_worklist(
    coding: Coding, *, positives: dict[str, int] | None = None, limit: int | None = 200
) -> pd.DataFrame:
    """The decisions of a model run ranked for review, with an empty ``decision`` column.

    ``positives`` (training positives per code, from the model file) raises codes with few
    examples. Example::

        worklist = review_worklist(load_coding("out"), limit=100)
    """
    if coding.decisions is None:
        raise AnalysisError(
            "this run has no model decisions; run 'ksmcode code --model MODEL' first"
        )
    table = coding.decisions.copy()
    if table.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    margin = (table["probability"] - table["threshold"]).abs()
    uncertain = 1 - (margin / 0.5).clip(upper=1)
    disagree = table["rules"].astype(int) != table["coded"].astype(int)
    counts = pd.Series(positives or {}, dtype=float)
    few = table["code"].map(counts).fillna(0) < FEW_EXAMPLES if positives else False
    table["priority"] = uncertain + 0.5 * disagree + 0.25 * few
    table["why"] = [
        _why(u, d, f)
        for u, d, f in zip(uncertain, disagree, np.broadcast_to(few, len(table)), strict=True)
    ]
    evidence = coding.segments.set_index(["segment_id", "code"])["evidence"]
    units = coding.units.set_index("segment_id")
    keys = list(zip(table["segment_id"], table["code"], strict=True))
    table["evidence"] = [evidence.get(key, "") for key in keys]
    for column in ("question", "text"):  # a run written before questions has none
        values = units[column] if column in units else pd.Series(dtype=object)
        table[column] = table["segment_id"].map(values).fillna("")
    table["decision"] = ""
    table["negated"] = ""
    table = table.sort_values(["priority", "segment_id"], ascending=[False, True], kind="stable")
    return table.head(limit)[REVIEW_COLUMNS].reset_index(drop=True)


def _why(uncertainty: float, disagree: bool, few: bool) -> str:
    reasons = []
    if uncertainty >= 0.6:
        reasons.append("uncertain")
    if disagree:
        reasons.append("rules and model disagree")
    if few:
        reasons.append("few training examples")
    return "; ".join(reasons) or "check"


def is_review(table: pd.DataFrame) -> bool:
    """Does this coding table come from ``ksmcode review`` (it has a decision column)?"""
    return "decision" in {str(c).strip().lower() for c in table.columns}


def review_labels(
    table: pd.DataFrame, codes: Sequence[str], units: pd.DataFrame, path: str | Path
) -> pd.DataFrame:
    """The judged (unit, code) pairs of a filled-in worklist as labels (the shape of
    ``align_coding``; unjudged pairs stay <NA>). Rows with an empty decision are skipped."""
    table = table.rename(columns=lambda c: str(c).strip().lower())
    index = pd.Index(units["segment_id"].astype(str), name="segment_id")
    labels = pd.DataFrame(pd.NA, index=index, columns=list(codes), dtype="Int64")
    negated = pd.DataFrame(
        pd.NA, index=index, columns=[f"{c}{NEGATED_SUFFIX}" for c in codes], dtype="Int64"
    )
    problems = []
    for line, row in enumerate(table.to_dict("records"), start=2):
        decision = str(row.get("decision") or "").strip()
        segment, code = str(row.get("segment_id") or ""), str(row.get("code") or "")
        if not decision:
            continue
        if segment not in labels.index:
            problems.append(Problem(f"unknown segment_id '{segment}'", path, line))
            continue
        lowered = decision.lower()
        if lowered in ACCEPT or lowered in REJECT:
            target, value = code, int(lowered in ACCEPT)
        elif decision in labels.columns:  # another code instead of this one
            labels.at[segment, code] = 0 if code in labels.columns else pd.NA
            target, value = decision, 1
        else:
            problems.append(
                Problem(
                    f"decision '{decision}' is not accept, reject or a code id",
                    path,
                    line,
                    hint="write accept, reject, or the code that applies instead",
                )
            )
            continue
        if target not in labels.columns:
            problems.append(Problem(f"unknown code id '{target}'", path, line))
            continue
        labels.at[segment, target] = value
        flag = parse_flag(row.get("negated"))
        negated.at[segment, f"{target}{NEGATED_SUFFIX}"] = int(bool(flag)) if value else 0
    if problems:
        raise ImportFormatError(f"{path}: {len(problems)} problem(s) in the review", problems)
    return pd.concat([labels, negated], axis=1)
