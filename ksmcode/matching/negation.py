"""NegEx-style negation scope for Indonesian and English.

A match is negated when a negation cue stands within ``PRE_WINDOW`` tokens before it, or within
``POST_WINDOW`` tokens after it (Indonesian often negates after the topic: "terminasinya belum
ada"), with no clause boundary in between. Pseudo-negations ("tidak hanya", "not only") are not
cues. Cues are compared on spelling-normalised words, not on stems: colloquial spellings count
(nggak, gak, ndak -> tidak) but derived words do not ("berkurang", "kekurangan" are no cues).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ksmcode.nlp import standard_spelling

PRE_WINDOW = 5
POST_WINDOW = 5

CUES = {
    "id": {"tidak", "tak", "belum", "bukan", "tanpa", "kurang", "minim", "tiada", "nihil",
           # events that were called off or failed ("pelatihannya batal")
           "batal", "dibatalkan", "gagal", "urung"},
    "en": {"not", "no", "never", "without", "lack", "lacking", "none", "nobody", "nothing",
           "neither", "nor", "cannot", "absence", "absent", "insufficient", "inadequate",
           "cancelled", "canceled"},
}  # fmt: skip
# Cues that only look forward ("tanpa pelatihan", "without a budget", "no funds").
PRE_ONLY = {"tanpa", "without", "absence", "nobody", "no", "never", "neither"}
PSEUDO = {
    "id": [
        "tidak hanya", "tak hanya", "bukan hanya", "tidak cuma", "bukan cuma", "tidak sekadar",
        "bukan sekadar", "tidak saja", "tidak bisa dipungkiri", "tidak dapat dipungkiri",
        "tak bisa dipungkiri", "tidak sedikit", "kurang lebih", "tidak lupa", "tidak ada masalah",
        "tidak masalah", "tidak apa", "atau tidak", "atau belum", "atau bukan", "tidak lama",
        "tak lama", "tidak kayak dulu", "tidak seperti dulu", "tidak seperti dahulu",
    ],
    "en": [
        "not only", "not just", "no doubt", "not limited to", "never mind", "not a problem",
        "no problem", "or not", "not long", "no longer",
    ],
}  # fmt: skip
BOUNDARIES = {
    ".", ",", ";", "!", "?", ":", "tapi", "tetapi", "namun", "melainkan", "sedangkan", "padahal",
    "walaupun", "meskipun", "but", "however", "although", "though", "whereas", "yet",
}  # fmt: skip


@dataclass(frozen=True)
class Negation:
    negated: bool
    cue: str | None = None


NOT_NEGATED = Negation(False)


class NegationScope:
    """Decides whether a token span is negated, given the lower-cased tokens of its segment."""

    def __init__(self, language: str):
        self.language = language
        self.cues = CUES[language]
        self.pseudo = [tuple(map(self.spelling, p.split())) for p in PSEUDO[language]]
        self.longest_pseudo = max(len(p) for p in self.pseudo)

    def spelling(self, lower: str) -> str:
        """The word a cue is compared with: standard spelling, never a stem."""
        if self.language == "en":
            return "not" if lower == "n't" else lower
        return standard_spelling(lower)

    def is_pseudo(self, words: Sequence[str], i: int) -> bool:
        """Does a pseudo-negation ("tidak hanya", "no problem") cover ``words[i]``?"""
        for j in range(max(0, i - self.longest_pseudo + 1), i + 1):
            if any(tuple(words[j : j + len(p)]) == p and j + len(p) > i for p in self.pseudo):
                return True
        return False

    def words(self, lowers: Sequence[str]) -> list[str]:
        """The segment's lower-cased tokens in the spelling cues are compared with."""
        return [self.spelling(w) for w in lowers]

    def __call__(self, lowers: Sequence[str], words: Sequence[str], start: int, end: int):
        """Is the token span ``[start, end)`` negated? ``lowers`` are the segment's lower-cased
        tokens, ``words`` the same from ``self.words``."""
        for i in range(start - 1, max(-1, start - 1 - PRE_WINDOW), -1):
            if words[i] in BOUNDARIES:
                break
            if words[i] in self.cues and not self.is_pseudo(words, i):
                return Negation(True, lowers[i])
        for i in range(end, min(len(words), end + POST_WINDOW)):
            if words[i] in BOUNDARIES:
                break
            post_cue = words[i] in self.cues and words[i] not in PRE_ONLY
            if post_cue and not self.is_pseudo(words, i):
                return Negation(True, lowers[i])
        return Negation(False)
