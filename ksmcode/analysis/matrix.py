"""Code-by-attribute matrices and code co-occurrence, from the long ``segments`` frame.

Shape of :func:`coding_matrix` (chosen so it renders as a table and exports to csv/xlsx as is):

* index ``code``: for each family in codebook order, one subtotal row labelled with the family
  id, then one row per code of that family in codebook order (codes never coded show zeros);
* column ``level``: ``"family"`` or ``"code"``; column ``family``: the row's family id;
* one value column per value of the ``by`` attribute (order of first appearance in ``units``),
  then ``(all)`` for the whole corpus. With ``negated="separate"`` each value column ``v`` is
  followed by ``"v (negated)"``, which counts the negated codings; ``v`` then counts only the
  affirmed ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ksmcode.errors import AnalysisError
from ksmcode.flags import flags

Measure = Literal["count", "presence", "share"]
NegatedMode = Literal["separate", "include", "exclude"]

NEGATED_SUFFIX = " (negated)"
ALL_COLUMN = "(all)"
MISSING = "(missing)"
_NOT_ATTRIBUTES = {"start", "end", "text", "question", "code", "family", "negated", "evidence",
                   "segment_id"}  # fmt: skip


def require_column(
    frame: pd.DataFrame, name: str, *, what: str, exclude: Sequence[str] = ()
) -> None:
    """Raise AnalysisError if ``name`` is not a column of ``frame``, naming the columns that are."""
    if name in frame.columns:
        return
    available = [str(c) for c in frame.columns if c not in exclude]
    close = difflib.get_close_matches(name, available, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise AnalysisError(
        f"unknown {what} '{name}'{hint}. Available columns are: {', '.join(available)}."
    )


def attribute_columns(frame: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    """Columns of a segments/units frame that can group units (not offsets, text or codes)."""
    hidden = _NOT_ATTRIBUTES | set(codes) | {f"{c}{NEGATED_SUFFIX}" for c in codes}
    return [str(c) for c in frame.columns if c not in hidden]


def require_attribute(frame: pd.DataFrame, name: str, codes: Sequence[str]) -> None:
    """Raise AnalysisError unless ``name`` is an attribute column of ``frame``."""
    if name in frame.columns:
        return
    hidden = [str(c) for c in frame.columns if str(c) not in attribute_columns(frame, codes)]
    require_column(frame, name, what="attribute", exclude=hidden)


def check_codes(codes: Sequence[str], families: Mapping[str, str] | None = None) -> None:
    """Raise AnalysisError for an empty or duplicated code list or codes without a family."""
    if not codes:
        raise AnalysisError("no codes given: pass the code ids of the codebook, in order")
    duplicates = sorted({c for c in codes if list(codes).count(c) > 1})
    if duplicates:
        raise AnalysisError(f"duplicate code ids: {', '.join(duplicates)}")
    if families is not None:
        missing = [c for c in codes if c not in families]
        if missing:
            raise AnalysisError(f"codes without a family: {', '.join(missing)}")


def group_labels(values: pd.Series) -> pd.Series:
    """Attribute values as strings, with missing or empty values shown as ``(missing)``."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.where(text != "", MISSING)


def coded_pairs(segments: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """One row per (segment_id, code) of the given codes, with a boolean ``negated`` column."""
    for column in ("segment_id", "code"):
        require_column(segments, column, what="segments column")
    frame = segments[segments["code"].isin(codes)].copy()
    frame["negated"] = flags(frame["negated"]) if "negated" in frame else False
    # A pair listed twice (or once affirmed and once negated) counts once, as affirmed.
    frame = frame.sort_values("negated", kind="stable")
    return frame.drop_duplicates(["segment_id", "code"], keep="first")


def coding_matrix(
    segments: pd.DataFrame,
    units: pd.DataFrame,
    by: str,
    *,
    codes: Sequence[str],
    families: Mapping[str, str],
    measure: Measure = "count",
    negated: NegatedMode = "separate",
) -> pd.DataFrame:
    """Codes × values of the attribute ``by`` (document, informant, role, method or any metadata).

    Cells count coded segments (``measure="count"``), show 0/1 (``"presence"``) or divide the
    count by the number of units having that value (``"share"``). A family row counts the
    segments coded with *any* code of the family, each segment once. See the module docstring
    for the shape.

    Example:
        >>> coding_matrix(segments, units, "role", codes=ids, families=fam)  # doctest: +SKIP
    """
    if measure not in ("count", "presence", "share"):
        raise AnalysisError(f"unknown measure '{measure}'; use count, presence or share")
    if negated not in ("separate", "include", "exclude"):
        raise AnalysisError(f"unknown negated mode '{negated}'; use separate, include or exclude")
    check_codes(codes, families)
    require_attribute(units, by, codes)
    if not segments.empty:
        require_attribute(segments, by, codes)

    groups = list(dict.fromkeys(group_labels(units[by])))
    unit_totals = group_labels(units[by]).value_counts().reindex(groups, fill_value=0)
    unit_totals[ALL_COLUMN] = len(units)

    pairs = coded_pairs(segments, codes) if not segments.empty else None
    if pairs is not None:
        pairs["group"] = group_labels(pairs[by])
        pairs["family"] = pairs["code"].map(families)
        groups += [g for g in dict.fromkeys(pairs["group"]) if g not in groups]
    columns = [*groups, ALL_COLUMN]

    if negated == "separate":
        parts = {"": _counts(pairs, codes, families, columns, negated=False)}
        parts[NEGATED_SUFFIX] = _counts(pairs, codes, families, columns, negated=True)
    else:
        want = None if negated == "include" else False
        parts = {"": _counts(pairs, codes, families, columns, negated=want)}

    measured = [_measure(t, unit_totals, measure).add_suffix(s) for s, t in parts.items()]
    ordered = [f"{g}{suffix}" for g in columns for suffix in parts]
    flat = pd.concat(measured, axis=1)[ordered]

    rows, levels, fams = _row_layout(codes, families)
    result = flat.reindex(rows)
    result.insert(0, "family", fams)
    result.insert(0, "level", levels)
    result.index.name = "code"
    result.columns.name = by
    return result


def _row_layout(
    codes: Sequence[str], families: Mapping[str, str]
) -> tuple[list[str], list[str], list[str]]:
    order = list(dict.fromkeys(families[c] for c in codes))
    clash = sorted(set(order) & set(codes))
    if clash:
        raise AnalysisError(f"family ids that are also code ids: {', '.join(clash)}")
    rows, levels, fams = [], [], []
    for family in order:
        members = [c for c in codes if families[c] == family]
        rows += [family, *members]
        levels += ["family"] + ["code"] * len(members)
        fams += [family] * (len(members) + 1)
    return rows, levels, fams


def _counts(
    pairs: pd.DataFrame | None,
    codes: Sequence[str],
    families: Mapping[str, str],
    columns: list[str],
    *,
    negated: bool | None,
) -> pd.DataFrame:
    """Distinct segments per (code or family) × group, for affirmed/negated/all codings."""
    index = list(codes) + list(dict.fromkeys(families[c] for c in codes))
    if pairs is None or pairs.empty:
        return pd.DataFrame(0, index=index, columns=columns)
    chosen = pairs if negated is None else pairs[pairs["negated"] == negated]
    by_code = chosen.groupby(["code", "group"])["segment_id"].nunique().unstack(fill_value=0)
    by_family = chosen.groupby(["family", "group"])["segment_id"].nunique().unstack(fill_value=0)
    table = pd.concat([by_code, by_family]).reindex(index=index, columns=columns, fill_value=0)
    table[ALL_COLUMN] = pd.concat(
        [
            chosen.groupby("code")["segment_id"].nunique(),
            chosen.groupby("family")["segment_id"].nunique(),
        ]
    ).reindex(index, fill_value=0)
    return table.fillna(0).astype(int)


def _measure(counts: pd.DataFrame, unit_totals: pd.Series, measure: Measure) -> pd.DataFrame:
    if measure == "presence":
        return (counts > 0).astype(int)
    if measure == "share":
        totals = unit_totals.reindex(counts.columns).replace(0, float("nan"))
        return counts.div(totals, axis=1).astype(float)
    return counts


def cooccurrence(
    segments: pd.DataFrame,
    *,
    codes: Sequence[str],
    measure: Literal["count", "jaccard"] = "count",
    negated: Literal["include", "exclude"] = "include",
) -> pd.DataFrame:
    """Code × code co-occurrence within the same unit (segment_id).

    ``count``: units coded with both codes; the diagonal is the units coded with the code.
    ``jaccard``: |A∩B| / |A∪B| over units; NaN where neither code occurs. Negated codings count
    as occurrences unless ``negated="exclude"`` (a unit saying "no budget" is about budget).
    """
    if measure not in ("count", "jaccard"):
        raise AnalysisError(f"unknown measure '{measure}'; use count or jaccard")
    if negated not in ("include", "exclude"):
        raise AnalysisError(f"unknown negated mode '{negated}'; use include or exclude")
    check_codes(codes)
    incidence = np.zeros((0, len(codes)))
    if not segments.empty:
        pairs = coded_pairs(segments, codes)
        if negated == "exclude":
            pairs = pairs[~pairs["negated"]]
        units, unit_ids = pd.factorize(pairs["segment_id"])
        column = {c: k for k, c in enumerate(codes)}
        incidence = np.zeros((len(unit_ids), len(codes)))  # float: the product runs in BLAS
        incidence[units, pairs["code"].map(column).to_numpy(dtype=int)] = 1
    both = pd.DataFrame(
        (incidence.T @ incidence).astype(int), index=list(codes), columns=list(codes)
    )
    if measure == "count":
        result = both
    else:
        diagonal = pd.Series([both.at[c, c] for c in codes], index=codes)
        union = diagonal.to_numpy()[:, None] + diagonal.to_numpy()[None, :] - both.to_numpy()
        result = both / pd.DataFrame(union, index=codes, columns=codes).replace(0, float("nan"))
    result.index.name = "code"
    result.columns.name = "code"
    return result
