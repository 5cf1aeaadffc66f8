"""The codebook loader: a valid file, and one case per kind of problem with its exact message."""

from __future__ import annotations

import pytest

from ksmcode.codebook.load import load_codebook, parse_codebook, parse_keyword
from ksmcode.errors import CodebookError


def test_valid_codebook_loads_with_rules(test_codebook):
    cb = test_codebook
    assert cb.code_ids[:2] == ("stage.termination", "stage.implementation")
    assert [f.id for f in cb.families] == ["stage", "support", "inhibit"]
    term = cb.code("stage.termination")
    assert term.labels == {"id": "Terminasi", "en": "Termination"}
    assert [(k.text, k.mode, k.language) for k in term.keywords] == [
        ("terminasi", "norm", "id"),
        ("percontohan", "exact", "id"),
        ("dipantau terus", "norm", "id"),
        ("termination", "norm", "en"),
    ]
    assert term.keywords[0].line == 17
    assert cb.code("support.facilities").when_negated == "drop"
    assert cb.code("inhibit.facilities").near[0].window == 3
    assert cb.protect == ("anggaran",)
    assert len(cb.sha256) == 64
    assert cb.warnings == ()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("pelatihan", ("pelatihan", "norm")),
        ("=RT", ("RT", "exact")),
        ("pelatih*", ("pelatih*", "glob")),
        ("  sosialisasi   awal ", ("sosialisasi awal", "norm")),
    ],
)
def test_keyword_modes(term, expected):
    kw = parse_keyword(term, "id")
    assert (kw.text, kw.mode) == expected


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("duplicate_id.yaml", "duplicate_id.yaml:6: code 'stage.a': duplicate code id"),
        ("duplicate_key.yaml", "duplicate_key.yaml:6: duplicate key 'keywords' (first on line 5)"),
        (
            "unknown_key.yaml",
            "unknown_key.yaml:5: code 'stage.a': codes.0.keywrods: unknown key "
            "'keywrods' (did you mean 'keywords'?)",
        ),
        (
            "bad_pattern.yaml",
            "bad_pattern.yaml:7: code 'stage.a': patterns.id[0]: token 2: POS "
            "needs a trained pipeline",
        ),
        ("malformed.yaml", "malformed.yaml:6:"),
    ],
)
def test_problems_are_located(data, fixture, expected):
    with pytest.raises(CodebookError) as info:
        load_codebook(data / "codebook" / fixture)
    assert expected in str(info.value)


def test_every_problem_is_reported_at_once():
    text = """
codebook: {name: t}
families: [{id: stage}]
codes:
  - id: stage.a
    family: stgae
  - id: stage.b
    parent: stage.x
    keywords: {id: ["pel*tihan", ""]}
"""
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, "cb.yaml")
    messages = [str(p) for p in info.value.problems]
    assert messages == [
        "cb.yaml:6: code 'stage.a': unknown family 'stgae' (did you mean 'stage'?)",
        "cb.yaml:8: code 'stage.b': unknown parent code 'stage.x' (did you mean 'stage.a'?)",
        "cb.yaml:9: code 'stage.b': keywords.id[0]: '*' may only end a word (as in 'pelatih*'), "
        "not stand in 'pel*tihan'",
        "cb.yaml:9: code 'stage.b': keywords.id[1]: empty keyword",
    ]


def test_keyword_under_two_codes_is_a_warning(data):
    cb = load_codebook(data / "codebook" / "shared_keyword.yaml")
    assert len(cb.warnings) == 1
    assert "keyword 'pelatihan' (id) is listed under 2 codes: stage.a, stage.b" in cb.warnings[0]


def test_missing_and_non_mapping_files(tmp_path):
    with pytest.raises(CodebookError, match="codebook not found"):
        load_codebook(tmp_path / "nope.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(CodebookError, match="a codebook is a YAML mapping"):
        load_codebook(tmp_path / "list.yaml")


def test_parent_gives_family():
    cb = parse_codebook(
        "codebook: {name: t}\ncodes:\n  - {id: welfare.x}\n  - {id: y, parent: welfare.x}\n"
    )
    assert cb.code("y").family == "welfare"
    assert cb.code("y").parent == "welfare.x"


def test_rule_ids_are_stable_and_readable(test_codebook):
    budget = test_codebook.code("support.budget")
    assert [r.id for r in budget.rules] == [
        *(f"support.budget/keyword/{n}" for n in range(1, 7)),
        "support.budget/exclude/1",
    ]
    assert test_codebook.code("stage.implementation").patterns[0].id == (
        "stage.implementation/pattern/1"
    )
    assert test_codebook.code("inhibit.time").near[0].id == "inhibit.time/near/1"


def test_a_near_rule_may_name_its_own_id_once():
    text = """
codebook: {name: t}
codes:
  - id: stage.a
    near: [{id: held, a: [x], b: [y]}]
  - id: stage.b
    near: [{id: held, a: [x], b: [z]}]
"""
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, "cb.yaml")
    assert [str(p) for p in info.value.problems] == [
        "cb.yaml:7: code 'stage.b': duplicate rule id 'held' (first at line 5)"
    ]
    assert (
        parse_codebook(text.replace("id: held, a: [x], b: [z]", "a: [x], b: [z]"))
        .code("stage.a")
        .near[0]
        .id
        == "held"
    )
