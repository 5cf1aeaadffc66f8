"""YAML front matter (``---`` ... ``---``) at the start of .txt and .md transcripts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from ksmcode.errors import TranscriptError
from ksmcode.yamlread import load_yaml, yaml_problem

if TYPE_CHECKING:
    from ksmcode.location import Location

_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


def split_front_matter(text: str, path: Location | str) -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, the text after it). Text without front matter -> ({}, text).

    Raises TranscriptError (with the file's 1-based line) for malformed YAML, a front matter
    that is not a mapping, or one that is never closed.
    """
    opening = _OPEN.match(text)
    if not opening:
        return {}, text
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        raise TranscriptError(
            f"{path}:1: front matter opened with '---' is never closed; "
            "add a '---' line after the metadata"
        )
    source = text[opening.end() : closing.start()]
    try:
        data = load_yaml(source)
    except yaml.YAMLError as exc:
        message, mark = yaml_problem(exc)
        # Marks are 0-based within the YAML, which starts on the file's line 2.
        line = 1 if mark is None else mark + 2
        raise TranscriptError(
            f"{path}:{line}: invalid YAML front matter: {message}; "
            "fix the metadata between the '---' lines"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TranscriptError(
            f"{path}:2: front matter must be a mapping of 'field: value' lines, "
            f"not a {type(data).__name__}"
        )
    return {str(k): v for k, v in data.items()}, text[closing.end() :]
