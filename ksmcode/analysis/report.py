"""The tables of a study report, computed once; ``ksmcode.report`` and ``ksmcode.export.report``
render them (HTML page, workbook, Markdown)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ksmcode.analysis.agreement import SourceAgreement, source_agreement
from ksmcode.analysis.denials import denials
from ksmcode.analysis.frame import Coding
from ksmcode.analysis.matrix import (
    coded_pairs,
    coding_matrix,
    cooccurrence,
    group_labels,
)
from ksmcode.analysis.triangulation import exemplars, triangulate, trim_text
from ksmcode.errors import AnalysisError

CARRIED_OUT, PARTIAL, DENIED, ABSENT = "carried out", "partial", "denied", "absent"


@dataclass(frozen=True)
class StudyReport:
    """What a results chapter needs, as frames (see :func:`study_report`)."""

    coding: Coding
    by: str
    glance: pd.DataFrame  # index measure; value
    sources: pd.DataFrame  # informants (or documents) per group × method
    corpus: pd.DataFrame  # per group: documents, units, coded units
    frequencies: pd.DataFrame  # index code: family, label, affirmed, negated (segments)
    triangulation: pd.DataFrame
    exemplars: pd.DataFrame  # + marks: the code's evidence words in the quote
    negations: pd.DataFrame  # per denied code: the shortest segment that denies it
    sequence: pd.DataFrame  # the process family's codes in order, with a status each
    matrix: pd.DataFrame
    cooccurrence: pd.DataFrame
    agreement: SourceAgreement | None  # None with fewer than two groups
    evaluation: pd.DataFrame | None = None  # summary per part, with a gold coding
    per_code: pd.DataFrame | None = None  # precision / recall / F1 per code of ``part``
    part: str = "all"

    @property
    def run(self) -> dict[str, Any]:
        return self.coding.run

    def _repr_html_(self) -> str:
        from ksmcode.report.html import render_html

        return render_html(self, fragment_only=True)


def study_report(
    coding: Coding,
    *,
    by: str = "role",
    max_chars: int = 240,
    sequence: str | None = None,
    gold: str | Path | None = None,
    split: str | Path | None = None,
    part: str = "all",
) -> StudyReport:
    """Compute the report tables for ``coding`` with source groups ``by``.

    ``sequence`` names the family read as a process, in codebook order (default: the first
    family, e.g. Adi's seven stages; ``""`` for none). With ``gold`` (a human coding table)
    the report scores the auto-coding against it, per part of ``split`` and per code for
    ``part``.

    Example::

        report = study_report(load_coding("out"), gold="gold/ksm_gold.csv")
        report.triangulation[["status", "groups_affirming"]]
    """
    codes, families = list(coding.code_ids), coding.families
    units, segments = coding.units, coding.segments
    matrix = coding_matrix(segments, units, by, codes=codes, families=families)
    denied = _denied_segments(coding)
    triangulation = triangulate(segments, codes=codes, families=families, by=by)
    # The report's denials are the ones whose negation covers the code's words (denials.py).
    triangulation["groups_denying"] = [_groups(denied[denied["code"] == c], by) for c in codes]
    labels = {c: _label(coding, c) for c in codes}
    evaluation = per_code = None
    if gold is None and (split is not None or part != "all"):
        raise AnalysisError(
            "split and part score a gold coding: give the gold coding too (--gold FILE)"
        )
    if gold is not None:
        from ksmcode.analysis.evaluation import evaluate

        scored = evaluate(coding, gold, split_path=split)
        evaluation, per_code = scored.summary.rename_axis("part"), scored.per_code(part)
    return StudyReport(
        coding=coding,
        by=by,
        glance=glance(coding),
        sources=_sources(units, by),
        corpus=_corpus(units, codes, by),
        frequencies=code_frequencies(coding),
        triangulation=triangulation,
        exemplars=_marked(exemplars(segments, by=by, codes=codes, max_chars=max_chars), coding),
        negations=_negations(denied, codes, by, max_chars),
        sequence=_sequence(triangulation, denied, families, labels, by, sequence),
        matrix=matrix,
        cooccurrence=cooccurrence(segments, codes=codes),
        agreement=_agreement(coding, by),
        evaluation=evaluation,
        per_code=per_code,
        part=part,
    )


def glance(coding: Coding) -> pd.DataFrame:
    """The study in numbers: documents, informants, units, coded units, share coded, codes
    found and never found (index ``measure``, column ``value``)."""
    units, codes = coding.units, list(coding.code_ids)
    coded = int((units[codes].sum(axis=1) > 0).sum())
    informants = units["informant"].astype(str).str.strip()
    never = [c for c in codes if int(units[c].sum()) == 0]
    rows = {
        "documents": units["document"].nunique(),
        "informants": informants[informants != ""].nunique(),
        "units": len(units),
        "coded units": coded,
        "share coded": f"{coded / len(units):.0%}" if len(units) else "",
        "codes found": f"{len(codes) - len(never)} of {len(codes)}",
        "codes never found": ", ".join(never) or "none",
    }
    return pd.DataFrame(
        {"value": [str(v) for v in rows.values()]}, index=pd.Index(rows, name="measure")
    )


def _sources(units: pd.DataFrame, by: str) -> pd.DataFrame:
    """Informants per group and method (documents where an informant is not named)."""
    who = units["informant"].astype(str).str.strip()
    who = who.where(who != "", units["document"].astype(str))
    frame = units.assign(_who=who)
    table = pd.crosstab(frame[by].astype(str), frame["method"].astype(str), values=frame["_who"],
                        aggfunc="nunique").fillna(0).astype(int)  # fmt: skip
    table.index.name, table.columns.name = by, "method"
    return table


def _corpus(units: pd.DataFrame, codes: list[str], by: str) -> pd.DataFrame:
    coded = units[codes].sum(axis=1) > 0
    return (
        units.assign(coded=coded)
        .groupby(by, sort=False)
        .agg(
            documents=("document", "nunique"), units=("segment_id", "size"), coded=("coded", "sum")
        )
    )


def code_frequencies(coding: Coding) -> pd.DataFrame:
    """Per code (codebook order): family, label, affirmed and negated coded segments.

    Example::

        code_frequencies(load_coding("out")).sort_values("affirmed")
    """
    codes = list(coding.code_ids)
    pairs = coded_pairs(coding.segments, codes) if len(coding.segments) else None
    counts = {
        name: (
            pairs[pairs["negated"] == negated].groupby("code")["segment_id"].nunique()
            if pairs is not None
            else pd.Series(dtype=int)
        ).reindex(codes, fill_value=0)
        for name, negated in (("affirmed", False), ("negated", True))
    }
    table = pd.DataFrame(
        {
            "family": [coding.families[c] for c in codes],
            "label": [_label(coding, c) for c in codes],
            **{name: series.astype(int).to_numpy() for name, series in counts.items()},
        },
        index=pd.Index(codes, name="code"),
    )
    return table


def _label(coding: Coding, code: str) -> str:
    """ "Tahap persiapan / Engagement": the code's labels in every language."""
    labels = coding.run.get("codebook", {}).get("labels", {}).get(code, {})
    return " / ".join(dict.fromkeys(labels.values()))


def _denied_segments(coding: Coding) -> pd.DataFrame:
    """Coded segments (one row per segment and code) with at least one real denial, with the
    denied words (``marks``) and their negation ``cues``."""
    found = denials(coding.evidence, coding.units)
    marks = found.groupby(["segment_id", "code"], sort=False).agg(
        marks=("matched", lambda m: tuple(dict.fromkeys(m))),
        cues=("cue", lambda c: tuple(dict.fromkeys(c))),
    )
    return coding.segments.merge(marks.reset_index(), on=["segment_id", "code"])


def _negations(denied: pd.DataFrame, codes: list[str], by: str, max_chars: int) -> pd.DataFrame:
    present = set(denied["code"])
    negations = (
        denied.assign(length=denied["text"].str.len())
        .sort_values(["length", "document", "start"])
        .drop_duplicates("code")
        .set_index("code")
        .reindex([c for c in codes if c in present])[
            ["document", "segment_id", by, "text", "marks", "cues"]
        ]
    )
    negations["text"] = negations["text"].map(lambda t: trim_text(t, max_chars))
    return negations


def _marked(quotes: pd.DataFrame, coding: Coding) -> pd.DataFrame:
    """Add ``marks``: the affirmed evidence words of each quote's code in its segment."""
    evidence = coding.evidence
    if len(evidence):  # the affirmed evidence of the quoted segments only
        quoted = evidence["segment_id"].isin(set(quotes["segment_id"]))
        evidence = evidence[quoted & ~evidence["negated"].astype(bool)]
    words = evidence.groupby(["segment_id", "code"])["matched"].agg(
        lambda m: tuple(dict.fromkeys(" ".join(str(w).split()) for w in m))
    )
    keys = zip(quotes["segment_id"], quotes["code"], strict=True)
    return quotes.assign(marks=[words.get(key, ()) for key in keys])


def _sequence(
    triangulation: pd.DataFrame,
    denied: pd.DataFrame,
    families: dict[str, str],
    labels: dict[str, str],
    by: str,
    family: str | None,
) -> pd.DataFrame:
    """Per code of the process family: carried out (affirmed, never denied), partial (affirmed
    and denied), denied (only denied) or absent (neither), with the groups on each side."""
    columns = ["label", "status", "affirmed", "denied", "groups_affirming", "groups_denying"]
    order = list(dict.fromkeys(families.values()))
    family = order[0] if family is None and order else family
    if not family:
        return pd.DataFrame(columns=columns)
    if family not in order:
        raise AnalysisError(
            f"no family '{family}' to show as a sequence; families: {', '.join(order)}"
        )
    rows = []
    for code in [c for c, f in families.items() if f == family]:
        mine = denied[denied["code"] == code]
        n_affirmed = int(triangulation.at[code, "affirmed_segments"])
        status = (
            (PARTIAL if len(mine) else CARRIED_OUT)
            if n_affirmed
            else (DENIED if len(mine) else ABSENT)
        )
        rows.append(
            {
                "code": code,
                "label": labels.get(code, ""),
                "status": status,
                "affirmed": n_affirmed,
                "denied": len(mine),
                "groups_affirming": triangulation.at[code, "groups_affirming"],
                "groups_denying": triangulation.at[code, "groups_denying"],
            }
        )
    return pd.DataFrame(rows, columns=["code", *columns]).set_index("code")


def _groups(segments: pd.DataFrame, by: str) -> str:
    """ "organiser (2); partner (1)": segments per group, in order of appearance."""
    counts = group_labels(segments[by]).value_counts(sort=False)
    return "; ".join(f"{g} ({n})" for g, n in counts.items())


def _agreement(coding: Coding, by: str) -> SourceAgreement | None:
    try:
        return source_agreement(coding.segments, coding.units, codes=coding.code_ids, by=by)
    except AnalysisError:
        return None
