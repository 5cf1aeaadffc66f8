"""Which codings are negated, learned from the hand coders' ``negated`` flags.

The rules mark a coding negated when a cue stands near the words that made it; a coding the
model adds has no such words, and a hand coder reads more than a five-word window. This stage
decides, for every (unit, code), the probability that a coding of that code in that unit would
be negated ("belum pernah ada evaluasi": evaluation, negated). One logistic regression shared
by all codes reads:

- the rules' evidence: whether the code fired and the share of its evidence that was negated;
- the unit's negation cues (the rules' own cue lists, pseudo-negations such as "tidak hanya"
  left out);
- a text classifier's probability that the unit denies something at all (word and character
  n-grams; stacked: out-of-document on the training units);
- a per-code bias, and a per-code weight of a cue being present (a termination is denied far
  more often than a place is).

It is trained on the units a human gave a code, with their flags as targets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse

from ksmcode.learn.examples import RULE_FEATURES, Examples
from ksmcode.learn.folds import document_folds
from ksmcode.matching.negation import NegationScope

_FIRED, _SHARE = RULE_FEATURES.index("fired"), RULE_FEATURES.index("share_negated")
_WORDS = re.compile(r"\w+?(?=n't\b)|n't|\w+")  # "didn't" -> "did", "n't" (a cue)
FOLDS = 4


def rule_negated(examples: Examples) -> np.ndarray:
    """The rules' own decision: the code fired and at least half of its evidence is negated."""
    return (examples.rules[:, :, _FIRED] > 0) & (examples.rules[:, :, _SHARE] >= 0.5)


@cache
def _scope(language: str) -> NegationScope:
    return NegationScope("en" if language == "en" else "id")


def cue_counts(texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
    """Per text, how many negation cues it holds (pseudo-negations not counted)."""
    counts = np.zeros(len(texts))
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        scope = _scope(language)
        words = scope.words(_WORDS.findall(text.lower()))
        counts[i] = sum(
            1 for j, w in enumerate(words) if w in scope.cues and not scope.is_pseudo(words, j)
        )
    return counts


class NegationModel:
    """Fit on labelled examples and their lexical vectors; predict (units, codes) probabilities
    that a coding would be negated."""

    def __init__(self, n_codes: int, *, C: float = 1.0, text_C: float = 4.0, seed: int = 0):
        self.n_codes = n_codes
        self.C = C
        self.text_C = text_C
        self.seed = seed

    def fit(self, examples: Examples, X: sparse.csr_matrix) -> NegationModel:
        """``X``: the units' lexical vectors (rows of ``examples``)."""
        from sklearn.linear_model import LogisticRegression  # fitting only

        positive = np.nan_to_num(examples.labels) == 1
        flags = positive & (np.nan_to_num(examples.negated) == 1)
        denies = flags.any(axis=1).astype(int)
        self.text_coef_, self.text_intercept_ = self._fit_text(X, denies)
        stacked = np.full(len(examples), _logit_of(denies.mean()))
        for train, held in document_folds(examples.documents, FOLDS):
            coef, intercept = self._fit_text(X[train], denies[train])
            stacked[held] = _clip_logit(X[held] @ coef + intercept)
        pairs = self._pairs(examples, stacked)[positive.reshape(-1)]
        target = flags.reshape(-1)[positive.reshape(-1)]
        self.coef_, self.intercept_ = np.zeros(pairs.shape[1]), -10.0
        if 0 < target.sum() < len(target):
            meta = LogisticRegression(C=self.C, max_iter=3000).fit(pairs, target)
            self.coef_, self.intercept_ = meta.coef_[0], float(meta.intercept_[0])
        return self

    def _fit_text(self, X: sparse.csr_matrix, denies: np.ndarray) -> tuple[np.ndarray, float]:
        from sklearn.linear_model import LogisticRegression

        if not 0 < denies.sum() < len(denies):
            return np.zeros(X.shape[1]), _logit_of(denies.mean())
        clf = LogisticRegression(
            C=self.text_C,
            solver="liblinear",
            class_weight="balanced",
            random_state=self.seed,  # liblinear shuffles: the same units, the same model
        ).fit(X, denies)
        return clf.coef_[0], float(clf.intercept_[0])

    def _pairs(self, examples: Examples, text_logit: np.ndarray) -> np.ndarray:
        """One feature row per (unit, code), units major."""
        n, c = len(examples), self.n_codes
        cues = cue_counts(examples.texts, examples.languages)
        per_unit = lambda values: np.repeat(values[:, None], c, axis=1)  # noqa: E731
        fired, share = examples.rules[:, :, _FIRED], examples.rules[:, :, _SHARE]
        any_cue = per_unit((cues > 0).astype(float))
        cue_count, denies = per_unit(np.log1p(cues)), per_unit(text_logit)
        dense = [fired, share, fired * share, any_cue, cue_count, denies]
        code = np.broadcast_to(np.eye(c), (n, c, c))
        features = np.concatenate([np.stack(dense, axis=-1), code, code * any_cue[:, :, None]], -1)
        return features.reshape(n * c, -1)

    def proba(self, examples: Examples, X: sparse.csr_matrix) -> np.ndarray:
        """(units, codes) probabilities that a coding of the code in the unit is negated."""
        text_logit = _clip_logit(X @ self.text_coef_ + self.text_intercept_)
        scores = self._pairs(examples, text_logit) @ self.coef_ + self.intercept_
        return (1 / (1 + np.exp(-scores))).reshape(len(examples), self.n_codes)

    def state(self) -> dict[str, np.ndarray]:
        """The numbers the model file keeps."""
        return {
            "negation_text_coef": self.text_coef_.astype(np.float32),
            "negation_text_intercept": np.asarray(self.text_intercept_),
            "negation_coef": self.coef_,
            "negation_intercept": np.asarray(self.intercept_),
        }

    @classmethod
    def from_state(cls, n_codes: int, arrays) -> NegationModel | None:
        """The model kept in a model file's arrays; None in a file older than this stage."""
        if "negation_coef" not in arrays:
            return None
        model = cls(n_codes)
        model.text_coef_ = arrays["negation_text_coef"].astype(float)
        model.text_intercept_ = float(arrays["negation_text_intercept"])
        model.coef_ = arrays["negation_coef"]
        model.intercept_ = float(arrays["negation_intercept"])
        return model


def _logit_of(p: float) -> float:
    return float(_clip_logit(np.log(max(p, 1e-4) / max(1 - p, 1e-4))))


def _clip_logit(scores):
    return np.clip(scores, -9.2, 9.2)  # a probability kept within 1e-4 of 0 and 1
