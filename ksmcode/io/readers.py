"""The reader registry: file suffix (lower case) -> reader."""

from __future__ import annotations

from ksmcode.io.base import Reader
from ksmcode.io.subtitles import read_srt, read_vtt
from ksmcode.io.tables import read_transcript_table
from ksmcode.io.text import read_markdown, read_txt
from ksmcode.io.word import read_docx

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_markdown,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".csv": read_transcript_table,
    ".xlsx": read_transcript_table,
}
