"""How much the shipped model adds over the rules, per part of its training data, held out.

    python bench/quality.py [--model codebooks/ksm.model]

Takes the training units kept in the model file (the sample study, the tuning set and the
validation set, as ``ksmcode learn`` built it), codes every unit with models that did not see
its document (5-fold cross-validation grouped by document, calibrated and thresholded as
``ksmcode learn`` does: ``ksmcode.learn.train.held_out_coding``) and prints micro precision /
recall / F1 over unit x code and negation F1 for the rules and the model, per part and
language: the README's table "How much the model adds over the rules". Takes a few minutes.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from ksmcode.codebook.load import load_codebook
from ksmcode.io import load_corpus
from ksmcode.learn.fit import code_descriptions
from ksmcode.learn.model import CodingModel
from ksmcode.learn.store import load_model
from ksmcode.learn.train import (
    HeldOutCoding,
    held_out_coding,
    held_out_negation_scores,
    scores_table,
)

ROOT = Path(__file__).resolve().parents[1]
# Each training set's documents carry one "base:" per model built on it (see README: the
# shipped model learns the tuning set, then the validation set, then the sample study).
SETS = {"base:base:": ROOT / "tuning" / "transcripts", "base:": ROOT / "validation" / "transcripts"}


def parts(documents: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Rows of each part: the sample study's test and dev parts, the tuning and validation
    sets, each language, and all."""
    with open(ROOT / "gold" / "split.csv", encoding="utf-8", newline="") as table:
        split = {r["document"]: r["split"] for r in csv.DictReader(table)}
    language: dict[str, str] = {}
    for prefix, folder in {**SETS, "": ROOT / "transcripts"}.items():
        for doc in load_corpus(folder, interviewer=["Peneliti", "Interviewer"]).documents:
            language[prefix + doc.id] = doc.meta.language or "id"

    def part(document: str) -> str:
        if document.startswith("base:base:"):
            return "tuning set"
        if document.startswith("base:"):
            return "validation set"
        return f"sample study, {split[document]} part"

    docs = np.asarray(documents)
    named = np.asarray([part(d) for d in documents])
    langs = np.asarray([language[d] for d in documents])
    out = {name: named == name for name in sorted(set(named), reverse=True)}
    out |= {"Indonesian": langs == "id", "English": langs == "en"}
    out["all"] = np.ones(len(docs), dtype=bool)
    return out


def row(held: HeldOutCoding) -> str:
    cv = held.cv
    micro = scores_table(held.predicted, cv.rules, cv.labels, []).loc["micro"]
    cells = [str(len(cv.documents))]
    for name in ("rules", "model"):
        p, r, f = (micro[f"{name}_{score}"] for score in ("precision", "recall", "f1"))
        cells.append(f"{p:.2f} / {r:.2f} / {f:.2f}")
    negation = held_out_negation_scores(cv, held.predicted, held.negation_threshold)
    cells += [
        "{f1:.2f} (P {precision:.2f}, R {recall:.2f})".format(**negation[name])
        for name in ("rules", "model")
    ]
    return " | ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "codebooks" / "ksm.model")
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebooks" / "ksm.yaml")
    args = parser.parse_args()
    coder = load_model(args.model)
    codebook = load_codebook(args.codebook)
    codes, descriptions = list(codebook.code_ids), code_descriptions(codebook)
    held = held_out_coding(coder.examples, lambda: CodingModel(codes, descriptions))
    print("| part | units | rules P / R / F1 | rules + model P / R / F1 "
          "| negation: rules F1 | negation: model F1 |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, rows in parts(coder.examples.documents).items():
        print(f"| {name} | {row(held.take(np.flatnonzero(rows)))} |")
    print(f"\nCalibration (share of codings right, by confidence): {calibration(held)}")


def calibration(held: HeldOutCoding) -> str:
    """How often a hand coder gave the code, by the held-back calibrated confidence."""
    cv = held.cv
    confidence = held.calibration.predict(cv.proba.reshape(-1)).reshape(cv.proba.shape)
    known = (cv.labels >= 0) & held.trained[None, :]  # the codes the model decides
    cells = []
    for low in (0.2, 0.4, 0.6, 0.8):
        chosen = known & (confidence >= low) & (confidence < low + 0.2 + 1e-9)
        right = (cv.labels[chosen] == 1).mean() if chosen.any() else float("nan")
        cells.append(f"{low:.1f}-{low + 0.2:.1f} {right:.0%}")
    return ", ".join(cells)


if __name__ == "__main__":
    main()
