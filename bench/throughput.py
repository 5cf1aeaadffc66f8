"""Throughput of the coding engine against two baselines, reported as ratios in one run.

    python bench/throughput.py [--transcripts transcripts] [--codebook codebooks/ksm.yaml] [--mb 2]

Baselines on the same text: spaCy's blank tokeniser alone (the floor any spaCy-based coder
pays), and a naive coder that runs one case-insensitive regex per keyword over every unit.
The sample study is repeated until it reaches ``--mb`` megabytes of unit text.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace

from ksmcode.codebook.load import load_codebook
from ksmcode.io import load_corpus
from ksmcode.matching.engine import Engine
from ksmcode.nlp import blank_pipeline
from ksmcode.segment import segment_document


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", default="transcripts")
    parser.add_argument("--codebook", default="codebooks/ksm.yaml")
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()

    codebook = load_codebook(args.codebook)
    corpus = load_corpus(args.transcripts)
    base = [
        (d, [s for s in segment_document(d, "turn") if not s.is_interviewer])
        for d in corpus.documents
    ]
    size = sum(len(d.text[s.start : s.end]) for d, segs in base for s in segs)
    copies = max(1, round(args.mb * 1e6 / size))
    work = [(replace(d, id=f"{i}/{d.id}"), segs) for i in range(copies) for d, segs in base]
    work = [(d, [replace(s, document_id=d.id) for s in segs]) for d, segs in work]
    texts = [d.text[s.start : s.end] for d, segs in work for s in segs]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    units = len(texts)

    engine = Engine(codebook)
    for language in codebook.languages:
        engine.language(language)  # compile outside the timing
    nlp = blank_pipeline("id")
    patterns = [
        (code.id, re.compile(r"\b" + re.escape(kw.text.rstrip("*").lower()), re.IGNORECASE))
        for code in codebook.codes
        for kw in code.keywords
    ]

    def tokenise() -> None:
        for _ in nlp.pipe(texts, batch_size=256):
            pass

    def engine_run() -> None:
        for document, segments in work:
            engine.code_document(document, segments)

    def naive() -> None:
        for text in texts:
            {code for code, rx in patterns if rx.search(text)}

    results = {
        "tokeniser only": _timed(tokenise),
        "ksmcode engine": _timed(engine_run),
        "naive regex per keyword": _timed(naive),
    }
    print(f"{units} units, {megabytes:.2f} MB of unit text, {len(patterns)} keyword regexes")
    print(f"{'':26}{'seconds':>9}{'MB/s':>8}{'units/s':>10}{'vs tokeniser':>14}")
    for name, seconds in results.items():
        ratio = seconds / results["tokeniser only"]
        print(
            f"{name:26}{seconds:9.2f}{megabytes / seconds:8.2f}{units / seconds:10.0f}"
            f"{ratio:13.2f}x"
        )


if __name__ == "__main__":
    main()
