"""Character n-gram TF-IDF, counted word by word: exactly what scikit-learn's vectoriser gives.

scikit-learn's ``char_wb`` analyser cuts every word of every text into n-grams and looks each up
in the vocabulary, every time the word occurs: most of the cost of applying a model. A text's
counts are the sum of its words' counts, so here each distinct word is cut once and the counts
come from one sparse product (texts x words) @ (words x n-grams).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

WORD_CACHE = 20_000  # distinct words whose n-grams are kept between calls (5 MB)


class CharNgramTfidf:
    """``vectorizer.transform(texts)`` for a fitted ``char_wb`` TF-IDF vectoriser."""

    def __init__(self, vectorizer: TfidfVectorizer):
        if vectorizer.analyzer != "char_wb" or vectorizer.binary:
            raise ValueError("CharNgramTfidf takes a fitted char_wb TfidfVectorizer (not binary)")
        self.vectorizer = vectorizer
        self._preprocess = vectorizer.build_preprocessor()
        self._features: dict[str, np.ndarray] = {}  # word -> its n-grams' feature indices

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.vectorizer._tfidf.transform(self.counts(texts), copy=False)

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The n-gram counts (texts x features), as ``CountVectorizer.transform`` gives them."""
        column: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate(texts):
            for word in self._preprocess(text).split():
                rows.append(row)
                columns.append(column.setdefault(word, len(column)))
        occurrences = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int64), (rows, columns)), shape=(len(texts), len(column))
        )
        counts = (occurrences @ self._word_ngrams(list(column))).tocsr()
        counts.sort_indices()
        return counts.astype(self.vectorizer.dtype)

    def _word_ngrams(self, words: list[str]) -> sparse.csr_matrix:
        """(words x features) counts of each word's in-vocabulary n-grams."""
        if len(self._features) > WORD_CACHE:
            self._features.clear()
        features = []
        for word in words:
            found = self._features.get(word)
            if found is None:
                found = self._features[word] = self._count(word)
            features.append(found)
        indptr = np.concatenate([[0], np.cumsum([len(f) for f in features])]).astype(np.int64)
        indices = np.concatenate(features) if features else np.zeros(0, dtype=np.int64)
        shape = (len(words), len(self.vectorizer.vocabulary_))
        matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr), shape)
        matrix.sum_duplicates()
        return matrix

    def _count(self, word: str) -> np.ndarray:
        vocabulary = self.vectorizer.vocabulary_
        ngrams = self.vectorizer._char_wb_ngrams(word)
        return np.array([vocabulary[g] for g in ngrams if g in vocabulary], dtype=np.int64)
