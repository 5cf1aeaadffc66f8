"""Prefix wildcards: single and multi-word globs, and the cache of first words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.matching.globs import GlobMatcher, word_matches

WORD = st.text(alphabet="abk", min_size=1, max_size=3)
PATTERN = st.one_of(WORD, WORD.map(lambda w: w[:-1] + "*"), st.just("*"))


def test_word_matches():
    assert word_matches("pelatih*", "pelatihan")
    assert word_matches("pelatih*", "pelatih")
    assert not word_matches("pelatih*", "latihan")
    assert word_matches("ac", "ac") and not word_matches("ac", "acara")


def test_single_and_multi_word_globs():
    matcher = GlobMatcher()
    matcher.add(1, "pengurus*")
    matcher.add(2, "dinas sos*")
    words = ["para", "pengurusnya", "dari", "dinas", "sosial", "dan", "dinas", "kesehatan"]
    assert matcher(words) == [(1, 1, 2), (2, 3, 5)]
    assert matcher(words[:4]) == [(1, 1, 2)]  # a glob cut off at the end does not match
    assert len(matcher) == 2


@settings(max_examples=300, deadline=None)
@given(
    globs=st.lists(st.lists(PATTERN, min_size=1, max_size=3).map(" ".join), max_size=6),
    words=st.lists(WORD, max_size=12),
)
def test_globs_find_what_trying_every_glob_everywhere_finds(globs, words):
    matcher = GlobMatcher()
    for key, text in enumerate(globs):
        matcher.add(key, text)
    expected = [
        (key, i, i + len(text.split()))
        for i in range(len(words))
        for key, text in enumerate(globs)
        if i + len(text.split()) <= len(words)
        and all(word_matches(p, w) for p, w in zip(text.split(), words[i:], strict=False))
    ]
    assert matcher(words) == expected
    assert matcher(words) == expected  # from the cache of first words
