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
