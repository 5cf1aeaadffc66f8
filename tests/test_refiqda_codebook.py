"""Codebook .qdc export and the YAML skeleton import."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_refiqda_study import make_codebook

from ksmcode.codebook.load import load_codebook
from ksmcode.refiqda import codebook_from_qdc, export_qdc, write_codebook_skeleton
from ksmcode.refiqda.skeleton import guess_language


def test_qdc_round_trip_keeps_ids_hierarchy_labels_and_descriptions(tmp_path: Path) -> None:
    original = make_codebook()
    qdc = export_qdc(original, tmp_path / "ksm.qdc", language="id", negated_codes=True)
    skeleton = codebook_from_qdc(qdc, language="id", name="KSM test")
    back = load_codebook(write_codebook_skeleton(skeleton, tmp_path / "ksm.yaml"))
    assert [f.id for f in back.families] == ["stage", "support"]
    assert back.code_ids == original.code_ids  # the [negated] siblings are not codes
    for mine, theirs in zip(original.codes, back.codes, strict=True):
        assert (theirs.family, theirs.parent, theirs.labels["id"]) == (
            mine.family,
            mine.parent,
            mine.labels["id"],
        )
        assert (theirs.definition, theirs.inclusion, theirs.exclusion, theirs.example) == (
            mine.definition,
            mine.inclusion,
            mine.exclusion,
            mine.example,
        )
    assert back.code("stage.engagement").color == "#ff0000"
    assert back.code("stage.termination").color is None  # "red" is not an XSD RGB colour


def test_colon_variant_namespace_and_empty_sets_are_accepted(tmp_path: Path) -> None:
    qdc = tmp_path / "nvivo-mac.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes>'
        '<Code guid="{0D62985D-B147-5D01-A9B5-CAE5DCD98342}" name="Budget – APBD" isCodable="true">'
        "<Description>money</Description>"
        '<Code guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F" name="Budget – APBD" isCodable="true"/>'
        '<Code guid="55BB6892-6F30-5129-8CB8-557A1B12137B" name="Budget – APBD" isCodable="true"/>'
        "</Code></Codes><Sets/></CodeBook>",
        encoding="utf-8",
    )
    skeleton = codebook_from_qdc(qdc)
    assert skeleton["families"] == [
        {"id": "budget_apbd", "label": {"en": "Budget – APBD"}, "description": "money"}
    ]
    ids = [c["id"] for c in skeleton["codes"]]
    assert ids == [
        "budget_apbd.budget_apbd",
        "budget_apbd.budget_apbd_2",
        "budget_apbd.budget_apbd_3",
    ]
    assert skeleton["codes"][0]["keywords"] == {"en": []}


def test_import_keeps_the_language_of_the_labels(tmp_path: Path, repo: Path) -> None:
    ksm = load_codebook(repo / "codebooks" / "ksm.yaml")
    for language, label in (("id", "Tahap persiapan"), ("en", "Engagement")):
        qdc = export_qdc(ksm, tmp_path / f"{language}.qdc", language=language)
        skeleton = codebook_from_qdc(qdc)
        assert skeleton["codebook"]["languages"] == [language]
        assert skeleton["codes"][0]["label"] == {language: label}
        assert list(skeleton["codes"][0]["keywords"]) == [language]


@pytest.mark.parametrize(
    ("names", "language"),
    [
        (["Dukungan keluarga", "Hambatan ekonomi", "Akses layanan kesehatan"], "id"),
        (["Motivasi", "Pengetahuan", "Faktor pendukung"], "id"),
        (["Perceived barriers", "Self-efficacy", "Cues to action"], "en"),
        (["Motivation", "Knowledge of the programme"], "en"),
    ],
)
def test_guess_language_of_code_names(names: list[str], language: str) -> None:
    assert guess_language(names) == language
