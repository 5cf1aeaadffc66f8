"""Charts of a study report as inline SVG, drawn with matplotlib.

matplotlib writes static SVG: the page needs no script, no CDN and no network, opens in any
browser and prints. Text stays text (``svg.fonttype: none``), so labels can be searched and
copied; mathtext is off, so a ``$`` in a group name is just a dollar sign.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

AFFIRMED, NEGATED = "#2b7bba", "#d9534f"
SCORES = {"precision": "#4c72b0", "recall": "#dd8452", "f1": "#55a868"}
FONT = ["DejaVu Sans"]  # ships with matplotlib: the same text metrics everywhere
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


@contextmanager
def _style(salt: str) -> Iterator[None]:
    import matplotlib as mpl

    with mpl.rc_context({
        "svg.fonttype": "none",
        "svg.hashsalt": salt,  # ids differ between the charts of one page and are reproducible
        "text.parse_math": False,
        "font.family": FONT,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }):  # fmt: skip
        yield


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _PROLOGUE.sub("", buffer.getvalue(), count=1)


CHAR = 0.068  # inches per character of a 9-point label (DejaVu Sans, on average)


def _figure(plot: tuple[float, float], *, left: list[str], bottom: float, right: float = 0.2):
    """A figure whose plot area is ``plot`` inches (width, height), with room on the left for
    the ``left`` labels, ``bottom`` inches below and ``right`` inches on the right. Margins
    are computed rather than laid out by matplotlib, which would draw every chart twice more.
    """
    from matplotlib.figure import Figure

    margin = 0.25 + CHAR * max((len(label) for label in left), default=0)
    top = 0.4
    width, height = margin + plot[0] + right, bottom + plot[1] + top
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(left=margin / width, right=1 - right / width, bottom=bottom / height,
                           top=1 - top / height)  # fmt: skip
    return figure


def frequency_chart(frame: pd.DataFrame, *, title: str, salt: str) -> str:
    """Horizontal bars per code: affirmed and negated coded segments, stacked."""
    with _style(salt):
        labels = [str(c) for c in frame.index]
        figure = _figure((4.6, 0.28 * len(frame) + 0.2), left=labels, bottom=0.55)
        axes = figure.add_subplot()
        rows = np.arange(len(frame))[::-1]
        affirmed, negated = frame["affirmed"].to_numpy(), frame["negated"].to_numpy()
        axes.barh(rows, affirmed, color=AFFIRMED, label="affirmed")
        axes.barh(rows, negated, left=affirmed, color=NEGATED, label="negated")
        axes.set_yticks(rows, labels)
        axes.set_ylim(-0.6, len(frame) - 0.4)
        for y, a, n in zip(rows, affirmed, negated, strict=True):
            axes.text(a + n, y, f" {a}" + (f" + {n}" if n else ""), va="center", fontsize=8)
        axes.set_xlabel("coded segments")
        axes.set_title(title, loc="left", fontweight="bold")
        axes.set_xlim(0, max(1, int((affirmed + negated).max(initial=0))) * 1.15)
        axes.legend(loc="lower right", frameon=False, ncols=2)
        return _svg(figure)


def heatmap(
    values: pd.DataFrame,
    *,
    title: str,
    salt: str,
    notes: pd.DataFrame | None = None,
    cmap: str = "Blues",
) -> str:
    """A heat map of a numeric table, each cell annotated with its value (or ``notes``)."""
    data = values.to_numpy(dtype=float)
    n_rows, n_cols = data.shape
    with _style(salt):
        columns = [str(c) for c in values.columns]
        rows = [str(i) for i in values.index]
        below = 0.3 + CHAR * 0.75 * max((len(c) for c in columns), default=0)  # labels at 45°
        plot = (max(1.2, 0.42 * n_cols) + 0.9, 0.3 * n_rows)  # cells and the colour bar
        figure = _figure(plot, left=rows, bottom=below)
        axes = figure.add_subplot()
        top = np.nanmax(data) if np.isfinite(data).any() else 1.0
        # pcolormesh draws vector cells (imshow would embed a bitmap)
        mesh = axes.pcolormesh(data, cmap=cmap, vmin=0, vmax=max(top, 1e-9))
        axes.invert_yaxis()
        axes.set_xticks(np.arange(n_cols) + 0.5, columns, rotation=45, ha="right")
        axes.set_yticks(np.arange(n_rows) + 0.5, rows)
        axes.spines[:].set_visible(False)
        labels = notes.to_numpy() if notes is not None else data
        for r in range(n_rows):
            for c in range(n_cols):
                text = labels[r, c]
                if isinstance(text, float):
                    text = "" if np.isnan(text) else f"{text:g}"
                if str(text) in ("", "0"):
                    continue  # an empty cell reads as zero; fewer labels draw faster
                dark = np.isfinite(data[r, c]) and data[r, c] > 0.6 * top
                axes.text(c + 0.5, r + 0.5, str(text), ha="center", va="center", fontsize=7,
                          color="white" if dark else "black")  # fmt: skip
        axes.set_title(title, loc="left", fontweight="bold")
        bar = figure.colorbar(mesh, ax=axes, shrink=0.6, pad=0.02, fraction=0.6 / plot[0])
        bar.solids.set_rasterized(False)
        return _svg(figure)


def score_chart(scores: pd.DataFrame, *, title: str, salt: str) -> str:
    """Grouped horizontal bars: precision, recall and F1 per code."""
    with _style(salt):
        labels = [str(c) for c in scores.index]
        figure = _figure((4.2, 0.42 * len(scores) + 0.2), left=labels, bottom=0.55, right=1.1)
        axes = figure.add_subplot()
        rows = np.arange(len(scores))[::-1]
        height = 0.27
        for k, (name, colour) in enumerate(SCORES.items()):
            axes.barh(rows + (1 - k) * height, scores[name].fillna(0).to_numpy(), height,
                      color=colour, label=name)  # fmt: skip
        axes.set_yticks(rows, labels)
        axes.set_ylim(-0.6, len(scores) - 0.4)
        axes.set_xlim(0, 1)
        axes.set_xlabel("score against the gold coding")
        axes.set_title(title, loc="left", fontweight="bold")
        axes.legend(loc="upper left", frameon=False, bbox_to_anchor=(1.01, 1))
        return _svg(figure)
