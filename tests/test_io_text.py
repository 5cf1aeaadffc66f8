"""Plain text and Markdown transcripts: labels, continuation lines, timestamps, paragraphs,
front matter, encodings and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksmcode.errors import TranscriptError
from ksmcode.io import read_document
from ksmcode.io.frontmatter import split_front_matter
from ksmcode.io.turns import match_label, split_turns

DATA = Path(__file__).parent / "data" / "io"


def read(name: str, warnings: list[str] | None = None):
    return read_document(DATA / name, DATA, warnings=warnings)


def spoken(doc) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


@pytest.mark.parametrize(
    ("line", "speaker", "timestamp", "speech"),
    [
        ("Peneliti: Apa kabar?", "Peneliti", None, "Apa kabar?"),
        ("P: Oke", "P", None, "Oke"),
        ("Pak Darsono: Iya.", "Pak Darsono", None, "Iya."),
        ("Bu Lilis : Betul.", "Bu Lilis", None, "Betul."),
        ("Informan 3: Ya.", "Informan 3", None, "Ya."),
        ("Ibu Sri (Ketua KSM): Baik.", "Ibu Sri (Ketua KSM)", None, "Baik."),
        ("Dr. Siti: Ya.", "Dr. Siti", None, "Ya."),
        ("[00:04:12] Peneliti: Lalu?", "Peneliti", "00:04:12", "Lalu?"),
        ("00:04:12 Peneliti: Lalu?", "Peneliti", "00:04:12", "Lalu?"),
        ("(04:12) Peneliti: Lalu?", "Peneliti", "04:12", "Lalu?"),
        ("Peneliti (04:12): Lalu?", "Peneliti", "04:12", "Lalu?"),
        ("Peneliti [00:04:12]: Lalu?", "Peneliti", "00:04:12", "Lalu?"),
        ("Peneliti: [00:04:12] Lalu?", "Peneliti", "00:04:12", "Lalu?"),
        ("Peneliti: 00:04:12 Lalu?", "Peneliti", "00:04:12", "Lalu?"),
        ("**Peneliti:** Lalu?", "Peneliti", None, "Lalu?"),
        ("**Peneliti**: Lalu?", "Peneliti", None, "Lalu?"),
        ("Interviewer:", "Interviewer", None, ""),
    ],
)
def test_label_forms(line, speaker, timestamp, speech):
    m = match_label(line)
    assert m is not None
    assert (m.speaker, m.timestamp, line[m.offset :].strip()) == (speaker, timestamp, speech)


@pytest.mark.parametrize(
    "line",
    [
        "Catatan: rapat dimulai terlambat.",  # a field name, not a speaker
        "Dia bilang begitu. Kemudian: kami rapat.",  # sentence-final full stop
        "Jadi, begini: kami rapat.",  # comma
        "Pukul 10:30 kami rapat.",  # clock time
        "Lihat http://contoh.id",  # URL
        "peneliti: huruf kecil",  # no capital
        "Ini adalah kalimat yang sangat panjang sekali: bukan label",  # too many words
        "Tanpa titik dua sama sekali",
    ],
)
def test_not_labels(line):
    assert match_label(line) is None


def test_lowercase_label_needs_to_repeat():
    once = "Ketua kelompok: Ya.\nPeneliti: Lalu?\nPak Darsono: Oke.\n"
    twice = once + "Ketua kelompok: Betul.\n"
    assert [t.speaker for t in split_turns(once)] == [None, "Peneliti", "Pak Darsono"]
    assert [t.speaker for t in split_turns(twice)][-1] == "Ketua kelompok"


def test_continuation_lines_and_crlf():
    doc = read("transcript_crlf.txt")
    assert "\r" not in doc.text
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program KSM?"),
        (
            "Pak Darsono",
            "Awalnya ada sosialisasi.\nKami rapat di balai.\n\nLalu dibentuk kelompok.",
        ),
        ("Peneliti", "Terima kasih."),
    ]
    assert [t.is_interviewer for t in doc.turns] == [True, False, True]


def test_text_before_first_label_is_paragraphs():
    text = "Tanggal: 12 Mei\nLokasi: balai\n\nPengantar.\n\nPeneliti: Halo.\nBu Lilis: Hai.\n"
    turns = split_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        (None, "Tanggal: 12 Mei\nLokasi: balai"),
        (None, "Pengantar."),
        ("Peneliti", "Halo."),
        ("Bu Lilis", "Hai."),
    ]


def test_label_on_its_own_line_takes_the_next_lines():
    text = "Peneliti:\n  Apa kabar?\nBu Lilis:\nBaik.\n"
    assert [text[t.start : t.end] for t in split_turns(text)] == ["Apa kabar?", "Baik."]


def test_observation_note_is_paragraphs():
    doc = read("observation.txt")
    assert [s for s, _ in spoken(doc)] == [None, None, None]
    assert spoken(doc)[1][1].endswith("Catatan: rapat dimulai terlambat karena hujan.")
    assert doc.meta.method is None


def test_few_labels_among_many_paragraphs_stay_paragraphs():
    text = "\n\n".join(["Paragraf biasa."] * 8 + ["Pak Budi: datang.", "Bu Ani: pulang."])
    assert all(t.speaker is None for t in split_turns(text))


def test_markdown_headings_belong_to_no_turn():
    doc = read("frontmatter.md")
    assert doc.text.startswith("# Wawancara ketua KSM\n")
    assert spoken(doc) == [
        ("Peneliti", "Bagaimana awal program?"),
        ("Pak Darsono", "Awalnya sosialisasi dari dinas."),
        ("Asisten", "Ada kendala?"),
        ("Pak Darsono", "Dana terlambat."),
    ]
    assert [t.timestamp for t in doc.turns] == [None, None, "00:10:02", "00:10:05"]
    assert [t.is_interviewer for t in doc.turns] == [True, False, True, False]


def test_markdown_paragraphs_skip_headings():
    text = "# Judul\nParagraf satu.\n## Sub\n\nParagraf dua.\n"
    turns = split_turns(text, markdown=True)
    assert [text[t.start : t.end] for t in turns] == ["Paragraf satu.", "Paragraf dua."]
    first = split_turns(text)[0]  # in .txt, '#' lines are ordinary text
    assert text[first.start : first.end] == "# Judul\nParagraf satu.\n## Sub"


def test_front_matter_offsets_refer_to_text_after_it():
    front, text = split_front_matter("---\na: 1\n---\nPeneliti: x\n", "f.md")
    assert front == {"a": 1}
    assert text == "Peneliti: x\n"
    assert split_front_matter("Peneliti: --- x\n", "f.md") == ({}, "Peneliti: --- x\n")


@pytest.mark.parametrize(
    ("name", "encoding", "warned"),
    [
        ("transcript_crlf.txt", "utf-8", False),
        ("utf8_bom.txt", "utf-8-sig", False),
        ("utf16_bom.txt", "utf-16", False),
        ("latin1.txt", "cp1252", True),
    ],
)
def test_encodings(name, encoding, warned):
    warnings: list[str] = []
    doc = read(name, warnings)
    assert doc.encoding == encoding
    assert not doc.text.startswith("\ufeff")
    assert doc.turns[0].speaker == "Peneliti"
    assert bool(warnings) is warned
    if warned:
        assert "cp1252" in warnings[0] and name in warnings[0]


def test_legacy_encoding_text_is_decoded():
    doc = read("latin1.txt")
    assert "café kecil dan warung naïve di kampung, señor." in doc.text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty.txt: the file is empty"),
        ("blank.txt", "blank.txt: the file is empty"),
        ("binary.txt", "binary.txt: not a text file"),
        ("frontmatter_bad.md", "frontmatter_bad.md:4: invalid YAML front matter"),
        (
            "frontmatter_duplicate.md",
            "frontmatter_duplicate.md:3: invalid YAML front matter: duplicate key 'informant'",
        ),
        (
            "frontmatter_unclosed.md",
            "frontmatter_unclosed.md:1: front matter opened with '---' is never closed",
        ),
        (
            "language_bad.txt",
            "language_bad.txt: language 'jv' is not supported; use one of: id, en",
        ),
        ("missing.txt", "missing.txt: cannot be read"),
    ],
)
def test_bad_text_files(name, message):
    with pytest.raises(TranscriptError) as info:
        read(name)
    assert message in str(info.value)


def test_front_matter_only_has_no_text(tmp_path):
    (tmp_path / "f.md").write_text("---\ninformant: A\n---\n\n")
    with pytest.raises(TranscriptError, match="no transcript text found"):
        read_document(tmp_path / "f.md", tmp_path)


def test_front_matter_must_be_a_mapping(tmp_path):
    (tmp_path / "f.md").write_text("---\n- a\n- b\n---\nHalo.\n")
    with pytest.raises(TranscriptError, match=r"f\.md:2: front matter must be a mapping"):
        read_document(tmp_path / "f.md", tmp_path)
