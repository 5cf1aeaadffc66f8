"""Export of .qdpx / .qdc: schema validity, archive layout, stable GUIDs, third-party reader."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from test_refiqda_study import make_codebook, make_corpus, make_segments

from ksmcode.errors import ExportError
from ksmcode.refiqda import export_qdc, export_qdpx
from ksmcode.refiqda.guids import KSMCODE_NAMESPACE, code_guid, source_guid, stable_guid

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture()
def qdpx(tmp_path: Path) -> Path:
    corpus = make_corpus()
    return export_qdpx(corpus, make_codebook(), make_segments(corpus), tmp_path / "study.qdpx")


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def _schema(name: str) -> etree.XMLSchema:
    """An official REFI-QDA schema, vendored in tests/data/refi-qda (see its README)."""
    return etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "refi-qda" / name)))


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_project_validates_against_xsd(tmp_path: Path, offsets: str) -> None:
    corpus = make_corpus()
    path = export_qdpx(
        corpus, make_codebook(), make_segments(corpus), tmp_path / "s.qdpx", offsets=offsets
    )
    schema = _schema("Project-mrt2019.xsd")
    assert schema.validate(_qde(path)), schema.error_log


@pytest.mark.parametrize("negated_codes", [False, True])
def test_codebook_validates_against_xsd(tmp_path: Path, negated_codes: bool) -> None:
    path = export_qdc(make_codebook(), tmp_path / "ksm.qdc", negated_codes=negated_codes)
    schema = _schema("Codebook-mrt2019.xsd")
    assert schema.validate(etree.parse(str(path))), schema.error_log


def test_archive_holds_project_and_utf8_sources(qdpx: Path) -> None:
    corpus = make_corpus()
    with zipfile.ZipFile(qdpx) as zf:
        expected = {"project.qde"} | {f"sources/{source_guid(d.id)}.txt" for d in corpus.documents}
        assert set(zf.namelist()) == expected
        for doc in corpus.documents:
            assert zf.read(f"sources/{source_guid(doc.id)}.txt") == doc.text.encode("utf-8")


def test_export_is_deterministic(tmp_path: Path, qdpx: Path) -> None:
    corpus = make_corpus()
    again = export_qdpx(corpus, make_codebook(), make_segments(corpus), tmp_path / "again.qdpx")
    with zipfile.ZipFile(qdpx) as a, zipfile.ZipFile(again) as b:
        assert a.read("project.qde") == b.read("project.qde")


def test_families_are_folders_and_negated_codes_are_siblings(qdpx: Path) -> None:
    root = _qde(qdpx)
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [(c.get("name"), c.get("isCodable")) for c in top] == [
        ("Tahap", "false"),
        ("Pendukung", "false"),
    ]
    stage = [c.get("name") for c in top[0].findall("q:Code", NS)]
    assert stage == ["Tahap persiapan", "Tahap terminasi", "Tahap terminasi [negated]"]
    negated = top[0].find(f"q:Code[@guid='{code_guid('stage.termination', negated=True)}']", NS)
    assert negated is not None and negated.get("isCodable") == "true"
    sel = root.find(".//q:PlainTextSelection[q:Description]", NS)
    assert sel.find("q:Description", NS).text == "negated: stage.termination"


def test_cases_carry_informant_variables(qdpx: Path) -> None:
    root = _qde(qdpx)
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{{{NS['q']}}}Variable")}
    assert types == {
        "role": "Text",
        "method": "Text",
        "language": "Text",
        "age": "Integer",
        "village": "Text",
    }
    case = root.find("q:Cases/q:Case[@name='Ketua RW']", NS)
    assert case.find("q:VariableValue/q:IntegerValue", NS).text == "45"
    assert case.find("q:SourceRef", NS).get("targetGUID") == source_guid("interviews/ketua.txt")


def test_utf16_offsets_count_surrogate_pairs_twice(tmp_path: Path) -> None:
    corpus = make_corpus()
    segs = make_segments(corpus)
    path = export_qdpx(corpus, make_codebook(), segs, tmp_path / "n.qdpx", offsets="utf16")
    sel = _qde(path).find(".//q:PlainTextSelection[@name='interviews/warga.txt#2']", NS)
    start = int(segs.loc[segs["segment_id"] == "interviews/warga.txt#2", "start"].iloc[0])
    assert int(sel.get("startPosition")) == start + 2  # 𝒜 and 🎉 come before it


def test_third_party_reader_sees_same_sources_codes_and_texts(tmp_path: Path, qdpx: Path) -> None:
    pyrefiqda = pytest.importorskip("pyrefiqda")
    project = pyrefiqda.RefiProject.load(qdpx, extract_dir=str(tmp_path / "x"))
    corpus, segs = make_corpus(), make_segments(make_corpus())
    texts = {d.id: d.text for d in corpus.documents}
    assert [s.name for s in project.sources.text_source] == list(texts)
    names: dict[str, str] = {}

    def walk(codes: list) -> None:
        for c in codes:
            names[c.guid] = c.name
            walk(c.code)

    walk(project.code_book.codes.code)
    assert "Tahap persiapan" in names.values() and "Alat [negated]" in names.values()
    seen = set()
    for src in project.sources.text_source:
        for sel in src.plain_text_selection:
            for coding in sel.coding:
                name = names[coding.code_ref.target_guid].removesuffix(" [negated]")
                seen.add((src.name, texts[src.name][sel.start_position : sel.end_position], name))
    assert len(seen) == len(segs)
    assert ("interviews/ketua.txt", segs["text"].iloc[0], "Tahap persiapan") in seen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "stage.unknown"}, "code 'stage.unknown' is not in codebook"),
        ({"document": "missing.txt"}, "document 'missing.txt' is not in the corpus"),
        ({"end": 10_000}, "is outside the text"),
    ],
)
def test_bad_segments_are_refused(tmp_path: Path, change: dict, message: str) -> None:
    corpus = make_corpus()
    segs = make_segments(corpus)
    segs.loc[0, list(change)] = list(change.values())
    with pytest.raises(ExportError) as err:
        export_qdpx(corpus, make_codebook(), segs, tmp_path / "bad.qdpx")
    assert message in str(err.value)
    assert not (tmp_path / "bad.qdpx").exists()


@settings(max_examples=300, deadline=None)
@given(kind=st.text(max_size=12), parts=st.lists(st.one_of(st.text(), st.integers()), max_size=4))
def test_stable_guids_are_uuid5_of_the_ksmcode_namespace(kind, parts):
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    assert stable_guid(kind, *parts) == str(uuid.uuid5(KSMCODE_NAMESPACE, key))
