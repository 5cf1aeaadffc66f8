"""Document metadata from YAML front matter and a ``sources.csv`` / ``sources.xlsx`` sidecar.

The sidecar lives in the transcript folder; its ``file`` column holds each transcript's path
relative to that folder and every other column is a metadata field. Known fields (``id``,
``informant``, ``role``, ``method``, ``language``, ``interviewer``, ``date``; matched
case-insensitively) go to DocumentMeta, everything else to ``DocumentMeta.attributes``, sidecar
columns first, then front-matter fields, in file order. Empty cells are ignored. Front matter
wins on conflict. ``id`` replaces the path-based document id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ksmcode.errors import TranscriptError
from ksmcode.io.tables import cell_text, find_column, read_rows
from ksmcode.model import KNOWN_FIELDS, DocumentMeta

if TYPE_CHECKING:
    from ksmcode.location import Location

SIDECAR_NAMES = ("sources.csv", "sources.xlsx")
LANGUAGES = ("id", "en")
FILE_COLUMNS = ("file", "path", "filename", "berkas")


def find_sidecar(folder: Location) -> Location | None:
    """The sidecar in a folder, or None. Both a .csv and an .xlsx one is an error."""
    found = [folder / name for name in SIDECAR_NAMES if (folder / name).is_file()]
    if len(found) > 1:
        raise TranscriptError(
            f"{folder}: both sources.csv and sources.xlsx exist; keep only one metadata sidecar"
        )
    return found[0] if found else None


def read_sidecar(path: Location) -> dict[str, dict[str, Any]]:
    """Read a sidecar into {relative file path: {column: value}} (empty cells left out)."""
    header, rows, _ = read_rows(path)
    file_col = find_column(header, FILE_COLUMNS)
    if file_col is None:
        raise TranscriptError(
            f"{path}: no 'file' column; columns are: {', '.join(header)}. Add a 'file' column "
            "with each transcript's path relative to this folder"
        )
    table: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(rows, start=2):
        name = normalize_file_name(cell_text(row, file_col))
        if not name:
            raise TranscriptError(f"{path}:{number}: empty 'file' cell; fill it or delete the row")
        if name in table:
            raise TranscriptError(f"{path}:{number}: '{name}' is listed twice; merge the rows")
        table[name] = {
            column: value
            for i, (column, value) in enumerate(zip(header, row, strict=False))
            if i != file_col and column and value is not None and str(value).strip() != ""
        }
    return table


def read_sidecars(
    root: Location, files: list[str], warnings: list[str]
) -> dict[str, dict[str, Any]]:
    """The sidecars of ``root`` and of every folder on the way to ``files`` (relative posix
    paths) as {path relative to root: {column: value}}; a deeper sidecar wins per column.
    Rows naming a file that does not exist are reported in ``warnings``."""
    folders = {PurePosixPath(".")}
    for name in files:
        folders.update(PurePosixPath(name).parents)
    table: dict[str, dict[str, Any]] = {}
    for folder in sorted(folders, key=lambda f: (len(f.parts), f.as_posix())):
        where = root.joinpath(*folder.parts)  # not root / ".": an address keeps the "."
        path = find_sidecar(where)
        for name, row in (read_sidecar(path) if path else {}).items():
            key = normalize_file_name((folder / name).as_posix())
            if not (root / key).is_file():
                warnings.append(f"{path}: lists '{name}', which does not exist in {where}")
            table[key] = {**table.get(key, {}), **row}
    return table


def normalize_file_name(name: str) -> str:
    """A sidecar path in the form of a document id: forward slashes, no leading './'."""
    name = name.strip().replace("\\", "/")
    return PurePosixPath(name).as_posix() if name else ""


def build_meta(
    front_matter: Mapping[str, Any],
    sidecar_row: Mapping[str, Any],
    *,
    path: Location,
    default_language: str,
) -> tuple[DocumentMeta, str | None]:
    """Merge sidecar and front matter (front matter wins); return (meta, id or None)."""
    known: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for source in (sidecar_row, front_matter):
        for key, value in source.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            field = str(key).strip().casefold()
            if field in KNOWN_FIELDS:
                known[field] = value
            else:
                attributes[str(key)] = _scalar(value)
    language = _text(known.get("language", default_language)).casefold()
    if language not in LANGUAGES:
        raise TranscriptError(
            f"{path}: language '{language}' is not supported; use one of: {', '.join(LANGUAGES)}"
        )
    meta = DocumentMeta(
        informant=_optional(known.get("informant")),
        role=_optional(known.get("role")),
        method=_optional(known.get("method")),
        language=language,
        interviewer=_labels(known.get("interviewer")),
        date=_optional(known.get("date")),
        attributes=attributes,
    )
    return meta, _optional(known.get("id"))


def _scalar(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value.strip() if isinstance(value, str) else value
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _optional(value: Any) -> str | None:
    return (_text(value) or None) if value is not None else None


def _labels(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;]", _text(value))
    return tuple(label for item in items if (label := " ".join(_text(item).split())))
