"""Character n-gram TF-IDF counted word by word equals scikit-learn's, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from ksmcode.learn import ngrams
from ksmcode.learn.ngrams import CharNgramTfidf
from ksmcode.learn.text import ANALYSERS

TRAINING = [
    "Pelatihan menjahit untuk ibu-ibu di kampung",
    "Dana bantuan modal usaha sering telat cair",
    "Kami dilatih membuat kue, latihannya tiap minggu",
    "The training helped the women start a small business",
    "Modal usaha dari KSM dipakai untuk warung",
]
WORDS = st.sampled_from(["pelatihan", "DANA", "ibu-ibu", "kue,", "a", "ok", "Σίσυφος", "ǅ", "x"])
TEXTS = st.lists(
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=10).map(" ".join),
    min_size=1,  # scikit-learn refuses no texts at all
    max_size=8,
)


@pytest.fixture(scope="module")
def vectorizer():
    options = ANALYSERS["char"]
    return TfidfVectorizer(sublinear_tf=True, lowercase=True, **options).fit(TRAINING)


def same(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


@settings(max_examples=200, deadline=None)
@given(texts=TEXTS, more=TEXTS)
def test_word_by_word_counting_gives_sklearns_tfidf(vectorizer, texts, more):
    fast = CharNgramTfidf(vectorizer)
    assert same(fast.transform(texts), vectorizer.transform(texts))
    assert same(fast.transform(more), vectorizer.transform(more))  # with words cached


def test_a_full_word_cache_is_emptied_and_refilled(vectorizer, monkeypatch):
    monkeypatch.setattr(ngrams, "WORD_CACHE", 2)
    fast = CharNgramTfidf(vectorizer)
    for text in TRAINING * 2:
        texts = [text, text.upper()]
        assert same(fast.transform(texts), vectorizer.transform(texts))
    last_words = set(TRAINING[-1].lower().split())
    assert len(fast._features) <= 2 + len(last_words) < len(set(" ".join(TRAINING).split()))


def test_only_a_char_wb_vectoriser_is_taken():
    with pytest.raises(ValueError, match="char_wb"):
        CharNgramTfidf(TfidfVectorizer(analyzer="word").fit(TRAINING))
