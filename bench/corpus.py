"""Seeded, non-repeating benchmark corpora and codebooks of any size.

    python bench/corpus.py --mb 8 --out /tmp/corpus-8

A corpus is the shipped transcripts' turns reshuffled into files of 20-50 KB, a quarter of
their words replaced by pseudo-words drawn (Zipf-distributed, like real vocabulary) from a list
of 300,000 generated Indonesian-looking words with real affixes (ber-, di-, meng-, -kan, -nya
...), so that new words keep arriving as the corpus grows: no tokenizer or normaliser cache can
hold it, as no real corpus fits one. A codebook of N rules is the shipped codebook's keywords
topped up with pseudo-word phrases, spread over 25 codes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
from pathlib import Path

from ksmcode.io import load_corpus
from ksmcode.model import Document

SEED = 13
VOCABULARY = 300_000
SUBSTITUTED = 0.25
ONSETS = [*"bcdfghjklmnprstwy", "ng", "ny", "kh", "sy"]
VOWELS = [*"aaaeiiouu"]
CODAS = ["", "", "", "", "", "n", "ng", "k", "r", "s", "t", "h", "l", "m"]
PREFIXES = ["", "", "", "ber", "di", "me", "meng", "pe", "per", "ter", "ke", "se"]
SUFFIXES = ["", "", "", "", "kan", "an", "i", "nya", "lah", "annya"]
_WORD = re.compile(r"[^\W\d_]+")


def pseudo_words(count: int = VOCABULARY, seed: int = SEED) -> list[str]:
    """``count`` distinct pseudo-words, most frequent first."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((2, 2, 2, 3, 3))
        root = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        words[rng.choice(PREFIXES) + root + rng.choice(SUFFIXES)] = None
    return list(words)


class Substituter:
    """Replaces words of a text with pseudo-words, Zipf-distributed over the vocabulary."""

    def __init__(self, seed: int = SEED, rate: float = SUBSTITUTED):
        self.rng, self.rate = random.Random(seed), rate
        self.words = pseudo_words(seed=seed)
        self.weights = list(itertools.accumulate(1 / (r + 10) for r in range(len(self.words))))

    def _replace(self, match: re.Match[str]) -> str:
        word = match.group()
        if self.rng.random() >= self.rate:
            return word
        new = self.rng.choices(self.words, cum_weights=self.weights)[0]
        return new.capitalize() if word[0].isupper() else new

    def __call__(self, text: str) -> str:
        return _WORD.sub(self._replace, text)


def _header(document: Document, number: int) -> str:
    meta = document.meta
    fields = {
        "informant": f"{meta.informant or 'Informan'} {number}",
        "role": meta.role,
        "method": meta.method,
        "language": meta.language,
    }
    lines = [f"{k}: {v}" for k, v in fields.items() if v]
    if meta.interviewer:
        lines.append(f"interviewer: [{', '.join(meta.interviewer)}]")
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def make_corpus(
    out: Path, megabytes: float, *, source: Path = Path("transcripts"), seed: int = SEED
) -> Path:
    """Write a corpus of about ``megabytes`` MB of text into ``out`` (reused when it exists)."""
    done = out / ".complete"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    rng, substitute = random.Random(seed), Substituter(seed)
    documents = [d for d in load_corpus(source).documents if len(d.turns) > 3]
    written, number = 0, 0
    while written < megabytes * 1e6:
        number += 1
        document = rng.choice(documents)
        target = rng.randint(20_000, 50_000)
        parts = [_header(document, number)]
        size = 0
        while size < target:
            turn = rng.choice(document.turns)
            text = substitute(document.text[turn.start : turn.end].strip())
            line = f"{turn.speaker}: {text}\n\n" if turn.speaker else f"{text}\n\n"
            parts.append(line)
            size += len(line.encode("utf-8"))
        text = "".join(parts)
        path = out / f"d{number // 100:03d}" / f"doc{number:05d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
        written += len(text.encode("utf-8"))
    done.write_text(f"{number} documents, {written} bytes\n")
    return out


def make_codebook(out: Path, rules: int, *, base: Path = Path("codebooks/ksm.yaml")) -> Path:
    """A codebook of ``rules`` keyword rules over 25 codes: the base codebook's Indonesian
    keywords first, then pseudo-word phrases of one to three words."""
    from ksmcode.codebook.load import load_codebook

    real = [
        k.text if k.mode == "norm" else ("=" + k.text if k.mode == "exact" else k.text)
        for c in load_codebook(base).codes
        for k in c.keywords
        if k.language in (None, "id")
    ]
    rng, vocabulary = random.Random(SEED), pseudo_words()
    terms = dict.fromkeys(real[:rules])
    while len(terms) < rules:
        words = rng.choices(vocabulary[:50_000], k=rng.choice((1, 2, 3)))
        terms[" ".join(words)] = None
    codes = 25
    lines = [
        "codebook:",
        f"  name: bench {rules} rules",
        '  version: "1"',
        "  languages: [id]",
        "families:",
        "  - id: bench",
        "codes:",
    ]
    chunks = [list(terms)[i::codes] for i in range(codes)]
    for i, chunk in enumerate(chunks):
        quoted = ", ".join('"' + t.replace('"', "") + '"' for t in chunk)
        lines += [f"  - id: code{i:02d}", "    family: bench", f"    keywords: {{id: [{quoted}]}}"]
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    print((make_corpus(args.out, args.mb, seed=args.seed) / ".complete").read_text(), end="")


if __name__ == "__main__":
    main()
