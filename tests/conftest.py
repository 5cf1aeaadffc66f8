"""Shared fixtures: paths to the bundled data and small in-memory documents."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def test_codebook():
    from ksmcode.codebook.load import load_codebook

    return load_codebook(DATA / "codebook" / "valid.yaml")


@pytest.fixture()
def coded_out(tmp_path):
    """The small CLI study (tests/data/cli/study) coded with the test codebook: the out folder."""
    import shutil

    from ksmcode.workflow import CodeRequest, code_study

    shutil.copytree(DATA / "cli" / "study", tmp_path / "study")
    out = tmp_path / "out"
    code_study(CodeRequest(tmp_path / "study", DATA / "codebook" / "valid.yaml", out))
    return out


@pytest.fixture(scope="session")
def study_out(tmp_path_factory):
    """The sample KSM study (transcripts/, codebooks/ksm.yaml) coded once: the out folder."""
    from ksmcode.workflow import CodeRequest, code_study

    out = tmp_path_factory.mktemp("study") / "out"
    code_study(
        CodeRequest(
            REPO / "transcripts",
            REPO / "codebooks" / "ksm.yaml",
            out,
            interviewer=("Peneliti", "Interviewer"),
        )
    )
    return out


# A human coding of tests/data/cli/study (see test_evaluation.py for the auto-coding):
# pelatihan capster (ketua#2) is right, kelompok tani (warga#2) is not; ketua#5 ("Cuacanya
# panas ya hari ini.") is support.human_resources for this coder and nothing for the rules.
HUMAN_CODING = """document,segment_id,code
ketua.txt,ketua.txt#2,stage.implementation
ketua.txt,ketua.txt#2,support.budget
ketua.txt,ketua.txt#4,stage.termination
ketua.txt,ketua.txt#5,support.human_resources
warga.md,warga.md#2,inhibit.facilities
warga.md,warga.md#4,inhibit.time
"""


@pytest.fixture()
def human_coding(coded_out):
    """HUMAN_CODING as a file beside the coded study's out folder."""
    path = coded_out.parent / "human.csv"
    path.write_text(HUMAN_CODING)
    return path
