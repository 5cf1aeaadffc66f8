"""Human codings: read the long coding table and align it with the units of a run.

Coding table (csv or xlsx), one row per (unit, code): ``document``, ``code`` and one locator,
``segment_id`` | ``start`` + ``end`` | ``quote``; optional ``negated`` (true/false/1/0) and
``coder``. A row with an empty ``code`` marks that the coder read the document and coded the
unit with nothing. Each row uses the first locator it fills, in the order above.

Alignment rules (:func:`align_coding`):

* ``segment_id`` must name a unit;
* ``start``/``end`` go to the unit that overlaps the span most (ties: the earlier unit), or to
  every overlapped unit with ``span="all"``. Human selections often run a few characters into
  the next turn; counting that as a second coded unit would invent disagreements;
* ``quote`` must occur (whitespace-insensitive) in exactly one unit of the document.

Coverage is per document: every unit of a document that has at least one row in the table is
coded (0 where no row codes it); units of other documents are missing (``<NA>``), which
Krippendorff's alpha treats as "not coded by this coder".
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ksmcode.analysis.matrix import NEGATED_SUFFIX, check_codes, coded_pairs
from ksmcode.errors import AnalysisError, ImportFormatError, Problem
from ksmcode.flags import parse_flag

LOCATORS = ("segment_id", "start", "end", "quote")
COLUMNS = ["document", "code", "segment_id", "start", "end", "quote", "negated", "coder", "line"]


def read_coding(
    path: str | Path,
    *,
    coder: str | None = None,
    codes: Sequence[str] | None = None,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read a human coding table (.csv or .xlsx) and check it; every problem is reported at once.

    ``coder`` names the coder when the table has no ``coder`` column (default: the file stem).
    With ``codes`` unknown code ids are errors; with ``units`` unknown documents are errors.
    Returns columns document, code ("" = explicitly no code), segment_id, start, end (Int64),
    quote, negated (bool), coder, line (the row's line in the file; header = line 1).

    Example:
        >>> read_coding("coding/ani.csv", codes=ids)  # doctest: +SKIP
    """
    path = Path(path)
    raw, lines = _read_rows(path)
    header = [str(c).strip().lower() for c in raw.columns]
    twice = next((c for i, c in enumerate(header) if c and c in header[:i]), None)
    if twice:
        raise ImportFormatError(
            f"{path}:1: column '{twice}' appears twice; only one would be used. Delete or "
            "rename one of them"
        )
    raw.columns = header
    missing = [c for c in ("document", "code") if c not in header]
    if missing or not any(c in header for c in ("segment_id", "start", "quote")):
        found = ", ".join(header) or "none"
        need = ", ".join(missing) if missing else "a locator (segment_id, start+end or quote)"
        raise ImportFormatError(f"{path}: missing column(s) {need}; the columns found are {found}")
    if ("start" in header) != ("end" in header):
        raise ImportFormatError(f"{path}: columns start and end must come together")
    if raw.empty:
        raise ImportFormatError(
            f"{path}: has a header but no codings; add one row per coded unit and code "
            "(an empty code for a unit read and given no code)"
        )

    problems: list[Problem] = []
    rows = []
    for line, record in zip(lines, raw.to_dict("records"), strict=True):
        row = _parse_row(record, int(line), path, problems)
        row["coder"] = (record.get("coder") or "").strip() or coder or path.stem
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if codes is not None:
        problems += _unknown(frame, "code", list(codes), path, "code id")
    if units is not None:
        problems += _unknown(
            frame, "document", list(dict.fromkeys(units["document"])), path, "document"
        )
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise ImportFormatError(f"{path}: {len(problems)} problem(s) in the coding table", problems)
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    frame["negated"] = frame["negated"].astype(bool)
    frame.attrs.update(path=str(path), negated_known="negated" in header)
    return frame


def _read_rows(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """All cells as strings, and the file line of each row."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
            return frame, list(range(2, len(frame) + 2))
        if suffix not in (".csv", ".tsv", ".txt"):
            raise ImportFormatError(f"{path}: unsupported coding table format; use .csv or .xlsx")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            delimiter = "\t" if suffix == ".tsv" or sample.count("\t") > sample.count(",") else ","
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, [])
            records, lines = [], []
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                records.append((row + [""] * len(header))[: len(header)])
                lines.append(reader.line_num)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ImportFormatError(f"{path}: cannot read the coding table ({err})") from None
    return pd.DataFrame(records, columns=header), lines


def _parse_row(record: dict, line: int, path: Path, problems: list[Problem]) -> dict:
    def cell(name: str) -> str:
        return str(record.get(name) or "").strip()

    row: dict = {"document": cell("document"), "code": cell("code"), "line": line}
    row.update(segment_id="", start=None, end=None, quote="")
    if not row["document"]:
        problems.append(Problem("column document: empty", path, line))
    if cell("segment_id"):
        row["segment_id"] = cell("segment_id")
    elif cell("start") or cell("end"):
        for name in ("start", "end"):
            try:
                row[name] = int(cell(name))
            except ValueError:
                problems.append(
                    Problem(f"column {name}: '{cell(name)}' is not a whole number", path, line)
                )
        start, end = row["start"], row["end"]
        if start is not None and end is not None and not 0 <= start < end:
            message = f"start {start} must be >= 0 and below end {end}"
            problems.append(Problem(message, path, line))
    elif cell("quote"):
        row["quote"] = cell("quote")
    else:
        problems.append(Problem("no locator: fill segment_id, start and end, or quote", path, line))
    flag = parse_flag(cell("negated"))
    if flag is None:
        problems.append(
            Problem(f"column negated: '{cell('negated')}' is not true/false", path, line)
        )
    row["negated"] = bool(flag)
    return row


def _unknown(
    frame: pd.DataFrame, column: str, known: list[str], path: Path, what: str
) -> list[Problem]:
    problems = []
    for value, line in zip(frame[column], frame["line"], strict=True):
        if value and value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else None
            problems.append(Problem(f"unknown {what} '{value}'", path, int(line), hint=hint))
    return problems


def split_coders(coding: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One coding table per value of its ``coder`` column, in order of appearance."""
    parts = {}
    for name, part in coding.groupby("coder", sort=False):
        parts[str(name)] = part.copy()
        parts[str(name)].attrs = dict(coding.attrs)
    return parts


def align_coding(
    coding: pd.DataFrame,
    units: pd.DataFrame,
    *,
    codes: Sequence[str],
    span: Literal["largest", "all"] = "largest",
) -> pd.DataFrame:
    """Map a coding table (from :func:`read_coding`) onto the units; see the module docstring.

    Returns a frame indexed by ``segment_id`` (every unit, in ``units`` order) with one nullable
    0/1 column per code and a ``"<code> (negated)"`` column per code; ``<NA>`` marks units of
    documents the coder did not code. Rows that cannot be aligned raise AnalysisError listing
    every one of them.
    """
    check_codes(codes)
    if span not in ("largest", "all"):
        raise AnalysisError(f"unknown span rule '{span}'; use largest or all")
    path = coding.attrs.get("path", "<coding>")
    by_document = {doc: part for doc, part in units.groupby("document", sort=False)}
    problems: list[Problem] = []
    hits: list[tuple[str, str, bool]] = []
    for row in coding.itertuples(index=False):
        doc_units = by_document.get(row.document)
        if doc_units is None:
            problems.append(Problem(f"document '{row.document}' has no units", path, row.line))
            continue
        found, reason = _locate(row, doc_units, span)
        if reason:
            problems.append(Problem(reason, path, row.line))
        elif row.code:
            if row.code not in codes:
                problems.append(Problem(f"unknown code id '{row.code}'", path, row.line))
            hits += [(segment, row.code, bool(row.negated)) for segment in found]
    if problems:
        raise AnalysisError(
            f"{len(problems)} coding row(s) cannot be aligned with the units", problems
        )
    covered = units["document"].isin(set(coding["document"]))
    return _wide(units, covered, hits, codes, with_negated=coding.attrs.get("negated_known", True))


def _locate(row: Any, doc_units: pd.DataFrame, span: str) -> tuple[list[str], str]:
    """The segment ids a coding row points at, or an explanation of why it points nowhere."""
    segment_id, start, end, quote = row.segment_id, row.start, row.end, row.quote
    ids = doc_units["segment_id"].astype(str)
    if segment_id:
        if segment_id in set(ids):
            return [segment_id], ""
        listed = ", ".join(ids.head(8)) + (", …" if len(ids) > 8 else "")
        return [], f"segment_id '{segment_id}' is not a unit of '{row.document}' (units: {listed})"
    if quote:
        wanted = " ".join(quote.split())
        texts = doc_units["text"].fillna("").map(lambda t: " ".join(str(t).split()))
        found = list(ids[texts.str.contains(wanted, regex=False)])
        if len(found) == 1:
            return found, ""
        if not found:
            return [], f"quote '{_short(quote)}' is not inside any single unit of the document"
        return [], f"quote '{_short(quote)}' occurs in {', '.join(found)}; quote more text"
    lo = doc_units["start"].astype(int).clip(lower=int(start))
    hi = doc_units["end"].astype(int).clip(upper=int(end))
    overlap = (hi - lo).clip(lower=0)
    if overlap.max() <= 0:
        return [], f"span {start}-{end} overlaps no unit (interviewer turn or past the end?)"
    if span == "all":
        return list(ids[overlap > 0]), ""
    return [ids.loc[overlap.idxmax()]], ""


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wide(
    units: pd.DataFrame,
    covered: pd.Series,
    hits: list[tuple[str, str, bool]],
    codes: Sequence[str],
    *,
    with_negated: bool,
) -> pd.DataFrame:
    index = pd.Index(units["segment_id"].astype(str), name="segment_id")
    base = pd.Series(covered.to_numpy(), index=index).map({True: 0, False: pd.NA}).astype("Int64")
    result = pd.DataFrame({code: base.copy() for code in codes})
    negated = pd.DataFrame({f"{c}{NEGATED_SUFFIX}": base.copy() for c in codes})
    for segment, code, is_negated in hits:
        result.at[segment, code] = 1
        if is_negated:
            negated.at[segment, f"{code}{NEGATED_SUFFIX}"] = 1
    return pd.concat([result, negated], axis=1) if with_negated else result


def coding_from_segments(
    segments: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]
) -> pd.DataFrame:
    """The automatic coding in the shape of :func:`align_coding` (every unit covered)."""
    check_codes(codes)
    hits: list[tuple[str, str, bool]] = []
    if not segments.empty:
        pairs = coded_pairs(segments, codes)
        hits = list(
            zip(pairs["segment_id"].astype(str), pairs["code"], pairs["negated"], strict=True)
        )
    covered = pd.Series(True, index=units.index)
    return _wide(units, covered, hits, codes, with_negated=True)


def collect_codings(
    paths: Sequence[str | Path],
    units: pd.DataFrame,
    *,
    codes: Sequence[str],
    segments: pd.DataFrame | None = None,
    auto_name: str = "auto",
    warnings: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Read, split by coder and align every coding table (.csv, .xlsx, or a REFI-QDA .qdpx
    project from NVivo, ATLAS.ti, MAXQDA, QualCoder…); add the automatic coding as
    ``auto_name`` when ``segments`` is given. Coder names must be unique across files.
    What a .qdpx reader skipped or repaired is appended to ``warnings`` when a list is given."""
    codings: dict[str, pd.DataFrame] = {}
    for path in paths:
        table = _read_any(path, codes=codes, units=units, warnings=warnings)
        for coder, part in split_coders(table).items():
            if coder in codings or (segments is not None and coder == auto_name):
                raise AnalysisError(
                    f"{path}: coder '{coder}' appears twice; give each coding its own coder name"
                )
            codings[coder] = align_coding(part, units, codes=codes)
    if segments is not None:
        codings[auto_name] = coding_from_segments(segments, units, codes)
    return codings


def _read_any(
    path: str | Path, *, codes: Sequence[str], units: pd.DataFrame, warnings: list[str] | None
) -> pd.DataFrame:
    """A coding table from a .csv/.xlsx file or from the selections of a .qdpx project."""
    if Path(path).suffix.lower() != ".qdpx":
        return read_coding(path, codes=codes, units=units)
    from ksmcode.refiqda import qdpx_to_coding, read_qdpx

    project = read_qdpx(path)
    if warnings is not None:
        warnings.extend(f"{path}: {message}" for message in project.warnings)
    spans = qdpx_to_coding(project, units)
    table = pd.DataFrame(
        {
            "document": spans["document"].astype(str),
            "code": spans["code"].astype(str),
            "segment_id": "",
            "start": spans["start"].astype("Int64"),
            "end": spans["end"].astype("Int64"),
            "quote": "",
            "negated": spans["negated"].astype(bool),
            "coder": spans["coder"].astype(str).replace("", Path(path).stem),
            "line": range(1, len(spans) + 1),
        },
        columns=COLUMNS,
    )
    table.attrs.update(path=f"{path} (selection)", negated_known=True)
    return table
