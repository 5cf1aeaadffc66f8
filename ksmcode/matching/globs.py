"""Keywords with prefix wildcards (``pelatih*``, ``dinas sos*``), matched on lower-cased words.

spaCy's Matcher would evaluate a REGEX predicate for every pattern on every token; here each
distinct word is tested once against all first words and the answer is cached, which keeps
globs from dominating the run time.
"""

from __future__ import annotations

from collections.abc import Sequence


def word_matches(pattern: str, word: str) -> bool:
    """``pattern`` is a lower-cased word, or a prefix followed by ``*``."""
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class GlobMatcher:
    def __init__(self) -> None:
        self._globs: list[tuple[int, tuple[str, ...]]] = []
        self._by_letter: dict[str, list[int]] = {}  # first letter of a glob's first word -> globs
        self._starts: dict[str, list[int]] = {}

    def add(self, key: int, text: str) -> None:
        words = tuple(text.lower().split())
        self._by_letter.setdefault(words[0][:1].rstrip("*"), []).append(len(self._globs))
        self._globs.append((key, words))
        self._starts.clear()

    def __len__(self) -> int:
        return len(self._globs)

    def _starting_with(self, word: str) -> list[int]:
        found = self._starts.get(word)
        if found is None:  # only globs whose first word starts with the word's letter, or "*"
            candidates = self._by_letter.get(word[:1], []) + self._by_letter.get("", [])
            found = self._starts[word] = [
                i for i in sorted(candidates) if word_matches(self._globs[i][1][0], word)
            ]
        return found

    def __call__(self, lowers: Sequence[str]) -> list[tuple[int, int, int]]:
        """(key, start, end) token spans of every glob in the lower-cased words ``lowers``."""
        hits = []
        for i, word in enumerate(lowers):
            for g in self._starting_with(word):
                key, words = self._globs[g]
                end = i + len(words)
                rest = zip(words[1:], lowers[i + 1 : end], strict=False)
                if end <= len(lowers) and all(word_matches(p, w) for p, w in rest):
                    hits.append((key, i, end))
        return hits
