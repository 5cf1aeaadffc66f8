"""Training a coding model honestly: document-grouped cross-validation, calibration, thresholds.

Units of one interview are not independent, so every held-back estimate here holds back whole
documents: the cross-validated probabilities calibrate the model (isotonic regression, so that
"0.8" means about 80 % of such codings were right on documents the model had not seen), choose
each code's threshold (the F1-best one, shrunk towards the shared threshold when a code has few
examples) and the threshold on the negation probability, and give the per-code precision,
recall and F1 (and the negation scores) written into the model file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from ksmcode.errors import ModelError
from ksmcode.learn.examples import Examples
from ksmcode.learn.folds import document_folds
from ksmcode.learn.model import MIN_POSITIVES, CodingModel, trained_codes
from ksmcode.learn.negation import rule_negated

FOLDS = 5
SHRINK = 10.0  # positives at which a code's own threshold counts as much as the shared one
THRESHOLDS = np.round(np.arange(0.15, 0.80, 0.025), 3)


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-document probabilities for every training unit, and what they score."""

    proba: np.ndarray  # (units, codes), raw (uncalibrated)
    labels: np.ndarray  # 1, 0, or -1 where the pair is not labelled
    rules: np.ndarray  # (units, codes) 0/1: what the rules alone said
    documents: tuple[str, ...]
    negation: np.ndarray  # (units, codes): probability that a coding would be negated
    negated: np.ndarray  # (units, codes) 0/1: the human's negated flags
    rules_negated: np.ndarray  # (units, codes) 0/1: the rules' negated flags


def cross_validate(
    examples: Examples, make_model: Callable[[], CodingModel], *, folds: int = FOLDS
) -> CrossValidation:
    """Fit on all but a fold of documents, predict that fold; every unit is predicted once."""
    if len(set(examples.documents)) < 2:
        raise ModelError(
            "learning needs hand-coded units from at least two documents (it holds whole "
            "documents back to check itself); code another document and try again"
        )
    proba, negation = np.zeros(examples.labels.shape), np.zeros(examples.labels.shape)
    for train, held in document_folds(examples.documents, folds):
        model = make_model().fit(examples.take(train))
        proba[held], negation[held] = model.predict(examples.take(held))
    labels = np.where(np.isnan(examples.labels), -1.0, examples.labels)
    return CrossValidation(
        proba,
        labels,
        examples.rules[:, :, 0],
        examples.documents,
        negation,
        np.nan_to_num(examples.negated),
        rule_negated(examples),
    )


@dataclass(frozen=True)
class HeldOutCoding:
    """Every unit coded as the final model would code it, by models that did not see its
    document: the cross-validation, the calibration and thresholds chosen on it, and the
    codings and negation threshold they give."""

    cv: CrossValidation
    calibration: IsotonicRegression
    trained: np.ndarray  # per code: decided by the model (else by the rules)
    thresholds: np.ndarray  # per code, on calibrated probabilities
    predicted: np.ndarray  # (units, codes) bool: coded (codes without a model: the rules)
    negation_threshold: float

    def take(self, rows: np.ndarray) -> HeldOutCoding:
        """The same for some units only (to score a part of the training data)."""
        fields = {name: getattr(self.cv, name)[rows] for name in _UNIT_ARRAYS}
        documents = tuple(np.asarray(self.cv.documents)[rows])
        cv = replace(self.cv, documents=documents, **fields)
        return replace(self, cv=cv, predicted=self.predicted[rows])


_UNIT_ARRAYS = ("proba", "labels", "rules", "negation", "negated", "rules_negated")


def held_out_coding(examples: Examples, make_model: Callable[[], CodingModel]) -> HeldOutCoding:
    """Cross-validate ``examples``, calibrate and choose the thresholds on the held-back
    probabilities, and code every unit with them."""
    cv = cross_validate(examples, make_model)
    trained = trained_codes(examples.labels)
    calibration = fit_calibration(cv, trained)
    calibrated = calibration.predict(cv.proba.reshape(-1)).reshape(cv.proba.shape)
    calibrated = np.where(trained[None, :], calibrated, 0)
    thresholds = choose_thresholds(calibrated, cv.labels)
    predicted = np.where(trained[None, :], calibrated >= thresholds, cv.rules).astype(bool)
    negation_threshold = choose_negation_threshold(cv, predicted)
    return HeldOutCoding(cv, calibration, trained, thresholds, predicted, negation_threshold)


def fit_calibration(cv: CrossValidation, trained: np.ndarray) -> IsotonicRegression:
    """Isotonic map from raw to calibrated probability, pooled over the trained codes."""
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    proba, labels = cv.proba[:, trained].reshape(-1), cv.labels[:, trained].reshape(-1)
    iso.fit(proba[labels >= 0], labels[labels >= 0])
    return iso


def choose_thresholds(probability: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-code thresholds on calibrated probabilities, shrunk towards the shared best one."""
    shared = THRESHOLDS[int(np.argmax([_f1(probability >= t, labels) for t in THRESHOLDS]))]
    chosen = np.full(labels.shape[1], shared)
    for k in range(labels.shape[1]):
        positives = (labels[:, k] == 1).sum()
        if positives == 0:
            continue
        scores = [_f1(probability[:, k] >= t, labels[:, k]) for t in THRESHOLDS]
        own = THRESHOLDS[int(np.argmax(scores))]
        chosen[k] = (positives * own + SHRINK * shared) / (positives + SHRINK)
    return chosen


def choose_negation_threshold(cv: CrossValidation, predicted: np.ndarray) -> float:
    """The threshold on the negation probability that gives the best negation F1 (over the
    ``predicted`` codings, counted as ``ksmcode.analysis.evaluation.negation_scores`` counts:
    a coding is negated when assigned and marked negated) on held-back documents."""
    truth = (cv.labels == 1) & (cv.negated == 1)
    scores = [_f1(predicted & (cv.negation >= t), truth.astype(float)) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmax(scores))])


def held_out_negation_scores(
    cv: CrossValidation, predicted: np.ndarray, threshold: float
) -> dict[str, dict[str, float]]:
    """Negation precision / recall / F1 (see ``choose_negation_threshold``) of the model and of
    the rules on held-back documents."""
    truth = ((cv.labels == 1) & (cv.negated == 1)).astype(float)
    found = {
        "model": predicted & (cv.negation >= threshold),
        "rules": cv.rules.astype(bool) & cv.rules_negated.astype(bool),
    }
    out = {}
    for name, flags in found.items():
        p, r, f = _prf(flags, truth)
        out[name] = {"precision": p, "recall": r, "f1": f}
    return out


def _f1(predicted: np.ndarray, labels: np.ndarray) -> float:
    tp = float((predicted & (labels == 1)).sum())
    fp = float((predicted & (labels == 0)).sum())
    fn = float((~predicted & (labels == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def scores_table(
    predicted: np.ndarray, rules: np.ndarray, labels: np.ndarray, code_ids: Sequence[str]
) -> pd.DataFrame:
    """Per-code and micro precision / recall / F1 of the model and of the rules alone."""
    rows = {}
    for k, code in enumerate([*code_ids, "micro"]):
        cols = slice(None) if code == "micro" else k
        row: dict[str, float] = {"positives": int((labels[:, cols] == 1).sum())}
        for name, pred in (("model", predicted), ("rules", rules)):
            p, r, f = _prf(pred[:, cols].astype(bool), labels[:, cols])
            row.update({f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f})
        rows[code] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def _prf(predicted: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    tp = float((predicted & (labels == 1)).sum())
    fp = float((predicted & (labels == 0)).sum())
    fn = float((~predicted & (labels == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    return precision, recall, f1


def too_few(labels: np.ndarray, code_ids: Sequence[str]) -> list[str]:
    """The codes that stay rule-only, each with its count of positive units."""
    counts = (labels == 1).sum(axis=0)
    return [
        f"{code} ({int(n)} positive unit{'s' if n != 1 else ''})"
        for code, n in zip(code_ids, counts, strict=True)
        if n < MIN_POSITIVES
    ]
