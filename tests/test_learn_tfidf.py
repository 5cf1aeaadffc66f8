"""TF-IDF applied without scikit-learn gives the rows scikit-learn's vectoriser gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from ksmcode.learn import tfidf
from ksmcode.learn.text import ANALYSERS
from ksmcode.learn.tfidf import Tfidf, l2_rows

ROOT = Path(__file__).resolve().parent.parent
TRAINING = [
    "Pelatihan menjahit untuk ibu-ibu di kampung",
    "Dana bantuan modal usaha sering telat cair",
    "Kami dilatih membuat kue, latihannya tiap minggu",
    "The training helped the women start a small business",
    "Modal usaha dari KSM dipakai untuk warung, modal usaha",
]
WORDS = st.sampled_from(
    ["pelatihan", "DANA", "ibu-ibu", "kue,", "a", "ok", "modal usaha", "Σίσυφος", "ǅ", "x"]
)
TEXTS = st.lists(
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=10).map(" ".join),
    min_size=1,  # scikit-learn refuses no texts at all
    max_size=8,
)


@pytest.fixture(scope="module", params=["char", "word"])
def vectorizer(request):
    options = ANALYSERS[request.param]
    return TfidfVectorizer(sublinear_tf=True, lowercase=True, **options).fit(TRAINING)


def assert_same(ours, theirs) -> None:
    """Same non-zeros; values equal up to rounding (exact on x86-64, where no multiply-add
    is fused when scikit-learn sums the squares)."""
    ours, theirs = sparse.csr_matrix(ours), sparse.csr_matrix(theirs)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-13, atol=0)


@settings(max_examples=200, deadline=None)
@given(texts=TEXTS, more=TEXTS)
def test_rows_are_scikit_learns(vectorizer, texts, more):
    ours = Tfidf.from_vectorizer(vectorizer)
    assert_same(ours.transform(texts), vectorizer.transform(texts))
    assert_same(ours.transform(more), vectorizer.transform(more))  # char_wb: words cached


def test_counts_are_scikit_learns(vectorizer):
    texts = [*TRAINING, "", "   ", "modal modal modal usaha"]
    counter = CountVectorizer(
        vocabulary=vectorizer.vocabulary_,
        analyzer=vectorizer.analyzer,
        ngram_range=vectorizer.ngram_range,
    )
    assert_same(Tfidf.from_vectorizer(vectorizer).counts(texts), counter.transform(texts))


def test_a_full_word_cache_is_emptied_and_refilled(monkeypatch):
    monkeypatch.setattr(tfidf, "WORD_CACHE", 2)
    vectorizer = TfidfVectorizer(sublinear_tf=True, **ANALYSERS["char"]).fit(TRAINING)
    ours = Tfidf.from_vectorizer(vectorizer)
    for text in TRAINING * 2:
        texts = [text, text.upper()]
        assert_same(ours.transform(texts), vectorizer.transform(texts))
    last_words = set(TRAINING[-1].lower().split())
    assert len(ours._word_columns) <= 2 + len(last_words) < len(set(" ".join(TRAINING).split()))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    )
)
def test_l2_rows_is_scikit_learns_normalize(rows):
    matrix = sparse.csr_matrix(np.array(rows))
    assert_same(l2_rows(matrix), normalize(matrix))


def test_only_word_and_char_wb_analysers():
    with pytest.raises(ValueError, match="char_wb"):
        Tfidf("char", (2, 3), ["ab"], np.ones(1))


def test_applying_a_model_imports_no_scikit_learn():
    script = (
        "import sys, ksmcode\n"
        "from ksmcode.learn.store import load_model\n"
        "result = ksmcode.code_corpus(ksmcode.load_corpus('transcripts'),\n"
        "                             ksmcode.load_codebook('codebooks/ksm.yaml'))\n"
        "coding = ksmcode.apply_model(load_model('codebooks/ksm.model'),\n"
        "                             ksmcode.coding_frames(result))\n"
        "assert (coding.segments['source'] == 'model').any()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 30), st.floats(0.05, 0.9))
def test_memory_similarity_is_the_sparse_product(seed, units, density):
    from ksmcode.learn.model import MemorySimilarity

    rng = np.random.default_rng(seed)
    # a few features most units have (the dense part) and many rare ones (the sparse part)
    common = sparse.random(units, 5, density=0.9, random_state=rng, format="csr")
    rare = sparse.random(units, 200, density=density / 10, random_state=rng, format="csr")
    memory = l2_rows(sparse.hstack([common, rare]).tocsr())
    X = l2_rows(sparse.random(7, 205, density=density, random_state=rng, format="csr"))
    similarity = MemorySimilarity(memory)
    assert np.allclose(similarity(X), (X @ memory.T).toarray(), rtol=0, atol=1e-12)
