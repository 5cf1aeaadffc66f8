"""``learn``: train a coder from human codings of a study, optionally on top of a base model."""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ksmcode.errors import ModelError
from ksmcode.learn.coder import LearnedCoder
from ksmcode.learn.embed import load_embedder
from ksmcode.learn.examples import Examples, concat, examples_from_coding
from ksmcode.learn.model import CodingModel
from ksmcode.learn.train import (
    held_out_coding,
    held_out_negation_scores,
    scores_table,
    too_few,
)

if TYPE_CHECKING:
    from ksmcode.location import Location

OWN_WEIGHT = 1.0  # how much one of the study's own units counts against one base unit

Progress = Callable[[str], None]


def merge_labels(codings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One label table from several aligned codings: per unit, the first coding that covers
    it (in the order given) decides."""
    merged: pd.DataFrame | None = None
    for table in codings.values():
        merged = table.copy() if merged is None else merged.combine_first(table)
    if merged is None:
        raise ModelError("learning needs at least one human coding (--coding FILE)")
    return merged


def code_descriptions(codebook) -> list[str]:
    """The text each code is compared with: its labels, definition, inclusion and example."""
    return [
        " ".join(
            part
            for part in (*code.labels.values(), code.definition, code.inclusion, code.example)
            if part
        )
        for code in codebook.codes
    ]


def train_coder(
    examples: Examples,
    codebook,
    *,
    embeddings: str | None = None,
    info: dict | None = None,
    own: np.ndarray | None = None,
) -> LearnedCoder:
    """Cross-validate, fit, calibrate and set thresholds on ``examples``.

    ``own`` marks the examples of the study being learnt (the scores in ``info`` are given for
    them as well as for all examples).
    """
    codes = list(codebook.code_ids)
    descriptions = code_descriptions(codebook)
    embedder = load_embedder(embeddings)

    def make() -> CodingModel:
        return CodingModel(codes, descriptions, embedder=embedder)

    held = held_out_coding(examples, make)
    model = make().fit(examples)
    cv, predicted, negation_threshold = held.cv, held.predicted, held.negation_threshold
    scores = {"all": scores_table(predicted, cv.rules, cv.labels, codes)}
    if own is not None and own.any() and not own.all():
        scores["own"] = scores_table(predicted[own], cv.rules[own], cv.labels[own], codes)
    info = {
        **(info or {}),
        "training": {
            "units": len(examples),
            "documents": sorted(set(examples.documents)),
            "positives": dict(
                zip(codes, (cv.labels == 1).sum(axis=0).astype(int).tolist(), strict=True)
            ),
            "rule_only_codes": too_few(cv.labels, codes),
        },
        "cross_validation": {name: _records(table) for name, table in scores.items()},
        "negation": {
            "threshold": negation_threshold,
            **held_out_negation_scores(cv, predicted, negation_threshold),
        },
        "versions": _versions(),
    }
    return LearnedCoder(
        model,
        held.calibration.X_thresholds_,
        held.calibration.y_thresholds_,
        held.thresholds,
        examples,
        info,
        negation_threshold,
    )


def learn(
    codings: Sequence[str | Path],
    transcripts: str | Location,
    codebook_path: str | Path,
    *,
    unit: str = "turn",
    language: str = "id",
    interviewer: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    base: LearnedCoder | None = None,
    own_weight: float = OWN_WEIGHT,
    embeddings: str | None = None,
    on_progress: Progress | None = None,
) -> LearnedCoder:
    """Train a coder from human codings (csv / xlsx / .qdpx, as ``agree coders`` reads them).

    Units a coding covers with no code are negatives; documents it does not cover are not used.
    With ``base`` (a model trained with the same codebook) its training units are kept and the
    study's own units weigh ``own_weight`` times as much.

    Example::

        coder = learn(["my_coding.xlsx"], "transcripts", "codebooks/ksm.yaml")
        save_model(coder, "model.ksm")
    """
    from ksmcode.codebook.load import load_codebook

    say = on_progress or (lambda message: None)
    codebook = load_codebook(codebook_path)
    sha = codebook.sha256
    say("reading and coding the transcripts with the rules")
    own, coders = study_examples(
        codings,
        transcripts,
        codebook,
        unit=unit,
        language=language,
        interviewer=interviewer,
        exclude=exclude,
    )
    own = own.with_weight(own_weight)
    parts = [own]
    if base is not None:
        if base.info.get("codebook", {}).get("sha256") != sha:
            raise ModelError(
                "the base model was trained with another codebook; use --no-base, or a base "
                f"model trained with {codebook_path}"
            )
        parts.insert(0, base_examples(base.examples, own))
    examples = concat(parts)
    mine = np.zeros(len(examples), dtype=bool)
    mine[len(examples) - len(own) :] = True
    say(f"training on {len(examples)} units from {len(set(examples.documents))} documents")
    info = {
        "codebook": {"name": codebook.name, "version": codebook.version, "sha256": sha},
        "unit": unit,
        "codings": [str(p) for p in codings],
        "coders": coders,
        "base": base.info.get("training", {}).get("units") if base is not None else None,
        "own_weight": own_weight,
    }
    return train_coder(examples, codebook, embeddings=embeddings, info=info, own=mine)


def base_examples(base: Examples, own: Examples) -> Examples:
    """A base model's training units that are not units of the study itself (a study that
    was part of the base's training must not be counted twice, or scored on itself)."""
    texts = set(own.texts)
    kept = base.take([i for i, text in enumerate(base.texts) if text not in texts])
    return replace(kept, documents=tuple(f"base:{d}" for d in kept.documents))


def study_examples(
    codings: Sequence[str | Path],
    transcripts: str | Location,
    codebook,
    *,
    unit: str = "turn",
    language: str = "id",
    interviewer: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> tuple[Examples, list[str]]:
    """The hand-coded units of a study as examples (read, coded with the rules, labelled by
    the codings), and the names of the coders."""
    from ksmcode.analysis.frame import coding_frames
    from ksmcode.io import load_corpus
    from ksmcode.matching.engine import code_corpus

    corpus = load_corpus(
        transcripts, default_language=language, interviewer=interviewer, exclude=exclude
    )
    coding = coding_frames(code_corpus(corpus, codebook, unit=unit))
    tables = _label_tables(codings, coding)
    own = examples_from_coding(coding, merge_labels(tables))
    if not len(own):
        raise ModelError(
            "the codings cover no unit of these transcripts; check that their document "
            f"column names files in {transcripts}"
        )
    return own, list(tables)


def _label_tables(paths: Sequence[str | Path], coding) -> dict[str, pd.DataFrame]:
    """Aligned labels from each coding: human coding tables and .qdpx projects first (in the
    order given), then filled-in review worklists (they label only the pairs they judge)."""
    from ksmcode.analysis.codings import collect_codings
    from ksmcode.export.tables import read_table
    from ksmcode.learn.review import is_review, review_labels

    reviews, plain = {}, []
    for path in paths:
        table = read_table(path, as_text=True) if Path(path).suffix.lower() != ".qdpx" else None
        if table is not None and is_review(table):
            reviews[f"review {path}"] = review_labels(table, coding.code_ids, coding.units, path)
        else:
            plain.append(path)
    tables = collect_codings(plain, coding.units, codes=coding.code_ids) if plain else {}
    return {**tables, **reviews}


def _records(table: pd.DataFrame) -> dict:
    clean = table.astype(object).where(table.notna(), None)
    return {str(code): row for code, row in clean.to_dict(orient="index").items()}


def _versions() -> dict[str, str]:
    import scipy
    import sklearn

    import ksmcode

    return {
        "ksmcode": ksmcode.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }
