"""Normalisation restricted to the forms a codebook compares gives the same comparisons."""

from __future__ import annotations

import itertools
import zlib

from ksmcode.codebook.load import load_codebook
from ksmcode.matching.engine import Engine
from ksmcode.nlp import Normalizer

PREFIXES = ["", "di", "ke", "se", "ber", "be", "ter", "me", "mem", "men", "meng", "meny",
            "pe", "pem", "pen", "peng", "peny", "per", "memper", "diper", "keber", "ku",
            "kau"]  # fmt: skip
SUFFIXES = ["", "kan", "an", "i", "is", "nya", "lah", "kah", "annya", "kannya", "inya", "ku",
            "mu", "pun", "isasi", "anlah"]  # fmt: skip


def test_restricted_normaliser_compares_like_the_full_one():
    engine = Engine(load_codebook("codebooks/ksm.yaml"))
    restricted = engine.language("id").rules.normalise
    forms = restricted._forms
    assert forms  # the codebook's forms are known, so the restriction is on
    full = Normalizer("id", engine.codebook.protect)
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
