"""Rows of .csv / .xlsx files, and the reader for transcript tables (one row per turn).

A transcript table has a text column and optionally speaker and timestamp columns; headers are
matched case-insensitively with common English and Indonesian aliases (TEXT_COLUMNS etc.). The
document text is built one line per row, ``Speaker: text`` (or just the text), and each
non-empty row becomes one turn spanning its text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING, Any

from ksmcode.errors import TranscriptError
from ksmcode.io.base import ReadResult, join_turns
from ksmcode.io.decode import normalize_newlines, read_text_file
from ksmcode.location import openable

if TYPE_CHECKING:
    from ksmcode.location import Location

SPEAKER_COLUMNS = ("speaker", "pembicara", "penutur", "narasumber", "nama", "name", "who")
TEXT_COLUMNS = ("text", "teks", "ucapan", "transkrip", "transcript", "utterance", "isi", "content")
TIMESTAMP_COLUMNS = ("timestamp", "time", "waktu", "start", "mulai", "timecode")
_DELIMITERS = ",;\t|"


def read_rows(path: Location) -> tuple[list[str], list[list[Any]], str]:
    """Return (header, data rows, encoding) of a .csv or the first sheet of an .xlsx file.

    Fully empty rows are dropped; the header is the first non-empty row. CSV delimiters
    ``,`` ``;`` tab and ``|`` are detected from the header line.
    """
    if path.suffix.lower() == ".xlsx":
        rows, encoding = _xlsx_rows(path), "utf-8"
    else:
        text, encoding = read_text_file(path)
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(_DELIMITERS, key=first.count)
        rows = _csv_rows(path, text, delimiter)
    rows = [row for row in rows if any(_is_filled(v) for v in row)]
    if not rows:
        raise TranscriptError(f"{path}: the table is empty; add a header row and data rows")
    header = [str(v).strip() if v is not None else "" for v in rows[0]]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and (first_at := seen.setdefault(name.casefold(), i)) != i:
            raise TranscriptError(
                f"{path}:1: column '{header[first_at]}' appears twice (columns {first_at + 1} "
                f"and {i + 1}); only one would be used. Delete or rename one of them"
            )
    return header, rows[1:], encoding


def _csv_rows(path: Location, text: str, delimiter: str) -> list[list[str]]:
    """The rows of CSV text; an unclosed or stray quote is an error naming its line."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows, line = [], 1
    try:
        for row in reader:
            rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise TranscriptError(
            f'{path}:{line}: cannot read this row ({exc}): a quote (") in it is not closed '
            "or stands inside a value; close it, or remove it"
        ) from None
    return rows


def _xlsx_rows(path: Location) -> list[list[Any]]:
    import openpyxl  # imported when a workbook is read: it takes 60 ms to load
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(openable(path), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TranscriptError(
            f"{path}: cannot be opened as an Excel .xlsx workbook ({type(exc).__name__}); "
            "save it again from Excel or LibreOffice as .xlsx, or export it as UTF-8 .csv"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def _is_filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def cell_text(row: list[Any], column: int | None) -> str:
    """The cell as stripped text with LF line ends ('' when missing)."""
    if column is None or column >= len(row) or row[column] is None:
        return ""
    return normalize_newlines(str(row[column])).strip()


def find_column(header: list[str], aliases: tuple[str, ...]) -> int | None:
    """Index of the first header cell matching one of the aliases, case-insensitively."""
    folded = [h.casefold() for h in header]
    return next((folded.index(a) for a in aliases if a in folded), None)


def read_transcript_table(path: Location) -> ReadResult:
    """Read a .csv/.xlsx transcript table: each row with text is one turn."""
    header, rows, encoding = read_rows(path)
    text_col = find_column(header, TEXT_COLUMNS)
    if text_col is None:
        raise TranscriptError(
            f"{path}: no text column; columns are: {', '.join(header)}. A transcript table needs "
            f"a text column ({', '.join(TEXT_COLUMNS)}) and may have speaker "
            f"({', '.join(SPEAKER_COLUMNS)}) and timestamp columns"
        )
    speaker_col = find_column(header, SPEAKER_COLUMNS)
    time_col = find_column(header, TIMESTAMP_COLUMNS)
    entries = []
    for row in rows:
        speech = cell_text(row, text_col)
        if speech:
            speaker = " ".join(cell_text(row, speaker_col).split()) or None
            entries.append((speaker, speech, cell_text(row, time_col) or None))
    text, turns = join_turns(entries)
    return ReadResult(text, turns, {}, encoding)
