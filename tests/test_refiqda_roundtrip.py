"""export_qdpx -> read_qdpx -> qdpx_to_coding gives back the original coding."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_refiqda_study import (
    expected_coding,
    make_codebook,
    make_corpus,
    make_segments,
)

from ksmcode.errors import ImportFormatError
from ksmcode.model import Corpus, Document, DocumentMeta
from ksmcode.refiqda import export_qdpx, qdpx_to_coding, read_qdpx


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_round_trip_with_corpus(tmp_path: Path, offsets: str) -> None:
    corpus, codebook = make_corpus(), make_codebook()
    segs = make_segments(corpus)
    path = export_qdpx(corpus, codebook, segs, tmp_path / "s.qdpx", offsets=offsets)
    project = read_qdpx(path)
    assert project.offset_unit == offsets
    for row in project.selections.itertuples():
        text = next(s.text for s in project.sources if s.guid == row.source_guid)
        assert row.text == text[row.start : row.end]
    got = qdpx_to_coding(project, corpus, codebook=codebook)
    pd.testing.assert_frame_equal(got, expected_coding(segs))


def test_round_trip_with_units_table(tmp_path: Path) -> None:
    corpus, codebook = make_corpus(), make_codebook()
    segs = make_segments(corpus)
    units = segs[["document", "segment_id", "start", "end", "text"]].drop_duplicates()
    units = units.assign(**{c: 0 for c in codebook.code_ids})  # units.csv code columns
    project = read_qdpx(export_qdpx(corpus, codebook, segs, tmp_path / "s.qdpx"))
    pd.testing.assert_frame_equal(qdpx_to_coding(project, units), expected_coding(segs))


def _foreign_qdpx(path: Path, text: bytes, selections: str, codes: str, name: str) -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="Some QDA 1.0">
<Users><User guid="11111111-1111-1111-1111-111111111111" name="Rina"/></Users>
<CodeBook><Codes>{codes}</Codes></CodeBook>
<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="{name}"
 plainTextPath="internal://AAAA.txt">{selections}</TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Project.qde", qde)
        zf.writestr("Sources/AAAA.txt", text)
    return path


def _sel(start: int, end: int, code: str) -> str:
    return (
        f'<PlainTextSelection guid="33333333-3333-3333-3333-{start:012d}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="44444444-4444-4444-4444-{start:012d}" '
        f'creatingUser="11111111-1111-1111-1111-111111111111">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


CODES = (
    '<Code guid="55555555-5555-5555-5555-555555555555" name="Lokasi" isCodable="true"/>'
    '<Code guid="66666666-6666-6666-6666-666666666666" name="Tahap terminasi [negated]" '
    'isCodable="true"/>'
    '<Code guid="77777777-7777-7777-7777-777777777777" name="my own code" isCodable="true"/>'
)


def test_foreign_tool_with_bom_crlf_maps_by_stem_and_labels(tmp_path: Path) -> None:
    corpus, codebook = make_corpus(), make_codebook()
    ketua = corpus.documents[0].text
    raw = b"\xef\xbb\xbf" + ketua.replace("\n", "\r\n").encode("utf-8")
    start = ketua.index("Belum")  # on line 3: two CRs come before it in the raw file
    sels = _sel(start + 2, start + 2 + 5, "55555555-5555-5555-5555-555555555555") + _sel(
        start + 2, start + 2 + 5, "66666666-6666-6666-6666-666666666666"
    )
    path = _foreign_qdpx(tmp_path / "f.qdpx", raw, sels, CODES, "ketua.docx")
    project = read_qdpx(path)
    assert project.selections["text"].tolist() == ["Belum", "Belum"]
    got = qdpx_to_coding(project, corpus, codebook=codebook)
    assert got.to_dict("records") == [
        {
            "document": "interviews/ketua.txt",
            "start": start,
            "end": start + 5,
            "code": "stage.termination",
            "negated": True,
            "coder": "Rina",
        },
        {
            "document": "interviews/ketua.txt",
            "start": start,
            "end": start + 5,
            "code": "support.location",
            "negated": False,
            "coder": "Rina",
        },
    ]


def test_unknown_codes_need_a_code_map(tmp_path: Path) -> None:
    corpus, codebook = make_corpus(), make_codebook()
    text = corpus.documents[0].text.encode()
    sels = _sel(0, 2, "77777777-7777-7777-7777-777777777777")
    project = read_qdpx(_foreign_qdpx(tmp_path / "f.qdpx", text, sels, CODES, "ketua"))
    with pytest.raises(ImportFormatError, match=r"code 'my own code' \(7777"):
        qdpx_to_coding(project, corpus, codebook=codebook)
    got = qdpx_to_coding(project, corpus, code_map={"my own code": "stage.engagement"})
    assert got["code"].tolist() == ["stage.engagement"]
    assert qdpx_to_coding(project, corpus, code_map={"my own code": None}).empty


def test_different_text_is_an_error_naming_the_source(tmp_path: Path) -> None:
    corpus = make_corpus()
    sels = _sel(0, 2, "55555555-5555-5555-5555-555555555555")
    path = _foreign_qdpx(tmp_path / "f.qdpx", b"something else", sels, CODES, "ketua.txt")
    with pytest.raises(ImportFormatError, match=r"source 'ketua\.txt': its text differs"):
        qdpx_to_coding(read_qdpx(path), corpus, codebook=make_codebook())


def test_unmatched_source_is_an_error(tmp_path: Path) -> None:
    sels = _sel(0, 2, "55555555-5555-5555-5555-555555555555")
    path = _foreign_qdpx(tmp_path / "f.qdpx", b"xyz", sels, CODES, "other.txt")
    with pytest.raises(ImportFormatError, match=r"source 'other\.txt' matches no ksmcode document"):
        qdpx_to_coding(read_qdpx(path), make_corpus(), codebook=make_codebook())


# --- property test -----------------------------------------------------------------------------

CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r"
) | st.sampled_from(["😀", "𝒜", "é", "\n", "ꦲ"])  # emoji, math letter, Javanese script


@st.composite
def coded_study(draw: st.DrawFn) -> tuple[Corpus, pd.DataFrame]:
    base = make_corpus()
    # A document's text never starts with U+FEFF: the readers take a leading one as the
    # byte-order mark, and so does every QDA tool reading a source back.
    text = st.text(CHARS, min_size=1, max_size=60).filter(lambda t: not t.startswith("\ufeff"))
    texts = draw(st.lists(text, min_size=1, max_size=3))
    docs = tuple(
        Document(f"doc{i}.txt", Path(f"doc{i}.txt"), t, (), DocumentMeta())
        for i, t in enumerate(texts)
    )
    codes = make_codebook().code_ids
    rows = []
    for doc in docs:
        for _ in range(draw(st.integers(0, 4))):
            a, b = sorted(draw(st.lists(st.integers(0, len(doc.text)), min_size=2, max_size=2)))
            code, neg = draw(st.sampled_from(codes)), draw(st.booleans())
            rows.append((doc.id, f"{doc.id}#{a}", a, b, code, neg))
    segs = pd.DataFrame(rows, columns=["document", "segment_id", "start", "end", "code", "negated"])
    segs = segs.drop_duplicates(["document", "start", "end", "code"])
    return replace(base, documents=docs), segs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(study=coded_study(), offsets=st.sampled_from(["codepoint", "utf16"]))
def test_round_trip_property(study: tuple[Corpus, pd.DataFrame], offsets: str) -> None:
    corpus, segs = study
    with tempfile.TemporaryDirectory() as tmp:
        path = export_qdpx(corpus, make_codebook(), segs, Path(tmp) / "p.qdpx", offsets=offsets)
        project = read_qdpx(path)
    got = qdpx_to_coding(project, corpus, codebook=make_codebook())
    pd.testing.assert_frame_equal(got, expected_coding(segs))
    texts = {d.id: d.text for d in corpus.documents}
    for row in project.selections.itertuples():
        assert row.text == texts[row.source][row.start : row.end]
