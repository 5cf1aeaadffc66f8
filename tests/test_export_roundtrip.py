"""Outputs read back exactly as they were built, in every format; writes are safe."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.analysis.frame import (
    DocumentRows,
    attribute_names,
    coding_frames,
    load_coding,
    table_frames,
)
from ksmcode.codebook.load import load_codebook
from ksmcode.errors import ExportError
from ksmcode.export.csvparts import attribute_cells, csv_parts
from ksmcode.export.tables import csv_lines, serialise, write_table, write_tables
from ksmcode.io import load_corpus
from ksmcode.matching.engine import code_corpus
from ksmcode.workflow import CodeRequest, code_study
from tests.conftest import DATA


@pytest.fixture()
def study(tmp_path, data):
    folder = tmp_path / "study"
    shutil.copytree(data / "cli" / "study", folder)
    # Metadata that a type-guessing reader would damage: leading zeros and an empty cell.
    (folder / "sources.csv").write_text("file,rt,age\nketua.txt,03,54\nwarga.md,01,\n")
    return folder


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl"])
def test_load_coding_returns_what_coding_frames_built(study, data, tmp_path, fmt):
    codebook = load_codebook(data / "codebook" / "valid.yaml")
    built = coding_frames(code_corpus(load_corpus(study), codebook))
    request = CodeRequest(study, data / "codebook" / "valid.yaml", tmp_path / "out", fmt=fmt)
    code_study(request)
    loaded = load_coding(tmp_path / "out")
    for name in ("segments", "units", "evidence"):
        pd.testing.assert_frame_equal(
            getattr(loaded, name), getattr(built, name), check_dtype=False, obj=name
        )
    assert loaded.units["rt"].tolist() == ["03", "03", "03", "", "01", "01"]
    assert loaded.units["age"].tolist() == ["54", "54", "54", "", "", ""]


def test_excel_output_is_text_not_formulas_or_control_characters(tmp_path):
    frame = pd.DataFrame({"text": ["ada\x1bkontrol\x0bkarakter", "=APBD", "=1+1"]})
    write_table(frame, tmp_path / "t.xlsx")
    assert pd.read_excel(tmp_path / "t.xlsx")["text"].tolist() == [
        "adakontrolkarakter",
        "=APBD",
        "=1+1",
    ]


def test_a_folder_as_output_file_is_a_clear_error(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(ExportError, match="is a folder; give a file name"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "adir")


def test_failed_multi_file_write_replaces_nothing(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_tables({first: pd.DataFrame({"x": [1]}), second: pd.DataFrame({"x": [1]})})
    with pytest.raises(ExportError):
        write_tables({first: pd.DataFrame({"x": [2]}), second: pd.DataFrame({"x": [2]})}, "doc")
    assert first.read_text() == second.read_text() == "x\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_outputs_get_ordinary_permissions(tmp_path):
    write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o666 & ~mask


def test_parquet_stores_missing_values_as_null(tmp_path):
    import pyarrow.parquet as pq

    frame = pd.DataFrame({"informant": ["Bu Lilis", ""], "rt": ["03", ""], "n": [1, 2]})
    write_table(frame, tmp_path / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.column("informant").null_count == 1
    assert table.column("rt").to_pylist() == ["03", None]


def test_excel_csv_starts_with_a_byte_order_mark(tmp_path):
    frame = pd.DataFrame({"evidence": ["keyword 'dana' → \"dana\""]})
    write_table(frame, tmp_path / "plain.csv")
    write_table(frame, tmp_path / "excel.csv", excel=True)
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    data = (tmp_path / "excel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == '"keyword \'dana\' → ""dana"""'
    assert pd.read_csv(tmp_path / "excel.csv").columns.tolist() == ["evidence"]


TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"'=+-@\t\r\nèé;")), max_size=8)
COLUMN_KINDS = {
    "text": st.one_of(TEXT, st.none()),
    "count": st.integers(-5, 10**12),
    "flag": st.booleans(),
    "share": st.one_of(st.floats(allow_infinity=False), st.just(1e-05), st.just(0.1)),
}


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries(COLUMN_KINDS), max_size=6))
def test_csv_lines_are_the_bytes_pandas_writes(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    columns = ["=label", *COLUMN_KINDS]
    rows = [{"=label": f"r{i}", **row} for i, row in enumerate(rows)]
    lines = csv_lines([columns, *([row[c] for c in columns] for row in rows)])
    (folder / "fast.csv").write_bytes("".join(lines).encode("utf-8"))
    serialise(pd.DataFrame(rows, columns=columns), folder / "pandas.csv", "csv")
    assert (folder / "fast.csv").read_bytes() == (folder / "pandas.csv").read_bytes()


ATTRIBUTES = ["rt", "=village", "age"]
ID_CELLS = st.fixed_dictionaries(
    {
        "segment_id": TEXT,
        "start": st.integers(0, 10**6),
        "end": st.integers(0, 10**6),
        **{c: TEXT for c in ("speaker", "informant", "role", "method", "language", "text")},
    }
)


def code_cells(code_ids: tuple[str, ...]):
    return st.fixed_dictionaries({c: st.integers(0, 1) for c in code_ids})


@st.composite
def document_rows(draw, code_ids: tuple[str, ...], model: bool) -> DocumentRows:
    """A document's rows of every table, with some of ATTRIBUTES."""
    document = draw(st.sampled_from(["a", "b,c", "=d"]))
    units = [
        {"document": document, **ids, "question": draw(TEXT), **codes}
        for ids, codes in draw(st.lists(st.tuples(ID_CELLS, code_cells(code_ids)), max_size=3))
    ]
    model_cells = {"confidence": st.floats(0, 1), "source": TEXT} if model else {}
    segment = st.fixed_dictionaries(
        {
            "code": st.sampled_from(code_ids),
            "family": TEXT,
            "negated": st.booleans(),
            "denials": st.integers(0, 3),
            "evidence": TEXT,
            **model_cells,
        }
    )
    segments = [
        {"document": document, **ids, **cells}
        for ids, cells in draw(st.lists(st.tuples(ID_CELLS, segment), max_size=3))
    ]
    evidence = st.tuples(TEXT, TEXT, st.integers(0, 99), st.integers(0, 99), TEXT, st.booleans())
    evidence_rows = [
        [document, "s1", code, rule, f"{code}/{rule}", term, start, end, matched, negated, ""]
        for rule, term, start, end, matched, negated in draw(st.lists(evidence, max_size=3))
        for code in code_ids[:1]
    ]
    suppressed = [[*row, "exclude", draw(TEXT)] for row in evidence_rows[:1]]
    decision = st.tuples(st.floats(0, 1), st.floats(0, 1), st.integers(0, 1), st.integers(0, 4))
    decisions = [
        [document, "s1", code_ids[0], *cells, draw(TEXT), draw(st.floats(0, 1))]
        for cells in draw(st.lists(decision, max_size=2))
    ]
    present = draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True))
    attributes = {name: draw(TEXT.map(lambda t: t or "")) for name in present}
    return DocumentRows(
        document, attributes, units, segments, evidence_rows, suppressed,
        decisions if model else None,
    )  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(data=st.data(), model=st.booleans())
def test_csv_parts_join_to_the_bytes_pandas_writes(tmp_path_factory, data, model):
    """Lines rendered without their attribute cells, joined with them later, are the csv of
    one frame of every document's rows."""
    folder = tmp_path_factory.mktemp("parts")
    codebook = load_codebook(DATA / "codebook" / "valid.yaml")
    documents = data.draw(st.lists(document_rows(codebook.code_ids, model), max_size=4))
    attributes = attribute_names(d.attributes for d in documents)
    frames = table_frames(documents, codebook, attributes, model=model)
    for name, frame in frames.items():
        parts = [
            csv_parts(d, codebook, model).join(name, attribute_cells(attributes, d.attributes))
            for d in documents
        ]
        lines = csv_lines([list(frame.columns)]) + parts
        (folder / "parts.csv").write_bytes("".join(lines).encode("utf-8"))
        serialise(frame, folder / "pandas.csv", "csv")
        assert (folder / "parts.csv").read_bytes() == (folder / "pandas.csv").read_bytes(), name


CELLS = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(["", "03", '"quoted"', "a,b", "line\nbreak", "cr\r\nlf", "'=APBD", " pad "]),
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(CELLS, CELLS, st.integers(-(2**40), 2**40)), max_size=8),
    bom=st.booleans(),
    text_in_integers=st.booleans(),
)
def test_arrow_reads_text_tables_as_pandas_does(tmp_path_factory, rows, bom, text_in_integers):
    from ksmcode.export.tables import _read_csv_arrow

    path = tmp_path_factory.mktemp("arrow") / "t.csv"
    frame = pd.DataFrame(rows, columns=["a", "b", "n"])
    if text_in_integers and rows:
        frame["n"] = frame["n"].astype(str).str.cat(["x"] * len(frame))
    serialise(frame, path, "csv")
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    fast = _read_csv_arrow(path, {"n"})
    if text_in_integers and rows:
        assert fast is None  # pandas reads it (as text)
    if fast is not None:
        types = {"a": str, "b": str, "n": "int64"}
        pd.testing.assert_frame_equal(fast, pd.read_csv(path, dtype=types, keep_default_na=False))
