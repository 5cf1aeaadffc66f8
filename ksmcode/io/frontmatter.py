"""YAML front matter (``---`` ... ``---``) at the start of .txt and .md transcripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ksmcode.errors import TranscriptError

_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def split_front_matter(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
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
        data = yaml.load(source, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # PyYAML marks are 0-based within the YAML; the YAML starts on the file's line 2.
        line = mark.line + 2 if mark is not None else 1
        raise TranscriptError(
            f"{path}:{line}: invalid YAML front matter: {exc.problem or exc.context}; "
            "fix the metadata between the '---' lines"
        ) from None
    except yaml.YAMLError as exc:
        raise TranscriptError(f"{path}:1: invalid YAML front matter: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TranscriptError(
            f"{path}:2: front matter must be a mapping of 'field: value' lines, "
            f"not a {type(data).__name__}"
        )
    return {str(k): v for k, v in data.items()}, text[closing.end() :]
