"""Which default keyword mode codes better: normalised forms or exact surface forms?

    python bench/keyword_modes.py [--part dev]

Codes the bundled study twice with the bundled codebook: as written (plain keywords compared
on normalised forms: colloquial spelling, Sastrawi stems, English lemmas) and with every plain
keyword turned into an exact surface keyword, and scores both against the gold on one part of
the split (dev by default: the part the codebook is tuned on).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from ksmcode.analysis.evaluation import evaluate
from ksmcode.analysis.frame import coding_frames
from ksmcode.codebook.load import load_codebook
from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.io import load_corpus
from ksmcode.matching.engine import code_corpus


def _exact(keywords: tuple[Keyword, ...]) -> tuple[Keyword, ...]:
    return tuple(replace(k, mode="exact") if k.mode == "norm" else k for k in keywords)


def surface_only(codebook: Codebook) -> Codebook:
    """The codebook with every normalised keyword compared on exact surface forms instead."""
    codes = tuple(
        replace(
            c,
            keywords=_exact(c.keywords),
            exclude=_exact(c.exclude),
            near=tuple(replace(r, a=_exact(r.a), b=_exact(r.b)) for r in c.near),
        )
        for c in codebook.codes
    )
    return replace(codebook, codes=codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="dev")
    args = parser.parse_args()
    codebook = load_codebook("codebooks/ksm.yaml")
    corpus = load_corpus("transcripts", interviewer=["Peneliti", "Interviewer"])
    for name, book in (("normalised", codebook), ("exact surface", surface_only(codebook))):
        coding = coding_frames(code_corpus(corpus, book))
        result = evaluate(coding, "gold/ksm_gold.csv", split_path="gold/split.csv")
        s = result.summary.loc[args.part]
        print(
            f"{name:14} {args.part}: precision {s.precision:.3f}  recall {s.recall:.3f}  "
            f"F1 {s.f1:.3f}"
        )


if __name__ == "__main__":
    main()
