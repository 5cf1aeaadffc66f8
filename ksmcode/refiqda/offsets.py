"""Offset units. The spec counts Unicode code points (§10.2); NVivo counts UTF-16 code units
(BOM not counted, CRLF = 2). Python str indices are code points, so code points are our
internal unit and UTF-16 offsets are converted at the boundary."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Literal

OffsetUnit = Literal["codepoint", "utf16"]
OFFSET_UNITS: tuple[str, ...] = ("codepoint", "utf16")


def utf16_prefix(text: str) -> list[int]:
    """``prefix[i]`` = number of UTF-16 code units in ``text[:i]`` (length ``len(text) + 1``)."""
    return [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]


def to_unit(prefix: list[int] | None, index: int) -> int:
    """Code-point index -> offset in the unit that ``prefix`` describes (None: code points)."""
    return index if prefix is None else prefix[index]


def from_unit(prefix: list[int] | None, offset: int) -> int:
    """Offset in the unit of ``prefix`` -> code-point index. An offset inside a surrogate pair
    rounds down to the start of that character."""
    if prefix is None:
        return offset
    return max(bisect_right(prefix, offset) - 1, 0)


class LineEndMap:
    """Maps code-point indices in a text with CRLF / CR line ends to indices in the same text
    with LF line ends only (``self.text``). A CRLF loses its CR; a lone CR becomes LF."""

    def __init__(self, raw: str) -> None:
        self.text = raw.replace("\r\n", "\n").replace("\r", "\n")
        self._dropped = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]

    def __call__(self, index: int) -> int:
        return index - bisect_right(self._dropped, index - 1)


def decode_text(data: bytes) -> tuple[str, bool]:
    """Decode a plain-text source: BOM stripped (UTF-8 or UTF-16), else UTF-8 as the spec
    requires. Returns the text with its line ends untouched and whether decoding was lossy."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True
