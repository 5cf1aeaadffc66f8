"""Reading any vendor's .qdpx into plain data, with selection offsets in code points of the
decoded source text (BOM stripped, line ends normalised to LF, as ksmcode's Document.text)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element

import pandas as pd

from ksmcode.errors import ImportFormatError
from ksmcode.refiqda.archive import PROJECT_NS, QdpxArchive, open_qdpx, parse_xml
from ksmcode.refiqda.codetree import QdpxCode, child_text, children, local, norm_guid, parse_codes
from ksmcode.refiqda.offsets import (
    OFFSET_UNITS,
    LineEndMap,
    OffsetUnit,
    decode_text,
    from_unit,
    utf16_prefix,
)

SELECTION_COLUMNS = (
    "source",
    "source_guid",
    "selection_guid",
    "start",
    "end",
    "text",
    "code_guid",
    "code",
    "code_path",
    "coder",
    "description",
)


@dataclass(frozen=True)
class QdpxSource:
    """A text source. ``text`` is None when its file is missing from the archive or external."""

    guid: str
    name: str
    text: str | None


@dataclass(frozen=True)
class QdpxUser:
    guid: str
    name: str


@dataclass(frozen=True, eq=False)
class QdpxProject:
    """An imported project. ``selections`` has one row per (text selection, code), columns
    ``SELECTION_COLUMNS``; start/end are code points into the source's ``text``, end exclusive."""

    path: Path
    name: str
    origin: str
    offset_unit: OffsetUnit
    sources: tuple[QdpxSource, ...]
    codes: tuple[QdpxCode, ...]
    users: tuple[QdpxUser, ...]
    selections: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def code(self, guid: str) -> QdpxCode:
        guid = norm_guid(guid)
        for c in self.codes:
            if c.guid == guid:
                return c
        raise KeyError(guid)


def detect_offset_unit(origin: str) -> OffsetUnit:
    """NVivo counts UTF-16 code units (measured on NVivo 12 Windows and Mac exports); ksmcode
    records its choice in the origin; everything else is taken to follow the spec."""
    if "nvivo" in origin.lower() or "offsets=utf16" in origin:
        return "utf16"
    return "codepoint"


class _TextPositions:
    """Converts a source's stored offsets to code points of its LF-normalised text."""

    def __init__(self, raw: str, unit: OffsetUnit) -> None:
        self._lines = LineEndMap(raw)
        self._prefix = utf16_prefix(raw) if unit == "utf16" else None
        self.text = self._lines.text
        self.raw_length = len(raw) if self._prefix is None else self._prefix[-1]

    def __call__(self, offset: int) -> int:
        return self._lines(from_unit(self._prefix, offset))


def _source_text(archive: QdpxArchive, src: Element, warnings: list[str]) -> str | None:
    name = src.get("name", "")
    content = children(src, "PlainTextContent")
    if content:
        return content[0].text or ""
    path = src.get("plainTextPath", "")
    if not path.lower().startswith("internal://"):
        warnings.append(f"source '{name}': text not in the archive ({path or 'no path'})")
        return None
    file = path[len("internal://") :]
    entry = archive.find(f"sources/{file}")
    if entry is None:
        warnings.append(f"source '{name}': sources/{file} is missing from the archive")
        return None
    text, lossy = decode_text(archive.read(entry))
    if lossy:
        warnings.append(f"source '{name}': sources/{file} is not valid UTF-8; bad bytes replaced")
    return text


def _read_users(root: Element) -> tuple[QdpxUser, ...]:
    users = children(root, "Users")
    return tuple(
        QdpxUser(norm_guid(u.get("guid")), u.get("name") or u.get("id") or "")
        for u in (children(users[0], "User") if users else [])
    )


def read_qdpx(
    path: str | Path, *, offsets: Literal["auto", "codepoint", "utf16"] = "auto"
) -> QdpxProject:
    """Read a .qdpx from any QDA tool.

    ``offsets="auto"`` reads NVivo exports as UTF-16 code units and all others as code points
    (the spec); pass "codepoint" or "utf16" to override. Whatever the unit, returned offsets
    are code points into the source's decoded text, so ``text[start:end]`` is the selection.

    Example: ``read_qdpx("coder_a.qdpx").selections[["source", "code", "text"]]``
    """
    if offsets != "auto" and offsets not in OFFSET_UNITS:
        raise ImportFormatError(f"offsets must be auto, codepoint or utf16, not '{offsets}'")
    path = Path(path)
    with open_qdpx(path) as archive:
        entry = archive.find("project.qde")
        if entry is None:
            raise ImportFormatError(
                f"{path}: no project.qde in the archive; is this a REFI-QDA project export?"
            )
        root = parse_xml(archive.read(entry), f"{path}:{entry}", (PROJECT_NS,), "Project")
        origin = root.get("origin", "")
        unit: OffsetUnit = detect_offset_unit(origin) if offsets == "auto" else offsets
        codes = parse_codes(next(iter(children(root, "CodeBook")), None))
        users = _read_users(root)
        warnings: list[str] = []
        sources, rows = [], []
        code_by_guid = {c.guid: c for c in codes}
        user_names = {u.guid: u.name for u in users}
        for src_list in children(root, "Sources"):
            for src in children(src_list, "TextSource"):
                raw = _source_text(archive, src, warnings)
                positions = _TextPositions(raw, unit) if raw is not None else None
                source = QdpxSource(
                    norm_guid(src.get("guid")),
                    src.get("name", ""),
                    positions.text if positions else None,
                )
                sources.append(source)
                rows += _selection_rows(src, source, positions, code_by_guid, user_names, warnings)
    selections = pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))
    selections = selections.astype({"start": "int64", "end": "int64"})
    return QdpxProject(
        path,
        root.get("name", ""),
        origin,
        unit,
        tuple(sources),
        codes,
        users,
        selections,
        tuple(warnings),
    )


def _selection_rows(
    src: Element,
    source: QdpxSource,
    positions: _TextPositions | None,
    codes: dict[str, QdpxCode],
    users: dict[str, str],
    warnings: list[str],
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    spans: list[tuple[Element, Element, int, int]] = []
    for sel in children(src, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            raise ImportFormatError(
                f"source '{source.name}': selection {sel.get('guid')} has no integer "
                "startPosition/endPosition"
            ) from None
        if positions is not None and not 0 <= start <= end <= positions.raw_length:
            warnings.append(
                f"source '{source.name}': selection {start}-{end} lies outside "
                f"the text ({positions.raw_length} units); skipped"
            )
            continue
        spans += [(sel, coding, start, end) for coding in children(sel, "Coding")]
    if positions is not None:
        # A Coding directly under the source codes the whole source.
        spans += [(src, coding, 0, positions.raw_length) for coding in children(src, "Coding")]
    for sel, coding, start, end in spans:
        if positions is not None:
            start, end = positions(start), positions(end)
        ref = next(iter(children(coding, "CodeRef")), None)
        guid = norm_guid(ref.get("targetGUID") if ref is not None else None)
        code = codes.get(guid)
        if code is None:
            warnings.append(f"source '{source.name}': coding refers to unknown code '{guid}'")
        user = norm_guid(coding.get("creatingUser") or sel.get("creatingUser"))
        rows.append(
            (
                source.name,
                source.guid,
                norm_guid(sel.get("guid")) if sel is not src else None,
                start,
                end,
                source.text[start:end] if source.text is not None else None,
                guid,
                code.name if code else None,
                code.path_str if code else None,
                users.get(user),
                child_text(sel, "Description").strip() if local(sel) != "TextSource" else "",
            )
        )
    return rows
