"""Write the outputs of a coding run: segments, units, evidence and run.json."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ksmcode import __version__
from ksmcode.analysis.frame import (
    EVIDENCE_COLUMNS,
    DocumentRows,
    attribute_names,
    document_rows,
    table_columns,
    table_frames,
)
from ksmcode.codebook.model import Codebook
from ksmcode.errors import ExportError
from ksmcode.export.atomic import ensure_writable, file_sha256, writing_into
from ksmcode.export.csvparts import CsvParts, attribute_cells, csv_parts
from ksmcode.export.tables import FORMATS, csv_lines, serialise
from ksmcode.io.documents import DOCUMENTS_FILE, dump_documents
from ksmcode.matching.engine import CodingResult
from ksmcode.model import Document

if TYPE_CHECKING:
    from ksmcode.location import Location

SPOOL = ".ksmcode-run-"  # a run's private folder inside out/: .ksmcode-run-<pid>-<random>
CHUNK = 20  # documents assembled at a time into csv / jsonl tables
NEGATED = EVIDENCE_COLUMNS.index("negated")


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
    from_cache: int = 0  # documents whose coding came from the cache of an earlier run
    model: str | None = None  # the trained coder that decided the codes, if one did

    @property
    def percent_coded(self) -> float:
        return 100.0 * self.coded_units / self.units if self.units else 0.0


@dataclass
class RunCounts:
    """Counts kept as documents are written, for the summary and run.json."""

    code_ids: tuple[str, ...]
    documents: int = 0
    units: int = 0
    coded_units: int = 0
    matches: int = 0
    negated_matches: int = 0
    per_code: Counter[str] = field(default_factory=Counter)

    def add(self, rows: DocumentRows) -> None:
        self.documents += 1
        self.units += len(rows.units)
        self.coded_units += sum(any(u[c] for c in self.code_ids) for u in rows.units)
        self.matches += len(rows.evidence)
        self.negated_matches += sum(bool(e[NEGATED]) for e in rows.evidence)
        self.per_code.update(s["code"] for s in rows.segments)

    def summary(self, warnings: tuple[str, ...]) -> RunSummary:
        return RunSummary(
            documents=self.documents,
            units=self.units,
            coded_units=self.coded_units,
            matches=self.matches,
            negated_matches=self.negated_matches,
            codes_never_matched=tuple(c for c in self.code_ids if not self.per_code[c]),
            warnings=warnings,
        )


def run_record(
    codebook: Codebook,
    transcripts: Location,
    inputs: list[dict[str, str]],
    options: dict[str, Any],
    counts: RunCounts,
    warnings: tuple[str, ...],
) -> dict:
    """The provenance record written as run.json: no timestamps, so equal runs give equal files."""
    return {
        "ksmcode": __version__,
        "transcripts": str(transcripts),
        "codebook": {
            "name": codebook.name,
            "version": codebook.version,
            "path": codebook.path,
            "sha256": codebook.sha256,
            "codes": list(codebook.code_ids),
            "families": {c.id: c.family for c in codebook.codes},
            "labels": {c.id: c.labels for c in codebook.codes},
        },
        "inputs": inputs,
        "options": options,
        "counts": {
            "documents": counts.documents,
            "units": counts.units,
            "coded_units": counts.coded_units,
            "matches": counts.matches,
            "negated_matches": counts.negated_matches,
            "segments_per_code": {c: counts.per_code[c] for c in codebook.code_ids},
        },
        "warnings": list(warnings),
    }


def check_output_folder(out_dir: str | Path) -> Path:
    """Make sure ``out_dir`` is (or can become) a writable folder; raise ExportError if not."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder; choose another --out")
    ensure_writable(out)
    return out


class CodingWriter:
    """Writes a run into ``out_dir`` document by document, so memory does not grow with the
    corpus: each document's rows are spooled to a private folder inside ``out_dir`` as they
    come; csv and jsonl tables are appended there a chunk of documents at a time while the run
    goes on (assembled again from the spool at the end if a later document brings a new
    metadata column), xlsx and parquet are assembled from the spool in one piece at the end;
    every file is moved into place only when all are written.

    Use it as a context manager: a failure (or Ctrl-C) removes the spool and leaves the
    earlier outputs as they were. Spools of runs that were killed are removed by the next run.
    """

    def __init__(self, out_dir: str | Path, fmt: str, codebook: Codebook, *, model: bool = False):
        if fmt not in FORMATS:
            raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
        self.out, self.fmt, self.codebook = check_output_folder(out_dir), fmt, codebook
        self.model = model  # a learned model decided: segments get confidence, + decisions
        remove_stale_spools(self.out)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SPOOL}{os.getpid()}-", dir=self.out))
        self._rows = (self.folder / "rows.pickle").open("wb")
        self._documents: BinaryIO | None = None
        self.counts = RunCounts(codebook.code_ids)
        self.inputs: list[dict[str, str]] = []
        self._attributes: dict[str, None] = {}
        names = ["segments", "units", "evidence", "suppressed"] + ["decisions"] * model
        self._targets = [self.folder / f"{name}.{fmt}" for name in names]
        self._appending = fmt in ("csv", "jsonl")  # tables written as documents come
        self._pending: list[tuple[DocumentRows, CsvParts | None]] = []
        self._tables: _Tables | None = None

    def __enter__(self) -> CodingWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._rows.close()
        if self._documents:
            self._documents.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add(
        self,
        rows: DocumentRows,
        source: dict[str, str],
        document: Document | None = None,
        csv: CsvParts | None = None,
    ) -> None:
        """Spool one document's rows; ``source`` is its run.json ``inputs`` entry. With a
        ``document``, its text is kept in documents.jsonl (pseudonymised runs); ``csv`` is its
        csv lines if they were rendered already (by a worker)."""
        with writing_into(self.out):
            pickle.dump(rows, self._rows, protocol=pickle.HIGHEST_PROTOCOL)
            if document is not None:
                if self._documents is None:
                    self._documents = (self.folder / DOCUMENTS_FILE).open("wb")
                self._documents.write(dump_documents([document]))
            self.counts.add(rows)
            self.inputs.append(source)
            self._attributes.update(dict.fromkeys(rows.attributes))
            if self._appending:
                self._pending.append((rows, csv))
                if len(self._pending) == CHUNK:
                    self._append_pending()

    def _append_pending(self) -> None:
        attributes = attribute_names([self._attributes])
        if self._tables is None:
            self._tables = _Tables(self._targets, self.codebook, attributes, self.fmt, self.model)
        if self._tables.attributes != attributes:  # a new metadata column: start again at the end
            self._appending = False
        else:
            self._tables.append(self._pending)
        self._pending = []

    def finish(
        self,
        transcripts: Location,
        options: dict[str, Any],
        warnings: tuple[str, ...],
        cache: dict[str, int] | None = None,
    ) -> RunSummary:
        """Write the tables and run.json, move them into ``out_dir``; return the summary.
        ``cache`` says how many documents came from the cache (recorded in run.json)."""
        with writing_into(self.out):
            return self._finish(transcripts, options, warnings, cache)

    def _finish(
        self,
        transcripts: Location,
        options: dict[str, Any],
        warnings: tuple[str, ...],
        cache: dict[str, int] | None,
    ) -> RunSummary:
        self._rows.close()
        if self._appending:
            self._append_pending()
        if not self._appending:
            attributes = attribute_names([self._attributes])
            spool, targets = self.folder / "rows.pickle", self._targets
            _assemble(spool, self.codebook, attributes, self.fmt, targets, self.model)
        written = list(self._targets)
        record = run_record(
            self.codebook, transcripts, self.inputs, {**options, "format": self.fmt},
            self.counts, warnings,
        )  # fmt: skip
        if cache is not None:
            record["cache"] = cache
        text = json.dumps(record, indent=2, ensure_ascii=False, default=_jsonable) + "\n"
        (self.folder / "run.json").write_text(text, "utf-8")
        written.append(self.folder / "run.json")
        if self._documents is not None:
            self._documents.close()
            written.append(self.folder / DOCUMENTS_FILE)
        for path in written:
            os.replace(path, self.out / path.name)
        if self._documents is None:
            (self.out / DOCUMENTS_FILE).unlink(missing_ok=True)  # an earlier run's, now untrue
        if not self.model:  # a model run's decisions do not hold for a rules-only run
            (self.out / f"decisions.{self.fmt}").unlink(missing_ok=True)
        summary = self.counts.summary(warnings)
        return dataclasses.replace(summary, from_cache=(cache or {}).get("documents", 0))


def _spooled(path: Path) -> Iterator[DocumentRows]:
    with path.open("rb") as spool:
        while True:
            try:
                yield pickle.load(spool)
            except EOFError:
                return


def _assemble(
    spool: Path,
    codebook: Codebook,
    attributes: list[str],
    fmt: str,
    targets: list[Path],
    model: bool = False,
) -> None:
    """Write the tables from the spooled rows: csv and jsonl a chunk of documents at a time,
    other formats in one piece."""
    if fmt not in ("csv", "jsonl"):
        frames = table_frames(_spooled(spool), codebook, attributes, model=model)
        for frame, target in zip(frames.values(), targets, strict=True):
            serialise(frame, target, fmt)
        return
    tables, documents = _Tables(targets, codebook, attributes, fmt, model), _spooled(spool)
    for chunk in iter(lambda: list(itertools.islice(documents, CHUNK)), []):
        tables.append([(rows, None) for rows in chunk])
    if not tables.started:  # no documents: the tables' headers only
        tables.append([])


@dataclass
class _Tables:
    """csv or jsonl tables appended a chunk of documents at a time: byte for byte what one
    frame of all the rows gives, as long as every chunk has the same attribute columns."""

    targets: list[Path]
    codebook: Codebook
    attributes: list[str]
    fmt: str
    model: bool
    started: bool = False

    def __post_init__(self) -> None:
        self.columns = table_columns(self.codebook, self.attributes, model=self.model)

    def append(self, documents: list[tuple[DocumentRows, CsvParts | None]]) -> None:
        """Append some documents' rows (csv: rendered here unless they come rendered)."""
        if self.fmt == "csv":  # straight from the rows: no frames to build
            parts = [
                (p or csv_parts(rows, self.codebook, self.model),
                 attribute_cells(self.attributes, rows.attributes))
                for rows, p in documents
            ]  # fmt: skip
            for name, target in zip(self.columns, self.targets, strict=True):
                header = [] if self.started else csv_lines([self.columns[name]])
                text = [p.join(name, cells) for p, cells in parts]
                if header or any(text):
                    mode = "a" if self.started else "w"  # "w": the restart of a late column
                    with target.open(mode, encoding="utf-8", newline="") as handle:
                        handle.writelines(header + text)
        else:
            rows = [rows for rows, _ in documents]
            frames = table_frames(rows, self.codebook, self.attributes, model=self.model)
            for frame, target in zip(frames.values(), self.targets, strict=True):
                if not self.started or len(frame):
                    serialise(frame, target, self.fmt, append=self.started)
        self.started = True


def remove_stale_spools(out: Path) -> None:
    """Remove the spool folders that runs killed before they finished left in ``out``."""
    for folder in out.glob(f"{SPOOL}*"):
        pid = folder.name[len(SPOOL) :].split("-", 1)[0]
        if folder.is_dir() and not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_coding(result: CodingResult, out_dir: str | Path, fmt: str = "csv") -> RunSummary:
    """Write the segments, units, evidence and suppressed-evidence tables and run.json of an
    in-memory coding into ``out_dir`` (``code_study`` streams instead), all or nothing."""
    codebook = result.codebook
    with CodingWriter(out_dir, fmt, codebook) as writer:
        for coded in result.documents:
            doc = coded.document
            keep = doc if result.options.get("pseudonymise") else None
            writer.add(document_rows(coded, codebook), input_record(doc), keep)
        warnings = (*result.corpus.warnings, *codebook.warnings, *result.warnings)
        return writer.finish(result.corpus.root, result.options, warnings)


def input_record(document: Document, sha256: str | None = None) -> dict[str, str]:
    """A document's run.json ``inputs`` entry (its file hashed unless ``sha256`` is given)."""
    digest = sha256 or file_sha256(document.path)
    return {"document": document.id, "sha256": digest, "encoding": document.encoding}


def _jsonable(value: Any) -> Any:
    return str(value)
