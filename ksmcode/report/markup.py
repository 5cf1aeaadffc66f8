"""Small HTML building blocks shared by the report page and the notebook views.

Every piece of text that comes from a transcript, a codebook or metadata goes through
:func:`esc`; nothing is inserted unescaped except markup built here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd

STYLE = """
.ksm{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2430}
.ksm h1{font-size:1.7em;margin:.2em 0}.ksm h2{font-size:1.3em;margin:1.6em 0 .5em;
border-bottom:2px solid #e3e8ef;padding-bottom:.2em}.ksm h3{font-size:1.05em;margin:1.2em 0 .3em}
.ksm .meta,.ksm .note{color:#5b6575;font-size:.9em}
.ksm table{border-collapse:collapse;margin:.5em 0;font-size:.88em}
.ksm th,.ksm td{border:1px solid #dde3ea;padding:.25em .55em;vertical-align:top;text-align:left}
.ksm th{background:#f3f6f9}.ksm td.num{text-align:right;font-variant-numeric:tabular-nums}
.ksm code,.ksm .id{white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace;
font-size:.92em}
.ksm svg{max-width:100%;height:auto}
.ksm mark{background:#fde58a;padding:0 .1em;border-radius:2px}
.ksm mark.neg{background:#f7c4c1}
.ksm .pill{display:inline-block;padding:0 .55em;border-radius:1em;font-size:.85em;
white-space:nowrap;color:#111}
.ksm .s-convergent,.ksm .s-carried-out{background:#b9e4c0}.ksm .s-limited{background:#dcefc4}
.ksm .s-single-source,.ksm .s-partial{background:#fbe3a1}.ksm .s-divergent{background:#f6b58f}
.ksm .s-convergent-absent,.ksm .s-denied{background:#f3a6a6}
.ksm .s-single-source-absent{background:#f5cfcf}
.ksm .s-below-threshold,.ksm .s-not-found,.ksm .s-absent{background:#e2e5ea}
.ksm .s-present{background:#b9e4c0}.ksm .s-negated{background:#f3a6a6}
"""
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def esc(value: object) -> str:
    """Text as HTML: escaped, quotes included; NaN and None read as empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def slug(*parts: object) -> str:
    """An element id from ``parts`` (letters, digits, ``_.-``)."""
    return "-".join(_SLUG.sub("_", str(p)) for p in parts)


def cell(value: object) -> str:
    if isinstance(value, bool):
        return esc(value)
    if isinstance(value, float):
        return "" if value != value else f"{value:.2f}"
    return esc(value)


def status_class(status: object) -> str:
    """The CSS class of a status: ``s-carried-out`` for "carried out"."""
    return "s-" + re.sub(r"[^a-z0-9]+", "-", str(status).casefold()).strip("-")


def pill(status: object) -> str:
    return f'<span class="pill {status_class(status)}">{esc(status)}</span>'


def table(
    frame: pd.DataFrame,
    *,
    index: bool = True,
    pills: Iterable[str] = (),
    ids: Iterable[str] = (),
    links: dict[str, str] | None = None,
) -> str:
    """An HTML table; ``pills`` columns show coloured statuses, ``ids`` columns never wrap,
    ``links`` maps a cell value of the first column to a ``#fragment``."""
    flat = frame.reset_index() if index else frame
    pills, ids, links = set(pills), set(ids), links or {}
    head = "".join(f"<th>{esc(c)}</th>" for c in flat.columns)
    rows = []
    for values in flat.itertuples(index=False):
        cells = []
        for position, (column, value) in enumerate(zip(flat.columns, values, strict=True)):
            if column in pills:
                cells.append(f"<td>{pill(value)}</td>")
            elif position == 0 and str(value) in links:
                cells.append(f'<td><a class="id" href="#{links[str(value)]}">{esc(value)}</a></td>')
            elif column in ids:
                cells.append(f'<td class="id">{esc(value)}</td>')
            else:
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                cells.append(
                    f'<td class="num">{cell(value)}</td>' if numeric else f"<td>{cell(value)}</td>"
                )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def highlight(text: str, marks: Iterable[str] = (), negated: Iterable[str] = ()) -> str:
    """``text`` escaped, with every occurrence of ``marks`` (and ``negated``) in ``<mark>``."""
    spans: list[tuple[int, int, str, str]] = []
    for words, css in ((marks, ""), (negated, "neg")):
        for word in words:
            parts = [re.escape(p) for p in str(word).split()]
            if not parts:
                continue
            pattern = re.compile(r"\s+".join(parts), re.IGNORECASE)
            spans += [(m.start(), m.end(), css, "") for m in pattern.finditer(text)]
    return mark_spans(text, spans)


def mark_spans(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """``text`` escaped, each ``(start, end, css class, title)`` span in ``<mark>``; a span
    overlapping an earlier one is left out."""
    out, position = [], 0
    for start, end, css, title in sorted(spans):
        if start < position or end <= start:
            continue
        attrs = (f' class="{esc(css)}"' if css else "") + (
            f' title="{esc(title)}"' if title else ""
        )
        out += [esc(text[position:start]), f"<mark{attrs}>{esc(text[start:end])}</mark>"]
        position = end
    out.append(esc(text[position:]))
    return "".join(out)


def fragment(body: str) -> str:
    """Markup for a notebook cell: the style and ``body`` in a ``ksm`` block."""
    return f'<div class="ksm"><style>{STYLE}</style>{body}</div>'
