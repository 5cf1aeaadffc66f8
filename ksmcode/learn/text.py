"""Unit texts as vectors: TF-IDF over word and character n-grams, optionally with an embedding.

Character n-grams (3-5, within words) carry Indonesian morphology and colloquial spellings
(pelatihan / dilatih / latihannya share "lati"), so no stemmer is needed here. The fitted
vocabulary and idf weights are plain arrays, stored in the model file without pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ksmcode.learn.embed import Embedder
from ksmcode.learn.ngrams import CharNgramTfidf

ANALYSERS: dict[str, dict[str, Any]] = {
    "char": {"analyzer": "char_wb", "ngram_range": (3, 5), "max_features": 20000},
    "word": {"analyzer": "word", "ngram_range": (1, 2), "max_features": 5000},
}


class TextVectors:
    """Fit on training texts, then turn any texts into L2-normalised rows.

    With an ``embedder`` its (normalised) embedding is appended, weighted so that it counts as
    much as the lexical part in a cosine similarity.
    """

    def __init__(self, embedder: Embedder | None = None):
        self.embedder = embedder
        self.vectorizers_: dict[str, TfidfVectorizer] = {}
        self._char_ngrams: dict[str, CharNgramTfidf] = {}  # the same tf-idf, counted faster

    def fit(self, texts: Sequence[str]) -> TextVectors:
        self._char_ngrams.clear()
        for name, options in ANALYSERS.items():
            vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, lowercase=True, **options)
            try:
                vectorizer.fit(texts)
            except ValueError:  # too few texts for min_df=2
                vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, **options)
                vectorizer.fit(texts)
            self.vectorizers_[name] = vectorizer
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        texts = list(texts)
        parts = [normalize(self._tfidf(name, texts)) for name in self.vectorizers_]
        lexical = normalize(sparse.hstack(parts).tocsr())
        if self.embedder is None:
            return lexical
        dense = normalize(np.asarray(self.embedder.embed(texts), dtype=float))
        return sparse.hstack([lexical, sparse.csr_matrix(dense)]).tocsr() / np.sqrt(2.0)

    def _tfidf(self, name: str, texts: list[str]) -> sparse.csr_matrix:
        vectorizer = self.vectorizers_[name]
        if vectorizer.analyzer != "char_wb":
            return vectorizer.transform(texts)
        if name not in self._char_ngrams:
            self._char_ngrams[name] = CharNgramTfidf(vectorizer)
        return self._char_ngrams[name].transform(texts)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What the model file keeps: the vocabularies (JSON) and idf weights (arrays)."""
        meta = {
            name: {"vocabulary": sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)}
            for name, v in self.vectorizers_.items()
        }
        arrays = {f"idf_{name}": v.idf_ for name, v in self.vectorizers_.items()}
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, np.ndarray], embedder: Embedder | None
    ) -> TextVectors:
        vectors = cls(embedder)
        for name, options in ANALYSERS.items():
            words = meta[name]["vocabulary"]
            vectorizer = TfidfVectorizer(
                sublinear_tf=True,
                lowercase=True,
                vocabulary={w: i for i, w in enumerate(words)},
                **options,
            )
            vectorizer.idf_ = arrays[f"idf_{name}"]
            vectors.vectorizers_[name] = vectorizer
        return vectors

    def feature_names(self) -> list[str]:
        """Names of the lexical columns, in order (for explaining a model-only coding)."""
        names: list[str] = []
        for v in self.vectorizers_.values():
            names += list(v.get_feature_names_out())
        return names
