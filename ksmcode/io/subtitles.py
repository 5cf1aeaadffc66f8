"""Readers for subtitle transcripts: WebVTT (.vtt) and SubRip (.srt).

The document text is built from the cues, one line per turn: ``Speaker: speech`` (or just the
speech when the speaker is unknown); the turn span covers the speech only. Speakers come from
WebVTT voice tags (``<v Bu Lilis>``) or from a ``Label:`` at the start of a cue line (the .txt
label rules). Consecutive cues of the same known speaker merge into one turn whose timestamp is
the first cue's start (``hh:mm:ss.mmm``); cues without a speaker stay separate turns. Line breaks
inside cues are display breaks and become spaces. Formatting tags are removed and HTML entities
decoded. WebVTT header, NOTE, STYLE and REGION blocks and cue identifiers and settings are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ksmcode.errors import TranscriptError
from ksmcode.io.base import ReadResult, join_turns
from ksmcode.io.decode import read_text_file
from ksmcode.io.turns import match_label

if TYPE_CHECKING:
    from ksmcode.location import Location

_BLOCK = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")
_TIMING = re.compile(r"[ \t]*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})[ \t]+-->[ \t]+\S")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
_SKIPPED_VTT_BLOCKS = re.compile(r"(?:NOTE|STYLE|REGION)(?:\s|$)")

Piece = tuple[str, str | None, str]  # (cue start, speaker, speech)


def read_vtt(path: Location) -> ReadResult:
    """Read a WebVTT file (see module doc)."""
    raw, encoding = read_text_file(path)
    if not raw.startswith("WEBVTT"):
        raise TranscriptError(
            f"{path}:1: not a WebVTT file: the first line must start with 'WEBVTT'"
        )
    blocks = list(_blocks(raw))[1:]  # the first block is the header
    pieces = [
        piece
        for line, block in blocks
        if not _SKIPPED_VTT_BLOCKS.match(block)
        for piece in _cue(path, line, block, voices=True)
    ]
    return _result(pieces, encoding)


def read_srt(path: Location) -> ReadResult:
    """Read a SubRip file (see module doc)."""
    raw, encoding = read_text_file(path)
    pieces = [piece for line, block in _blocks(raw) for piece in _cue(path, line, block)]
    return _result(pieces, encoding)


def _blocks(raw: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, block) for each run of non-blank lines."""
    for m in _BLOCK.finditer(raw):
        yield raw.count("\n", 0, m.start()) + 1, m.group()


def _cue(path: Location, line: int, block: str, *, voices: bool = False) -> list[Piece]:
    lines = block.rstrip("\n").split("\n")
    timing_at = next((i for i, text in enumerate(lines) if "-->" in text), None)
    timing = _TIMING.match(lines[timing_at]) if timing_at is not None and timing_at <= 1 else None
    if timing_at is None or timing is None:
        raise TranscriptError(
            f"{path}:{line}: cue without a valid 'start --> end' timing line "
            "(expected e.g. '00:01:02.500 --> 00:01:05.000'); fix or remove this block"
        )
    hours, minutes, seconds, millis = timing.groups()
    start = f"{int(hours or 0):02d}:{int(minutes):02d}:{seconds}.{millis.ljust(3, '0')}"
    payload = "\n".join(lines[timing_at + 1 :])
    if voices and _VOICE.search(payload):
        parts = _VOICE.split(payload)
        voiced = [(_clean(parts[i]) or None, _clean(parts[i + 1])) for i in range(1, len(parts), 2)]
        return [(start, s, t) for s, t in [(None, _clean(parts[0])), *voiced] if t]
    return [(start, speaker, speech) for speaker, speech in _labelled(payload)]


def _labelled(payload: str) -> list[tuple[str | None, str]]:
    """Split cue lines into (speaker, speech) at ``Label:`` lines; other lines continue."""
    pieces: list[tuple[str | None, str]] = []
    for text in _TAG.sub("", payload).split("\n"):
        label = match_label(text)
        if label is not None:
            pieces.append((label.speaker, text[label.offset :]))
        elif pieces:
            pieces[-1] = (pieces[-1][0], f"{pieces[-1][1]} {text}")
        else:
            pieces.append((None, text))
    return [(speaker, _clean(speech)) for speaker, speech in pieces if _clean(speech)]


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _result(pieces: list[Piece], encoding: str) -> ReadResult:
    merged: list[list] = []
    for start, speaker, speech in pieces:
        if merged and speaker is not None and merged[-1][1] == speaker:
            merged[-1][2] += " " + speech
        else:
            merged.append([start, speaker, speech])
    text, turns = join_turns((speaker, speech, start) for start, speaker, speech in merged)
    return ReadResult(text, turns, {}, encoding)
