"""Word, WebVTT, SubRip and table (.csv/.xlsx) transcripts."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from ksmcode.errors import TranscriptError
from ksmcode.io import READERS, read_document

DATA = Path(__file__).parent / "data" / "io"


def spoken(doc) -> list[tuple[str | None, str, str | None]]:
    return [(t.speaker, doc.text[t.start : t.end], t.timestamp) for t in doc.turns]


def test_registry_covers_every_format():
    assert set(READERS) == {".txt", ".md", ".docx", ".vtt", ".srt", ".csv", ".xlsx"}


def test_docx_uses_the_text_rules(tmp_path):
    document = docx.Document()
    for line in [
        "Peneliti: Bagaimana awal program?",
        "Bu Lilis: Awalnya sosialisasi.",
        "Lalu rapat warga.",
        "",
        "[00:03:00] Peneliti: Terima kasih.",
    ]:
        document.add_paragraph(line)
    document.save(tmp_path / "wawancara.docx")
    doc = read_document(tmp_path / "wawancara.docx", tmp_path)
    assert doc.id == "wawancara.docx"
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program?", None),
        ("Bu Lilis", "Awalnya sosialisasi.\nLalu rapat warga.", None),
        ("Peneliti", "Terima kasih.", "00:03:00"),
    ]
    assert [t.is_interviewer for t in doc.turns] == [True, False, True]


def test_empty_docx(tmp_path):
    docx.Document().save(tmp_path / "kosong.docx")
    with pytest.raises(TranscriptError, match=r"kosong\.docx: the document has no text"):
        read_document(tmp_path / "kosong.docx", tmp_path)


def test_corrupt_docx():
    with pytest.raises(TranscriptError) as info:
        read_document(DATA / "corrupt.docx", DATA)
    assert "corrupt.docx: cannot be opened as a Word .docx document" in str(info.value)
    assert "save it again as .docx" in str(info.value)


def test_vtt_voices_notes_settings_and_merging():
    doc = read_document(DATA / "vtt_voices.vtt", DATA)
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program KSM?", "00:00:01.000"),
        ("Bu Lilis", "Awalnya sosialisasi & rapat. Lalu kelompok dibentuk.", "00:00:04.000"),
        (None, "Tanpa pembicara.", "00:00:10.000"),
    ]
    assert doc.text.startswith("Peneliti: Bagaimana awal program KSM?\nBu Lilis: ")
    assert "note" not in doc.text.lower() and "color" not in doc.text


def test_srt_labels_inside_cues():
    doc = read_document(DATA / "cues.srt", DATA)
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program KSM?", "00:00:01.000"),
        ("Pak Darsono", "Awalnya sosialisasi. Lalu rapat.", "00:00:04.000"),
        ("Peneliti", "Oke.", "00:00:06.500"),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("srt_bad_timing.srt", "srt_bad_timing.srt:1: cue without a valid 'start --> end'"),
        ("vtt_no_header.vtt", "vtt_no_header.vtt:1: not a WebVTT file"),
    ],
)
def test_bad_subtitles(name, message):
    with pytest.raises(TranscriptError, match=message):
        read_document(DATA / name, DATA)


def test_vtt_with_only_notes_has_no_text(tmp_path):
    (tmp_path / "n.vtt").write_text("WEBVTT\n\nNOTE nothing here\n")
    with pytest.raises(TranscriptError, match="no transcript text found"):
        read_document(tmp_path / "n.vtt", tmp_path)


def test_csv_rows_are_turns_with_aliases_and_semicolons():
    doc = read_document(DATA / "turns.csv", DATA)
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program?", "00:00:01"),
        ("Bu Lilis", "Awalnya sosialisasi.\nLalu rapat.", "00:00:05"),
        ("Bu Lilis", "Dananya bergulir.", "00:00:09"),
    ]


def test_xlsx_rows_are_turns(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [
        ("Speaker", "Text"),
        ("Interviewer", "What changed?"),
        (None, None),
        ("Informant 2", "Savings grew."),
        ("", "A note without speaker."),
    ]:
        sheet.append(row)
    workbook.save(tmp_path / "turns.xlsx")
    doc = read_document(tmp_path / "turns.xlsx", tmp_path)
    assert spoken(doc) == [
        ("Interviewer", "What changed?", None),
        ("Informant 2", "Savings grew.", None),
        (None, "A note without speaker.", None),
    ]
    assert [t.is_interviewer for t in doc.turns] == [True, False, False]


def test_table_without_text_column_names_the_columns():
    with pytest.raises(TranscriptError, match="no text column; columns are: speaker, words"):
        read_document(DATA / "table_no_text.csv", DATA)


def test_corrupt_xlsx(tmp_path):
    (tmp_path / "t.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(TranscriptError, match=r"t\.xlsx: cannot be opened as an Excel"):
        read_document(tmp_path / "t.xlsx", tmp_path)
