"""The learning curve: how coding quality grows with the number of hand-coded documents.

For each size n, several draws of n of the study's hand-coded documents train a model (on top of
the base model's units, if any); the study's documents not drawn are coded and scored. Documents,
never units, are drawn: units of one interview are not independent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ksmcode.errors import ModelError
from ksmcode.learn.examples import Examples, concat
from ksmcode.learn.model import CodingModel
from ksmcode.learn.train import scores_table

CURVE_COLUMNS = ["documents", "draws", "f1_mean", "f1_sd", "precision_mean", "recall_mean",
                 "rules_f1_mean"]  # fmt: skip


def learning_curve(
    own: Examples,
    code_ids: Sequence[str],
    descriptions: Sequence[str],
    *,
    base: Examples | None = None,
    sizes: Sequence[int] | None = None,
    draws: int = 3,
    own_weight: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean and spread of micro-F1 on the undrawn documents per number of training documents.

    Example::

        curve = learning_curve(own, codes, descriptions, draws=5)
    """
    documents = sorted(set(own.documents))
    if len(documents) < 2:
        raise ModelError("a learning curve needs hand-coded units from at least two documents")
    sizes = sorted({n for n in (sizes or _default_sizes(len(documents))) if 0 < n < len(documents)})
    rng = np.random.default_rng(seed)
    doc_of = np.asarray(own.documents)
    rows = []
    for n in sizes:
        scores = []
        for _ in range(draws):
            drawn = set(rng.choice(documents, size=n, replace=False))
            train = own.take(np.flatnonzero(np.isin(doc_of, list(drawn))))
            train = train.with_weight(own_weight) if base is not None else train
            held = own.take(np.flatnonzero(~np.isin(doc_of, list(drawn))))
            data = concat([base, train]) if base is not None else train
            model = CodingModel(code_ids, descriptions).fit(data)
            predicted = model.raw_proba(held) >= 0.5
            labels = np.where(np.isnan(held.labels), -1.0, held.labels)
            micro = scores_table(predicted, held.rules[:, :, 0], labels, code_ids).loc["micro"]
            scores.append(micro)
        frame = pd.DataFrame(scores)
        rows.append(
            {
                "documents": n,
                "draws": draws,
                "f1_mean": frame["model_f1"].mean(),
                "f1_sd": frame["model_f1"].std(ddof=1) if draws > 1 else 0.0,
                "precision_mean": frame["model_precision"].mean(),
                "recall_mean": frame["model_recall"].mean(),
                "rules_f1_mean": frame["rules_f1"].mean(),
            }
        )
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def _default_sizes(n_documents: int) -> list[int]:
    return sorted({1, 2, 3, 5, 8, 12, n_documents - 1} & set(range(1, n_documents)))
