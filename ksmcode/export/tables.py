"""Write and read DataFrames as csv, xlsx, parquet or jsonl, atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ksmcode.errors import ExportError, ImportFormatError
from ksmcode.export.atomic import atomic_path

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
MAX_XLSX_WIDTH = 60


def format_of(path: str | Path, default: str = "csv") -> str:
    """The table format named by a file's suffix (``.csv``, ``.xlsx``, ``.parquet``, ``.jsonl``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if not suffix:
        return default
    if suffix not in FORMATS:
        raise ExportError(
            f"{path}: unknown table format '.{suffix}'; use one of: "
            + ", ".join(f".{f}" for f in FORMATS)
        )
    return suffix


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` to ``path`` in ``fmt`` (default: from the suffix), all or nothing.

    Example::

        write_table(units, "out/units.xlsx")  # frozen header, filters, readable widths
    """
    fmt = fmt or format_of(path)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=_keep_index(frame), lineterminator="\n", encoding="utf-8")
        elif fmt == "jsonl":
            flat = frame.reset_index() if _keep_index(frame) else frame
            flat.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=_keep_index(frame))
        else:
            _write_xlsx(frame, tmp)
    return Path(path)


def _keep_index(frame: pd.DataFrame) -> bool:
    return not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl.utils import get_column_letter

    flat = frame.reset_index() if _keep_index(frame) else frame
    if isinstance(flat.columns, pd.MultiIndex):
        flat = flat.copy()
        flat.columns = [" ".join(str(p) for p in col if str(p)) for col in flat.columns]
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        flat.to_excel(writer, index=False, sheet_name="data")
        sheet = writer.sheets["data"]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for i, column in enumerate(flat.columns, start=1):
            values = [str(column), *(str(v) for v in flat[column].head(500))]
            width = min(MAX_XLSX_WIDTH, max(len(v) for v in values) + 2)
            sheet.column_dimensions[get_column_letter(i)].width = width


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by ``write_table`` (format from the suffix)."""
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"{path}: file not found")
    fmt = format_of(path)
    try:
        if fmt == "csv":
            return pd.read_csv(path, keep_default_na=False, na_values=[""])
        if fmt == "jsonl":
            return pd.read_json(path, orient="records", lines=True)
        if fmt == "parquet":
            return pd.read_parquet(path)
        return pd.read_excel(path)
    except (ValueError, OSError) as exc:
        raise ImportFormatError(f"{path}: cannot read this {fmt} table: {exc}") from None
