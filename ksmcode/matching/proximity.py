"""Proximity rules: a term of set A within N tokens of a term of set B."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from ksmcode.matching.rules import RuleRef

Hit = tuple[RuleRef, int, int]


SENTENCE_ENDS = {".", "!", "?"}


def sentence_numbers(lowers: Sequence[str]) -> list[int]:
    """For each token, how many sentence ends precede it (tokens of one sentence share it)."""
    numbers, seen = [], 0
    for word in lowers:
        numbers.append(seen)
        seen += word in SENTENCE_ENDS
    return numbers


def pair_near(hits: Iterable[Hit], windows: dict[str, int], sentences: Sequence[int]) -> list[Hit]:
    """Pair the near-a and near-b hits of each rule within one sentence; each A hit takes its
    closest B hit. ``sentences`` numbers the tokens' sentences (see ``sentence_numbers``).

    Returns one hit per pair, spanning both terms, with the term written ``a ~ b``.
    """
    sides: dict[tuple[str, str], dict[str, list[Hit]]] = defaultdict(lambda: defaultdict(list))
    for hit in hits:
        ref = hit[0]
        if ref.kind in ("near-a", "near-b"):
            sides[(ref.code, ref.rule)][ref.kind].append(hit)
    paired: list[Hit] = []
    for (code, rule), found in sides.items():
        window = windows[rule]
        for a_ref, a_start, a_end in found["near-a"]:
            best = None
            for b_ref, b_start, b_end in found["near-b"]:
                if a_start < b_end and b_start < a_end:  # the same words cannot be both
                    continue
                gap = max(a_start, b_start) - min(a_end, b_end)
                same_sentence = sentences[a_start] == sentences[b_start]
                if gap <= window and same_sentence and (best is None or gap < best[0]):
                    best = (gap, b_ref, b_start, b_end)
            if best is not None:
                _, b_ref, b_start, b_end = best
                ref = RuleRef(code, "near", f"{a_ref.term} ~ {b_ref.term}", rule)
                paired.append((ref, min(a_start, b_start), max(a_end, b_end)))
    return paired
