"""A study report as one self-contained HTML page: inline CSS and SVG, no script, no network."""

from __future__ import annotations

import pandas as pd

from ksmcode.analysis.matrix import NEGATED_SUFFIX
from ksmcode.analysis.report import ABSENT, CARRIED_OUT, DENIED, PARTIAL, StudyReport
from ksmcode.report import charts
from ksmcode.report.markup import (
    STYLE,
    esc,
    fragment,
    highlight,
    pill,
    slug,
    status_class,
    table,
)
from ksmcode.wording import plural

SEQUENCE_MEANING = {
    CARRIED_OUT: "affirmed, denied by no source",
    PARTIAL: "affirmed, and denied in some passages",
    DENIED: "only denied",
    ABSENT: "never spoken of",
}


def render_html(report: StudyReport, *, fragment_only: bool = False) -> str:
    """The report as an HTML page (or, with ``fragment_only``, a block for a notebook)."""
    sections = [
        _glance(report),
        _sequence(report),
        _frequencies(report),
        _matrix(report),
        _cooccurrence(report),
        _triangulation(report),
        _agreement(report),
        _quotes(report),
        _denials(report),
        _evaluation(report),
    ]
    shown = [s for s in sections if s is not None]
    codebook = report.run.get("codebook", {})
    title = f"Coding report: {codebook.get('name', 'codebook')}"
    nav = " · ".join(f'<a href="#{anchor}">{esc(heading)}</a>' for anchor, heading, _ in shown)
    options = report.run.get("options", {})
    header = (
        f"<header><h1>{esc(title)}</h1><p class='meta'>Codebook version "
        f"{esc(codebook.get('version', '?'))} (sha256 {esc(str(codebook.get('sha256', ''))[:12])}),"
        f" unit of analysis: {esc(options.get('unit', 'turn'))}, ksmcode "
        f"{esc(report.run.get('ksmcode', ''))}. Every coding is backed by evidence (rule, matched "
        f"words, offsets) in evidence.csv.</p><nav>{nav}</nav></header>"
    )
    main = "".join(
        f'<section id="{anchor}"><h2>{esc(heading)}</h2>{body}</section>'
        for anchor, heading, body in shown
    )
    body = f"{header}<main>{main}</main>"
    if fragment_only:
        return fragment(body)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}"
        "body{max-width:1100px;margin:1.5em auto;padding:0 1.2em}</style></head>"
        f'<body class="ksm">{body}<footer class="note"><p>Written by ksmcode. Self-contained: '
        "no scripts, no network.</p></footer></body></html>\n"
    )


Section = tuple[str, str, str]  # anchor, heading, body


def _section(anchor: str, heading: str, *parts: str) -> Section:
    return anchor, heading, "".join(parts)


def _glance(report: StudyReport) -> Section:
    cards = "".join(
        f'<div class="card"><b>{esc(value)}</b><span>{esc(measure)}</span></div>'
        for measure, value in report.glance["value"].items()
    )
    style = (
        "<style>.ksm .cards{display:flex;flex-wrap:wrap;gap:.6em}.ksm .card{border:1px solid "
        "#dde3ea;border-radius:6px;padding:.4em .8em;min-width:7em;display:flex;"
        "flex-direction:column}.ksm .card b{font-size:1.4em}.ksm .card span{color:#5b6575;"
        "font-size:.85em}.ksm .row{display:flex;flex-wrap:wrap;gap:2.5em}</style>"
    )
    return _section(
        "glance",
        "The study at a glance",
        style,
        f'<div class="cards">{cards}</div><div class="row"><div>',
        f"<h3>Informants by {esc(report.by)} and method</h3>",
        table(report.sources),
        "<p class='note'>Distinct informants (documents where none is named).</p></div><div>",
        f"<h3>Units by {esc(report.by)}</h3>",
        table(report.corpus),
        "</div></div>",
    )


def _sequence(report: StudyReport) -> Section | None:
    if report.sequence.empty:
        return None
    family = report.coding.families[report.sequence.index[0]]
    steps = []
    for number, (code, row) in enumerate(report.sequence.iterrows(), start=1):
        denied = f"; denied by {esc(row['groups_denying'])}" if row["groups_denying"] else ""
        steps.append(
            f'<li class="step {status_class(row["status"])}"><span class="no">'
            f"{number}</span><b>{esc(row['label'] or code)}</b><code>{esc(code)}</code>"
            f"{pill(row['status'])}<small>{plural(int(row['affirmed']), 'affirmed segment')}, "
            f"{plural(int(row['denied']), 'denial')}{denied}</small></li>"
        )
    legend = "; ".join(f"{pill(k)} {esc(v)}" for k, v in SEQUENCE_MEANING.items())
    style = (
        "<style>.ksm ol.seq{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));"
        "gap:.5em;list-style:none;padding:0}"
        ".ksm ol.seq li{border-radius:6px;padding:.5em .6em;display:flex;"
        "flex-direction:column;gap:.2em;border:1px solid #cfd6df}.ksm ol.seq .no{font-weight:700;"
        "font-size:1.3em}.ksm ol.seq small{color:#333}.ksm ol.seq code{font-size:.7em}</style>"
    )
    return _section(
        "sequence",
        f"The process: {family}",
        style,
        f'<ol class="seq">{"".join(steps)}</ol>',
        f"<p class='note'>{legend}. A denial is a passage whose negation covers the code's own "
        "words (e.g. there was no formal termination).</p>",
    )


def _frequencies(report: StudyReport) -> Section:
    frame = report.frequencies
    charts_ = [
        charts.frequency_chart(part, title=str(family), salt=f"freq-{family}")
        for family, part in frame.groupby("family", sort=False)
    ]
    return _section(
        "frequencies",
        "Code frequencies",
        "<p class='note'>Coded segments per code, affirmed and negated (the topic spoken of as "
        "absent or not done).</p>",
        "<style>.ksm .charts{display:grid;gap:1em;"
        "grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}.ksm figure{margin:0}</style>",
        f'<div class="charts">{"".join(f"<figure>{c}</figure>" for c in charts_)}</div>',
    )


def _matrix(report: StudyReport) -> Section:
    matrix = report.matrix[report.matrix["level"] == "code"]
    groups = [c for c in matrix.columns[2:] if not str(c).endswith(NEGATED_SUFFIX)][:-1]
    affirmed = matrix[groups].astype(int)
    negated = matrix[[f"{g}{NEGATED_SUFFIX}" for g in groups]].astype(int)
    negated.columns = groups
    notes = affirmed.astype(str) + negated.map(lambda n: f" ({n})" if n else "")
    chart = charts.heatmap(affirmed, notes=notes, title=f"Codes by {report.by}", salt="matrix")
    return _section(
        "matrix",
        f"Codes by {report.by}",
        "<p class='note'>Affirmed coded segments; negated ones in brackets.</p>",
        f"<figure>{chart}</figure>",
    )


def _cooccurrence(report: StudyReport) -> Section:
    counts = report.cooccurrence.astype(float)
    lower = counts.where(pd.DataFrame(
        [[j <= i for j in range(len(counts))] for i in range(len(counts))],
        index=counts.index, columns=counts.columns,
    ))  # fmt: skip
    chart = charts.heatmap(lower, title="Code co-occurrence", salt="cooc", cmap="Purples")
    return _section(
        "cooccurrence",
        "Code co-occurrence",
        "<p class='note'>Units coded with both codes; the diagonal counts the units coded with "
        "the code.</p>",
        f"<figure>{chart}</figure>",
    )


def _code_links(report: StudyReport) -> dict[str, str]:
    return {code: slug("code", code) for code in set(report.exemplars["code"])}


def _triangulation(report: StudyReport) -> Section:
    columns = ["status", "groups_affirming", "groups_negating", "groups_denying",
               "methods_affirming"]  # fmt: skip
    counts = report.triangulation["status"].value_counts()
    summary = ", ".join(f"{n} {esc(s)}" for s, n in counts.items())
    return _section(
        "triangulation",
        f"Triangulation by {report.by}",
        f"<p>Status per code: {summary}. Run <code>ksmcode triangulate --legend</code> for the "
        "rules.</p>",
        table(report.triangulation[columns], pills=["status"], links=_code_links(report)),
    )


def _agreement(report: StudyReport) -> Section | None:
    result = report.agreement
    if result is None:
        return None
    pairwise = charts.heatmap(
        result.pairwise, title="Share of codes with the same stance", salt="pairwise",
        cmap="Greens",
    )  # fmt: skip
    stances = result.stances
    note = f" {esc(result.note)}" if result.note else ""
    return _section(
        "agreement",
        f"Agreement between sources ({report.by})",
        f"<p>Krippendorff's alpha {result.alpha:.2f}, Gwet's AC1 {result.ac1:.2f} (groups as "
        f"coders, codes as units, stance present / negated / absent).{note}</p>",
        f"<figure>{pairwise}</figure>",
        "<details><summary>Stance of every group on every code</summary>",
        table(stances, pills=[c for c in stances.columns if c != "agree"]),
        "</details>",
    )


def _quotes(report: StudyReport) -> Section:
    quotes = report.exemplars
    labels = report.frequencies["label"]
    parts = []
    for code, rows in quotes.groupby("code", sort=False):
        items = []
        for row in rows.itertuples(index=False):
            anchor = slug("unit", row.segment_id, code)
            items.append(
                f'<blockquote id="{anchor}"><p>{highlight(str(row.text), row.marks)}</p>'
                f"<footer>{esc(getattr(row, report.by))} · "
                f'<a class="id" href="#{anchor}">{esc(row.segment_id)}</a> '
                f"[{esc(row.start)}:{esc(row.end)}]</footer></blockquote>"
            )
        label = labels.get(code, "")
        parts.append(
            f'<h3 id="{slug("code", code)}"><code>{esc(code)}</code> {esc(label)}</h3>'
            + "".join(items)
        )
    style = (
        "<style>.ksm blockquote{margin:.4em 0 .8em;padding:.3em .9em;border-left:4px solid "
        "#2b7bba;background:#f7f9fc}.ksm blockquote p{margin:.2em 0}.ksm blockquote footer"
        "{font-size:.82em;color:#5b6575}</style>"
    )
    return _section(
        "quotes",
        "Exemplar quotes",
        style,
        f"<p class='note'>The clearest affirmed segment of each code for each {esc(report.by)} "
        "(most distinct evidence, then shortest), evidence words highlighted.</p>",
        *parts,
    )


def _denials(report: StudyReport) -> Section:
    rows = []
    for code, row in report.negations.iterrows():
        anchor = slug("denial", row["segment_id"], code)
        rows.append(
            f'<blockquote id="{anchor}" class="denial"><p><code>{esc(code)}</code>: '
            f"{highlight(str(row['text']), negated=[*row['marks'], *row['cues']])}</p><footer>"
            f'{esc(row[report.by])} · <a class="id" href="#{anchor}">{esc(row["segment_id"])}'
            "</a></footer></blockquote>"
        )
    return _section(
        "denials",
        "Denials",
        "<p class='note'>Codes spoken of as absent or not done, where the negation covers the "
        "code's own words, with the shortest such segment (negated words highlighted).</p>",
        "".join(rows) or "<p>None.</p>",
    )


def _evaluation(report: StudyReport) -> Section | None:
    if report.evaluation is None or report.per_code is None:
        return None
    scores = report.per_code.drop(index=["micro", "macro"], errors="ignore")
    title = f"Precision, recall and F1 per code ({report.part})"
    chart = charts.score_chart(scores, title=title, salt="scores")
    return _section(
        "evaluation",
        "Coding quality against the gold coding",
        "<p class='note'>Micro averages over unit × code; kappa pooled over codes.</p>",
        table(report.evaluation),
        f"<figure>{chart}</figure>",
    )
