"""Coding quality: the automatic coding scored against a hand-coded gold standard.

The gold is a human coding table (see ``ksmcode.analysis.codings``), optionally with a split
table (``document,split``) so that scores on the part used for tuning rules (``dev``) are never
confused with scores on the held-back part (``test``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ksmcode.analysis.agreement import AgreementResult, coder_agreement, disagreements
from ksmcode.analysis.codings import align_coding, coding_from_segments, read_coding
from ksmcode.analysis.frame import Coding
from ksmcode.analysis.matrix import NEGATED_SUFFIX
from ksmcode.errors import AnalysisError
from ksmcode.export.tables import read_table

SUMMARY_COLUMNS = ["units", "precision", "recall", "f1", "macro_f1", "kappa", "alpha", "ac1",
                   "negation_precision", "negation_recall", "negation_f1"]  # fmt: skip


@dataclass(frozen=True)
class Evaluation:
    """Scores per split part (``all`` plus each part of the split table)."""

    parts: dict[str, AgreementResult]
    summary: pd.DataFrame  # index: part; SUMMARY_COLUMNS
    errors: pd.DataFrame  # every false positive / false negative, with its evidence

    def _repr_html_(self) -> str:
        from ksmcode.report.notebook import evaluation_html

        return evaluation_html(self)

    def per_code(self, part: str = "all") -> pd.DataFrame:
        """Precision, recall, F1 and kappa per code for one part."""
        if part not in self.parts:
            raise AnalysisError(f"no part '{part}'; parts: {', '.join(self.parts)}")
        result = self.parts[part]
        scores = _auto_scores(result)
        kappa = result.per_code["kappa"].rename("kappa")
        return scores.join(kappa, how="left")


def read_split(path: str | Path) -> dict[str, str]:
    """Read a ``document,split`` table into {document: part}."""
    table = read_table(path)
    missing = {"document", "split"} - set(table.columns)
    if missing:
        raise AnalysisError(
            f"{path}: a split table needs the columns document and split; "
            f"missing: {', '.join(sorted(missing))}"
        )
    return dict(zip(table["document"].astype(str), table["split"].astype(str), strict=True))


def evaluate(
    coding: Coding, gold_path: str | Path, *, split_path: str | Path | None = None
) -> Evaluation:
    """Score ``coding`` (from ``load_coding`` or ``coding_frames``) against the gold table.

    Example::

        ev = evaluate(load_coding("out"), "gold/ksm_gold.csv", split_path="gold/split.csv")
        ev.summary.loc["test", "f1"]
    """
    codes = list(coding.code_ids)
    units = coding.units
    gold_table = read_coding(gold_path, coder="gold", codes=codes, units=units)
    gold = align_coding(gold_table, units, codes=codes)
    auto = coding_from_segments(coding.segments, units, codes)
    documents = units.set_index("segment_id")["document"].astype(str)
    parts = {"all": documents.index}
    if split_path is not None:
        split = read_split(split_path)
        unknown = sorted(set(split) - set(documents))
        if unknown:
            raise AnalysisError(f"{split_path}: documents not in the coding: {', '.join(unknown)}")
        for part in dict.fromkeys(split.values()):
            parts[part] = documents.index[documents.map(split).eq(part)]
    errors = _errors(coding, gold, auto, codes, split if split_path is not None else {})
    results, rows = {}, {}
    for name, index in parts.items():
        pair = {"gold": gold.loc[index], "auto": auto.loc[index]}
        result = coder_agreement(pair, codes=codes, reference="gold")
        results[name] = result
        rows[name] = _summary_row(result, pair["gold"], pair["auto"], codes)
    summary = pd.DataFrame.from_dict(rows, orient="index")[SUMMARY_COLUMNS]
    return Evaluation(results, summary, errors)


def _errors(
    coding: Coding, gold: pd.DataFrame, auto: pd.DataFrame, codes, split: dict[str, str]
) -> pd.DataFrame:
    """The disagreements with gold, typed, with the auto-coding's evidence for review."""
    table = disagreements({"gold": gold, "auto": auto}, coding.units, codes)
    table.insert(0, "part", [split.get(str(d), "all") for d in table["document"]])
    table.insert(
        1, "error", table["auto"].map({1: "false positive", 0: "false negative"}).astype(str)
    )
    evidence = coding.segments.set_index(["segment_id", "code"])["evidence"]
    keys = list(zip(table["segment_id"], table["code"], strict=True))
    table["evidence"] = [evidence.get(key, "") for key in keys]
    return table


def _auto_scores(result: AgreementResult) -> pd.DataFrame:
    """The automatic coding's precision, recall and F1 rows (the result must have a reference)."""
    if result.reference_scores is None:
        raise AnalysisError("the agreement result has no reference coder to score 'auto' against")
    return result.reference_scores.loc["auto"]


def _summary_row(result: AgreementResult, gold: pd.DataFrame, auto: pd.DataFrame, codes) -> dict:
    scores = _auto_scores(result)
    pooled = result.overall.loc["pooled"]
    covered = gold[codes].notna().all(axis=1)
    return {
        "units": int(covered.sum()),
        "precision": scores.loc["micro", "precision"],
        "recall": scores.loc["micro", "recall"],
        "f1": scores.loc["micro", "f1"],
        "macro_f1": scores.loc["macro", "f1"],
        "kappa": pooled["kappa"],
        "alpha": pooled["alpha"],
        "ac1": pooled["ac1"],
        **negation_scores(gold[covered], auto[covered], codes),
    }


def negation_table(codings: dict[str, pd.DataFrame], codes, reference: str) -> pd.DataFrame:
    """Every other coder's negation precision, recall and F1 against ``reference`` (aligned
    codings, as ``collect_codings`` gives), over the units both coded."""
    codes, truth = list(codes), codings[reference]
    rows = {}
    for coder, coding in codings.items():
        if coder == reference:
            continue
        both = truth[codes].notna().all(axis=1) & coding[codes].notna().all(axis=1)
        rows[coder] = negation_scores(truth[both], coding[both], codes)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "coder"
    return table


def negation_scores(gold: pd.DataFrame, auto: pd.DataFrame, codes) -> dict[str, float]:
    """Precision, recall and F1 of negated codings: a (unit, code) counts as negated for a coder
    when the coder assigns the code and marks it negated. (Agreement on the flag among codes
    both assign would reward never negating: negated codings are rare.)"""
    tp = fp = fn = 0
    for code in codes:
        neg = f"{code}{NEGATED_SUFFIX}"
        g = (gold[code] == 1) & (gold[neg].fillna(0).astype(int) == 1)
        a = (auto[code] == 1) & (auto[neg].fillna(0).astype(int) == 1)
        tp += int((g & a).sum())
        fp += int((~g & a).sum())
        fn += int((g & ~a).sum())
    nan = float("nan")
    return {
        "negation_precision": tp / (tp + fp) if tp + fp else nan,
        "negation_recall": tp / (tp + fn) if tp + fn else nan,
        "negation_f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
    }
