"""Yes/no cells as people and programs write them: bools, 0/1, true/false, ya/tidak."""

from __future__ import annotations

from typing import Any

import pandas as pd

TRUE = frozenset({"true", "1", "1.0", "yes", "y", "ya"})
FALSE = frozenset({"false", "0", "0.0", "no", "n", "tidak", ""})


def parse_flag(value: Any) -> bool | None:
    """True or False for a recognised yes/no cell (missing = False); None if unrecognised."""
    if isinstance(value, bool):
        return value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    return False if text in FALSE else None


def flags(values: pd.Series) -> pd.Series:
    """A column of yes/no cells as bools (unrecognised cells count as False)."""
    if values.dtype == bool:
        return values
    meaning = {v: parse_flag(v) is True for v in values.unique()}  # each distinct cell once
    return values.map(meaning).astype(bool)
