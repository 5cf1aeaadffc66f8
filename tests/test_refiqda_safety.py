"""Untrusted .qdpx / .qdc input: traversal, zip bombs, entity expansion, wrong formats."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from ksmcode.errors import ImportFormatError
from ksmcode.refiqda import codebook_from_qdc, read_qdpx

QDE = b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_valid_minimal_project_reads(tmp_path: Path) -> None:
    project = read_qdpx(_zip(tmp_path / "ok.qdpx", {"project.qde": QDE}))
    assert project.name == "p" and project.selections.empty


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "..\\evil.txt"],
)
def test_path_traversal_is_refused(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "t.qdpx", {"project.qde": QDE, name: b"x"})
    with pytest.raises(ImportFormatError, match="path traversal"):
        read_qdpx(path)


def test_high_compression_ratio_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": QDE, "sources/a.txt": bytes(4 * 2**20)})
    with pytest.raises(ImportFormatError, match="possible zip bomb"):
        read_qdpx(path)


def test_huge_declared_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "declared.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", QDE)
    data = bytearray(path.read_bytes())
    huge = struct.pack("<I", 0xF0000000)  # about 4 GB
    data[22:26] = huge  # local file header: uncompressed size
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = huge  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError, match="MAX_ENTRY_BYTES"):
        read_qdpx(path)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="entity declarations"):
        read_qdpx(_zip(tmp_path / "laughs.qdpx", {"project.qde": LAUGHS}))
    qdc = tmp_path / "laughs.qdc"
    qdc.write_bytes(LAUGHS.replace(b"Project", b"CodeBook").replace(b"project", b"codebook"))
    with pytest.raises(ImportFormatError, match="entity declarations"):
        codebook_from_qdc(qdc)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"readme.txt": b"x"}, "no project.qde in the archive"),
        ({"project.qde": b"<Project"}, "malformed XML"),
        ({"project.qde": b'<Project name="p"/>'}, "expected 'Project' in namespace"),
        ({"project.qde": QDE.replace(b"project:1.0", b"codebook:1.0")}, "expected 'Project'"),
    ],
)
def test_invalid_archives_are_import_errors(tmp_path: Path, entries: dict, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_qdpx(_zip(tmp_path / "bad.qdpx", entries))


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "plain.qdpx"
    path.write_text("hello")
    with pytest.raises(ImportFormatError, match=r"not a \.qdpx file"):
        read_qdpx(path)
