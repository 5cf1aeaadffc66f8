"""The model file (``.ksm``): a zip of ``model.json`` (settings, vocabularies, provenance) and
``arrays.npz`` (numbers only). Nothing is unpickled: opening a model file someone sent you runs
no code. The file records the sha256 of the codebook it was trained with, and a model is refused
for any other codebook.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ksmcode.errors import ModelError
from ksmcode.export.atomic import write_bytes
from ksmcode.learn.coder import LearnedCoder
from ksmcode.learn.embed import load_embedder
from ksmcode.learn.examples import RULE_FEATURES, Examples
from ksmcode.learn.model import CodingModel
from ksmcode.learn.negation import NegationModel
from ksmcode.learn.text import TextVectors

FORMAT = "ksmcode-model/1"
MAX_MEMBER_BYTES = 512 * 1024 * 1024


def save_model(coder: LearnedCoder, path: str | Path) -> Path:
    """Write ``coder`` to ``path`` atomically."""
    model, ex = coder.model, coder.examples
    vocab, arrays = model.vectors_.state()
    arrays = {
        **arrays,
        **_csr("memory", model.memory_),
        **_csr("code_vectors", model.code_vectors_),
        "memory_labels": model.memory_labels_.astype(np.float32),
        "text_coef": model.text_coef_.astype(np.float32),
        "text_intercept": model.text_intercept_,
        "meta_coef": model.meta_coef_,
        "trained": model.trained_,
        "calibration_x": coder.calibration_x,
        "calibration_y": coder.calibration_y,
        "thresholds": coder.thresholds,
        "negation_threshold": np.asarray(coder.negation_threshold),
        **(model.negation_.state() if model.negation_ is not None else {}),
        "rules": ex.rules.astype(np.float32),
        "labels": ex.labels,
        "negated": ex.negated,
        "weights": ex.weights,
    }
    meta = {
        "format": FORMAT,
        "info": coder.info,
        "settings": {
            "code_ids": list(model.code_ids),
            "descriptions": list(model.descriptions),
            "embedder": model.embedder.name if model.embedder else None,
            "C": model.C,
            "text_C": model.text_C,
            "seed": model.seed,
            "meta_intercept": model.meta_intercept_,
            "rule_features": list(RULE_FEATURES),
            "questions": model.questions,
        },
        "vocabulary": vocab,
        "examples": {
            "segment_ids": list(ex.segment_ids),
            "documents": list(ex.documents),
            "languages": list(ex.languages),
            "texts": list(ex.texts),
            "questions": list(ex.questions),
        },
    }
    numbers = io.BytesIO()
    np.savez_compressed(numbers, **arrays)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", json.dumps(meta, ensure_ascii=False, sort_keys=True))
        archive.writestr("arrays.npz", numbers.getvalue())
    return write_bytes(path, buffer.getvalue())


def load_model(path: str | Path) -> LearnedCoder:
    """Read a model file written by :func:`save_model`."""
    path = Path(path)
    meta, arrays = _read(path)
    settings = meta["settings"]
    if settings.get("rule_features") != list(RULE_FEATURES):
        raise ModelError(
            f"{path}: this model was trained by another version of ksmcode (other features); "
            "retrain it with 'ksmcode learn'"
        )
    model = CodingModel(
        settings["code_ids"],
        settings["descriptions"],
        embedder=load_embedder(settings["embedder"]),
        C=settings["C"],
        text_C=settings["text_C"],
        seed=settings["seed"],
        questions=settings.get("questions", False),  # a file older than them: without
    )
    model.vectors_ = TextVectors.from_state(meta["vocabulary"], arrays, model.embedder)
    model.memory_ = _from_csr("memory", arrays)
    model.code_vectors_ = _from_csr("code_vectors", arrays)
    model.memory_labels_ = arrays["memory_labels"].astype(float)
    model.memory_documents_ = tuple(meta["examples"]["documents"])
    model.text_coef_ = arrays["text_coef"].astype(float)
    model.text_intercept_ = arrays["text_intercept"]
    model.meta_coef_ = arrays["meta_coef"]
    model.meta_intercept_ = float(settings["meta_intercept"])
    model.trained_ = arrays["trained"].astype(bool)
    model.negation_ = NegationModel.from_state(len(model.code_ids), arrays)
    stored = meta["examples"]
    examples = Examples(
        tuple(stored["segment_ids"]),
        tuple(stored["documents"]),
        tuple(stored["languages"]),
        tuple(stored["texts"]),
        arrays["rules"].astype(float),
        arrays["labels"],
        arrays["negated"],
        arrays["weights"],
        tuple(stored.get("questions", ())),
    )
    negation = (
        {"negation_threshold": float(arrays["negation_threshold"])}
        if "negation_threshold" in arrays
        else {}
    )  # a file older than the negation stage: the default
    return LearnedCoder(
        model,
        arrays["calibration_x"],
        arrays["calibration_y"],
        arrays["thresholds"],
        examples,
        meta["info"],
        **negation,
    )


def check_codebook(
    coder: LearnedCoder, sha256: str | None, codebook_path: str | Path, model_path
) -> None:
    """Refuse a model trained with another codebook."""
    trained_with = coder.info.get("codebook", {})
    if trained_with.get("sha256") != sha256:
        raise ModelError(
            f"{model_path}: this model was trained with another codebook "
            f"('{trained_with.get('name', '?')}', sha256 {str(trained_with.get('sha256'))[:12]}…) "
            f"than {codebook_path}; retrain it with 'ksmcode learn --codebook {codebook_path}', "
            "or code with --no-model"
        )


def _csr(name: str, matrix: sparse.csr_matrix) -> dict[str, np.ndarray]:
    m = sparse.csr_matrix(matrix)
    return {
        f"{name}_data": m.data.astype(np.float32),
        f"{name}_indices": m.indices,
        f"{name}_indptr": m.indptr,
        f"{name}_shape": np.asarray(m.shape),
    }


def _from_csr(name: str, arrays: dict[str, np.ndarray]) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (
            arrays[f"{name}_data"].astype(float),
            arrays[f"{name}_indices"],
            arrays[f"{name}_indptr"],
        ),
        shape=tuple(arrays[f"{name}_shape"]),
    )


def _read(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    if not path.is_file():
        raise ModelError(f"{path}: model file not found; train one with 'ksmcode learn'")
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.file_size > MAX_MEMBER_BYTES:
                    raise ModelError(f"{path}: '{info.filename}' is too large for a model file")
            meta = json.loads(archive.read("model.json").decode("utf-8"))
            with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ModelError(
            f"{path}: not a ksmcode model file ({err}); train one with 'ksmcode learn'"
        ) from None
    if meta.get("format") != FORMAT:
        raise ModelError(
            f"{path}: model format '{meta.get('format')}' is not '{FORMAT}'; "
            "retrain it with this version of ksmcode"
        )
    return meta, arrays
