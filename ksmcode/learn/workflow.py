"""``learn_study``: what ``ksmcode learn`` does, as one call (project settings applied)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ksmcode.learn.fit import (
    OWN_WEIGHT,
    base_examples,
    code_descriptions,
    learn,
    study_examples,
)
from ksmcode.learn.store import load_model, save_model
from ksmcode.workflow import CodeRequest


@dataclass(frozen=True)
class LearnSummary:
    """What a training run produced: the scores table and the counts for the message."""

    path: Path
    scores: pd.DataFrame  # micro row first, then per code: model vs rules, cross-validated
    units: int
    documents: int
    rule_only: tuple[str, ...]
    base: str | None
    negation: dict  # cross-validated precision / recall / F1 of negated codings: model, rules


def _base_coder(request: CodeRequest, base: Path | None, use_base: bool):
    """The base model: ``base``, else the project's ``model:`` when it was trained with the
    request's codebook (a base trained with another codebook is an error only when named)."""
    from ksmcode.codebook.load import load_codebook

    base_path = (base or request.model) if use_base else None
    coder = load_model(base_path) if base_path is not None else None
    if coder is None or base is not None:
        return coder, base_path
    trained_with = coder.info.get("codebook", {}).get("sha256")
    if trained_with != load_codebook(request.codebook).sha256:
        return None, None
    return coder, base_path


def study_learning_curve(
    request: CodeRequest,
    codings: Sequence[str | Path],
    *,
    base: Path | None = None,
    use_base: bool = True,
    draws: int = 3,
    own_weight: float = OWN_WEIGHT,
) -> pd.DataFrame:
    """``learning_curve`` on the request's transcripts and the human codings, on top of the
    base model (as ``learn`` would train)."""
    from ksmcode.codebook.load import load_codebook
    from ksmcode.learn.curve import learning_curve

    codebook = load_codebook(request.codebook)
    own, _ = study_examples(
        codings,
        request.transcripts,
        codebook,
        unit=request.unit,
        language=request.language,
        interviewer=request.interviewer or None,
        exclude=request.exclude,
    )
    coder, _ = _base_coder(request, base, use_base)
    return learning_curve(
        own,
        codebook.code_ids,
        code_descriptions(codebook),
        base=base_examples(coder.examples, own) if coder is not None else None,
        draws=draws,
        own_weight=own_weight,
    )


def learn_study(
    request: CodeRequest,
    codings: Sequence[str | Path],
    output: str | Path,
    *,
    base: Path | None = None,
    use_base: bool = True,
    own_weight: float = OWN_WEIGHT,
    embeddings: str | None = None,
) -> LearnSummary:
    """Train on ``codings`` of the request's transcripts and write the model to ``output``.

    The base model is ``base``, else the project's ``model:`` when it was trained with the same
    codebook (a base trained with another codebook is only an error when named explicitly).
    """
    base_coder, base_path = _base_coder(request, base, use_base)
    coder = learn(
        codings,
        request.transcripts,
        request.codebook,
        unit=request.unit,
        language=request.language,
        interviewer=request.interviewer or None,
        exclude=request.exclude,
        base=base_coder,
        own_weight=own_weight,
        embeddings=embeddings,
    )
    save_model(coder, output)
    validation = coder.info["cross_validation"]
    table = pd.DataFrame.from_dict(validation.get("own", validation["all"]), orient="index")
    table = pd.concat([table.loc[["micro"]], table.drop(index="micro")])
    training = coder.info["training"]
    return LearnSummary(
        Path(output),
        table,
        training["units"],
        len(training["documents"]),
        tuple(training["rule_only_codes"]),
        str(base_path) if base_path else None,
        coder.info["negation"],
    )


def review_run(
    out: Path | None,
    *,
    model: Path | None = None,
    limit: int | None = 200,
    output: str | Path | None = None,
) -> pd.DataFrame:
    """The review worklist of a run folder (``model`` applied first when given, or when the run
    has no decisions and ksmcode.yaml names a model); written to ``output`` when given."""
    from ksmcode.analysis.frame import load_coding
    from ksmcode.config import load_project
    from ksmcode.export.tables import write_table
    from ksmcode.learn.apply import apply_model
    from ksmcode.learn.review import review_worklist

    coding = load_coding(out)
    model = model or (load_project().model if coding.decisions is None else None)
    positives = None
    if model is not None:
        from ksmcode.learn.store import check_codebook, load_model

        coder = load_model(model)
        run_codebook = coding.run.get("codebook", {})
        check_codebook(coder, run_codebook.get("sha256"), run_codebook.get("path", "?"), model)
        coding = apply_model(coder, coding)
        positives = coder.info.get("training", {}).get("positives")
    worklist = review_worklist(coding, positives=positives, limit=limit)
    if output is not None:
        write_table(worklist, output)
    return worklist
