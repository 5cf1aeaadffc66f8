"""Normalisation restricted to the forms a codebook compares gives the same comparisons."""

from __future__ import annotations

import itertools
import random
import zlib

from ksmcode.codebook.load import load_codebook
from ksmcode.matching.engine import Engine
from ksmcode.nlp import Normalizer

PREFIXES = ["", "di", "ke", "se", "ber", "be", "ter", "me", "mem", "men", "meng", "meny",
            "pe", "pem", "pen", "peng", "peny", "per", "memper", "diper", "keber", "ku",
            "kau"]  # fmt: skip
SUFFIXES = ["", "kan", "an", "i", "is", "nya", "lah", "kah", "annya", "kannya", "inya", "ku",
            "mu", "pun", "isasi", "anlah"]  # fmt: skip


def unfiltered(protect=()) -> Normalizer:
    """A normaliser that gives every word to Sastrawi."""
    normaliser = Normalizer("id", protect)
    normaliser._may_stem_to_a_form = lambda word: True  # type: ignore[method-assign]
    return normaliser


def test_restricted_normaliser_compares_like_the_full_one():
    engine = Engine(load_codebook("codebooks/ksm.yaml"))
    restricted = engine.language("id").rules.normalise
    forms = restricted._forms
    assert forms  # the codebook's forms are known, so the restriction is on
    full = unfiltered(engine.codebook.protect)
    roots = sorted(f for f in forms if f.isalpha() and len(f) > 2)[:120]
    words = {
        p + body + s
        for root, p, s in itertools.product(roots, PREFIXES, SUFFIXES)
        for body in (root, root[1:])
        if zlib.crc32(f"{root}/{p}/{s}".encode()) % 8 == 0  # a fixed sample: a fast test
    }
    words |= {"gemetar", "telunjuk", "sinambung", "bersyakis", "menyapu", "pemukul"}
    for word in sorted(words):
        expected, got = full(word), restricted(word)
        assert got == expected or (got not in forms and expected not in forms), word


def test_words_that_stem_to_no_root_skip_sastrawi_and_keep_their_form():
    syllables = [c + v for c in "bcdfghjklmnprstwy" for v in "aiueo"] + ["ng", "ny", "kh", "sy"]
    draw = random.Random(7)
    words = {
        draw.choice(PREFIXES)
        + "".join(draw.choice(syllables) for _ in range(draw.randint(1, 4)))
        + draw.choice(SUFFIXES)
        for _ in range(3000)
    }
    words |= {"lininuk", "perkinugenan", "pelatihannya", "dikerjakan", "mengkhisis"}
    filtered, full = Normalizer("id"), unfiltered()
    skipped = [w for w in sorted(words) if not filtered._may_stem_to_a_form(w)]
    assert len(skipped) > len(words) / 4  # the filter does skip
    for word in sorted(words):
        assert filtered(word) == full(word), word
