"""Source triangulation: does a finding (a code) rest on several sources and methods?

The seed study checks its findings by "triangulation with sources": comparing what the agency,
the KSM organisers and the residents say, and interviews with observation and documents
(Moleong 2017). Here a *source group* is a value of one attribute (``role`` by default) and a
*method* a value of ``method``. A segment whose group or method is missing (empty, NaN or
``(missing)``, as ``load_coding`` leaves undeclared metadata) is listed under ``(missing)`` but
is no independent source: it never counts towards ``min_groups`` or ``min_methods``, and a
missing method is not listed at all. It can still make a code ``divergent``, since a conflict
is worth a look whoever voiced it.

Stance of a group on a code (used here and by :func:`ksmcode.analysis.agreement.source_agreement`):

* ``present``: at least ``min_segments`` affirmed segments of the group carry the code
  (a group that both affirms and negates is ``present`` and is listed as *mixed*);
* ``negated``: the group has negated segments and no affirmed one ("there was never a
  termination");
* ``absent``: neither: no segment of the group carries the code, or it affirms the code in
  fewer than ``min_segments`` segments (negated ones or not): below the threshold, but no
  denial.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from ksmcode.analysis.matrix import (
    MISSING,
    check_codes,
    coded_pairs,
    group_labels,
    require_attribute,
)
from ksmcode.errors import AnalysisError
from ksmcode.flags import flags

PRESENT, NEGATED, ABSENT = "present", "negated", "absent"


def status_legend(min_groups: int = 2, min_methods: int = 2) -> pd.DataFrame:
    """The status rules of :func:`triangulate`, as a two-column table (status, rule)."""
    reach = f"at least {min_groups} groups or {min_methods} methods"
    rows = [
        (
            "convergent",
            f"affirmed by {reach}; negated by no group (a missing group or method never counts)",
        ),
        (
            "limited",
            f"affirmed by 2 or more groups, but by fewer than {min_groups} groups and fewer "
            f"than {min_methods} methods; negated by no group",
        ),
        ("single-source", f"affirmed by one group only (and fewer than {min_methods} methods)"),
        ("divergent", "affirmed by some groups, only negated by at least one other group"),
        ("convergent-absent", f"negated by {reach}; affirmed by no group"),
        ("single-source-absent", "negated by fewer groups and methods than that; affirmed by none"),
        (
            "below-threshold",
            "affirmed only by groups with too few segments (min_segments), negated or not",
        ),
        ("not found", "no segment carries the code"),
    ]
    return pd.DataFrame(rows, columns=["status", "rule"])


def stance_table(
    segments: pd.DataFrame, *, codes: Sequence[str], by: str, min_segments: int = 1
) -> pd.DataFrame:
    """Per (code, group): ``affirmed`` and ``negated`` segment counts and the ``stance``.

    Only groups with at least one coded segment appear; every other group is ``absent``.
    """
    check_codes(codes)
    columns = ["code", "group", "affirmed", "negated", "stance"]
    if segments.empty:
        return pd.DataFrame(columns=columns)
    require_attribute(segments, by, codes)
    pairs = coded_pairs(segments, codes)
    pairs["group"] = group_labels(pairs[by])
    counts = (
        pairs.assign(affirmed=~pairs["negated"], negated=pairs["negated"])
        .groupby(["code", "group"], sort=False)[["affirmed", "negated"]]
        .sum()
        .astype(int)
        .reset_index()
    )
    counts["stance"] = ABSENT
    counts.loc[(counts["negated"] > 0) & (counts["affirmed"] == 0), "stance"] = NEGATED
    counts.loc[counts["affirmed"] >= min_segments, "stance"] = PRESENT
    return counts[columns]


def _reach(n_groups: int, n_methods: int, min_groups: int, min_methods: int) -> str:
    if n_groups >= min_groups or n_methods >= min_methods:
        return "convergent"
    return "limited" if n_groups > 1 else "single-source"


def _known(groups: pd.DataFrame) -> int:
    """Groups that count as sources: all but ``(missing)``."""
    return int((groups.index != MISSING).sum())


def _listing(counts: pd.Series) -> str:
    return "; ".join(f"{name} ({n})" for name, n in counts.items())


def triangulate(
    segments: pd.DataFrame,
    *,
    codes: Sequence[str],
    families: Mapping[str, str],
    by: str = "role",
    methods_column: str | None = "method",
    min_groups: int = 2,
    min_methods: int = 2,
    min_segments: int = 1,
) -> pd.DataFrame:
    """Per code: which source groups and methods affirm or negate it, and a status.

    Groups get a stance as described in the module docstring. A method affirms a code when a
    segment collected by it carries the code affirmed (``min_segments`` does not apply to
    methods). Statuses, checked in this order (see :func:`status_legend`):

    1. ``not found``: no segment carries the code.
    2. ``divergent``: at least one group is ``present`` and at least one other is ``negated``.
    3. no group negates: ``convergent`` if ≥ ``min_groups`` groups or ≥ ``min_methods``
       methods affirm, else ``limited`` (2+ groups) or ``single-source``. A group with too few
       affirmed segments for ``min_segments`` supports nothing, negated segments or not.
    4. no group affirms: ``convergent-absent`` if ≥ ``min_groups`` groups or ≥ ``min_methods``
       methods negate (KSM's missing termination), else ``single-source-absent``.
    5. ``below-threshold``: only groups with fewer than ``min_segments`` affirmed segments
       (a group that affirms too rarely and also negates is below threshold, not negating).

    A code affirmed by three groups and negated in one segment of a group that also affirms is
    ``convergent``; that group is listed under ``groups_mixed`` for a closer look.

    ``groups_denying`` lists the groups with segments that deny the code in at least one piece of
    evidence even when the segment is affirmed overall (needs the ``denials`` column).

    Returns one row per code (index ``code``, codebook order) with columns family, status,
    n_groups, groups_affirming, groups_negating, groups_mixed, groups_denying, methods_affirming,
    methods_negating, affirmed_segments, negated_segments. Group and method lists read
    ``"name (segments)"`` joined by ``"; "``; ``n_groups`` leaves out ``(missing)``.
    """
    check_codes(codes, families)
    if min(min_groups, min_methods, min_segments) < 1:
        raise AnalysisError("min_groups, min_methods and min_segments must be at least 1")
    stances = stance_table(segments, codes=codes, by=by, min_segments=min_segments)
    methods = _method_counts(segments, codes, methods_column)
    denying = _denials(segments, codes, by)
    rows = []
    for code in codes:
        mine = stances[stances["code"] == code].set_index("group")
        present = mine[mine["stance"] == PRESENT]
        negating = mine[mine["stance"] == NEGATED]
        n_present, n_negating = _known(present), _known(negating)
        mixed = present[present["negated"] > 0]
        by_method = methods[methods["code"] == code].set_index("method")
        m_aff = by_method["affirmed"][by_method["affirmed"] > 0]
        m_neg = by_method["negated"][by_method["negated"] > 0]
        if mine.empty:
            status = "not found"
        elif len(present) and len(negating):
            status = "divergent"
        elif len(present):
            status = _reach(n_present, len(m_aff), min_groups, min_methods)
        elif len(negating):
            reach = _reach(n_negating, len(m_neg), min_groups, min_methods)
            status = "convergent-absent" if reach == "convergent" else "single-source-absent"
        else:
            status = "below-threshold"
        rows.append(
            {
                "code": code,
                "family": families[code],
                "status": status,
                "n_groups": n_present,
                "groups_affirming": _listing(present["affirmed"]),
                "groups_negating": _listing(negating["negated"]),
                "groups_mixed": _listing(mixed["negated"]),
                "groups_denying": _listing(denying.get(code, pd.Series(dtype=int))),
                "methods_affirming": _listing(m_aff),
                "methods_negating": _listing(m_neg),
                "affirmed_segments": int(mine["affirmed"].sum()),
                "negated_segments": int(mine["negated"].sum()),
            }
        )
    return pd.DataFrame(rows).set_index("code")


def _denials(segments: pd.DataFrame, codes: Sequence[str], by: str) -> dict[str, pd.Series]:
    """Per code, segments per group with at least one negated piece of evidence, including
    segments that are affirmed overall ("no formal termination, but still monitored")."""
    if segments.empty or "denials" not in segments:
        return {}
    denied = segments[pd.to_numeric(segments["denials"], errors="coerce").fillna(0) > 0]
    denied = denied[denied["code"].isin(codes)]
    groups = group_labels(denied[by])
    return {
        code: part.groupby(groups.loc[part.index], sort=False).size()
        for code, part in denied.groupby("code", sort=False)
    }


def _method_counts(
    segments: pd.DataFrame, codes: Sequence[str], methods_column: str | None
) -> pd.DataFrame:
    """Affirmed/negated segment counts per (code, method); segments without a method are left
    out, and the table is empty without a method column."""
    if methods_column is None or segments.empty:
        return pd.DataFrame(columns=["code", "method", "affirmed", "negated"])
    require_attribute(segments, methods_column, codes)
    pairs = coded_pairs(segments, codes)
    pairs = pairs.assign(method=group_labels(pairs[methods_column]))
    pairs = pairs[pairs["method"] != MISSING]
    pairs = pairs.assign(affirmed=~pairs["negated"])
    counts = pairs.groupby(["code", "method"], sort=False)[["affirmed", "negated"]].sum()
    return counts.astype(int).reset_index()


# An evidence cell reads ``keyword 'pelatihan' → "Pelatihannya" [120:132]; …`` (frame.py).
_TERM = re.compile(r"'([^']*)' →")


def evidence_terms(evidence: object) -> int:
    """Distinct terms in an ``evidence`` cell; plain "a; b" lists count their pieces."""
    if not isinstance(evidence, str) or not evidence.strip():
        return 0
    terms = _TERM.findall(evidence) or evidence.split(";")
    return len({t.strip().casefold() for t in terms if t.strip()})


def trim_text(text: object, max_chars: int = 300) -> str:
    """Collapse whitespace and cut at a word boundary before ``max_chars``, adding "…"."""
    flat = " ".join(str(text).split()) if isinstance(text, str) else ""
    if len(flat) <= max_chars:
        return flat
    cut = flat[: max_chars - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def exemplars(
    segments: pd.DataFrame,
    *,
    by: str = "role",
    codes: Sequence[str] | None = None,
    max_chars: int = 300,
) -> pd.DataFrame:
    """One exemplar quote per (code, supporting group): the clearest affirmed segment.

    "Clearest" = most distinct evidence terms, then the shorter text, then document order.
    Codes follow ``codes`` when given (and are limited to them), else first appearance.
    Columns: code, ``by``, document, segment_id, start, end, evidence_terms, text (trimmed to
    ``max_chars``).
    """
    columns = ["code", by, "document", "segment_id", "start", "end", "evidence_terms", "text"]
    if segments.empty:
        return pd.DataFrame(columns=columns)
    order = list(codes) if codes is not None else list(dict.fromkeys(segments["code"]))
    check_codes(order)
    require_attribute(segments, by, order)
    frame = segments[segments["code"].isin(order)].copy()
    negated = flags(frame["negated"]) if "negated" in frame else False
    frame = frame[~negated] if "negated" in frame else frame
    frame["group"] = group_labels(frame[by])
    text = frame["text"] if "text" in frame else pd.Series("", index=frame.index)
    evidence = frame["evidence"] if "evidence" in frame else pd.Series("", index=frame.index)
    frame["evidence_terms"] = evidence.map(evidence_terms)
    frame["_length"] = text.map(lambda t: len(t) if isinstance(t, str) else 0)
    frame["_code_rank"] = frame["code"].map({c: i for i, c in enumerate(order)})
    frame["_row"] = range(len(frame))
    frame = frame.sort_values(
        ["_code_rank", "evidence_terms", "_length", "_row"], ascending=[True, False, True, True]
    )
    best = frame.drop_duplicates(["code", "group"], keep="first").copy()
    best["text"] = best["text"].map(lambda t: trim_text(t, max_chars)) if "text" in best else ""
    best[by] = best["group"]
    best = best.sort_values(["_code_rank", "group"], kind="stable")
    return best.reindex(columns=columns).reset_index(drop=True)
