"""Bytes -> text: BOMs, UTF-8, legacy single-byte encodings, line ends, empty and binary files."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

import charset_normalizer

from ksmcode.errors import TranscriptError

if TYPE_CHECKING:
    from ksmcode.location import Location

# Encodings that are certain (a BOM or valid UTF-8); anything else was guessed.
CERTAIN_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-32")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Indonesian and English are written in Latin script, so Windows-1252 is the likely legacy
# encoding; prefer it when it fits (almost) as well as charset-normalizer's best guess, which on
# short texts often picks a Baltic or Central European code page with the same letters.
_PREFERRED_LEGACY = "cp1252"
_CHAOS_TOLERANCE = 0.15
_MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile("[\x00-\x08\x0d-\x1f]")  # control characters but tab, LF, VT, FF


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, path: Location | str) -> tuple[str, str]:
    """Decode a text file's bytes; return (text with LF line ends and no BOM, encoding name).

    Raises TranscriptError for empty, binary or undecodable content.
    """
    text, encoding = _decode(data, path)
    text = normalize_newlines(text)
    if not text.strip():
        raise TranscriptError(f"{path}: the file is empty; add the transcript text or remove it")
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise _binary(path)
    return text, encoding


def read_text_file(path: Location) -> tuple[str, str]:
    """Read and decode a text file (see decode_bytes)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot be read ({exc.strerror})") from exc
    return decode_bytes(data, path)


def _decode(data: bytes, path: Location | str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _binary(path) from exc
    if not data.strip():
        raise TranscriptError(f"{path}: the file is empty; add the transcript text or remove it")
    if b"\x00" in data:
        raise _binary(path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    results = list(charset_normalizer.from_bytes(data))
    if not results:
        raise _binary(path)
    best = results[0]
    for result in results:
        if result.encoding == _PREFERRED_LEGACY and result.chaos <= best.chaos + _CHAOS_TOLERANCE:
            best = result
            break
    return str(best), best.encoding


def _binary(path: Location | str) -> TranscriptError:
    return TranscriptError(
        f"{path}: not a text file (binary or undecodable content); save the transcript as "
        "plain text (UTF-8), .docx, .vtt, .srt, .csv or .xlsx, or exclude it"
    )
