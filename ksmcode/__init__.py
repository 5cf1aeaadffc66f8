"""ksmcode: transparent automatic coding of qualitative transcripts.

The library is the product; the ``ksmcode`` command is a thin layer over it. In Jupyter::

    import ksmcode
    corpus = ksmcode.load_corpus("transcripts")
    codebook = ksmcode.load_codebook("codebooks/ksm.yaml")
    result = ksmcode.code_corpus(corpus, codebook)
    coding = ksmcode.coding_frames(result)          # .segments, .units, .evidence
    ksmcode.triangulate(coding.segments, codes=coding.code_ids, families=coding.families)

Names are imported on first use, so ``import ksmcode`` (and ``ksmcode --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_corpus": "ksmcode.io",
    "read_document": "ksmcode.io",
    "segment_document": "ksmcode.segment",
    "load_codebook": "ksmcode.codebook.load",
    "check_codebook": "ksmcode.codebook.check",
    "Engine": "ksmcode.matching.engine",
    "code_corpus": "ksmcode.matching.engine",
    "iter_code_corpus": "ksmcode.matching.engine",
    "coding_frames": "ksmcode.analysis.frame",
    "load_coding": "ksmcode.analysis.frame",
    "write_coding": "ksmcode.export.coding",
    "write_table": "ksmcode.export.tables",
    "CodeRequest": "ksmcode.workflow",
    "code_study": "ksmcode.workflow",
    "coding_matrix": "ksmcode.analysis",
    "cooccurrence": "ksmcode.analysis",
    "triangulate": "ksmcode.analysis",
    "exemplars": "ksmcode.analysis",
    "source_agreement": "ksmcode.analysis",
    "coder_agreement": "ksmcode.analysis",
    "disagreements": "ksmcode.analysis",
    "read_coding": "ksmcode.analysis",
    "align_coding": "ksmcode.analysis",
    "coding_from_segments": "ksmcode.analysis",
    "evaluate": "ksmcode.analysis.evaluation",
    "study_report": "ksmcode.analysis.report",
    "write_report": "ksmcode.report",
    "explain": "ksmcode.analysis.explain",
    "kwic": "ksmcode.analysis.kwic",
    "codebook_stats": "ksmcode.analysis.rulestats",
    "suggest_keywords": "ksmcode.analysis.suggest",
    "diff_runs": "ksmcode.analysis.rundiff",
    "init_project": "ksmcode.scaffold",
    "learn": "ksmcode.learn.fit",
    "learn_study": "ksmcode.learn.workflow",
    "load_model": "ksmcode.learn.store",
    "save_model": "ksmcode.learn.store",
    "apply_model": "ksmcode.learn.apply",
    "review_worklist": "ksmcode.learn.review",
    "review_run": "ksmcode.learn.workflow",
    "learning_curve": "ksmcode.learn.curve",
    "study_learning_curve": "ksmcode.learn.workflow",
    "export_qdpx": "ksmcode.refiqda",
    "export_qdc": "ksmcode.refiqda",
    "read_qdpx": "ksmcode.refiqda",
    "qdpx_to_coding": "ksmcode.refiqda",
    "codebook_from_qdc": "ksmcode.refiqda",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ksmcode' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
