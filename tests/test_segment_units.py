"""Segmentation into turns, paragraphs and sentences."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import spacy

from ksmcode.errors import ConfigError
from ksmcode.io import DEFAULT_INTERVIEWER_LABELS, is_interviewer, load_corpus
from ksmcode.io.turns import split_turns
from ksmcode.model import Corpus, Document, DocumentMeta
from ksmcode.segment import UNITS, segment_corpus, segment_document

TEXT = (
    "Peneliti: Bagaimana awal program?\n"
    "Bu Lilis: Awalnya sosialisasi. Lalu rapat warga.\n"
    "\n"
    "Kemudian kelompok dibentuk.\n"
    "Peneliti: Terima kasih.\n"
)


@pytest.fixture(scope="module")
def sentencizer():
    nlp = spacy.blank("id")
    nlp.add_pipe("sentencizer")
    return lambda text: [(s.start_char, s.end_char) for s in nlp(text).sents]


def make_doc(text: str = TEXT, doc_id: str = "t.txt") -> Document:
    turns = tuple(
        dataclasses.replace(t, is_interviewer=is_interviewer(t.speaker, DEFAULT_INTERVIEWER_LABELS))
        for t in split_turns(text)
    )
    return Document(doc_id, Path(doc_id), text, turns, DocumentMeta(language="id"))


def texts(doc, segments):
    return [doc.text[s.start : s.end] for s in segments]


def test_turn_unit():
    doc = make_doc()
    segments = segment_document(doc, "turn")
    assert texts(doc, segments) == [
        "Bagaimana awal program?",
        "Awalnya sosialisasi. Lalu rapat warga.\n\nKemudian kelompok dibentuk.",
        "Terima kasih.",
    ]
    assert [s.id for s in segments] == ["t.txt#1", "t.txt#2", "t.txt#3"]
    assert [(s.speaker, s.is_interviewer, s.turn_index) for s in segments] == [
        ("Peneliti", True, 0),
        ("Bu Lilis", False, 1),
        ("Peneliti", True, 2),
    ]


def test_paragraph_unit_splits_turns_at_blank_lines():
    doc = make_doc()
    segments = segment_document(doc, "paragraph")
    assert texts(doc, segments) == [
        "Bagaimana awal program?",
        "Awalnya sosialisasi. Lalu rapat warga.",
        "Kemudian kelompok dibentuk.",
        "Terima kasih.",
    ]
    assert [s.index for s in segments] == [1, 2, 3, 4]
    assert [s.turn_index for s in segments] == [0, 1, 1, 2]


def test_sentence_unit_keeps_turn_and_speaker(sentencizer):
    doc = make_doc()
    segments = segment_document(doc, "sentence", sentencizer=sentencizer)
    assert texts(doc, segments) == [
        "Bagaimana awal program?",
        "Awalnya sosialisasi.",
        "Lalu rapat warga.",
        "Kemudian kelompok dibentuk.",
        "Terima kasih.",
    ]
    assert [(s.turn_index, s.speaker) for s in segments][1:4] == [(1, "Bu Lilis")] * 3
    assert [s.index for s in segments] == [1, 2, 3, 4, 5]


def test_sentences_never_cross_paragraphs():
    doc = make_doc("Paragraf satu tanpa titik\n\nparagraf dua\n")
    whole = segment_document(doc, "sentence", sentencizer=lambda text: [(0, len(text))])
    assert texts(doc, whole) == ["Paragraf satu tanpa titik", "paragraf dua"]


def test_segment_corpus_numbers_per_document(tmp_path):
    (tmp_path / "a.txt").write_text("Satu.\n\nDua.\n")
    (tmp_path / "b.txt").write_text("Tiga.\n")
    segments = segment_corpus(load_corpus(tmp_path), "paragraph")
    assert [s.id for s in segments] == ["a.txt#1", "a.txt#2", "b.txt#1"]
    assert segment_corpus(Corpus(tmp_path, ()), "turn") == []


def test_unknown_unit():
    with pytest.raises(
        ConfigError, match="unknown unit 'line'; use one of: turn, paragraph, sentence"
    ):
        segment_document(make_doc(), "line")
    assert UNITS == ("turn", "paragraph", "sentence")


def test_sentence_unit_needs_a_sentencizer():
    with pytest.raises(ConfigError, match="needs a sentencizer"):
        segment_corpus(Corpus(Path("."), (make_doc(),)), "sentence")
