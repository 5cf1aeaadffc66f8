"""Documents -> units of analysis (segments) that keep their character offsets.

Units: ``turn`` (one segment per speaker turn), ``paragraph`` (turns split at blank lines;
a turn without blank lines is one paragraph) and ``sentence`` (each paragraph split by a
sentencizer). Segments are stripped of surrounding whitespace, never empty, and numbered from 1
per document over all units, the interviewer's included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ksmcode.errors import ConfigError
from ksmcode.model import Corpus, Document, Segment

UNITS = ("turn", "paragraph", "sentence")

Sentencizer = Callable[[str], list[tuple[int, int]]]
"""Returns sentence spans (start, end) relative to the string it is given."""

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def segment_document(
    doc: Document, unit: str = "turn", *, sentencizer: Sentencizer | None = None
) -> list[Segment]:
    """Split a document into segments of the given unit.

    Example: ``segment_document(doc, "sentence", sentencizer=my_sentencizer)[0].id``
    """
    _check_unit(unit, sentencizer)
    segments: list[Segment] = []
    for turn_index, turn in enumerate(doc.turns):
        for start, end in _spans(doc.text, turn.start, turn.end, unit, sentencizer):
            segments.append(
                Segment(
                    document_id=doc.id,
                    index=len(segments) + 1,
                    start=start,
                    end=end,
                    turn_index=turn_index,
                    speaker=turn.speaker,
                    is_interviewer=turn.is_interviewer,
                )
            )
    return segments


def segment_corpus(
    corpus: Corpus, unit: str = "turn", *, sentencizer: Sentencizer | None = None
) -> list[Segment]:
    """Segments of every document of the corpus, in document order."""
    _check_unit(unit, sentencizer)
    return [
        segment
        for doc in corpus.documents
        for segment in segment_document(doc, unit, sentencizer=sentencizer)
    ]


def _check_unit(unit: str, sentencizer: Sentencizer | None) -> None:
    if unit not in UNITS:
        raise ConfigError(f"unknown unit '{unit}'; use one of: {', '.join(UNITS)}")
    if unit == "sentence" and sentencizer is None:
        raise ConfigError("unit 'sentence' needs a sentencizer (a text -> spans callable)")


def _spans(
    text: str, start: int, end: int, unit: str, sentencizer: Sentencizer | None
) -> Iterator[tuple[int, int]]:
    if unit == "turn":
        yield from _stripped(text, start, end)
        return
    for para_start, para_end in _paragraphs(text, start, end):
        if unit == "paragraph":
            yield para_start, para_end
            continue
        assert sentencizer is not None  # checked by _check_unit
        for s, e in sentencizer(text[para_start:para_end]):
            yield from _stripped(text, para_start + s, para_start + e)


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for blank in _BLANK_LINE.finditer(text, start, end):
        yield from _stripped(text, start, blank.start())
        start = blank.end()
    yield from _stripped(text, start, end)


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end
