"""Every reader, on any input (random bytes, random Unicode, random speaker markers, random
front matter, damaged Word and Excel files), returns a well-formed document or raises one of
ksmcode's own errors: never a traceback of its own."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksmcode.errors import KsmcodeError
from ksmcode.io import READERS, read_document

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT_SUFFIXES = (".txt", ".md", ".vtt", ".srt", ".csv")

# Pieces that make readers take their interesting paths: labels, timestamps, cues, voice tags,
# front matter, Markdown, quotes and delimiters, control and non-BMP characters.
_PIECES = [
    "Peneliti:",
    "Bu Ani:",
    "Pak Budi (Ketua RT):",
    "**Q:**",
    "Informan 3:",
    "ketua kelompok:",
    "[00:04:12]",
    "(04:12)",
    "00:00:01,000 --> 00:00:02,500",
    "00:01.000 --> 00:02.000",
    "WEBVTT",
    "NOTE x",
    "<v Bu Lilis>",
    "</v>",
    "<b>",
    "&amp;",
    "1",
    "---",
    "...",
    "# Judul",
    "informant: Ani",
    "role: [a, b]",
    "date: 2022-13-45",
    "a: &x [1, 2]",
    "b: *x",
    "? x",
    "{",
    '"',
    "'",
    ",",
    ";",
    "\t",
    "|",
    "speaker,text",
    "pembicara;teks",
    "\r\n",
    "\r",
    "\n\n",
    "\x00",
    "\x1b",
    "\ufeff",
    "😀",
    "é",
    "ß",
    " ",
    "=1+1",
    "pelatihan",
]
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=40).map(
    lambda parts: "".join(p if i % 3 else p + "\n" for i, p in enumerate(parts))
)
front_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def _read(name: str, data: bytes) -> None:
    """Read ``data`` as the file ``name``; check the document or accept a ksmcode error."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            document = read_document(path, Path(folder))
        except KsmcodeError:
            return
    assert document.turns
    for turn in document.turns:
        assert 0 <= turn.start < turn.end <= len(document.text)
        speech = document.text[turn.start : turn.end]
        assert speech == speech.strip()


@SETTINGS
@given(suffix=st.sampled_from(sorted(READERS)), data=st.binary(max_size=400))
def test_random_bytes(suffix: str, data: bytes) -> None:
    _read(f"x{suffix}", data)


@SETTINGS
@given(
    suffix=st.sampled_from(TEXT_SUFFIXES),
    text=texts,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_random_text_with_speaker_markers(suffix: str, text: str, encoding: str) -> None:
    _read(f"x{suffix}", text.encode(encoding, errors="replace"))


@SETTINGS
@given(
    meta=st.dictionaries(
        st.sampled_from(
            ["informant", "role", "method", "language", "interviewer", "date", "id", "rt", "x"]
        ),
        front_values,
        max_size=5,
    ),
    body=texts,
    suffix=st.sampled_from([".txt", ".md"]),
)
def test_random_front_matter(meta: dict, body: str, suffix: str) -> None:
    import yaml

    front = yaml.safe_dump(meta, allow_unicode=True)
    _read(f"x{suffix}", f"---\n{front}---\n{body}".encode())


@SETTINGS
@given(paragraphs=st.lists(texts, max_size=6))
def test_random_word_documents(paragraphs: list[str]) -> None:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph("".join(c for c in paragraph if c.isprintable() or c == "\n"))
    buffer = io.BytesIO()
    document.save(buffer)
    _read("x.docx", buffer.getvalue())


def _valid_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Peneliti: Apa kabar?")
    document.add_paragraph("Bu Ani: Pelatihan jalan.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


VALID_DOCX = _valid_docx()


@SETTINGS
@given(
    entry=st.sampled_from(zipfile.ZipFile(io.BytesIO(VALID_DOCX)).namelist()),
    content=st.one_of(
        st.binary(max_size=60),
        texts.map(str.encode),
        st.sampled_from([b"<Types/>", b"<w:document/>", b"<?xml version='1.0'?><a/>", b""]),
    ),
)
def test_word_documents_with_a_broken_part(entry: str, content: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(VALID_DOCX)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, content if name == entry else src.read(name))
    _read("x.docx", buffer.getvalue())


cells = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.datetimes(),
    texts.map(lambda t: "".join(c for c in t if c.isprintable())[:80]),
)


@SETTINGS
@given(
    rows=st.lists(st.lists(cells, max_size=4), max_size=6),
    header=st.sampled_from(
        [["speaker", "text"], ["pembicara", "teks", "waktu"], ["text"], ["a", "b"], []]
    ),
)
def test_random_excel_tables(rows: list[list], header: list[str]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _read("x.xlsx", buffer.getvalue())
