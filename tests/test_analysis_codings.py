"""Reading human coding tables and aligning them with the units of a run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ksmcode.analysis import align_coding, coding_from_segments, read_coding, split_coders
from ksmcode.analysis.frame import load_coding
from ksmcode.errors import AnalysisError, ImportFormatError

DATA = Path(__file__).parent / "data" / "analysis"


@pytest.fixture(scope="module")
def study():
    return load_coding(DATA / "out")


def write(tmp_path: Path, text: str, name: str = "coding.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_coding_parses_locators_and_flags(study):
    coding = read_coding(DATA / "coding_ani.csv", codes=study.code_ids, units=study.units)
    assert coding["coder"].unique().tolist() == ["coding_ani"]
    assert coding["line"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert coding.loc[1, ["start", "end"]].tolist() == [88, 96]
    assert coding.loc[2, "negated"]
    assert coding.loc[6, "code"] == ""
    assert read_coding(DATA / "coding_ani.csv", coder="ani")["coder"].iloc[0] == "ani"


def test_read_coding_reports_every_problem_with_its_line(study):
    with pytest.raises(ImportFormatError) as info:
        read_coding(DATA / "coding_bad.csv", codes=study.code_ids, units=study.units)
    path = DATA / "coding_bad.csv"
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: unknown code id 'stage.engagment' (did you mean 'stage.engagement'?)",
        f"{path}:3: column start: 'abc' is not a whole number",
        f"{path}:4: unknown document 'nope.txt' (did you mean 'obs.txt'?)",
        f"{path}:5: start 60 must be >= 0 and below end 50",
        f"{path}:5: column negated: 'maybe' is not true/false",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "doc,code,segment_id\n",
            "missing column(s) document; the columns found are doc, code, segment_id",
        ),
        (
            "document,code\n",
            "missing column(s) a locator (segment_id, start+end or quote); "
            "the columns found are document, code",
        ),
        ("document,code,start\n", "columns start and end must come together"),
    ],
)
def test_read_coding_rejects_bad_headers(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ImportFormatError) as info:
        read_coding(path)
    assert str(info.value) == f"{path}: {message}"


def test_read_coding_row_without_locator(tmp_path):
    path = write(tmp_path, "document,code,segment_id,quote\nkasi.txt,stage.engagement,,\n")
    with pytest.raises(ImportFormatError) as info:
        read_coding(path)
    assert str(info.value.problems[0]).endswith(
        ":2: no locator: fill segment_id, start and end, or quote"
    )


def test_read_coding_xlsx_and_coder_column(tmp_path):
    frame = pd.DataFrame(
        {
            "Document": ["kasi.txt", "ketua.txt"],
            "Code": ["stage.engagement", "inhibit.time"],
            "Segment_ID": ["kasi.txt#2", "ketua.txt#6"],
            "Coder": ["ani", "budi"],
        }
    )
    path = tmp_path / "two.xlsx"
    frame.to_excel(path, index=False)
    coding = read_coding(path)
    assert coding["line"].tolist() == [2, 3]
    assert list(split_coders(coding)) == ["ani", "budi"]


def test_unsupported_suffix(tmp_path):
    with pytest.raises(ImportFormatError, match=r"use \.csv or \.xlsx"):
        read_coding(write(tmp_path, "x", "coding.ods"))


def test_align_coding_maps_every_locator(study):
    coding = read_coding(DATA / "coding_ani.csv", codes=study.code_ids, units=study.units)
    wide = align_coding(coding, study.units, codes=study.code_ids)
    assert list(wide.index) == study.units["segment_id"].tolist()
    assert wide.loc["kasi.txt#2", ["stage.engagement", "support.budget"]].tolist() == [1, 1]
    assert wide.loc["kasi.txt#4", "stage.termination"] == 1  # quote, whitespace-insensitive
    assert wide.loc["kasi.txt#4", "stage.termination (negated)"] == 1
    assert wide.loc["ketua.txt#6", ["inhibit.time", "welfare.health"]].tolist() == [1, 1]
    assert wide.loc["warga1.txt#2"].sum() == 0  # coded with no code
    assert wide.loc["obs.txt#1"].isna().all()  # document not coded at all
    assert str(wide["stage.engagement"].dtype) == "Int64"


def test_span_rules(study, tmp_path):
    # 60-140 covers the end of kasi.txt#2 (33-107) and the start of kasi.txt#4 (139-180)
    path = write(tmp_path, "document,code,start,end\nkasi.txt,welfare.health,60,140\n")
    coding = read_coding(path)
    largest = align_coding(coding, study.units, codes=study.code_ids)
    assert largest["welfare.health"].fillna(0).astype(int).to_dict()["kasi.txt#2"] == 1
    assert largest.loc["kasi.txt#4", "welfare.health"] == 0
    every = align_coding(coding, study.units, codes=study.code_ids, span="all")
    assert every.loc[["kasi.txt#2", "kasi.txt#4"], "welfare.health"].tolist() == [1, 1]
    assert "welfare.health (negated)" not in every  # the table had no negated column


def test_unalignable_rows_are_all_reported(study, tmp_path):
    path = write(
        tmp_path,
        "document,code,segment_id,start,end,quote\n"
        "kasi.txt,stage.engagement,kasi.txt#3,,,\n"
        "kasi.txt,stage.engagement,,0,20,\n"
        "kasi.txt,stage.engagement,,,,tidak ada di sini\n"
        "ketua.txt,stage.engagement,,,,wal\n"
        "ketua.txt,stage.engagement,,,,Kami sosialisasi\n",
    )
    with pytest.raises(AnalysisError) as info:
        align_coding(read_coding(path), study.units, codes=study.code_ids)
    assert info.value.message == "4 coding row(s) cannot be aligned with the units"
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "segment_id 'kasi.txt#3' is not a unit of 'kasi.txt' "
        "(units: kasi.txt#2, kasi.txt#4, kasi.txt#6)",
        "span 0-20 overlaps no unit (interviewer turn or past the end?)",
        "quote 'tidak ada di sini' is not inside any single unit of the document",
        "quote 'wal' occurs in ketua.txt#2, ketua.txt#6; quote more text",
    ]


def test_coding_from_segments_matches_units_columns(study):
    auto = coding_from_segments(study.segments, study.units, study.code_ids)
    expected = study.units.set_index("segment_id")[list(study.code_ids)]
    assert (auto[list(study.code_ids)].astype(int) == expected).all().all()
    assert auto.loc["kasi.txt#6", "support.budget (negated)"] == 1
    assert auto.loc["kasi.txt#2", "support.budget (negated)"] == 0
