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


class FastStrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``StrictLoader`` on libyaml's C parser, where PyYAML has it: three to ten times faster,
    but its syntax errors say less (no offending character or alias name)."""


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


def _construct_timestamp(loader: StrictLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2022-13-45 looks like a date to YAML, but is none
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"'{node.value}' is not a valid date (year-month-day); correct it, or quote it to "
            "keep it as text",
            node.start_mark,
        ) from None


for _loader in (StrictLoader, FastStrictLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

MAX_NODES = 100_000  # values a document may expand to through aliases (a "billion laughs")


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for once every alias is expanded (memoised)."""
    if id(node) not in sizes:
        sizes[id(node)] = 1  # a recursive alias counts once
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        sizes[id(node)] = 1 + sum(_expanded_size(c, sizes) for c in children)
        if sizes[id(node)] > MAX_NODES:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"expands to more than {MAX_NODES:,} values through aliases (*name); "
                "refusing it (write the values out instead of repeating aliases)",
                node.start_mark,
            )
    return sizes[id(node)]


def load_yaml(text: str) -> Any:
    """Parse YAML into LineDict / LineList nodes, refusing duplicate keys, impossible dates
    and documents that aliases expand beyond MAX_NODES values.

    Raises ``yaml.YAMLError`` (marks are 0-based; callers add 1 for messages): the pure-Python
    parser's, whose messages say more, as the fast one only tells that the text is wrong.
    """
    try:
        return _load(FastStrictLoader(text))
    except yaml.constructor.ConstructorError:
        raise  # raised by the constructors both parsers share: the same message
    except yaml.YAMLError:
        return _load(StrictLoader(text))


def _load(loader: yaml.SafeLoader) -> Any:
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    finally:
        loader.dispose()


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
