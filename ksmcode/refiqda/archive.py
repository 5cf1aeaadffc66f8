"""Reading untrusted .qdpx archives and REFI-QDA XML safely.

Archives are read into memory entry by entry (nothing is extracted to disk). An archive is
refused as a whole when any entry name is absolute or climbs out with ``..``, when it is too
large, or when an entry's compression ratio looks like a zip bomb. XML is parsed with
defusedxml, which refuses entity declarations (billion laughs) and external references.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ksmcode.errors import ImportFormatError

MAX_ARCHIVE_BYTES = 2 * 1024**3  # size of the .qdpx file itself
MAX_ENTRIES = 20_000
MAX_ENTRY_BYTES = 512 * 1024**2  # uncompressed size of one entry
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed size of all entries together
MAX_COMPRESSION_RATIO = 200  # uncompressed / compressed, checked for entries above ...
RATIO_CHECK_MIN_BYTES = 1024**2  # ... this uncompressed size (tiny files compress oddly)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
CODEBOOK_NS_VARIANTS = (CODEBOOK_NS, "urn:QDA-XML:codebook:1:0")


@dataclass(frozen=True)
class QdpxArchive:
    """The entries of a checked archive, with case-insensitive look-up."""

    path: Path
    zipfile: zipfile.ZipFile
    names: dict[str, str]  # lower-cased name -> name as stored

    def __enter__(self) -> QdpxArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zipfile.close()

    def find(self, name: str) -> str | None:
        return self.names.get(name.lower())

    def read(self, name: str) -> bytes:
        """Read one entry, never trusting its declared size."""
        info = self.zipfile.getinfo(name)
        try:
            with self.zipfile.open(info) as fh:
                data = fh.read(min(info.file_size, MAX_ENTRY_BYTES) + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise ImportFormatError(
                f"{self.path}: entry '{name}' is corrupt ({exc}); export the project from "
                "your QDA software again"
            ) from None
        if len(data) > info.file_size or len(data) > MAX_ENTRY_BYTES:
            raise ImportFormatError(
                f"{self.path}: entry '{name}' decompresses to more than its declared size "
                f"({info.file_size} bytes); the archive is corrupt or malicious"
            )
        return data


def _check_name(path: Path, name: str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise ImportFormatError(
            f"{path}: refusing archive entry '{name}': absolute paths and '..' are not allowed "
            "in a .qdpx (possible path traversal)"
        )


def open_qdpx(path: str | Path) -> QdpxArchive:
    """Open a .qdpx after checking names, sizes and compression ratios of every entry."""
    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{path}: file not found")
    if path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise ImportFormatError(
            f"{path}: archive is larger than {MAX_ARCHIVE_BYTES} bytes (MAX_ARCHIVE_BYTES)"
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(
            f"{path}: not a .qdpx file (a .qdpx is a ZIP archive): {exc}"
        ) from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportFormatError(f"{path}: more than {MAX_ENTRIES} entries (MAX_ENTRIES)")
    total = 0
    for info in infos:
        _check_name(path, info.filename)
        if info.file_size > MAX_ENTRY_BYTES:
            raise ImportFormatError(
                f"{path}: entry '{info.filename}' declares {info.file_size} bytes uncompressed, "
                f"more than the limit of {MAX_ENTRY_BYTES} (MAX_ENTRY_BYTES)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ImportFormatError(
                f"{path}: entry '{info.filename}' has a compression ratio of {ratio:.0f}:1, "
                f"above the limit of {MAX_COMPRESSION_RATIO}:1 (MAX_COMPRESSION_RATIO); "
                "refusing a possible zip bomb"
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ImportFormatError(
            f"{path}: entries total {total} bytes uncompressed, more than {MAX_TOTAL_BYTES} "
            "(MAX_TOTAL_BYTES)"
        )
    names = {i.filename.lower(): i.filename for i in infos if not i.is_dir()}
    return QdpxArchive(path, zf, names)


def parse_xml(data: bytes, where: str, namespaces: tuple[str, ...], root: str) -> Element:
    """Parse REFI-QDA XML; refuse entities, DTD tricks, a wrong root or namespace."""
    try:
        element = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ImportFormatError(
            f"{where}: refusing XML with entity declarations or external references ({exc!r})"
        ) from None
    except ParseError as exc:
        raise ImportFormatError(f"{where}: malformed XML: {exc}") from None
    ns, _, local = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", "")
    if local != root or ns not in namespaces:
        raise ImportFormatError(
            f"{where}: root element is '{element.tag}', expected '{root}' in namespace "
            f"'{namespaces[0]}'"
        )
    return element
