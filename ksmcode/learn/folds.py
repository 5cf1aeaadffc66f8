"""Folds that hold back whole documents: units of one interview are not independent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def document_folds(documents: Sequence[str], most: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, held) unit positions holding back whole documents, at most ``most`` folds;
    nothing when there are fewer than two documents."""
    from sklearn.model_selection import GroupKFold  # fitting only

    groups = np.asarray(documents)
    folds = min(most, len(set(groups)))
    if folds >= 2:
        yield from GroupKFold(folds).split(groups, groups=groups)
