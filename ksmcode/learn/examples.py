"""Training and prediction inputs: one row per unit, with the rule engine's evidence as numbers.

An :class:`Examples` set is what the learned stage sees of a coding run: the unit texts, a
tensor of rule-evidence features per (unit, code), and, for training, the human labels. It is
built from the frames of a run (``coding_frames`` / ``load_coding``), so a model can be applied
to any run folder, in memory or on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.analysis.matrix import NEGATED_SUFFIX

RULE_FEATURES = (
    "fired",
    "one_term",
    "two_terms",
    "three_terms_or_more",
    "log_evidence",
    "share_negated",
    "keyword",
    "pattern",
    "near",
    "log_codes_in_unit",
    "sibling_fired",
    "log_tokens",
    "english",
    "log_suppressed",
)
RULE_KINDS = ("keyword", "pattern", "near")


@dataclass(frozen=True)
class Examples:
    """Units with their rule features and (for training) labels.

    ``rules`` has shape (units, codes, len(RULE_FEATURES)); ``labels`` and ``negated`` have
    shape (units, codes) with NaN where a unit is not labelled; ``weights`` one per unit;
    ``questions`` the interviewer's turn before each unit ("" if none; all "" if not given).
    """

    segment_ids: tuple[str, ...]
    documents: tuple[str, ...]
    languages: tuple[str, ...]
    texts: tuple[str, ...]
    rules: np.ndarray
    labels: np.ndarray
    negated: np.ndarray
    weights: np.ndarray
    questions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.questions:  # a unit set without them (a model file older than them)
            object.__setattr__(self, "questions", ("",) * len(self.texts))

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, index: Sequence[int] | np.ndarray) -> Examples:
        """The examples at the given positions."""
        index = np.asarray(index, dtype=int)
        pick = lambda values: tuple(values[i] for i in index)  # noqa: E731
        return Examples(
            pick(self.segment_ids),
            pick(self.documents),
            pick(self.languages),
            pick(self.texts),
            self.rules[index],
            self.labels[index],
            self.negated[index],
            self.weights[index],
            pick(self.questions),
        )

    def with_weight(self, weight: float) -> Examples:
        return replace(self, weights=np.full(len(self), float(weight)))

    @property
    def labelled(self) -> np.ndarray:
        """True for units with at least one labelled code (a review judges single codes)."""
        return ~np.isnan(self.labels).all(axis=1)


def concat(parts: Sequence[Examples]) -> Examples:
    """One example set from several (e.g. a base model's examples and a study's own)."""
    joined = lambda name: tuple(v for p in parts for v in getattr(p, name))  # noqa: E731
    stack = lambda name: np.concatenate([getattr(p, name) for p in parts])  # noqa: E731
    return Examples(
        joined("segment_ids"),
        joined("documents"),
        joined("languages"),
        joined("texts"),
        stack("rules"),
        stack("labels"),
        stack("negated"),
        stack("weights"),
        joined("questions"),
    )


def rule_features(
    units: pd.DataFrame,
    evidence: pd.DataFrame,
    code_ids: Sequence[str],
    families: dict[str, str],
    suppressed: pd.DataFrame | None = None,
) -> np.ndarray:
    """The (units, codes, features) tensor of rule evidence; see RULE_FEATURES.
    ``suppressed``: the evidence exclude / yield_to / min_terms set aside (a rule came near)."""
    n_units, n_codes = len(units), len(code_ids)
    row = {s: i for i, s in enumerate(units["segment_id"].astype(str))}
    col = {c: k for k, c in enumerate(code_ids)}
    near_miss = np.zeros((n_units, n_codes))
    if suppressed is not None and len(suppressed):
        i, k, _ = _cells(suppressed, row, col)
        np.add.at(near_miss, (i, k), 1)
    count = np.zeros((n_units, n_codes))
    negated = np.zeros((n_units, n_codes))
    kinds = np.zeros((n_units, n_codes, len(RULE_KINDS)))
    terms: dict[tuple[int, int], set[str]] = {}
    if len(evidence):
        i, k, ev = _cells(evidence, row, col)
        np.add.at(count, (i, k), 1)
        np.add.at(negated, (i, k), ev["negated"].astype(bool).to_numpy(dtype=float))
        for j, kind in enumerate(RULE_KINDS):
            hit = (ev["rule"] == kind).to_numpy()
            kinds[i[hit], k[hit], j] = 1
        for a, b, term in zip(i, k, ev["term"].astype(str), strict=True):
            terms.setdefault((a, b), set()).add(term)
    n_terms = np.zeros((n_units, n_codes))
    for (a, b), found in terms.items():
        n_terms[a, b] = len(found)
    fired = (count > 0).astype(float)
    family_of = np.array([families.get(c, c) for c in code_ids])
    same_family = (family_of[:, None] == family_of[None, :]).astype(float)
    np.fill_diagonal(same_family, 0)
    sibling = ((fired @ same_family) > 0).astype(float)
    tokens = units["text"].fillna("").astype(str).str.split().str.len().to_numpy(dtype=float)
    english = (units["language"].astype(str) == "en").to_numpy(dtype=float)
    per_unit = lambda values: np.repeat(values[:, None], n_codes, axis=1)  # noqa: E731
    return np.stack(
        [
            fired,
            (n_terms == 1).astype(float),
            (n_terms == 2).astype(float),
            (n_terms >= 3).astype(float),
            np.log1p(count),
            np.divide(negated, count, out=np.zeros_like(count), where=count > 0),
            kinds[:, :, 0],
            kinds[:, :, 1],
            kinds[:, :, 2],
            per_unit(np.log1p(fired.sum(axis=1))),
            sibling,
            per_unit(np.log1p(tokens)),
            per_unit(english),
            np.log1p(near_miss),
        ],
        axis=-1,
    )


def _cells(
    table: pd.DataFrame, row: dict[str, int], col: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The (unit, code) cell of each row of an evidence table, for the rows whose unit and
    code are known, and those rows."""
    i = table["segment_id"].astype(str).map(row).to_numpy(dtype=float, na_value=np.nan)
    k = table["code"].map(col).to_numpy(dtype=float, na_value=np.nan)
    known = ~(np.isnan(i) | np.isnan(k))
    return i[known].astype(int), k[known].astype(int), table[known]


def examples_from_coding(coding: Coding, labels: pd.DataFrame | None = None) -> Examples:
    """The units of a run as examples; with ``labels`` (the shape of ``align_coding``: one
    0/1/<NA> column per code and ``<code> (negated)`` columns, indexed by segment_id) only the
    labelled units are kept, with their labels."""
    units = coding.units.reset_index(drop=True)
    codes = list(coding.code_ids)
    rules = rule_features(units, coding.evidence, codes, coding.families, coding.suppressed)
    n = len(units)
    y = np.full((n, len(codes)), np.nan)
    neg = np.full((n, len(codes)), np.nan)
    if labels is not None:
        aligned = labels.reindex(units["segment_id"].astype(str))
        y = aligned[codes].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        negated_columns = [f"{c}{NEGATED_SUFFIX}" for c in codes]
        if all(c in aligned.columns for c in negated_columns):
            neg = aligned[negated_columns].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            neg = np.where(np.isnan(y), np.nan, np.nan_to_num(neg))
    examples = Examples(
        tuple(units["segment_id"].astype(str)),
        tuple(units["document"].astype(str)),
        tuple(units["language"].astype(str)),
        tuple(units["text"].fillna("").astype(str)),
        rules,
        y,
        neg,
        np.ones(n),
        tuple(units["question"].fillna("").astype(str)) if "question" in units else (),
    )
    if labels is None:
        return examples
    return examples.take(np.flatnonzero(examples.labelled))
