"""Write the outputs of a coding run: segments, units, evidence and run.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksmcode import __version__
from ksmcode.analysis.frame import Coding
from ksmcode.errors import ExportError
from ksmcode.export.atomic import ensure_writable, file_sha256
from ksmcode.export.tables import FORMATS, write_tables
from ksmcode.io.documents import DOCUMENTS_FILE, dump_documents
from ksmcode.matching.engine import CodingResult


@dataclass(frozen=True)
class RunSummary:
    """What a run did, for the closing summary and run.json."""

    documents: int
    units: int
    coded_units: int
    matches: int
    negated_matches: int
    codes_never_matched: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def percent_coded(self) -> float:
        return 100.0 * self.coded_units / self.units if self.units else 0.0


def summarise(result: CodingResult, coding: Coding) -> RunSummary:
    units = coding.units
    code_ids = list(coding.code_ids)
    coded = int((units[code_ids].sum(axis=1) > 0).sum()) if len(units) else 0
    used = set(coding.segments["code"])
    matches = result.matches
    return RunSummary(
        documents=len(result.documents),
        units=len(units),
        coded_units=coded,
        matches=len(matches),
        negated_matches=sum(m.negated for m in matches),
        codes_never_matched=tuple(c for c in code_ids if c not in used),
        warnings=(*result.corpus.warnings, *result.codebook.warnings, *result.warnings),
    )


def run_record(result: CodingResult, coding: Coding, summary: RunSummary, fmt: str) -> dict:
    """The provenance record written as run.json: no timestamps, so equal runs give equal files."""
    codebook = result.codebook
    inputs = []
    for coded in result.documents:
        doc = coded.document
        digest = file_sha256(doc.path)
        inputs.append({"document": doc.id, "sha256": digest, "encoding": doc.encoding})
    per_code = coding.segments.groupby("code").size() if len(coding.segments) else {}
    return {
        "ksmcode": __version__,
        "transcripts": str(result.corpus.root),
        "codebook": {
            "name": codebook.name,
            "version": codebook.version,
            "path": codebook.path,
            "sha256": codebook.sha256,
            "codes": list(coding.code_ids),
            "families": coding.families,
            "labels": {c.id: c.labels for c in codebook.codes},
        },
        "inputs": inputs,
        "options": {**result.options, "format": fmt},
        "counts": {
            "documents": summary.documents,
            "units": summary.units,
            "coded_units": summary.coded_units,
            "matches": summary.matches,
            "negated_matches": summary.negated_matches,
            "segments_per_code": {c: int(per_code.get(c, 0)) for c in coding.code_ids},
        },
        "warnings": list(summary.warnings),
    }


def check_output_folder(out_dir: str | Path) -> Path:
    """Make sure ``out_dir`` is (or can become) a writable folder; raise ExportError if not."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder; choose another --out")
    ensure_writable(out)
    return out


def write_coding(
    result: CodingResult, coding: Coding, out_dir: str | Path, fmt: str = "csv"
) -> RunSummary:
    """Write the segments, units, evidence and suppressed-evidence tables and run.json into
    ``out_dir``.

    Every file is written to a temporary name first and renamed only when all are written, so
    a failure leaves the earlier outputs intact and consistent.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    out = check_output_folder(out_dir)
    summary = summarise(result, coding)
    record = run_record(result, coding, summary, fmt)
    tables = {out / f"{name}.{fmt}": frame for name, frame in
              (("segments", coding.segments), ("units", coding.units),
               ("evidence", coding.evidence))}  # fmt: skip
    if coding.suppressed is not None:
        tables[out / f"suppressed.{fmt}"] = coding.suppressed
    text = json.dumps(record, indent=2, ensure_ascii=False, default=_jsonable) + "\n"
    extra = {out / "run.json": text.encode("utf-8")}
    if result.options.get("pseudonymise"):  # the texts that the outputs' offsets refer to
        extra[out / DOCUMENTS_FILE] = dump_documents(c.document for c in result.documents)
    write_tables(tables, fmt, extra=extra)
    if not result.options.get("pseudonymise"):
        (out / DOCUMENTS_FILE).unlink(missing_ok=True)  # an earlier run's, no longer true
    return summary


def _jsonable(value: Any) -> Any:
    return str(value)
