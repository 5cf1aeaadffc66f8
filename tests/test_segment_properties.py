"""Property tests: every turn and segment is a non-empty, stripped, ordered span of the text."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksmcode.io.base import join_turns
from ksmcode.io.turns import split_turns
from ksmcode.model import Document, DocumentMeta
from ksmcode.segment import UNITS, segment_document

LABELS = ["Peneliti", "P", "Pak Darsono", "Bu Lilis", "Informan 3", "Ibu Sri (Ketua KSM)", "x y"]
STAMPS = ["", "[00:04:12] ", "00:04:12 ", "(04:12) "]
WORDS = st.sampled_from(["kami", "rapat", "Dana.", "KSM?", "ya!", ":", "#", "  ", "\t", "é", "—"])
FREE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)

line = st.one_of(
    st.builds(
        lambda stamp, label, words: f"{stamp}{label}: {' '.join(words)}",
        st.sampled_from(STAMPS),
        st.sampled_from(LABELS),
        st.lists(WORDS, max_size=6),
    ),
    st.lists(WORDS, max_size=8).map(" ".join),
    st.sampled_from(["", "   ", "# Judul", "## Sub bagian"]),
    FREE,
)
document_text = st.lists(line, max_size=15).map("\n".join)


@pytest.fixture(scope="module")
def sentencizer():
    nlp = spacy.blank("id")
    nlp.add_pipe("sentencizer")
    return lambda text: [(s.start_char, s.end_char) for s in nlp(text).sents]


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip()
        assert previous_end <= start < end <= len(text)
        previous_end = end


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=document_text, markdown=st.booleans())
def test_turns_and_segments_are_clean_spans(sentencizer, text, markdown):
    turns = split_turns(text, markdown=markdown)
    check_spans(text, [(t.start, t.end) for t in turns])
    doc = Document("d.txt", Path("d.txt"), text, turns, DocumentMeta())
    for unit in UNITS:
        segments = segment_document(doc, unit, sentencizer=sentencizer)
        check_spans(text, [(s.start, s.end) for s in segments])
        assert [s.index for s in segments] == list(range(1, len(segments) + 1))
        for s in segments:
            turn = turns[s.turn_index]
            assert turn.start <= s.start and s.end <= turn.end
            assert s.speaker == turn.speaker


@settings(max_examples=50, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.sampled_from([None, *LABELS]), FREE.map(str.strip).filter(bool)), max_size=8
    )
)
def test_built_documents_span_each_speech(entries):
    text, turns = join_turns((speaker, speech, None) for speaker, speech in entries)
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == entries
