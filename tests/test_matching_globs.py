"""Prefix wildcards: single and multi-word globs, and the cache of first words."""

from __future__ import annotations

from ksmcode.matching.globs import GlobMatcher, word_matches


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
