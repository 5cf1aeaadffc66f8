"""YAML reading that remembers line numbers and rejects duplicate keys.

PyYAML silently keeps the last of two equal keys; a codebook with two ``keywords:`` blocks under
one code would lose half its rules without a word, so we refuse it.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the 1-based line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence that knows the 1-based line of each of its items."""

    line: int = 0
    item_lines: list[int]


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings and sequences remember their lines and reject duplicate keys."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> LineDict:
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


def _construct_sequence(loader: StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str) -> Any:
    """Parse YAML into LineDict / LineList nodes, refusing duplicate keys.

    Raises ``yaml.YAMLError`` (marks are 0-based; callers add 1 for messages).
    """
    return yaml.load(text, Loader=StrictLoader)


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """What a YAML error says, and its 0-based line if it has one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return str(exc.problem or exc.context or exc).strip(), mark.line if mark else None
    return str(exc).strip(), None


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
