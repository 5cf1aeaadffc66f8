"""The learned second stage: a probability for every (unit, code), from the rule evidence and
the unit's text.

Three kinds of signal, combined by one logistic regression shared by all codes (so that the few
examples of each code add up, and what generalises about rules - "one distinct term is weak
evidence, three are strong" - is learned once):

- the rule engine's evidence for the code (``examples.RULE_FEATURES``) and a per-code bias and
  per-code trust in its rules;
- nearest neighbours: how similar the unit is to units a human gave the code (and a
  similarity-weighted vote of the nearest units), so that a study's own hand-coded units count
  directly, and how similar it is to the code's definition;
- a per-code text classifier over word and character n-grams (stacked: trained on folds of
  documents, so its probabilities on the training units are out-of-document).

The text the last two read is the unit's own, with the words of the interviewer's question
right before it (``questions``; marked apart, see ``ksmcode.learn.text.with_question``).

A second, small model (``ksmcode.learn.negation``) gives the probability that a coding would be
negated.

Probabilities are calibrated and thresholds chosen per code on held-back documents by
``ksmcode.learn.train``; this module only fits and predicts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ksmcode.learn.embed import Embedder
from ksmcode.learn.examples import Examples
from ksmcode.learn.folds import document_folds
from ksmcode.learn.negation import NegationModel, rule_negated
from ksmcode.learn.text import TextVectors

NEIGHBOURS = 15
SHARPNESS = 20.0  # how fast a neighbour's vote fades with lower similarity
MIN_POSITIVES = 3  # a code with fewer positive units keeps its rules only
TEXT_FOLDS = 4
SLICE = 256  # units decided at a time (bounds the dense features: ~5 MB)
DENSE_SHARE = 0.2  # memory features in this share of its units are multiplied as dense arrays


def trained_codes(labels: np.ndarray) -> np.ndarray:
    """Per code, whether it has enough positive units (``labels``: 1, 0 or NaN) for a model."""
    return np.nan_to_num(labels).sum(axis=0) >= MIN_POSITIVES


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


class CodingModel:
    """Fit on labelled :class:`Examples`; predict (units, codes) probabilities.

    Example::

        model = CodingModel(codes, descriptions).fit(examples)
        probabilities = model.raw_proba(new_examples)
    """

    def __init__(
        self,
        code_ids: Sequence[str],
        descriptions: Sequence[str],
        *,
        embedder: Embedder | None = None,
        C: float = 0.3,
        text_C: float = 4.0,
        seed: int = 0,
        questions: bool = True,
    ):
        self.code_ids = tuple(code_ids)
        self.descriptions = tuple(descriptions)
        self.embedder = embedder
        self.C = C
        self.text_C = text_C
        self.seed = seed
        self.questions = questions  # the words of the question before a unit count too

    # ----------------------------------------------------------------- fitting
    def fit(self, examples: Examples) -> CodingModel:
        """Fit on the labelled (unit, code) pairs of ``examples`` (NaN labels are unknown)."""
        known = ~np.isnan(examples.labels)
        labels = np.nan_to_num(examples.labels)
        asked = self._questions(examples)  # the descriptions have none
        questions = None if asked is None else [*asked, *[""] * len(self.descriptions)]
        texts = [*examples.texts, *self.descriptions]
        self.vectors_ = TextVectors(self.embedder).fit(texts, questions)
        memory = self.vectors_.transform(examples.texts, asked)
        self.memory_ = memory
        self.memory_labels_ = labels
        self.memory_documents_ = tuple(examples.documents)
        self.code_vectors_ = self.vectors_.transform(self.descriptions)
        self.trained_ = trained_codes(labels)
        self.text_coef_, self.text_intercept_ = self._fit_text(
            memory, labels, known, examples.weights
        )
        oof = self._out_of_document_text(memory, labels, known, examples)
        pairs = self._pairs(examples, memory, oof, documents=examples.documents)
        target = labels.reshape(-1)
        weights = np.repeat(examples.weights, len(self.code_ids)) * known.reshape(-1)
        from sklearn.linear_model import LogisticRegression  # fitting only: applying needs none

        meta = LogisticRegression(C=self.C, max_iter=3000)
        meta.fit(pairs, target, sample_weight=weights)
        self.meta_coef_ = meta.coef_[0]
        self.meta_intercept_ = float(meta.intercept_[0])
        self.negation_: NegationModel | None = NegationModel(len(self.code_ids), seed=self.seed)
        self.negation_.fit(examples, memory)
        return self

    def _fit_text(
        self, X: sparse.csr_matrix, labels: np.ndarray, known: np.ndarray, weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """One linear text classifier per code (zeros for codes with too few positives)."""
        from sklearn.linear_model import LogisticRegression

        coef = np.zeros((len(self.code_ids), X.shape[1]))
        intercept = np.full(len(self.code_ids), -10.0)
        for k in range(len(self.code_ids)):
            rows = known[:, k]
            y = labels[rows, k]
            if y.sum() < 2 or y.sum() == len(y):
                continue
            clf = LogisticRegression(
                C=self.text_C,
                solver="liblinear",
                dual=True,
                class_weight="balanced",
                random_state=self.seed,  # liblinear shuffles: the same units, the same model
            )
            clf.fit(X[rows], y, sample_weight=weights[rows])
            coef[k], intercept[k] = clf.coef_[0], clf.intercept_[0]
        return coef, intercept

    def _out_of_document_text(
        self, X: sparse.csr_matrix, labels: np.ndarray, known: np.ndarray, examples: Examples
    ) -> np.ndarray:
        """Text-classifier probabilities for the training units from models that did not see
        their document."""
        folds = list(document_folds(examples.documents, TEXT_FOLDS))
        if not folds:
            return self._text_proba(X)
        out = np.zeros(labels.shape)
        for train, held in folds:
            coef, intercept = self._fit_text(
                X[train], labels[train], known[train], examples.weights[train]
            )
            out[held] = 1 / (1 + np.exp(-(X[held] @ coef.T + intercept)))
        return out

    def _questions(self, examples: Examples) -> tuple[str, ...] | None:
        return examples.questions if self.questions else None

    # -------------------------------------------------------------- predicting
    def _text_proba(self, X: sparse.csr_matrix) -> np.ndarray:
        return 1 / (1 + np.exp(-(X @ self.text_coef_.T + self.text_intercept_)))

    def _neighbours(
        self, X: sparse.csr_matrix, documents: Sequence[str] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Similarity-weighted vote of the nearest memory units, and the mean similarity to
        the three most similar units given each code. With ``documents`` (training), units of
        the same document are not neighbours."""
        sims = self._similarity()(X)
        if documents is not None:
            own = np.asarray(documents)[:, None] == np.asarray(self.memory_documents_)[None, :]
            sims[own] = -1.0
        k = min(NEIGHBOURS, sims.shape[1])
        # the k most similar (a partition, not a sort of the whole memory), most similar first
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, nearest, axis=1), axis=1, kind="stable")
        nearest = np.take_along_axis(nearest, order, axis=1)
        top = np.take_along_axis(sims, nearest, axis=1)
        weight = np.exp((top - top[:, :1]) * SHARPNESS)
        vote = (
            np.einsum("nk,nkc->nc", weight, self.memory_labels_[nearest]) / weight.sum(1)[:, None]
        )
        closest = np.zeros((len(sims), len(self.code_ids)))
        for c in range(len(self.code_ids)):
            given = sims[:, self.memory_labels_[:, c] == 1]
            if given.shape[1]:
                m = min(3, given.shape[1])
                best = np.partition(given, given.shape[1] - m, axis=1)[:, -m:]
                closest[:, c] = np.sort(best, axis=1).mean(axis=1)  # summed as sorted
        return vote, closest

    def _similarity(self) -> MemorySimilarity:
        """The similarity to the memory units, built once per memory."""
        cached = self.__dict__.get("_memory_similarity")
        if cached is None or cached[0] is not self.memory_:
            similarity = MemorySimilarity(self.memory_)
            cached = self.__dict__["_memory_similarity"] = (self.memory_, similarity)
        return cached[1]

    def _pairs(
        self,
        examples: Examples,
        X: sparse.csr_matrix,
        text_proba: np.ndarray,
        documents: Sequence[str] | None = None,
    ) -> np.ndarray:
        """One feature row per (unit, code), units major."""
        n, c = len(examples), len(self.code_ids)
        vote, closest = self._neighbours(X, documents)
        definition = np.asarray((X @ self.code_vectors_.T).todense())
        centred = lambda a: a - a.mean(axis=1, keepdims=True)  # noqa: E731
        dense = [
            vote,
            closest,
            centred(closest),
            definition,
            centred(definition),
            text_proba,
            _logit(text_proba),
        ]
        features = np.concatenate([examples.rules, np.stack(dense, axis=-1)], axis=-1)
        code = np.broadcast_to(np.eye(c), (n, c, c))
        fired = examples.rules[:, :, :1]
        features = np.concatenate([features, code, code * fired, code * vote[:, :, None]], -1)
        return features.reshape(n * c, -1)

    def raw_proba(self, examples: Examples) -> np.ndarray:
        """Uncalibrated (units, codes) probabilities; codes without a model keep their rules."""
        return self.predict(examples)[0]

    def predict(self, examples: Examples) -> tuple[np.ndarray, np.ndarray]:
        """Uncalibrated (units, codes) probabilities of each code, and of a coding of it being
        negated (a model file older than the negation stage: the rules' flags, as 0 or 1).
        Units are decided ``SLICE`` at a time: each unit's features make a dense row per code."""
        if len(examples) > SLICE:
            starts = range(0, len(examples), SLICE)
            slices = [examples.take(range(i, min(i + SLICE, len(examples)))) for i in starts]
            parts = [self.predict(s) for s in slices]
            return np.concatenate([p for p, _ in parts]), np.concatenate([n for _, n in parts])
        if not len(examples):
            empty = np.zeros((0, len(self.code_ids)))
            return empty, empty
        X = self.vectors_.transform(examples.texts, self._questions(examples))
        pairs = self._pairs(examples, X, self._text_proba(X))
        scores = pairs @ self.meta_coef_ + self.meta_intercept_
        proba = (1 / (1 + np.exp(-scores))).reshape(len(examples), len(self.code_ids))
        fired = examples.rules[:, :, 0]
        proba = np.where(self.trained_[None, :], proba, fired)
        if self.negation_ is None:
            return proba, rule_negated(examples).astype(float)
        return proba, self.negation_.proba(examples, X)


class MemorySimilarity:
    """``(X @ memory.T).toarray()``: the cosine similarity of each row of ``X`` to each memory
    unit (all rows of unit length).

    The sparse product works on every pair of a unit of ``X`` and a memory unit that share a
    feature, so the character n-grams most units have ("an ", "ang") make most of its cost.
    Those (in at least ``DENSE_SHARE`` of the memory units) are multiplied as dense arrays, at
    BLAS speed, and only the rest as sparse ones: the same sums, added in another order (equal
    to ~1e-15), in a sixth less time per prediction.
    """

    def __init__(self, memory: sparse.csr_matrix):
        columns = memory.T.tocsr()  # features x units
        common = np.diff(columns.indptr) >= DENSE_SHARE * memory.shape[0]
        self.common = np.flatnonzero(common)
        self.dense = columns[self.common].toarray()
        self.rest = (sparse.diags((~common).astype(float)) @ columns).tocsr()
        self.rest.eliminate_zeros()

    def __call__(self, X: sparse.csr_matrix) -> np.ndarray:
        sims = (X @ self.rest).toarray()
        if len(self.common):
            sims += X[:, self.common].toarray() @ self.dense
        return sims
