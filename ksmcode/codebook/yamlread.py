"""YAML reading that remembers line numbers and rejects duplicate keys.

PyYAML silently keeps the last of two equal keys; a codebook with two ``keywords:`` blocks under
one code would lose half its rules without a word, so we refuse it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ksmcode.errors import CodebookError, Problem


class LineDict(dict):
    """A mapping that knows the 1-based line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence that knows the 1-based line of each of its items."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key '{key}' (first on line {result.key_lines[key]}); "
                "YAML would silently keep only the last one",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(text: str, path: Path | str) -> Any:
    """Parse YAML text into LineDict / LineList nodes; raise CodebookError with the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = Problem(str(exc.problem or exc).strip(), path=path, line=line)
        raise CodebookError("The codebook is not valid YAML.", [problem]) from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: the codebook is not valid YAML: {exc}") from None


def line_of(root: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node of ``root`` reachable along ``loc`` (a pydantic error path)."""
    node, line = root, getattr(root, "line", None)
    for step in loc:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
