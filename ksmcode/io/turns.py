"""Plain text -> speaker turns (``Label: speech`` lines) or, without speaker labels, paragraphs.

Rules (shared by .txt, .md and .docx):

- A line ``[timestamp] Label [timestamp]: speech`` starts a turn. Timestamps look like
  ``[00:04:12]``, ``(04:12)`` or a bare ``00:04:12`` and may stand before the label, between the
  label and the colon, or right after the colon; the first one found becomes ``Turn.timestamp``.
  Markdown bold around the label (``**Peneliti:**``) is allowed.
- A label starts with a capital letter, has at most five words (plus an optional parenthesis such
  as ``Ibu Sri (Ketua KSM)``), no comma and no sentence-final full stop (abbreviations such as
  ``Dr.`` are fine), and its colon is not followed by a digit or ``/`` (clock times, URLs). A
  label with a word in lower case (``Ketua kelompok``) must occur at least twice in the file.
  Field names such as ``Catatan``, ``Tanggal`` or ``Lokasi`` are never speakers.
- Lines without a label continue the current turn, across blank lines, until the next label.
- A file is read as turns only if it has at least two labelled lines and at least 30% of its
  paragraphs contain one; otherwise (observation notes, documents) every blank-line separated
  paragraph is a turn without speaker. Text before the first label is split into such paragraphs.
- In Markdown, ATX headings (``# Title``) are structure, not content: they end the current turn
  or paragraph and belong to no turn.

Every span is stripped of surrounding whitespace and never empty.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ksmcode.model import Turn

_TS = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
_TIMESTAMP = re.compile(
    rf"[ \t]*(?:\[(?P<b>{_TS})\]|\((?P<p>{_TS})\)|(?P<r>{_TS})(?=\s|$))[ \t]*(?:[-–][ \t]+)?"
)
_WORD = r"[^\W_][\w.'’/-]*"
_LABEL = re.compile(
    rf"[ \t]*(?:\*\*|__)?(?P<label>{_WORD}(?:[ \t]+{_WORD}){{0,4}})"
    r"(?:[ \t]*\((?P<paren>[^()\n]{1,40})\))?"
)
_COLON = re.compile(r"[ \t]*(?:\*\*|__)?[ \t]*:(?![\d/])(?:\*\*|__)?")
_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,4}\.)+")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_MAX_LABEL_CHARS = 40
_MIN_LABELLED_SHARE = 0.3

NON_SPEAKER_LABELS = frozenset(
    {
        *("catatan", "keterangan", "tanggal", "waktu", "hari", "lokasi", "tempat", "durasi"),
        *("topik", "judul", "sumber", "tema", "note", "notes", "date", "time", "location"),
        *("place", "duration", "topic", "title", "source", "subject"),
    }
)


@dataclass(frozen=True)
class LabelMatch:
    """A speaker label found at the start of a line."""

    speaker: str
    timestamp: str | None
    offset: int  # where the speech starts in the line
    strict: bool  # every word capitalised: accepted even if it occurs only once


def _timestamp(line: str, pos: int) -> tuple[str | None, int]:
    m = _TIMESTAMP.match(line, pos)
    if not m:
        return None, pos
    return m.group("b") or m.group("p") or m.group("r"), m.end()


def match_label(line: str) -> LabelMatch | None:
    """Recognise ``[ts] Label [ts]: speech`` at the start of one line; None if not a label."""
    timestamp, pos = _timestamp(line, 0)
    m = _LABEL.match(line, pos)
    if not m:
        return None
    label, paren, pos = m.group("label"), m.group("paren"), m.end()
    if paren is not None and re.fullmatch(_TS, paren.strip()):
        timestamp, paren = timestamp or paren.strip(), None
    elif timestamp is None:
        timestamp, pos = _timestamp(line, pos)
    colon = _COLON.match(line, pos)
    if not colon or not _valid_label(label):
        return None
    pos = colon.end()
    if timestamp is None:
        timestamp, pos = _timestamp(line, pos)
    words = label.split()
    speaker = " ".join(words) + (f" ({paren.strip()})" if paren else "")
    strict = all(w[0].isupper() or w[0].isdigit() for w in words)
    return LabelMatch(speaker, timestamp, pos, strict)


def _valid_label(label: str) -> bool:
    words = label.split()
    if not label[0].isupper() or len(label) > _MAX_LABEL_CHARS:
        return False
    if " ".join(words).casefold() in NON_SPEAKER_LABELS:
        return False
    return all("." not in w or _ABBREVIATION.fullmatch(w) for w in words)


def split_turns(text: str, *, markdown: bool = False) -> tuple[Turn, ...]:
    """Split text into speaker turns, or paragraphs when it has no speaker labels (see module doc).

    >>> [t.speaker for t in split_turns("Peneliti: Apa kabar?\\nBu Lilis: Baik.\\n")]
    ['Peneliti', 'Bu Lilis']
    """
    lines = _lines(text)
    headings = {i for i, (s, e) in enumerate(lines) if markdown and _HEADING.match(text, s, e)}
    candidates = {
        i: m
        for i, (s, e) in enumerate(lines)
        if i not in headings and (m := match_label(text[s:e])) is not None
    }
    counts = Counter(m.speaker.casefold() for m in candidates.values())
    labels = {i: m for i, m in candidates.items() if m.strict or counts[m.speaker.casefold()] > 1}
    if not _is_turn_format(text, lines, labels, headings):
        labels = {}
    return tuple(_build(text, lines, labels, headings))


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _is_turn_format(
    text: str, lines: list[tuple[int, int]], labels: dict[int, LabelMatch], headings: set[int]
) -> bool:
    if len(labels) < 2:
        return False
    blocks = labelled = 0
    in_block = has_label = False
    for i, (s, e) in enumerate(lines):
        if i in headings or not text[s:e].strip():
            if in_block:
                blocks, labelled = blocks + 1, labelled + has_label
            in_block = has_label = False
            continue
        in_block = True
        has_label = has_label or i in labels
    if in_block:
        blocks, labelled = blocks + 1, labelled + has_label
    return labelled >= _MIN_LABELLED_SHARE * blocks


def _build(
    text: str, lines: list[tuple[int, int]], labels: dict[int, LabelMatch], headings: set[int]
) -> list[Turn]:
    turns: list[Turn] = []
    # The open turn or paragraph: [start, end, label or None for an unlabelled paragraph].
    open_: list = []

    def close() -> None:
        if open_ and (span := _strip(text, open_[0], open_[1])):
            label = open_[2]
            speaker, timestamp = (label.speaker, label.timestamp) if label else (None, None)
            turns.append(Turn(*span, speaker=speaker, timestamp=timestamp))
        open_.clear()

    for i, (s, e) in enumerate(lines):
        if i in headings:
            close()
        elif i in labels:
            close()
            open_.extend([s + labels[i].offset, e, labels[i]])
        elif not text[s:e].strip():
            if open_ and open_[2] is None:
                close()  # a blank line ends a paragraph but not a labelled turn
        elif open_:
            open_[1] = e
        else:
            open_.extend([s, e, None])
    close()
    return turns


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
