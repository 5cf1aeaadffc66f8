"""Pseudonymisation: the name map, replacement in texts and metadata, offsets, and a whole
study whose outputs must not hold a single real name."""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.errors import ConfigError
from ksmcode.io import load_corpus
from ksmcode.io.documents import load_documents
from ksmcode.io.turns import split_turns
from ksmcode.model import Corpus, Document, DocumentMeta
from ksmcode.pseudonymise import (
    bare_name,
    build_name_map,
    pseudonymise_corpus,
    pseudonymise_study,
    read_names,
)

runner = CliRunner()


def _doc(text: str, doc_id: str = "a.txt", **meta) -> Document:
    turns = tuple(
        dataclasses.replace(t, is_interviewer=t.speaker == "Peneliti") for t in split_turns(text)
    )
    return Document(doc_id, Path(doc_id), text, turns, DocumentMeta(**meta))


def _corpus(*docs: Document) -> Corpus:
    return Corpus(Path("."), docs)


def test_generated_pseudonyms_follow_roles_and_chosen_ones_win() -> None:
    corpus = _corpus(
        _doc("Pak Budi: satu\nPeneliti: dua\n", "a.txt", informant="Budi Santoso", role="resident"),
        _doc("Bu Ani: satu\n", "b.txt", informant="Ani", role="resident"),
        _doc("Bu Sri: satu\n", "c.txt", informant="Sri", role="organiser"),
        _doc(
            "x\n",
            "d.txt",
            informant="Dewi",
            role="resident",
            attributes={"pseudonym": "Resident 1"},
        ),
    )
    name_map = build_name_map(corpus)
    assert name_map.names["Dewi"] == "Resident 1"  # chosen in sources.csv: kept, not reused
    assert name_map.names["Budi Santoso"] == "Resident 2"
    assert name_map.names["Ani"] == "Resident 3"
    assert name_map.names["Sri"] == "Organiser 1"
    assert name_map.speakers[("a.txt", "Pak Budi")] == "Resident 2"
    assert build_name_map(corpus) == name_map  # stable


def test_names_table_and_previous_map_keep_pseudonyms(tmp_path: Path) -> None:
    corpus = _corpus(_doc("Bu Ani: ke Grenpul\n", informant="Ani", role="resident"))
    name_map = build_name_map(corpus, {"Grenpul": "Kampung A", "Pak Lurah": None}, {"Ani": "R9"})
    assert name_map.names == {"Ani": "R9", "Grenpul": "Kampung A", "Pak Lurah": "Name 1"}
    (tmp_path / "names.csv").write_text("nama,pseudonym\nGrenpul,Kampung A\nSiti,\n")
    assert read_names(tmp_path / "names.csv") == {"Grenpul": "Kampung A", "Siti": None}


def test_names_in_text_any_case_with_honorifics_and_nya() -> None:
    text = (
        "Peneliti: Selamat pagi, Bu Ratna. Kata PAK BUDI dan pak santoso, rumah Budinya dekat.\n"
        "Bu Ratna: Iya, Budi-nya baik. Sari buah itu enak; Ratna Sari juga suka.\n"
    )
    corpus = _corpus(_doc(text, informant="Ratna Sari", role="resident"))
    name_map = build_name_map(corpus, {"Budi Santoso": "Tetangga 1", "Budi": "Tetangga 1"})
    doc = pseudonymise_corpus(corpus, name_map).documents[0]
    assert doc.text == (
        "Peneliti: Selamat pagi, Bu Resident 1. Kata PAK Tetangga 1 dan pak santoso, rumah "
        "Tetangga 1nya dekat.\nResident 1: Iya, Tetangga 1-nya baik. Sari buah itu enak; "
        "Resident 1 juga suka.\n"
    )
    assert [t.speaker for t in doc.turns] == ["Peneliti", "Resident 1"]
    assert doc.meta.informant == "Resident 1"


def test_metadata_ids_and_warnings_use_pseudonyms() -> None:
    doc = _doc(
        "Pak Budi: halo\n\nPak Budi: lagi\n",
        "budi/wawancara.txt",
        informant="Budi",
        role="warga",
        interviewer=("Budi",),
        attributes={"note": "rumah Budi", "pseudonym": "W1", "rt": 3},
    )
    corpus = Corpus(Path("."), (doc,), ("budi/wawancara.txt: not UTF-8",))
    result = pseudonymise_corpus(corpus, build_name_map(corpus))
    new = result.documents[0]
    assert new.id == "W1/wawancara.txt" and result.warnings == ("W1/wawancara.txt: not UTF-8",)
    assert new.meta.attributes == {"note": "rumah W1", "rt": 3}
    assert new.meta.interviewer == ("W1",)


def test_other_speakers_of_a_focus_group_are_people_of_their_own() -> None:
    text = "Bu Ani Lestari: satu\nPak Joko: dua\nBu Ani Lestari: tiga\nPak Joko: empat\n"
    corpus = _corpus(_doc(text, informant="Ani Lestari", role="resident"))
    name_map = build_name_map(corpus)
    assert name_map.speakers == {
        ("a.txt", "Bu Ani Lestari"): "Resident 1",
        ("a.txt", "Pak Joko"): "Resident 2",
    }
    assert bare_name("Ibu Sri (Ketua KSM)") == ("Sri", True)


_NAMES = ["Budi", "Ani Lestari", "Ratna"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Peneliti", "Bu Ratna", "Pak Budi"]),
            st.lists(
                st.one_of(
                    st.sampled_from([*_NAMES, "budinya", "Pak Ani Lestari", "RATNA", "é😀", "x"]),
                    st.text("abc éü😀", min_size=1, max_size=6),
                ),
                min_size=1,
                max_size=8,
            ),
        ),
        min_size=2,
        max_size=6,
    )
)
def test_turn_offsets_point_at_the_pseudonymised_speech(turns) -> None:
    text = "".join(f"{speaker}: {' '.join(words)}\n" for speaker, words in turns)
    corpus = _corpus(_doc(text, informant="Ratna", role="resident"))
    name_map = build_name_map(corpus, {"Budi": None, "Ani Lestari": None})
    new = pseudonymise_corpus(corpus, name_map).documents[0]
    old = corpus.documents[0]
    assert len(new.turns) == len(old.turns)
    for before, after in zip(old.turns, new.turns, strict=True):
        speech = new.text[after.start : after.end]
        assert (
            speech
            == pseudonymise_corpus(
                _corpus(_doc(old.text[before.start : before.end], informant="Ratna")), name_map
            )
            .documents[0]
            .text
        )
    assert not re.search(r"(?i)(?<![^\W_])(budi|ratna|ani lestari)(?![^\W_])", new.text)


def test_map_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(_doc("Bu Ani: a\n", informant="Ani"))
    with pytest.raises(ConfigError, match="inside the output folder"):
        pseudonymise_study(corpus, map_path=tmp_path / "out" / "p.csv", out=tmp_path / "out")


def _real_names(transcripts: Path) -> set[str]:
    corpus = load_corpus(transcripts)
    names = set(pd.read_csv(transcripts / "sources.csv")["informant"])
    for doc in corpus.documents:
        names.add(doc.meta.informant or "")
        for turn in doc.turns:
            if turn.speaker and not turn.is_interviewer:
                names |= {turn.speaker, bare_name(turn.speaker)[0]}
    return names - {""}


def _contents(folder: Path):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    yield f"{path}!{name}", zf.read(name)
        yield str(path), path.read_bytes()


@pytest.fixture(scope="module")
def pseudonymised_study(tmp_path_factory, repo: Path) -> Path:
    """The sample study coded with --pseudonymise and put through every later command."""
    root = tmp_path_factory.mktemp("study")
    for name in ("transcripts", "codebooks"):
        shutil.copytree(repo / name, root / name)
    shutil.copy(repo / "ksmcode.yaml", root)
    (root / "names.csv").write_text("name,pseudonym\nNeni,Kader 1\n")
    cwd = Path.cwd()
    try:
        import os

        os.chdir(root)
        commands = [
            ["code", "--pseudonymise", "--names", "names.csv", "--format", "xlsx"],
            ["code", "--pseudonymise", "--names", "names.csv"],
            ["matrix", "--by", "informant", "--output", "out/matrix.csv"],
            ["matrix", "--by", "speaker", "--output", "out/speakers.xlsx"],
            ["triangulate", "--by", "informant", "--exemplars", "out/exemplars.csv"],
            ["report", "--by", "informant"],
            ["export", "qdpx", "--output", "out/study.qdpx"],
            ["codebook", "export", "codebooks/ksm.yaml", "--output", "out/ksm.qdc"],
        ]
        for args in commands:
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
    finally:
        os.chdir(cwd)
    return root


def test_no_real_name_in_any_output_byte(pseudonymised_study: Path) -> None:
    names = _real_names(pseudonymised_study / "transcripts") | {"Neni"}
    assert {"Agus Setiawan", "Pak Agus", "Agus", "Bu Yanti", "Ms Melinda"} <= names
    alternatives = "|".join(re.escape(n) for n in names)
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    out = pseudonymised_study / "out"
    checked = 0
    for where, data in _contents(out):
        text = data.decode("utf-8", errors="replace")
        assert not pattern.search(text), (where, pattern.search(text))
        checked += 1
    assert checked >= 12
    # ...while the name map beside ksmcode.yaml holds them, and the run was really coded.
    assert "Agus Setiawan" in (pseudonymised_study / "pseudonyms.csv").read_text()
    assert len(pd.read_csv(out / "segments.csv")) > 200


def test_offsets_refer_to_the_pseudonymised_texts(pseudonymised_study: Path) -> None:
    out = pseudonymised_study / "out"
    texts = {d.id: d.text for d in load_documents(out / "documents.jsonl")}
    units = pd.read_csv(out / "units.csv", keep_default_na=False)
    assert all(texts[r.document][r.start : r.end] == r.text for r in units.itertuples())
    evidence = pd.read_csv(out / "evidence.csv", keep_default_na=False)
    assert all(texts[r.document][r.start : r.end] == r.matched for r in evidence.itertuples())
    with zipfile.ZipFile(out / "study.qdpx") as zf:
        sources = [n for n in zf.namelist() if n.startswith("sources/")]
        assert {zf.read(n).decode() for n in sources} == set(texts.values())
        project = etree.fromstring(zf.read("project.qde"))
    schema = Path(__file__).parent / "data" / "refi-qda" / "Project-mrt2019.xsd"
    assert etree.XMLSchema(etree.parse(str(schema))).validate(project)


def test_suggest_lists_unmapped_names(tmp_path: Path, repo: Path, monkeypatch) -> None:
    shutil.copytree(repo / "transcripts", tmp_path / "transcripts")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["pseudonymise", "--suggest"])
    assert result.exit_code == 0, result.output
    assert "Neni,after an honorific" in result.stdout
    assert not (tmp_path / "pseudonyms.csv").exists()
    result = runner.invoke(app, ["pseudonymise"])
    assert result.exit_code == 0, result.output
    assert "Darsono,Organiser 1,informant" in (tmp_path / "pseudonyms.csv").read_text()
