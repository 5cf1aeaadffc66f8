"""Tables at a terminal never break a code id, at any width (wide tables are split)."""

from __future__ import annotations

import io
import re
import sys

import pytest
from rich.console import Console

from ksmcode.analysis import coding_matrix, cooccurrence, triangulate
from ksmcode.analysis.frame import load_coding
from ksmcode.cli import _output

ID = re.compile(r"\b(?:stage|welfare|support|inhibit)\.[\w.]*")


@pytest.fixture(scope="module")
def tables(study_out):
    coding = load_coding(study_out)
    codes, families = list(coding.code_ids), coding.families
    return {
        "cooccurrence": cooccurrence(coding.segments, codes=codes),
        "matrix": coding_matrix(
            coding.segments, coding.units, "role", codes=codes, families=families
        ),
        "triangulation": triangulate(coding.segments, codes=codes, families=families),
    }


def shown(frame, width: int, monkeypatch) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr(_output, "out", Console(width=width, file=buffer, highlight=False))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    _output.show_frame(frame, title="t")
    return buffer.getvalue()


@pytest.mark.parametrize("width", [100, 120, 200])
@pytest.mark.parametrize("name", ["cooccurrence", "matrix", "triangulation"])
def test_code_ids_are_never_broken(tables, name, width, monkeypatch):
    frame = tables[name]
    text = shown(frame, width, monkeypatch)
    codes = {str(c) for c in frame.index if "." in str(c)}
    assert set(ID.findall(text)) == codes  # every id whole, no fragment such as "stage.e"
    assert max(len(line) for line in text.splitlines()) <= width
    for value in frame.select_dtypes("number").iloc[:, 0]:
        assert f" {value:g} " in text or f" {value:.3g} " in text


def test_a_wide_table_is_split_with_the_first_column_repeated(tables, monkeypatch):
    text = shown(tables["cooccurrence"], 100, monkeypatch)
    assert "t (1 of 3)" in text and "t (3 of 3)" in text
    assert text.count("stage.engagement") >= 4  # a row label in every part, and the key
    assert "[1] stage.engagement" in text
