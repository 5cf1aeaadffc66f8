"""Applying a trained coder to a coding run: frames in, frames out.

The rule engine's run (``coding_frames`` or ``load_coding``) already holds everything the model
reads: unit texts and rule evidence. ``apply_model`` decides every (unit, code) anew and returns
the run's frames with the model's decisions:

- ``segments`` keeps a rule coding the model accepts (``source`` = ``rules+model``), adds the
  codings only the model makes (``model``; their ``evidence`` names the words that weighed most),
  keeps rule codings of codes the model has too few examples for (``rules``), and drops rule
  codings the model rejects; every row gets a ``confidence`` (the calibrated probability) and
  its ``negated`` flag from the model's negation stage (``denials`` still counts the rules'
  negated evidence);
- ``units`` gets the new 0/1 code columns;
- ``decisions`` lists every (unit, code) the rules proposed or the model gave at least
  ``KEEP_PROBABILITY``, with the probability that a coding of it is negated (``negation``):
  the material for ``ksmcode review``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ksmcode.analysis.frame import DECISION_COLUMNS, Coding, DocumentRows, table_frames
from ksmcode.codebook.model import Codebook
from ksmcode.errors import ModelError
from ksmcode.learn.examples import Examples, examples_from_coding

if TYPE_CHECKING:  # the coder's module imports scikit-learn; a rules-only run needs none
    from ksmcode.learn.coder import Decisions, LearnedCoder

Row = TypeVar("Row")
KEEP_PROBABILITY = 0.05
TOP_WORDS = 4


def apply_model(coder: LearnedCoder, coding: Coding, never_negated: Collection[str] = ()) -> Coding:
    """The run ``coding`` with the coder's decisions (see the module docstring); codings of
    ``never_negated`` codes (``when_negated: ignore``) are never marked negated.

    Example::

        coding = apply_model(load_model("codebooks/ksm.model"), load_coding("out"))
    """
    codes = list(coding.code_ids)
    if list(coder.code_ids) != codes:
        raise ModelError(
            "the model's codes are not the run's codes; retrain the model with this codebook"
        )
    units = coding.units.reset_index(drop=True)
    examples = examples_from_coding(replace(coding, units=units))
    decided = coder.decide(examples).never_negating(np.isin(codes, list(never_negated)))
    fired = examples.rules[:, :, 0] > 0
    trained = coder.trained
    source = np.where(~trained[None, :], "rules", np.where(fired, "rules+model", "model"))
    new_units = units.copy()
    for k, code in enumerate(codes):
        new_units[code] = decided.coded[:, k].astype(int)
    segments = _segments(coding, units, examples, coder, decided, source)
    decisions = _decisions(units, codes, decided, coder.thresholds, fired, source)
    return replace(coding, segments=segments, units=new_units, decisions=decisions)


def apply_to_rows(
    coder: LearnedCoder, documents: list[DocumentRows], codebook: Codebook
) -> list[DocumentRows]:
    """``apply_model`` on some documents' rows at once (the streaming form ``code_study``
    writes); each unit is decided on its own, so a batch gives what one document at a time
    gives, with pandas' fixed costs paid once."""
    frames = table_frames(documents, codebook, [])
    coding = Coding(
        frames["segments"],
        frames["units"],
        frames["evidence"],
        {},
        codebook.code_ids,
        {c.id: c.family for c in codebook.codes},
        suppressed=frames["suppressed"],
    )
    never = [c.id for c in codebook.codes if c.when_negated == "ignore"]
    decided = apply_model(coder, coding, never)
    assert decided.decisions is not None
    units = _by_document(_records(decided.units), lambda row: row["document"])
    segments = _by_document(_records(decided.segments), lambda row: row["document"])
    decisions = _by_document(decided.decisions.to_numpy().tolist(), lambda row: row[0])
    return [
        replace(
            rows,
            units=units.get(rows.document, []),
            segments=segments.get(rows.document, []),
            decisions=decisions.get(rows.document, []),
        )
        for rows in documents
    ]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` (the same Python values), four times faster: each column
    is turned into Python values at once, not cell by cell."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _by_document(rows: list[Row], document: Callable[[Row], str]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(document(row), []).append(row)
    return grouped


def _segments(
    coding: Coding,
    units: pd.DataFrame,
    examples: Examples,
    coder: LearnedCoder,
    decided: Decisions,
    source: np.ndarray,
) -> pd.DataFrame:
    probability, coded, negated = decided.probability, decided.coded, decided.negated
    codes = list(coding.code_ids)
    row_of = {s: i for i, s in enumerate(units["segment_id"].astype(str))}
    col_of = {c: k for k, c in enumerate(codes)}
    old = coding.segments
    i = old["segment_id"].astype(str).map(row_of).to_numpy(dtype=int)
    k = old["code"].map(col_of).to_numpy(dtype=int)
    kept = old[coded[i, k]].copy()
    kept["confidence"] = probability[i, k][coded[i, k]]
    kept["source"] = source[i, k][coded[i, k]]
    kept["negated"] = negated[i, k][coded[i, k]]
    has_rule_row = np.zeros(coded.shape, dtype=bool)
    has_rule_row[i, k] = True
    rows, cols = np.nonzero(coded & ~has_rule_row)
    added = _model_rows(coding, units, examples, coder, rows, cols)
    added["confidence"] = probability[rows, cols]
    added["source"] = source[rows, cols]
    added["negated"] = negated[rows, cols]
    columns = [*old.columns, "confidence", "source"]
    frame = pd.concat([kept, added[columns]], ignore_index=True)
    order = frame["segment_id"].astype(str).map(row_of) * len(codes) + frame["code"].map(col_of)
    return frame.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _model_rows(
    coding: Coding,
    units: pd.DataFrame,
    examples: Examples,
    coder: LearnedCoder,
    rows: np.ndarray,
    cols: np.ndarray,
) -> pd.DataFrame:
    """Segment rows for codings no rule made; their evidence names the weightiest words."""
    codes = list(coding.code_ids)
    base = units.iloc[rows].reset_index(drop=True)
    frame = base[[c for c in coding.segments.columns if c in base.columns]].copy()
    frame["code"] = [codes[c] for c in cols]
    frame["family"] = frame["code"].map(coding.families)
    frame["denials"] = 0
    words = top_words(coder, [examples.texts[r] for r in rows], cols)
    frame["evidence"] = [f"model: {', '.join(w) or 'similar hand-coded units'}" for w in words]
    return frame.reindex(columns=coding.segments.columns)


def top_words(coder: LearnedCoder, texts: list[str], cols: np.ndarray) -> list[list[str]]:
    """For each text, the words (word n-grams) that pushed its code's text classifier most."""
    if not texts:
        return []
    vectors = coder.model.vectors_
    word = vectors.tfidf_["word"]
    X = word.transform(texts)
    offset = sum(len(t.vocabulary) for n, t in vectors.tfidf_.items() if n != "word")
    names = word.vocabulary
    out = []
    for row, code in enumerate(cols):
        start, end = X.indptr[row], X.indptr[row + 1]
        index, values = X.indices[start:end], X.data[start:end]
        weight = values * coder.model.text_coef_[code, offset + index]
        order = np.argsort(-weight)[:TOP_WORDS]
        out.append([str(names[index[j]]) for j in order if weight[j] > 0])
    return out


def _decisions(
    units: pd.DataFrame,
    codes: list[str],
    decided: Decisions,
    thresholds: np.ndarray,
    fired: np.ndarray,
    source: np.ndarray,
) -> pd.DataFrame:
    probability, coded = decided.probability, decided.coded
    rows, cols = np.nonzero(fired | coded | (probability >= KEEP_PROBABILITY))
    return pd.DataFrame(
        {
            "document": units["document"].to_numpy()[rows],
            "segment_id": units["segment_id"].to_numpy()[rows],
            "code": np.asarray(codes)[cols],
            "probability": probability[rows, cols].round(4),
            "threshold": thresholds[cols].round(4),
            "coded": coded[rows, cols].astype(int),
            "rules": fired[rows, cols].astype(int),
            "source": source[rows, cols],
            "negation": decided.negation[rows, cols].round(4),
        },
        columns=DECISION_COLUMNS,
    )
