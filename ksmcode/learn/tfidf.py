"""TF-IDF over word and character n-grams, applied without scikit-learn.

Training fits scikit-learn's ``TfidfVectorizer``; a model keeps only its vocabulary and idf
weights, and ``Tfidf`` turns texts into the rows the vectoriser gives (sublinear tf, idf, rows
of unit length) from those alone. So applying a model imports neither scikit-learn nor the
parts of SciPy it pulls in: 60 MB and half a second saved in every process that codes.

Character n-grams (``char_wb``) are counted word by word: a text's counts are the sum of its
words' counts, so each distinct word is cut once and the counts come from one sparse product
(texts x words) @ (words x n-grams).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

WORD_CACHE = 20_000  # distinct words whose n-grams are kept between calls (5 MB)
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


class Tfidf:
    """A fitted TF-IDF transform: ``analyzer`` "word" or "char_wb", n-grams of
    ``ngram_range`` lengths, ``vocabulary`` in column order, ``idf`` per column."""

    def __init__(
        self,
        analyzer: str,
        ngram_range: tuple[int, int],
        vocabulary: Sequence[str],
        idf: np.ndarray,
    ):
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"analyzer must be 'word' or 'char_wb', not {analyzer!r}")
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.vocabulary = list(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self._column = {gram: i for i, gram in enumerate(self.vocabulary)}
        self._word_columns: dict[str, np.ndarray] = {}  # char_wb: word -> its n-grams' columns

    @classmethod
    def from_vectorizer(cls, vectorizer: Any) -> Tfidf:
        """The transform of a fitted scikit-learn ``TfidfVectorizer`` (lower-cased, sublinear
        tf, l2 rows, default token pattern)."""
        order = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(vectorizer.analyzer, vectorizer.ngram_range, order, vectorizer.idf_)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """(texts x vocabulary) TF-IDF rows of unit length (rows without a known n-gram: 0)."""
        counts = self.counts(texts)
        counts.data = np.log(counts.data) + 1.0
        counts.data *= self.idf[counts.indices]
        return l2_rows(counts)

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """(texts x vocabulary) counts of the known n-grams, columns sorted in each row."""
        if self.analyzer == "char_wb":
            return self._char_counts(texts)
        rows: list[int] = []
        columns: list[int] = []
        column = self._column.get
        for row, text in enumerate(texts):
            for gram in self._word_ngrams(TOKEN.findall(text.lower())):
                found = column(gram)
                if found is not None:
                    rows.append(row)
                    columns.append(found)
        return _counted(rows, columns, (len(texts), len(self.vocabulary)))

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    def _char_counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        word_column: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows.append(row)
                columns.append(word_column.setdefault(word, len(word_column)))
        occurrences = _counted(rows, columns, (len(texts), len(word_column)))
        counts = (occurrences @ self._char_matrix(list(word_column))).tocsr()
        counts.sort_indices()
        return counts

    def _char_matrix(self, words: list[str]) -> sparse.csr_matrix:
        """(words x vocabulary) counts of each word's known character n-grams."""
        if len(self._word_columns) > WORD_CACHE:
            self._word_columns.clear()
        found = []
        for word in words:
            columns = self._word_columns.get(word)
            if columns is None:
                known = (self._column.get(g) for g in self._char_ngrams(word))
                columns = np.array([c for c in known if c is not None], dtype=np.int64)
                self._word_columns[word] = columns
            found.append(columns)
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in found])]).astype(np.int64)
        indices = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        shape = (len(words), len(self.vocabulary))
        matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape)
        matrix.sum_duplicates()
        return matrix

    def _char_ngrams(self, word: str) -> list[str]:
        """The word's n-grams with a space padding each edge; a padded word no longer than n
        is one n-gram, and no longer ones are cut."""
        padded = f" {word} "
        low, high = self.ngram_range
        grams: list[str] = []
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        return grams


def l2_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    """``matrix`` with every non-zero row scaled to unit length (summed in column order, as
    scikit-learn's ``normalize`` does)."""
    matrix = sparse.csr_matrix(matrix)
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    squares = np.bincount(rows, weights=matrix.data * matrix.data, minlength=matrix.shape[0])
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(
        (matrix.data / norms[rows], matrix.indices, matrix.indptr), shape=matrix.shape
    )


def _counted(rows: list[int], columns: list[int], shape: tuple[int, int]) -> sparse.csr_matrix:
    """The (rows x columns) counts of the (row, column) occurrences, as float64."""
    where = (np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64))
    matrix = sparse.csr_matrix((np.ones(len(rows)), where), shape=shape)
    matrix.sum_duplicates()
    return matrix
