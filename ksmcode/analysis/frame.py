"""The coding as pandas DataFrames: built once here, read by every analysis and exporter.

Frames (columns in this order; attribute columns are the union of all documents' metadata
attributes, in first-seen order):

- ``segments``: one row per (segment, code). ID_COLUMNS, ``code``, ``family``, ``negated``
  (True when at least half of the evidence is negated), ``denials`` (how many pieces are negated:
  "no formal termination, but we are still monitored" is affirmed with one denial),
  ``evidence`` (readable summary), ``text``, attributes.
- ``units``: one row per non-interviewer unit, coded or not. ID_COLUMNS, ``text``,
  ``question`` (the interviewer's turn right before the unit's turn, if any), attributes, one
  0/1 column per code in codebook order.
- ``evidence``: one row per piece of evidence (``Match``), with the id of the rule behind it.
- ``suppressed``: one row per piece of evidence the codebook's filters discarded: the evidence
  columns plus ``reason`` (exclude, when_negated, yield_to, min_terms) and ``detail`` (the
  exclude rule, the negation cue, the code yielded to, the terms found).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ksmcode.codebook.model import Codebook
from ksmcode.errors import AnalysisError
from ksmcode.export.tables import FORMATS, read_table
from ksmcode.flags import flags
from ksmcode.model import Document, Match, Segment

if TYPE_CHECKING:  # the engine imports spaCy, which analyses of a finished run never need
    from ksmcode.matching.engine import CodingResult, DocumentCoding

ID_COLUMNS = [
    "document",
    "segment_id",
    "start",
    "end",
    "speaker",
    "informant",
    "role",
    "method",
    "language",
]
# A unit's own text, and the interviewer's turn right before its turn (empty if there is none):
# a human codes an answer with its question in mind, and so does the learned model.
TEXT_COLUMNS = ["text", "question"]
INTEGER_COLUMNS = {"start", "end", "denials", "coded", "rules"}
FLOAT_COLUMNS = {"confidence", "probability", "threshold"}
EVIDENCE_COLUMNS = [
    "document",
    "segment_id",
    "code",
    "rule",
    "rule_id",
    "term",
    "start",
    "end",
    "matched",
    "negated",
    "cue",
]
SUPPRESSED_COLUMNS = [*EVIDENCE_COLUMNS, "reason", "detail"]
MODEL_COLUMNS = ["confidence", "source"]  # segments of a run coded with a model
DECISION_COLUMNS = ["document", "segment_id", "code", "probability", "threshold", "coded",
                    "rules", "source", "negation"]  # fmt: skip


@dataclass(frozen=True)
class Coding:
    """A coding as frames, in memory or read back from an output folder."""

    segments: pd.DataFrame
    units: pd.DataFrame
    evidence: pd.DataFrame
    run: dict[str, Any]
    code_ids: tuple[str, ...]
    families: dict[str, str]
    folder: Path | None = None  # the output folder it was read from, if any
    suppressed: pd.DataFrame | None = None  # None: a run folder written before it was recorded
    decisions: pd.DataFrame | None = None  # a learned model's decisions (``apply_model``)

    def _repr_html_(self) -> str:
        from ksmcode.report.notebook import coding_html

        return coding_html(self)


def attribute_names(documents: Iterable[Iterable[str]]) -> list[str]:
    """The attribute columns: the documents' metadata attribute names, in first-seen order."""
    names: dict[str, None] = {}
    for attributes in documents:
        names.update(dict.fromkeys(attributes))
    reserved = {*ID_COLUMNS, *TEXT_COLUMNS, "code", "family"}
    return [n for n in names if n not in reserved]


def _unit_row(doc: Document, seg: Segment) -> dict[str, Any]:
    meta = doc.meta
    return {
        "document": doc.id,
        "segment_id": seg.id,
        "start": seg.start,
        "end": seg.end,
        "speaker": seg.speaker or "",
        "informant": meta.informant or "",
        "role": meta.role or "",
        "method": meta.method or "",
        "language": meta.language or "",
        "text": doc.text[seg.start : seg.end],
        "question": question_before(doc, seg),
    }


def question_before(doc: Document, seg: Segment) -> str:
    """The interviewer's turn right before the segment's turn, or "" (none, or another
    informant spoke in between)."""
    if seg.turn_index == 0:
        return ""
    turn = doc.turns[seg.turn_index - 1]
    return doc.text[turn.start : turn.end] if turn.is_interviewer else ""


def is_denied(evidence: list[Match]) -> bool:
    """A code is negated in a unit when at least half of its evidence is: a human lets the
    denial of the topic win ("no formal termination, we were never released")."""
    return 2 * sum(m.negated for m in evidence) >= len(evidence)


def describe_evidence(matches: list[Match]) -> str:
    """One readable line per code, each piece led by its rule id:
    ``stage.planning/keyword/2 'musyawarah' → "musyawarah" [120:130]; …``."""
    parts = []
    for m in matches:
        negation = f" (negated by '{m.cue}')" if m.negated else ""
        rule = m.rule_id or m.rule
        parts.append(f"{rule} '{m.term}' → \"{m.text}\" [{m.start}:{m.end}]{negation}")
    return "; ".join(parts)


def _evidence_row(doc: Document, seg: Segment, m: Match) -> list[Any]:
    return [doc.id, seg.id, m.code, m.rule, m.rule_id, m.term, m.start, m.end, m.text,
            m.negated, m.cue or ""]  # fmt: skip


@dataclass(frozen=True)
class DocumentRows:
    """One document's rows of the coding tables, without the attribute columns (which depend
    on every document): plain lists, small to keep, pickle or send between processes."""

    document: str
    attributes: dict[str, str]  # the document's metadata attributes, as text
    units: list[dict[str, Any]]  # ID_COLUMNS, text, one 0/1 entry per code
    segments: list[dict[str, Any]]  # ID_COLUMNS, code ... text
    evidence: list[list[Any]]  # EVIDENCE_COLUMNS
    suppressed: list[list[Any]]  # SUPPRESSED_COLUMNS
    decisions: list[list[Any]] | None = None  # DECISION_COLUMNS, when a model decided


def document_rows(coded: DocumentCoding, codebook: Codebook) -> DocumentRows:
    """The rows one coded document adds to the tables (see the module docstring)."""
    code_ids = codebook.code_ids
    families = {c.id: c.family for c in codebook.codes}
    order = {c: i for i, c in enumerate(code_ids)}
    doc = coded.document
    by_segment: dict[int, dict[str, list[Match]]] = defaultdict(lambda: defaultdict(list))
    for m in coded.matches:
        by_segment[m.segment_index][m.code].append(m)
    units: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    evidence_rows: list[list[Any]] = []
    for seg in coded.segments:
        if seg.is_interviewer:
            continue
        base = _unit_row(doc, seg)
        codes = by_segment.get(seg.index, {})
        units.append({**base, **{c: int(c in codes) for c in code_ids}})
        for code in sorted(codes, key=order.__getitem__):
            evidence = sorted(codes[code], key=lambda m: (m.start, m.end))
            row = {k: v for k, v in base.items() if k not in TEXT_COLUMNS}
            row.update(
                code=code,
                family=families[code],
                negated=is_denied(evidence),
                denials=sum(m.negated for m in evidence),
                evidence=describe_evidence(evidence),
                text=base["text"],
            )
            segments.append(row)
            evidence_rows.extend(_evidence_row(doc, seg, m) for m in evidence)
    by_index = {seg.index: seg for seg in coded.segments}
    suppressed = [
        [*_evidence_row(doc, by_index[m.segment_index], m), reason, detail]
        for reason, detail, m in coded.suppressed
    ]
    attributes = {k: "" if v is None else str(v) for k, v in doc.meta.attributes.items()}
    return DocumentRows(doc.id, attributes, units, segments, evidence_rows, suppressed)


def table_columns(
    codebook: Codebook, attributes: list[str], *, model: bool = False
) -> dict[str, list[str]]:
    """The columns of each table, in order (with ``model``: the learned stage's too)."""
    seg_columns = [*ID_COLUMNS, "code", "family", "negated", "denials", "evidence", "text"]
    columns = {
        "segments": [*seg_columns, *(MODEL_COLUMNS if model else []), *attributes],
        "units": [*ID_COLUMNS, *TEXT_COLUMNS, *attributes, *codebook.code_ids],
        "evidence": EVIDENCE_COLUMNS,
        "suppressed": SUPPRESSED_COLUMNS,
    }
    return {**columns, "decisions": DECISION_COLUMNS} if model else columns


def table_frames(
    documents: Iterable[DocumentRows],
    codebook: Codebook,
    attributes: list[str],
    *,
    model: bool = False,
) -> dict[str, pd.DataFrame]:
    """The tables (segments, units, evidence, suppressed, and decisions with ``model``) of
    some documents' rows, with the attribute columns ``attributes``."""
    columns = table_columns(codebook, attributes, model=model)
    rows = table_rows(documents, attributes, model=model)
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in columns}


def table_rows(
    documents: Iterable[DocumentRows], attributes: list[str], *, model: bool = False
) -> dict[str, list[Any]]:
    """Each table's rows (dicts for segments and units, lists in column order for the others)
    of some documents' rows, with their values of ``attributes``."""
    rows: dict[str, list[Any]] = {"segments": [], "units": [], "evidence": [], "suppressed": []}
    if model:
        rows["decisions"] = []
    for d in documents:
        values = {name: d.attributes.get(name, "") for name in attributes}
        rows["units"].extend({**u, **values} for u in d.units)
        rows["segments"].extend({**s, **values} for s in d.segments)
        rows["evidence"].extend(d.evidence)
        rows["suppressed"].extend(d.suppressed)
        if model:
            rows["decisions"].extend(d.decisions or [])
    return rows


def coding_frames(result: CodingResult) -> Coding:
    """Build the frames of a coding result."""
    codebook = result.codebook
    documents = [document_rows(d, codebook) for d in result.documents]
    attributes = attribute_names(d.attributes for d in documents)
    frames = table_frames(documents, codebook, attributes)
    return Coding(
        segments=frames["segments"],
        units=frames["units"],
        evidence=frames["evidence"],
        run={},
        code_ids=codebook.code_ids,
        families={c.id: c.family for c in codebook.codes},
        suppressed=frames["suppressed"],
    )


def load_coding(out_dir: str | Path | None = None) -> Coding:
    """Read the output folder of ``ksmcode code`` back into frames (default: the ``out``
    folder named by ./ksmcode.yaml, else ``out``).

    Example::

        coding = load_coding("out")
        coding.units.groupby("role")[list(coding.code_ids)].sum()
    """
    if out_dir is None:
        from ksmcode.config import load_project

        out_dir = load_project().out
    out = Path(out_dir)
    run_path = out / "run.json"
    if not run_path.is_file():
        raise AnalysisError(
            f"{out}: no run.json here; run 'ksmcode code --out {out}' first, or point --out at "
            "the folder it wrote"
        )
    try:
        run = json.loads(run_path.read_text("utf-8"))
        fmt = run["options"]["format"]
        code_ids = tuple(run["codebook"]["codes"])
        families = dict(run["codebook"]["families"])
    except (ValueError, KeyError, TypeError):
        raise AnalysisError(
            f"{run_path}: not a ksmcode run file; run 'ksmcode code' again"
        ) from None
    if fmt not in FORMATS:
        raise AnalysisError(f"{run_path}: unknown output format '{fmt}'")
    frames = {}
    integers = INTEGER_COLUMNS | set(code_ids)
    for name in ("segments", "units", "evidence"):
        path = out / f"{name}.{fmt}"
        if not path.is_file():
            raise AnalysisError(f"{path}: missing; run 'ksmcode code --out {out}' again")
        table = read_table(path, as_text=True, integers=integers)
        missing = [c for c in _required(name, code_ids) if c not in table.columns]
        if missing:
            raise AnalysisError(
                f"{path}: column(s) {', '.join(repr(c) for c in missing)} missing; it was "
                f"changed after 'ksmcode code' wrote it. Run 'ksmcode code --out {out}' again"
            )
        try:
            frames[name] = _typed(table, code_ids)
        except ValueError as exc:
            raise AnalysisError(
                f"{path}: {exc}; it was changed after 'ksmcode code' wrote it. Run "
                f"'ksmcode code --out {out}' again"
            ) from None
    if "rule_id" not in frames["evidence"]:  # a run folder from before rule ids
        frames["evidence"].insert(4, "rule_id", "")
    optional = {}
    for name in ("suppressed", "decisions"):
        path = out / f"{name}.{fmt}"
        if path.is_file():
            optional[name] = _typed(read_table(path, as_text=True, integers=integers), code_ids)
    return Coding(
        frames["segments"],
        frames["units"],
        frames["evidence"],
        run,
        code_ids,
        families,
        out,
        optional.get("suppressed"),
        optional.get("decisions"),
    )


def _required(name: str, code_ids: tuple[str, ...]) -> list[str]:
    """The columns the analyses rely on, per table of an output folder."""
    keys = ["document", "segment_id"]
    if name == "units":
        return [*keys, *code_ids]
    return [*keys, "code"] if name == "evidence" else [*keys, "code", "negated"]


def _typed(frame: pd.DataFrame, code_ids: tuple[str, ...]) -> pd.DataFrame:
    """Restore the types ``coding_frames`` gives: offsets, counts and 0/1 code columns are
    integers, flags are bools, everything else (metadata such as RT "03") stays text."""
    frame = frame.copy()
    for column in frame.columns:
        if column in INTEGER_COLUMNS or column in code_ids:
            if frame[column].dtype.kind != "i":
                frame[column] = pd.to_numeric(frame[column]).astype(int)
        elif column in FLOAT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column])
        elif column == "negated":
            frame[column] = flags(frame[column])
        else:
            frame[column] = frame[column].fillna("").astype(str)
    return frame
