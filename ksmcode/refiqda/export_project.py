"""Export a coded corpus as a REFI-QDA project (.qdpx).

Layout: a ZIP holding exactly ``project.qde`` and ``sources/<guid>.txt`` (UTF-8, no BOM, LF:
exactly ``Document.text``). One PlainTextSelection per coded segment span, with one Coding per
code. A negated coding points at the code's ``<name> [negated]`` sibling (a codable code
under the same parent, with its own stable GUID), and the selection's Description lists the
negated code ids, so negation survives import into tools that know nothing about it.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

import ksmcode
from ksmcode.codebook.model import Codebook
from ksmcode.errors import ExportError, Problem
from ksmcode.export.atomic import atomic_path
from ksmcode.flags import flags
from ksmcode.model import Corpus, Document
from ksmcode.refiqda.archive import PROJECT_NS
from ksmcode.refiqda.export_codebook import build_code_tree, xml_bytes
from ksmcode.refiqda.guids import code_guid, source_guid, stable_guid
from ksmcode.refiqda.offsets import OFFSET_UNITS, OffsetUnit, to_unit, utf16_prefix

SEGMENT_COLUMNS = ("document", "start", "end", "code", "negated")
CASE_FIELDS = ("role", "method", "language")
_INT = re.compile(r"[+-]?\d+")


def _check(corpus: Corpus, codebook: Codebook, segments: pd.DataFrame) -> dict[str, Document]:
    missing = [c for c in SEGMENT_COLUMNS if c not in segments.columns]
    if missing:
        raise ExportError(
            f"segments table lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(SEGMENT_COLUMNS)} (the long table written by `ksmcode code`)"
        )
    docs = {d.id: d for d in corpus.documents}
    codes = set(codebook.code_ids)
    problems: list[Problem] = []
    length = segments["document"].map({d.id: len(d.text) for d in corpus.documents})
    start = pd.to_numeric(segments["start"], errors="coerce")
    end = pd.to_numeric(segments["end"], errors="coerce")
    fine = (start >= 0) & (start <= end) & (end <= length) & segments["code"].isin(codes)
    for row in segments[~fine.to_numpy(dtype=bool)].itertuples(index=False):  # rows to report
        doc = docs.get(row.document)
        if doc is None:
            problems.append(Problem(f"document '{row.document}' is not in the corpus"))
        elif not 0 <= int(row.start) <= int(row.end) <= len(doc.text):
            problems.append(
                Problem(
                    f"span {row.start}-{row.end} is outside the text ({len(doc.text)} characters)",
                    path=row.document,
                )
            )
        if row.code not in codes:
            problems.append(Problem(f"code '{row.code}' is not in codebook '{codebook.name}'"))
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ExportError("segments do not match the corpus and codebook", unique[:50])
    if not corpus.documents:
        raise ExportError("the corpus has no documents; a .qdpx needs at least one source")
    if not codebook.codes:
        raise ExportError(f"codebook '{codebook.name}' has no codes")
    return docs


def _variable_type(values: Iterable[Any]) -> str:
    values = list(values)
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(
        not isinstance(v, bool) and (isinstance(v, int) or _INT.fullmatch(str(v))) for v in values
    ):
        return "Integer"
    try:
        for v in values:
            if isinstance(v, bool) or not Decimal(str(v)).is_finite():
                return "Text"
    except InvalidOperation:
        return "Text"
    return "Float"


def _case_values(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """informant -> variable -> value; values that differ between an informant's documents
    are joined with '; ' as text."""
    seen: dict[str, dict[str, list[Any]]] = {}
    for doc in corpus.documents:
        if not doc.meta.informant:
            continue
        fields = {f: getattr(doc.meta, f) for f in CASE_FIELDS}
        fields.update(doc.meta.attributes)
        per = seen.setdefault(doc.meta.informant, {})
        for name, value in fields.items():
            if value is None or value == "" or isinstance(value, (list, dict, tuple)):
                continue
            if value not in per.setdefault(name, []):
                per[name].append(value)
    return {
        informant: {n: v[0] if len(v) == 1 else "; ".join(map(str, v)) for n, v in per.items()}
        for informant, per in seen.items()
    }


def _value_element(parent: ET.Element, var_guid: str, kind: str, value: Any) -> None:
    vv = ET.SubElement(parent, "VariableValue")
    ET.SubElement(vv, "VariableRef", targetGUID=var_guid)
    text = str(value).lower() if kind == "Boolean" else str(value).strip()
    ET.SubElement(vv, f"{kind}Value").text = text


def _add_cases(root: ET.Element, corpus: Corpus) -> None:
    cases = _case_values(corpus)
    names = list(dict.fromkeys(n for values in cases.values() for n in values))
    kinds = {n: _variable_type(v[n] for v in cases.values() if n in v) for n in names}
    if names:
        variables = ET.SubElement(root, "Variables")
        for n in names:
            ET.SubElement(
                variables,
                "Variable",
                guid=stable_guid("variable", n),
                name=n,
                typeOfVariable=kinds[n],
            )
    if cases:
        cases_el = ET.SubElement(root, "Cases")
        for informant, values in cases.items():
            case = ET.SubElement(
                cases_el, "Case", guid=stable_guid("case", informant), name=informant
            )
            for n, value in values.items():
                _value_element(case, stable_guid("variable", n), kinds[n], value)
            for doc in corpus.documents:
                if doc.meta.informant == informant:
                    ET.SubElement(case, "SourceRef", targetGUID=source_guid(doc.id))


Selection = tuple[int, int, str, str, bool]  # start, end, name, code, negated


def _add_source(
    sources: ET.Element, doc: Document, rows: list[Selection], user: str, offsets: OffsetUnit
) -> None:
    guid = source_guid(doc.id)
    src = ET.SubElement(
        sources,
        "TextSource",
        guid=guid,
        name=doc.id,
        plainTextPath=f"internal://{guid}.txt",
        creatingUser=user,
    )
    prefix = utf16_prefix(doc.text) if offsets == "utf16" else None
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    for (start, end), grouped in itertools.groupby(rows, key=lambda r: (r[0], r[1])):
        group = list(grouped)
        sel = ET.SubElement(
            src,
            "PlainTextSelection",
            guid=stable_guid("selection", doc.id, start, end),
            name=group[0][2],
            startPosition=str(to_unit(prefix, start)),
            endPosition=str(to_unit(prefix, end)),
            creatingUser=user,
        )
        negated = [code for *_, code, neg in group if neg]
        if negated:
            ET.SubElement(sel, "Description").text = "negated: " + ", ".join(negated)
        for *_, code, neg in group:
            coding = ET.SubElement(
                sel,
                "Coding",
                guid=stable_guid("coding", doc.id, start, end, code, neg),
                creatingUser=user,
            )
            ET.SubElement(coding, "CodeRef", targetGUID=code_guid(code, negated=neg))


def _selections(rows: pd.DataFrame) -> dict[str, list[Selection]]:
    """The rows' selections by document, in row order (plain tuples: no per-group frames)."""
    starts, ends = rows["start"].astype(int).tolist(), rows["end"].astype(int).tolist()
    if "segment_id" in rows:
        names = rows["segment_id"].astype(str).tolist()
    else:
        names = [f"{s}-{e}" for s, e in zip(starts, ends, strict=True)]
    by_doc: dict[str, list[Selection]] = {}
    columns = (starts, ends, names, rows["code"].tolist(), rows["_negated"].tolist())
    for document, start, end, name, code, negated in zip(
        rows["document"].tolist(), *columns, strict=True
    ):
        by_doc.setdefault(document, []).append((start, end, name, code, bool(negated)))
    return by_doc


def build_project(
    corpus: Corpus,
    codebook: Codebook,
    segments: pd.DataFrame,
    *,
    project_name: str | None,
    coder: str,
    offsets: OffsetUnit,
) -> bytes:
    """The project.qde XML for ``export_qdpx``."""
    _check(corpus, codebook, segments)
    rows = segments.assign(_negated=flags(segments["negated"]))
    rows = rows.drop_duplicates(["document", "start", "end", "code", "_negated"])
    user = stable_guid("user", coder)
    root = ET.Element(
        "Project",
        xmlns=PROJECT_NS,
        name=project_name or codebook.name,
        origin=f"ksmcode {ksmcode.__version__} (offsets={offsets})",
        creatingUserGUID=user,
    )
    ET.SubElement(ET.SubElement(root, "Users"), "User", guid=user, name=coder, id=coder)
    codes = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
    build_code_tree(codes, codebook, negated=set(rows.loc[rows["_negated"], "code"]))
    _add_cases(root, corpus)
    sources = ET.SubElement(root, "Sources")
    by_doc = _selections(rows)
    for doc in corpus.documents:
        _add_source(sources, doc, by_doc.get(doc.id, []), user, offsets)
    ET.SubElement(root, "Description").text = (
        f"Automatic coding by ksmcode {ksmcode.__version__} with codebook "
        f"'{codebook.name}' version {codebook.version}. Selection positions count "
        + (
            "UTF-16 code units (as NVivo does)."
            if offsets == "utf16"
            else "Unicode code points (REFI-QDA 1.5 §10.2)."
        )
    )
    return xml_bytes(root)


def export_qdpx(
    corpus: Corpus,
    codebook: Codebook,
    segments: pd.DataFrame,
    path: str | Path,
    *,
    project_name: str | None = None,
    coder: str = "ksmcode",
    offsets: OffsetUnit = "codepoint",
) -> Path:
    """Write the coded corpus as a .qdpx project, atomically.

    ``segments`` is the long table of ``ksmcode code`` (one row per segment and code; needs
    document, start, end, code, negated; segment_id names the selections). ``offsets`` is
    "codepoint" (the spec) or "utf16" (what NVivo reads; differs only for emoji and other
    characters outside the Basic Multilingual Plane).

    Example: ``export_qdpx(corpus, codebook, coding.segments, "study.qdpx")``
    """
    if offsets not in OFFSET_UNITS:
        raise ExportError(f"offsets must be one of {', '.join(OFFSET_UNITS)}, not '{offsets}'")
    qde = build_project(
        corpus, codebook, segments, project_name=project_name, coder=coder, offsets=offsets
    )

    path = Path(path)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for doc in corpus.documents:
            zf.writestr(f"sources/{source_guid(doc.id)}.txt", doc.text.encode("utf-8"))
    return path
