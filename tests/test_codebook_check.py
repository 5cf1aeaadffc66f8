"""`ksmcode codebook check`: every problem in one pass, and keywords that read the same."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.codebook.check import check_codebook, inspect
from ksmcode.errors import CodebookError

runner = CliRunner()

# A typo (keywrods) used to be reported alone, hiding everything below it.
BROKEN = """\
codebook: {name: t}
families: [{id: stage}]
codes:
  - id: stage.a
    family: stage
    keywrods: {id: [pelatihan]}
  - id: stage.a
    family: stgae
    patterns:
      id: [[{POS: NOUN}]]
    near: [{a: [x], b: [y], window: 0}]
  - id: stage.b
    family: stage
    min_terms: 3
    keywords: {id: [dana, "anggaran dasar"]}
    exclude: {id: ["anggaran dasar"]}
    yield_to: [stage.x]
  - id: stage.c
    family: stage
"""


@pytest.fixture()
def broken(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(BROKEN)
    return path


def test_every_problem_in_one_pass_with_its_line(broken):
    result = inspect(broken)
    where = [(p.line, p.code, p.message.split(":")[0]) for p in result.problems]
    assert where == [
        (6, "stage.a", "codes.0.keywrods"),
        (7, "stage.a", "duplicate code id (first defined as code #1)"),
        (8, "stage.a", "unknown family 'stgae'"),
        (10, "stage.a", "patterns.id[0]"),
        (11, "stage.a", "codes.1.near.0.window"),
        (12, "stage.b", "min_terms is 3 but the code has 2 rule(s)"),
        (15, "stage.b", "keyword 'anggaran dasar' is also an exclude phrase"),
        (17, "stage.b", "yield_to names unknown code 'stage.x'"),
    ]
    assert "only a human coder can assign them: stage.a, stage.c" in result.warnings[0]
    with pytest.raises(CodebookError) as info:
        check_codebook(broken)
    assert len(info.value.problems) == 8


def test_a_missing_required_key_still_reports_what_it_can(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("codebook: {name: t}\ncodes:\n  - family: x\n    keywrods: []\n")
    messages = [p.message for p in inspect(path).problems]
    assert messages == ["codes.0.id: Field required", "codes.0.keywrods: unknown key 'keywrods'"]
    assert inspect(path).codebook is None


def test_keywords_that_read_the_same(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(
        """\
codebook: {name: t, languages: [id]}
codes:
  - id: stage.a
    keywords:
      id: [pelatihan, latihan, "pelatih*", "=pelatihnya", kursi, "=kursi"]
  - id: stage.b
    keywords:
      id: [dilatih, "=meja"]
"""
    )
    warnings = inspect(path).warnings
    assert [w.split(": ", 2)[2] for w in warnings] == [
        "keyword 'latihan' never adds evidence: 'pelatihan' (line 5) matches the same words "
        "(id); delete one",
        "keyword '=pelatihnya' never adds evidence: 'pelatih*' (line 5) matches the same words "
        "(id); delete one",
        "keyword '=kursi' never adds evidence: 'kursi' (line 5) matches the same words (id); "
        "delete one",
        "keyword 'dilatih' reads as 'latih' (id), like 'pelatihan' of code 'stage.a' (line 5): "
        "the same words give both codes",
    ]


def test_the_shipped_codebook_is_clean(repo):
    result = inspect(repo / "codebooks" / "ksm.yaml")
    assert result.problems == () and result.warnings == ()


def test_cli_shows_warnings_and_every_error(broken):
    result = runner.invoke(app, ["codebook", "check", str(broken)])
    assert result.exit_code == 1
    assert "Warning:" in result.stderr and "the codebook has 8 problems" in result.stderr
    assert "keywrods" in result.stderr and "stgae" in result.stderr and "POS" in result.stderr
