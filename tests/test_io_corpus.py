"""Reading folders: order, skipped files, sidecar and front-matter metadata, interviewer labels."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ksmcode.errors import ConfigError, TranscriptError
from ksmcode.io import DEFAULT_INTERVIEWER_LABELS, is_interviewer, iter_corpus, load_corpus

CORPUS = Path(__file__).parent / "data" / "io" / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS, exclude=["draft_*"])


def by_id(corpus, doc_id):
    return next(d for d in corpus.documents if d.id == doc_id)


def test_stable_order_and_skipped_files(corpus):
    # hidden files and folders, sources.csv, excluded and unknown files are not documents
    assert [d.id for d in corpus.documents] == [
        "interviews/anggota.txt",
        "interviews/ketua.txt",
        "observasi.md",
    ]
    assert corpus.root == CORPUS
    assert by_id(corpus, "observasi.md").path == CORPUS / "observasi.md"


def test_warnings_for_unknown_files_and_missing_sidecar_rows(corpus):
    assert len(corpus.warnings) == 2
    assert corpus.warnings[0].startswith("foto.jpg: skipped, unsupported file type '.jpg'")
    assert "lists 'hilang.txt', which does not exist" in corpus.warnings[1]


def test_exclude_matches_paths_and_names():
    ids = [d.id for d in load_corpus(CORPUS, exclude=["interviews/*", "*.md"]).documents]
    assert ids == ["draft_notes.txt"]


def test_sidecar_and_front_matter_merge_front_matter_wins(corpus):
    meta = by_id(corpus, "interviews/ketua.txt").meta
    assert meta.informant == "Pak Darsono"
    assert meta.role == "Ketua KSM"  # sidecar says "ketua"; the front matter wins
    assert meta.method == "interview"
    assert meta.language == "id"
    assert meta.interviewer == ("P",)
    assert meta.attributes == {"desa": "Grenpul", "tahun": 2023}


def test_metadata_interviewer_labels_decide_the_flags(corpus):
    doc = by_id(corpus, "interviews/ketua.txt")
    assert [(t.speaker, t.is_interviewer) for t in doc.turns] == [
        ("P", True),
        ("Pak Darsono", False),
        ("P", True),
        ("Pak Darsono", False),
    ]


def test_documents_without_labels_are_paragraphs_with_given_method(corpus):
    doc = by_id(corpus, "observasi.md")
    assert doc.meta.method == "observation"
    assert [doc.text[t.start : t.end] for t in doc.turns] == [
        "Rapat dimulai pukul 09.00.",
        "Warga aktif bertanya.",
    ]
    assert by_id(corpus, "interviews/anggota.txt").meta.method is None


def test_interviewer_argument_replaces_the_defaults(tmp_path):
    (tmp_path / "t.txt").write_text("Peneliti: Halo.\nR: Hai.\nPeneliti: Oke.\n")
    default = load_corpus(tmp_path).documents[0]
    custom = load_corpus(tmp_path, interviewer=["r"]).documents[0]
    assert [t.is_interviewer for t in default.turns] == [True, False, True]
    assert [t.is_interviewer for t in custom.turns] == [False, True, False]
    assert default.meta.interviewer == DEFAULT_INTERVIEWER_LABELS


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Peneliti", True),
        ("PENELITI", True),
        ("Peneliti 2", True),
        ("Peneliti (Ani)", True),
        ("Moderator", True),
        ("P", False),
        ("I", False),
        ("Informan 3", False),
        ("Pak Peneliti", False),
        (None, False),
    ],
)
def test_default_interviewer_labels(speaker, expected):
    assert is_interviewer(speaker, DEFAULT_INTERVIEWER_LABELS) is expected


def test_single_file(tmp_path):
    (tmp_path / "sources.csv").write_text('file;informant;interviewer\nt.txt;Bu Lilis;"X; Y"\n')
    (tmp_path / "t.txt").write_text("X: Halo.\nBu Lilis: Hai.\nY: Oke.\n")
    corpus = load_corpus(tmp_path / "t.txt")
    (doc,) = corpus.documents
    assert (corpus.root, doc.id, doc.meta.informant) == (tmp_path, "t.txt", "Bu Lilis")
    assert doc.meta.interviewer == ("X", "Y")
    assert [t.is_interviewer for t in doc.turns] == [True, False, True]


def test_xlsx_sidecar_and_id_and_language(tmp_path):
    workbook = openpyxl.Workbook()
    for row in [("File", "ID", "Language", "Umur"), ("sub\\a.txt", "A01", "EN", 52.0)]:
        workbook.active.append(row)
    workbook.save(tmp_path / "sources.xlsx")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Interviewer: Hi.\nFarmer: Hello.\n")
    (doc,) = load_corpus(tmp_path).documents
    assert (doc.id, doc.meta.language, doc.meta.attributes) == ("A01", "en", {"Umur": 52})


def test_iter_corpus_yields_documents_one_by_one(tmp_path):
    (tmp_path / "a.txt").write_text("Paragraf.\n")
    (tmp_path / "b.txt").write_text("")
    documents = iter_corpus(tmp_path)
    assert next(documents).id == "a.txt"
    with pytest.raises(TranscriptError, match=r"b\.txt: the file is empty"):
        next(documents)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no transcripts found"),
        ({"notes.pdf": "x", "sources.csv": "file\n"}, "no transcripts found"),
        (
            {"a.txt": "A.\n", "b.txt": "---\nid: a.txt\n---\nB.\n"},
            "document id 'a.txt' is already used by a.txt",
        ),
        (
            {"a.txt": "A.\n", "sources.csv": "name,role\na.txt,x\n"},
            "no 'file' column; columns are: name, role",
        ),
        (
            {"a.txt": "A.\n", "sources.csv": "file,role\na.txt,x\na.txt,y\n"},
            "sources.csv:3: 'a.txt' is listed twice",
        ),
        (
            {"a.txt": "A.\n", "sources.csv": "file\n", "sources.xlsx": ""},
            "both sources.csv and sources.xlsx exist",
        ),
        (
            {"a.txt": "A.\n", "sources.csv": "file,language\na.txt,fr\n"},
            "a.txt: language 'fr' is not supported; use one of: id, en",
        ),
    ],
)
def test_bad_folders(tmp_path, files, message):
    write(tmp_path, files)
    with pytest.raises(TranscriptError, match=message):
        load_corpus(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(TranscriptError, match="no such file or folder"):
        load_corpus(tmp_path / "nope")


def test_bad_default_language(tmp_path):
    with pytest.raises(ConfigError, match="default language 'jv' is not supported"):
        load_corpus(tmp_path, default_language="jv")
