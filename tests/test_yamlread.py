"""YAML read fast (libyaml) with the lines and messages of the pure-Python parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ksmcode.yamlread import StrictLoader, _load, load_yaml, yaml_problem

REPO = Path(__file__).resolve().parent.parent
YAML_FILES = [*sorted((REPO / "codebooks").glob("*.yaml")), REPO / "ksmcode.yaml"]


def with_lines(value):
    """The value with the line of every mapping, key and sequence item, for comparison."""
    if isinstance(value, dict):
        items = {k: with_lines(v) for k, v in value.items()}
        return ("map", value.line, value.key_lines, items)
    if isinstance(value, list):
        return ("seq", value.line, value.item_lines, [with_lines(v) for v in value])
    return value


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_the_fast_parser_reads_what_the_python_parser_reads(path):
    text = path.read_text("utf-8")
    assert with_lines(load_yaml(text)) == with_lines(_load(StrictLoader(text)))


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("codes:\n\t- id: a\n", "found character '\\t' that cannot start any token", 1),
        ("a: &x [1]\nb: *y\n", "found undefined alias 'y'", 1),
        ("codes:\n  - id: a\n    id: b\n", "duplicate key 'id' (first on line 2)", 2),
    ],
)
def test_errors_say_what_the_python_parser_says(text, message, line):
    with pytest.raises(yaml.YAMLError) as error:
        load_yaml(text)
    found, found_line = yaml_problem(error.value)
    assert message in found and found_line == line
