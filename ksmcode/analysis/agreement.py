"""Agreement between coders (human or automatic) and between sources.

Coefficients take a ``ratings`` array of shape (units, coders) holding category values, with
NaN where a coder did not code a unit:

* :func:`percent_agreement`: mean over units with 2+ ratings of the share of agreeing rater
  pairs (for two coders: the share of units on which they agree);
* :func:`cohen_kappa`: two coders, units coded by both; chance from each coder's own
  marginals (Cohen 1960);
* :func:`krippendorff_alpha`: nominal alpha over pairable values (the ``krippendorff``
  package; Krippendorff 2011);
* :func:`gwet_ac1`: multi-rater AC1 (Gwet 2008; Gwet 2014, ch. 2 and 5) with chance
  agreement ``Σ π_k(1-π_k)/(q-1)``, π_k averaged over units rated at least once.

An undefined coefficient is NaN and the ``note`` column of the result says why.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ksmcode.analysis.matrix import check_codes, group_labels, require_attribute
from ksmcode.analysis.triangulation import ABSENT, NEGATED, PRESENT, stance_table
from ksmcode.errors import AnalysisError

STATISTICS = ["n_units", "percent", "kappa", "alpha", "ac1", "note"]


def _categories(ratings: np.ndarray, categories: Sequence[float] | None) -> np.ndarray:
    if categories is not None:
        return np.asarray(categories, dtype=float)
    values = ratings[~np.isnan(ratings)]
    return np.unique(values)


def _counts(ratings: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """r_ik: how many coders put unit i in category k (units × categories)."""
    return np.stack([(ratings == k).sum(axis=1) for k in categories], axis=1).astype(float)


def percent_agreement(ratings: np.ndarray) -> float:
    """Share of agreeing coder pairs, averaged over units rated by 2+ coders (NaN if none)."""
    ratings = np.asarray(ratings, dtype=float)
    counts = _counts(ratings, _categories(ratings, None))
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    if not pairable.any():
        return float("nan")
    agree = (counts * (counts - 1)).sum(axis=1)[pairable]
    return float(np.mean(agree / (per_unit[pairable] * (per_unit[pairable] - 1))))


def cohen_kappa(first: ArrayLike, second: ArrayLike) -> float:
    """Cohen's kappa for two coders over the units both coded; NaN when chance agreement is 1."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    if a.size == 0:
        return float("nan")
    categories = np.union1d(a, b)
    observed = float(np.mean(a == b))
    chance = float(sum(np.mean(a == k) * np.mean(b == k) for k in categories))
    if chance >= 1.0:
        return float("nan")
    return (observed - chance) / (1.0 - chance)


def krippendorff_alpha(ratings: np.ndarray, categories: Sequence[float] | None = None) -> float:
    """Nominal Krippendorff's alpha; NaN without pairable values or without any variation."""
    ratings = np.asarray(ratings, dtype=float)
    pairable = (~np.isnan(ratings)).sum(axis=1) >= 2
    values = ratings[pairable]
    values = values[~np.isnan(values)]
    if values.size == 0 or np.unique(values).size < 2:
        return float("nan")
    domain = _categories(ratings, categories)
    import krippendorff  # imported when used: it takes 50 ms to load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(
            krippendorff.alpha(
                reliability_data=ratings.T, level_of_measurement="nominal", value_domain=domain
            )
        )


def gwet_ac1(ratings: np.ndarray, categories: Sequence[float] | None = None) -> float:
    """Gwet's AC1 for any number of coders, with missing ratings; NaN with fewer than 2 categories.

    ``categories`` fixes q, the number of categories (default: the values that occur); for a
    0/1 code pass ``[0, 1]`` so that q = 2 even when only one value was used.
    """
    ratings = np.asarray(ratings, dtype=float)
    cats = _categories(ratings, categories)
    if cats.size < 2:
        return float("nan")
    counts = _counts(ratings, cats)
    per_unit = counts.sum(axis=1)
    rated = per_unit >= 1
    pa = percent_agreement(ratings)
    if np.isnan(pa):
        return float("nan")
    pi = (counts[rated] / per_unit[rated, None]).mean(axis=0)
    chance = float((pi * (1 - pi)).sum() / (cats.size - 1))
    return (pa - chance) / (1.0 - chance)


@dataclass(frozen=True)
class AgreementResult:
    """Agreement between coders on 0/1 codes.

    ``per_code``: index code; n_units (units coded by 2+ coders), percent, kappa (two coders
    only), alpha, ac1, note. ``overall``: rows ``pooled`` (every (unit, code) pair is one
    item) and ``mean`` (unweighted mean of the per-code values, NaN skipped).
    ``reference_scores`` (with a reference coder): index (coder, code) with tp, fp, fn,
    precision, recall, f1, including ``micro`` (counts summed over codes) and ``macro``
    (mean of per-code values) rows per coder.
    """

    coders: tuple[str, ...]
    per_code: pd.DataFrame
    overall: pd.DataFrame
    reference: str | None = None
    reference_scores: pd.DataFrame | None = None

    def summary(self) -> pd.DataFrame:
        """``per_code`` followed by the ``(pooled)`` and ``(mean)`` rows: one table to show.

        With a reference coder, every other coder's precision, recall and F1 against it are
        columns ``precision (coder)`` …; the ``(pooled)`` row holds the micro and the
        ``(mean)`` row the macro averages.
        """
        overall = self.overall.rename(index=lambda scope: f"({scope})")
        table = pd.concat([self.per_code, overall])
        table.index.name = "code"
        if self.reference_scores is not None:
            rows = {"micro": "(pooled)", "macro": "(mean)"}
            for coder in dict.fromkeys(self.reference_scores.index.get_level_values("coder")):
                scores = self.reference_scores.loc[coder].rename(index=rows)
                for column in ("precision", "recall", "f1"):
                    table[f"{column} ({coder})"] = scores[column]
        return table

    def _repr_html_(self) -> str:
        from ksmcode.report.notebook import agreement_html

        return agreement_html(self)


def _statistics(ratings: np.ndarray) -> dict[str, object]:
    n_units = int(((~np.isnan(ratings)).sum(axis=1) >= 2).sum())
    notes = []
    if n_units == 0:
        notes.append("no unit coded by two coders")
    kappa = float("nan")
    if ratings.shape[1] == 2:
        kappa = cohen_kappa(ratings[:, 0], ratings[:, 1])
        if n_units and np.isnan(kappa):
            notes.append("kappa undefined: both coders gave every unit the same value")
    else:
        notes.append("kappa needs exactly two coders")
    alpha = krippendorff_alpha(ratings, [0, 1])
    if n_units and np.isnan(alpha):
        notes.append("alpha undefined: no variation in the values")
    return {
        "n_units": n_units,
        "percent": percent_agreement(ratings),
        "kappa": kappa,
        "alpha": alpha,
        "ac1": gwet_ac1(ratings, [0, 1]),
        "note": "; ".join(notes),
    }


def _stack(
    codings: Mapping[str, pd.DataFrame], codes: Sequence[str]
) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """Per code, a (units × coders) float array over the union of the coders' units."""
    if len(codings) < 2:
        raise AnalysisError("agreement needs at least two codings (e.g. a human coding and auto)")
    check_codes(codes)
    coders = tuple(codings)
    for name, frame in codings.items():
        missing = [c for c in codes if c not in frame.columns]
        if missing:
            raise AnalysisError(f"coding '{name}' has no column for: {', '.join(missing)}")
    index = pd.Index(list(dict.fromkeys(itertools.chain(*(f.index for f in codings.values())))))
    arrays = {}
    for code in codes:
        columns = [
            pd.to_numeric(codings[n][code], errors="coerce").astype(float).reindex(index)
            for n in coders
        ]
        arrays[code] = np.column_stack(columns)
    return coders, arrays


def coder_agreement(
    codings: Mapping[str, pd.DataFrame], *, codes: Sequence[str], reference: str | None = None
) -> AgreementResult:
    """Percent agreement, Cohen's kappa, Krippendorff's alpha and Gwet's AC1 per code and overall.

    ``codings`` maps coder names to wide 0/1 frames indexed by segment_id (see
    :func:`ksmcode.analysis.codings.align_coding`); NaN/<NA> = unit not coded by that coder.
    With ``reference`` (a key of ``codings``, e.g. a gold coding) every other coder also gets
    precision, recall and F1 against it, over the units both coded.

    Example:
        >>> coder_agreement({"ani": ani, "auto": auto}, codes=ids)  # doctest: +SKIP
    """
    coders, arrays = _stack(codings, codes)
    if reference is not None and reference not in coders:
        raise AnalysisError(f"reference '{reference}' is not a coder; coders: {', '.join(coders)}")
    per_code = pd.DataFrame(
        [_statistics(arrays[c]) for c in codes], index=pd.Index(codes, name="code")
    )
    pooled = _statistics(np.vstack([arrays[c] for c in codes]))
    mean = per_code[["n_units", "percent", "kappa", "alpha", "ac1"]].mean(skipna=True).to_dict()
    mean["n_units"] = int(per_code["n_units"].sum())
    mean["note"] = "unweighted mean over codes; n_units summed"
    overall = pd.DataFrame([pooled, mean], index=pd.Index(["pooled", "mean"], name="scope"))
    scores = None
    if reference is not None:
        scores = _reference_scores(arrays, coders, codes, reference)
    return AgreementResult(coders, per_code[STATISTICS], overall[STATISTICS], reference, scores)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    nan = float("nan")
    precision = tp / (tp + fp) if tp + fp else nan
    recall = tp / (tp + fn) if tp + fn else nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan
    return precision, recall, f1


def _reference_scores(
    arrays: dict[str, np.ndarray], coders: tuple[str, ...], codes: Sequence[str], reference: str
) -> pd.DataFrame:
    ref = coders.index(reference)
    rows = []
    for i, coder in enumerate(coders):
        if i == ref:
            continue
        mine = []
        for code in codes:
            truth, guess = arrays[code][:, ref], arrays[code][:, i]
            both = ~np.isnan(truth) & ~np.isnan(guess)
            tp = int(((truth == 1) & (guess == 1) & both).sum())
            fp = int(((truth == 0) & (guess == 1) & both).sum())
            fn = int(((truth == 1) & (guess == 0) & both).sum())
            mine.append((coder, code, tp, fp, fn, *_prf(tp, fp, fn)))
        frame = pd.DataFrame(mine, columns=["coder", "code", "tp", "fp", "fn", "p", "r", "f"])
        tp, fp, fn = (int(frame[c].sum()) for c in ("tp", "fp", "fn"))
        mine.append((coder, "micro", tp, fp, fn, *_prf(tp, fp, fn)))
        macro = frame[["p", "r", "f"]].mean(skipna=True)
        mine.append((coder, "macro", tp, fp, fn, macro["p"], macro["r"], macro["f"]))
        rows += mine
    columns = ["coder", "code", "tp", "fp", "fn", "precision", "recall", "f1"]
    return pd.DataFrame(rows, columns=columns).set_index(["coder", "code"])


def disagreements(
    codings: Mapping[str, pd.DataFrame], units: pd.DataFrame, codes: Sequence[str]
) -> pd.DataFrame:
    """Every (unit, code) on which the coders who coded the unit differ, for review.

    Columns: document, segment_id, start, end, code, one column per coder (0/1, <NA> = not
    coded), text. Rows follow the units' order, then the codebook order.
    """
    coders, arrays = _stack(codings, codes)
    fixed = ["document", "segment_id", "start", "end", "code", "text"]
    clash = [c for c in coders if c in fixed]
    if clash:
        raise AnalysisError(f"coder names clash with table columns: {', '.join(clash)}")
    index = pd.Index(list(dict.fromkeys(itertools.chain(*(f.index for f in codings.values())))))
    info = units.assign(segment_id=units["segment_id"].astype(str)).set_index("segment_id")
    rows = []
    for position, segment in enumerate(index):
        for code in codes:
            values = arrays[code][position]
            seen = values[~np.isnan(values)]
            if seen.size >= 2 and np.unique(seen).size > 1:
                unit = info.loc[segment] if segment in info.index else None
                row = {
                    "document": None if unit is None else unit.get("document"),
                    "segment_id": segment,
                    "start": None if unit is None else unit.get("start"),
                    "end": None if unit is None else unit.get("end"),
                    "code": code,
                }
                row.update(
                    {
                        c: (pd.NA if np.isnan(v) else int(v))
                        for c, v in zip(coders, values, strict=True)
                    }
                )
                row["text"] = None if unit is None else unit.get("text")
                rows.append(row)
    frame = pd.DataFrame(rows, columns=[*fixed[:5], *coders, "text"])
    for coder in coders:
        frame[coder] = frame[coder].astype("Int64")
    return frame


PARADOX_GAP = 0.3  # AC1 this far above alpha is worth a word


def _stance_note(stances: pd.DataFrame, alpha: float, ac1: float) -> str:
    """Why alpha is undefined, or why it is far below AC1 (the prevalence paradox)."""
    if np.isnan(alpha):
        return "alpha undefined: every group takes the same stance"
    if np.isnan(ac1) or ac1 - alpha < PARADOX_GAP:
        return ""
    shares = pd.Series(stances.to_numpy().ravel()).value_counts(normalize=True)
    return (
        f"Alpha is far below AC1 because one stance dominates ({shares.iloc[0]:.0%} of the "
        f"group × code stances are '{shares.index[0]}'): alpha counts agreement on the common "
        "stance as chance (the prevalence paradox), AC1 does not. Read AC1 and the pairwise "
        "table."
    )


@dataclass(frozen=True)
class SourceAgreement:
    """How far source groups (roles, informants, methods…) take the same stance on each code.

    ``stances``: index code, one column per group (present / negated / absent) and ``agree``
    (every group takes the same stance). ``pairwise``: group × group share of codes on which
    the two take the same stance. ``alpha`` / ``ac1``: Krippendorff's alpha and Gwet's AC1
    with groups as coders, codes as units and the stance as a nominal value.
    """

    by: str
    stances: pd.DataFrame
    pairwise: pd.DataFrame
    alpha: float
    ac1: float
    note: str

    def coefficients(self) -> pd.DataFrame:
        """Alpha, AC1 and the note as one table (index ``statistic``, column ``value``)."""
        names = pd.Index(["krippendorff_alpha", "gwet_ac1", "note"], name="statistic")
        return pd.DataFrame({"value": [self.alpha, self.ac1, self.note]}, index=names)

    def _repr_html_(self) -> str:
        from ksmcode.report.notebook import sources_html

        return sources_html(self)


def source_agreement(
    segments: pd.DataFrame,
    units: pd.DataFrame,
    *,
    codes: Sequence[str],
    by: str = "role",
    min_segments: int = 1,
) -> SourceAgreement:
    """Compare the stances of source groups on every code (see ``triangulation`` for stances).

    The groups are every value of ``by`` in ``units``, so a group that never mentions a code
    is ``absent`` on it. "Absent" is weak evidence in interviews (the topic may simply not
    have come up), so read the coefficients as agreement on coverage and direction together.
    """
    check_codes(codes)
    require_attribute(units, by, codes)
    groups = list(dict.fromkeys(group_labels(units[by])))
    if len(groups) < 2:
        raise AnalysisError(f"source agreement needs at least two values of '{by}'; found {groups}")
    table = stance_table(segments, codes=codes, by=by, min_segments=min_segments)
    stances = pd.DataFrame(ABSENT, index=list(codes), columns=groups)
    for row in table.itertuples(index=False):
        stances.at[row.code, row.group] = row.stance
    stances.index.name, stances.columns.name = "code", by
    pairwise = pd.DataFrame(1.0, index=groups, columns=groups)
    for a, b in itertools.combinations(groups, 2):
        pairwise.loc[a, b] = pairwise.loc[b, a] = float((stances[a] == stances[b]).mean())
    pairwise.index.name, pairwise.columns.name = by, by
    levels = {ABSENT: 0.0, NEGATED: 1.0, PRESENT: 2.0}
    ratings = stances.apply(lambda column: column.map(levels)).to_numpy(dtype=float)
    alpha = krippendorff_alpha(ratings, list(levels.values()))
    ac1 = gwet_ac1(ratings, list(levels.values()))
    note = _stance_note(stances, alpha, ac1)
    result = stances.assign(agree=stances.nunique(axis=1) == 1)
    return SourceAgreement(by, result, pairwise, alpha, ac1, note)
