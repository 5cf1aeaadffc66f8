"""Readers for plain text (.txt) and Markdown (.md) transcripts with optional YAML front matter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksmcode.io.base import ReadResult
from ksmcode.io.decode import read_text_file
from ksmcode.io.frontmatter import split_front_matter
from ksmcode.io.turns import split_turns

if TYPE_CHECKING:
    from ksmcode.location import Location


def _read(path: Location, *, markdown: bool) -> ReadResult:
    raw, encoding = read_text_file(path)
    front_matter, text = split_front_matter(raw, path)
    return ReadResult(text, split_turns(text, markdown=markdown), front_matter, encoding)


def read_txt(path: Location) -> ReadResult:
    """Read a .txt transcript: front matter, then speaker turns or paragraphs."""
    return _read(path, markdown=False)


def read_markdown(path: Location) -> ReadResult:
    """Read a .md transcript like .txt; headings (``# ...``) belong to no turn."""
    return _read(path, markdown=True)
