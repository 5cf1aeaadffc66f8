"""Unit texts as vectors: TF-IDF over word and character n-grams, optionally with an embedding.

Character n-grams (3-5, within words) carry Indonesian morphology and colloquial spellings
(pelatihan / dilatih / latihannya share "lati"), so no stemmer is needed here. The fitted
vocabulary and idf weights are plain arrays, stored in the model file without pickle, and
applied without scikit-learn (``ksmcode.learn.tfidf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from ksmcode.learn.embed import Embedder
from ksmcode.learn.tfidf import Tfidf, l2_rows

ANALYSERS: dict[str, dict[str, Any]] = {
    "char": {"analyzer": "char_wb", "ngram_range": (3, 5), "max_features": 20000},
    "word": {"analyzer": "word", "ngram_range": (1, 2), "max_features": 5000},
}


def with_question(text: str, question: str) -> str:
    """A unit's text with the words of the question before it, each marked (``qberapa``) so
    that they count apart from the unit's own words."""
    if not question:
        return text
    return text + " " + " ".join("q" + word.lower() for word in question.split())


class TextVectors:
    """Fit on training texts, then turn any texts into L2-normalised rows.

    With ``questions`` (one per text, the interviewer's turn before it), the lexical part
    also counts the question's words (``with_question``). With an ``embedder`` the text's
    (normalised) embedding is appended, weighted so that it counts as much as the lexical part
    in a cosine similarity.
    """

    def __init__(self, embedder: Embedder | None = None):
        self.embedder = embedder
        self.tfidf_: dict[str, Tfidf] = {}

    def fit(self, texts: Sequence[str], questions: Sequence[str] | None = None) -> TextVectors:
        from sklearn.feature_extraction.text import TfidfVectorizer  # training only

        texts = _lexical(texts, questions)
        for name, options in ANALYSERS.items():
            vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, lowercase=True, **options)
            try:
                vectorizer.fit(texts)
            except ValueError:  # too few texts for min_df=2
                vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True, **options)
                vectorizer.fit(texts)
            self.tfidf_[name] = Tfidf.from_vectorizer(vectorizer)
        return self

    def transform(
        self, texts: Sequence[str], questions: Sequence[str] | None = None
    ) -> sparse.csr_matrix:
        texts = list(texts)
        lexical_texts = _lexical(texts, questions)
        # Each part's rows already have unit length; scaling them again (as the shipped model
        # was trained) keeps confidences equal to the last bit (without: ~1e-15 apart).
        parts = [l2_rows(tfidf.transform(lexical_texts)) for tfidf in self.tfidf_.values()]
        lexical = l2_rows(sparse.hstack(parts))
        if self.embedder is None:
            return lexical
        dense = l2_rows(np.asarray(self.embedder.embed(texts), dtype=float)).toarray()
        return sparse.hstack([lexical, sparse.csr_matrix(dense)]).tocsr() / np.sqrt(2.0)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What the model file keeps: the vocabularies (JSON) and idf weights (arrays)."""
        meta = {name: {"vocabulary": t.vocabulary} for name, t in self.tfidf_.items()}
        arrays = {f"idf_{name}": t.idf for name, t in self.tfidf_.items()}
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, np.ndarray], embedder: Embedder | None
    ) -> TextVectors:
        vectors = cls(embedder)
        for name, options in ANALYSERS.items():
            vectors.tfidf_[name] = Tfidf(
                options["analyzer"],
                options["ngram_range"],
                meta[name]["vocabulary"],
                arrays[f"idf_{name}"],
            )
        return vectors

    def feature_names(self) -> list[str]:
        """Names of the lexical columns, in order (for explaining a model-only coding)."""
        return [gram for tfidf in self.tfidf_.values() for gram in tfidf.vocabulary]


def _lexical(texts: Sequence[str], questions: Sequence[str] | None) -> list[str]:
    if questions is None:
        return list(texts)
    return [with_question(t, q) for t, q in zip(texts, questions, strict=True)]
