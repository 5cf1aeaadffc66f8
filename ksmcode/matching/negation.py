"""NegEx-style negation scope for Indonesian and English.

A match is negated when a negation cue stands within ``PRE_WINDOW`` tokens before it, or within
``POST_WINDOW`` tokens after it (Indonesian often negates after the topic: "terminasinya belum
ada"), with no clause boundary in between. Pseudo-negations ("tidak hanya", "not only") are not
cues. Cues are compared on normalised forms, so colloquial spellings (nggak, gak, ndak) count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PRE_WINDOW = 5
POST_WINDOW = 3

# Normalised forms: colloquial spellings map to these before comparison (nggak -> tidak).
CUES = {
    "id": [
        "tidak",
        "tak",
        "belum",
        "bukan",
        "tanpa",
        "kurang",
        "minim",
        "tiada",
        "jangan",
        "nihil",
        "absen",
        "gagal",
        "batal",
    ],
    "en": [
        "not",
        "n't",
        "no",
        "never",
        "without",
        "lack",
        "lacking",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "absence",
        "absent",
        "fail",
        "insufficient",
        "inadequate",
    ],
}
# Cues that only look forward ("tanpa pelatihan", "without a budget").
PRE_ONLY = {"tanpa", "without", "absence", "nobody", "no", "never", "neither"}
PSEUDO = {
    "id": [
        "tidak hanya",
        "tak hanya",
        "bukan hanya",
        "tidak cuma",
        "bukan cuma",
        "tidak sekadar",
        "bukan sekadar",
        "tidak saja",
        "tidak bisa pungkir",
        "tidak dapat pungkir",
        "tak bisa pungkir",
        "tidak sedikit",
        "kurang lebih",
        "tidak lupa",
        "tidak ada masalah",
        "tidak masalah",
        "tidak apa",
    ],
    "en": [
        "not only",
        "not just",
        "no doubt",
        "not limited to",
        "no longer only",
        "never mind",
        "not a problem",
        "no problem",
    ],
}
BOUNDARIES = {
    ".",
    ",",
    ";",
    "!",
    "?",
    ":",
    "tapi",
    "tetapi",
    "namun",
    "melainkan",
    "sedangkan",
    "padahal",
    "walaupun",
    "meskipun",
    "but",
    "however",
    "although",
    "though",
    "whereas",
    "yet",
}


@dataclass(frozen=True)
class Negation:
    negated: bool
    cue: str | None = None


class NegationScope:
    """Decides whether a token span is negated, given the normalised tokens of its segment."""

    def __init__(self, language: str, normalise):
        self.cues = {normalise(c) for c in CUES[language]} | set(CUES[language])
        self.pre_only = {normalise(c) for c in PRE_ONLY} | PRE_ONLY
        self.pseudo = [tuple(normalise(w) for w in p.split()) for p in PSEUDO[language]]
        self.boundaries = BOUNDARIES

    def _pseudo_at(self, norms: Sequence[str], i: int) -> bool:
        return any(tuple(norms[i : i + len(p)]) == p for p in self.pseudo)

    def _pseudo_covering(self, norms: Sequence[str], i: int) -> bool:
        return any(self._pseudo_at(norms, j) for j in range(max(0, i - 3), i + 1))

    def __call__(self, norms: Sequence[str], start: int, end: int) -> Negation:
        """Is the token span ``[start, end)`` negated? ``norms`` are the segment's tokens."""
        for i in range(start - 1, max(-1, start - 1 - PRE_WINDOW), -1):
            if norms[i] in self.boundaries:
                break
            if norms[i] in self.cues and not self._pseudo_covering(norms, i):
                return Negation(True, norms[i])
        for i in range(end, min(len(norms), end + POST_WINDOW)):
            if norms[i] in self.boundaries:
                break
            cue = norms[i]
            post_cue = cue in self.cues and cue not in self.pre_only
            if post_cue and not self._pseudo_covering(norms, i):
                return Negation(True, cue)
        return Negation(False)
