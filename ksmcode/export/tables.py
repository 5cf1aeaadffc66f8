"""Write and read DataFrames as csv, xlsx, parquet or jsonl, atomically."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ksmcode.errors import ExportError, ImportFormatError
from ksmcode.export.atomic import atomic_paths

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


def write_table(
    frame: pd.DataFrame, path: str | Path, fmt: str | None = None, *, excel: bool = False
) -> Path:
    """Write ``frame`` to ``path`` in ``fmt`` (default: from the suffix), all or nothing.
    ``excel`` starts a csv file with a byte-order mark, so Excel reads it as UTF-8.

    Example::

        write_table(units, "out/units.xlsx")  # frozen header, filters, readable widths
    """
    write_tables({Path(path): frame}, fmt, excel=excel)
    return Path(path)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame], path: str | Path, *, heat: Collection[str] = ()
) -> Path:
    """Write one xlsx workbook with a sheet per frame, all or nothing; the numbers of the
    ``heat`` sheets are coloured by value (matrices).

    Example::

        write_workbook({"stances": stances, "pairwise": pairwise}, "agree.xlsx", heat=["pairwise"])
    """
    with atomic_paths([path]) as (tmp,):
        _write_sheets(sheets, tmp, heat)
    return Path(path)


def write_named_tables(
    tables: Mapping[str, pd.DataFrame], path: str | Path, *, excel: bool = False
) -> list[Path]:
    """Write several tables of one result: a workbook with a sheet per table for ``.xlsx``,
    else the first table to ``path`` and each other one beside it as ``<stem>.<name><suffix>``.
    Returns the files written.

    Example::

        write_named_tables({"summary": s, "per_code": p}, "e.csv")  # e.csv, e.per_code.csv
    """
    path = Path(path)
    if format_of(path) == "xlsx":
        return [write_workbook(tables, path)]
    names = list(tables)
    targets = [path] + [path.with_name(f"{path.stem}.{n}{path.suffix}") for n in names[1:]]
    write_tables(dict(zip(targets, tables.values(), strict=True)), excel=excel)
    return targets


def write_tables(
    tables: Mapping[Path, pd.DataFrame],
    fmt: str | None = None,
    extra: Mapping[Path, bytes] | None = None,
    *,
    excel: bool = False,
) -> None:
    """Write several tables (and ``extra`` files) so that none replaces its target before all
    of them are written: a failure leaves every earlier output as it was."""
    extra = extra or {}
    targets = [*tables, *extra]
    with atomic_paths(targets) as temps:
        for (target, frame), tmp in zip(tables.items(), temps, strict=False):
            serialise(frame, tmp, fmt or format_of(target), excel=excel)
        for data, tmp in zip(extra.values(), temps[len(tables) :], strict=True):
            tmp.write_bytes(data)


def serialise(
    frame: pd.DataFrame, tmp: Path, fmt: str, *, excel: bool = False, append: bool = False
) -> None:
    """Write ``frame`` to ``tmp`` in ``fmt``; csv and jsonl can ``append`` rows to a file
    (without a second header), giving the bytes one frame of all the rows would give."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    mode = "a" if append else "w"
    if fmt == "csv":
        encoding = "utf-8-sig" if excel and not append else "utf-8"
        csv_safe(frame).to_csv(
            tmp, index=_keep_index(frame), lineterminator="\n", encoding=encoding, mode=mode,
            header=not append,
        )  # fmt: skip
    elif fmt == "jsonl":
        flat = frame.reset_index() if _keep_index(frame) else frame
        flat.to_json(tmp, orient="records", lines=True, force_ascii=False, mode=mode)
    elif fmt == "parquet":
        _missing_as_null(frame).to_parquet(tmp, index=_keep_index(frame))
    else:
        _write_xlsx(frame, tmp)


def _missing_as_null(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells (a metadata field not given) as nulls, which parquet readers expect."""
    frame = frame.copy()
    for column in frame.select_dtypes(include=["object", "string"]).columns:
        frame[column] = frame[column].mask(frame[column].eq(""))
    return frame


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _retext(frame: pd.DataFrame, starts: tuple[str, ...], change: Callable[[str], str]):
    """``frame`` with ``change`` applied to every text cell and label that starts with one of
    ``starts`` (the frame itself when there is none)."""

    def starting(values: pd.Series) -> pd.Series:
        try:
            return values.str.startswith(starts, na=False).astype(bool)
        except AttributeError:  # not text after all (e.g. an object column of bools)
            return values.map(lambda v: isinstance(v, str) and v.startswith(starts)).astype(bool)

    def label(value: object) -> object:
        if isinstance(value, tuple):
            return tuple(label(v) for v in value)
        return change(value) if isinstance(value, str) and value.startswith(starts) else value

    result = frame
    for i, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            values = frame.iloc[:, i]
            mask = starting(values)
            if mask.any():
                result = result.copy() if result is frame else result
                result.isetitem(i, values.where(~mask, values[mask].map(change)))
    for axis in ("columns", "index"):
        labels = getattr(result, axis)
        if not pd.api.types.is_numeric_dtype(labels.dtype) and any(label(v) != v for v in labels):
            result = result.copy() if result is frame else result
            setattr(result, axis, labels.map(label))
    return result


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and label that starts like a formula (``=``, ``+``,
    ``-``, ``@``, tab, CR) or with ``'`` prefixed by ``'``, so spreadsheets show it as text;
    ``read_table`` removes the prefix again, so ksmcode reads its tables back exactly."""
    return _retext(frame, (*FORMULA_STARTS, "'"), lambda text: "'" + text)


_FORMULA_FIRST = frozenset((*FORMULA_STARTS, "'"))


class _Lines(list):
    """A list the csv writer writes into: one string a row."""

    write = list.append


def csv_lines(rows: Iterable[Iterable[Any]]) -> list[str]:
    """Each row's csv line, byte for byte what ``serialise`` writes for the row in a frame
    (text cells made spreadsheet-safe as ``csv_safe`` does; None and NaN empty), without
    building the frame. Values are str, bool, int or float, each column of one kind (as
    ksmcode's tables are). A line of two or more cells is the join of its cells' texts (a row
    of one empty cell is written ``""``), so lines can be cut between cells and joined again."""
    lines = _Lines()
    csv.writer(lines, lineterminator="\n").writerows(map(_csv_cells, rows))
    return lines


def _csv_cells(values: Iterable[Any]) -> list[Any]:
    return [
        ("'" + v if v[:1] in _FORMULA_FIRST else v)
        if v.__class__ is str
        else ("" if v is None or (isinstance(v, float) and v != v) else v)
        for v in values
    ]


def _keep_index(frame: pd.DataFrame) -> bool:
    return not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    _write_sheets({"data": frame}, path)


def _write_sheets(
    sheets: Mapping[str, pd.DataFrame], path: Path, heat: Collection[str] = ()
) -> None:
    """One sheet per frame: frozen header, filters, readable widths; the numbers of the
    ``heat`` sheets get a white-to-blue colour scale."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            flat = _flat(frame)
            flat.to_excel(writer, index=False, sheet_name=name)
            _format_sheet(writer.sheets[name], flat, heat=name in heat)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    flat = (frame.reset_index() if _keep_index(frame) else frame).copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" ".join(str(p) for p in col if str(p)) for col in flat.columns]
    # Excel cannot hold control characters (a stray \x1b in a transcript); drop them there.
    for column in flat.select_dtypes(include=["object", "string"]).columns:
        flat[column] = flat[column].map(_excel_safe)
    return flat


def _format_sheet(sheet, flat: pd.DataFrame, *, heat: bool) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    for row in sheet.iter_rows():  # "=APBD" is an exact keyword, not a formula
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for i, column in enumerate(flat.columns, start=1):
        values = [str(column), *(str(v) for v in flat[column].head(500))]
        width = min(MAX_XLSX_WIDTH, max(len(v) for v in values) + 2)
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
        if heat and flat[column].dtype.kind in "if" and len(flat):
            cells = f"{letter}2:{letter}{len(flat) + 1}"
            rule = ColorScaleRule(start_type="min", start_color="FFFFFF",
                                  end_type="max", end_color="2B7BBA")  # fmt: skip
            sheet.conditional_formatting.add(cells, rule)


def _excel_safe(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _read_csv(path: Path, as_text: bool, integers: Collection[str]) -> pd.DataFrame:
    if as_text:
        fast = _read_csv_arrow(path, integers)
        if fast is not None:
            return fast
    if as_text and integers:
        types: defaultdict[str, Any] = defaultdict(lambda: str)
        types.update(dict.fromkeys(integers, "int64"))
        try:
            return pd.read_csv(path, dtype=types, keep_default_na=False)
        except ValueError:  # a cell that is no integer: every column as text
            pass
    if as_text:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _read_csv_arrow(path: Path, integers: Collection[str]) -> pd.DataFrame | None:
    """What ``_read_csv(path, as_text=True)`` gives, read by Arrow's multi-threaded parser
    (three times faster on ksmcode's tables); None when Arrow cannot give exactly that (a
    repeated column name, a cell that is no integer, text that is not UTF-8), and pandas
    reads the file instead."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            names = next(csv.reader(handle), [])
        if not names or len(set(names)) < len(names):
            return None
        types = {n: pa.int64() if n in integers else pa.string() for n in names}
        table = arrow_csv.read_csv(
            path,
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow_csv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError, csv.Error):
        return None
    if table.column_names != names or [table.schema.field(n).type for n in names] != list(
        types.values()
    ):
        return None
    return table.to_pandas()


def read_table(
    path: str | Path, *, as_text: bool = False, integers: Collection[str] = ()
) -> pd.DataFrame:
    """Read a table written by ``write_table`` (format from the suffix).

    ``as_text`` keeps every csv/xlsx/jsonl cell as written (RT "03" stays "03", an empty cell
    is ""), for callers that restore the types themselves; a csv's ``integers`` columns are
    parsed as integers right away when every cell is one (much faster than converting text).
    """
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"{path}: file not found")
    fmt = format_of(path)
    try:
        if fmt == "csv":
            return _retext(_read_csv(path, as_text, integers), ("'",), lambda text: text[1:])
        if fmt == "jsonl":
            return pd.read_json(path, orient="records", lines=True, dtype=not as_text)
        if fmt == "parquet":
            return pd.read_parquet(path)
        if as_text:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        return pd.read_excel(path)
    except (ValueError, OSError) as exc:
        raise ImportFormatError(f"{path}: cannot read this {fmt} table: {exc}") from None
