"""Human coding from an imported .qdpx, in ksmcode's long human-coding format
(document, start, end, code, negated, coder), mapped onto a ksmcode corpus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

import pandas as pd

from ksmcode.codebook.model import Codebook
from ksmcode.errors import ImportFormatError, Problem
from ksmcode.model import Corpus
from ksmcode.refiqda.codetree import QdpxCode
from ksmcode.refiqda.export_codebook import ID_LINE, NEGATED_SUFFIX
from ksmcode.refiqda.guids import code_guid, source_guid
from ksmcode.refiqda.read_project import QdpxProject, QdpxSource

CODING_COLUMNS = ("document", "start", "end", "code", "negated", "coder")
CODING_DTYPES = {
    "document": "str",
    "start": "int64",
    "end": "int64",
    "code": "str",
    "negated": "bool",
    "coder": "str",
}
CodeTarget = tuple[str, bool] | None  # (ksmcode code id, negated), None = ignore


def _stem(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).stem.lower()


def _documents(target: Corpus | pd.DataFrame) -> dict[str, str | None]:
    """document id -> full text (None when only units are known)."""
    if isinstance(target, Corpus):
        return {d.id: d.text for d in target.documents}
    if "document" not in target.columns:
        raise ImportFormatError("the units table has no 'document' column")
    return dict.fromkeys(target["document"].astype(str).unique().tolist())


def _match_source(source: QdpxSource, docs: dict[str, str | None]) -> str:
    for doc_id in docs:
        if source.guid == source_guid(doc_id) or source.name == doc_id:
            return doc_id
    stems = [d for d in docs if _stem(d) == _stem(source.name)]
    if len(stems) == 1:
        return stems[0]
    same_text = [d for d, t in docs.items() if t is not None and t == source.text]
    if len(same_text) == 1:
        return same_text[0]
    known = ", ".join(list(docs)[:8]) + (", ..." if len(docs) > 8 else "")
    raise ImportFormatError(
        f"source '{source.name}' matches no ksmcode document by name or text "
        f"(documents: {known}); rename the source in the QDA tool to its document id"
    )


def _check_text(
    source: QdpxSource, doc_id: str, target: Corpus | pd.DataFrame, docs: dict[str, str | None]
) -> None:
    if source.text is None:
        raise ImportFormatError(
            f"source '{source.name}': its text is not in the archive, so its offsets cannot be "
            f"checked against document '{doc_id}'; re-export it with the text included"
        )
    text = docs[doc_id]
    if text is not None:
        if text != source.text:
            at = next(
                (i for i, (a, b) in enumerate(zip(text, source.text, strict=False)) if a != b),
                min(len(text), len(source.text)),
            )
            raise ImportFormatError(
                f"source '{source.name}': its text differs from document '{doc_id}' at "
                f"character {at} (beyond line ends and BOM); offsets cannot be mapped. "
                "Code the transcript exactly as ksmcode read it (export it with ksmcode first)"
            )
        return
    assert isinstance(target, pd.DataFrame)  # a corpus knows the text of every document
    units = target[target["document"].astype(str) == doc_id]
    for u in units.itertuples(index=False):
        if source.text[int(u.start) : int(u.end)] != u.text:
            raise ImportFormatError(
                f"source '{source.name}': unit {u.start}-{u.end} of document '{doc_id}' "
                "does not have the same text in the .qdpx; offsets cannot be mapped"
            )


def _known_ids(
    target: Corpus | pd.DataFrame, codebook: Codebook | None, code_map: Mapping[str, str | None]
) -> list[str]:
    ids = list(codebook.code_ids) if codebook else []
    if isinstance(target, pd.DataFrame):
        ids += [str(c) for c in target.columns]  # units.csv has one column per code id
    ids += [v for v in code_map.values() if v]
    return list(dict.fromkeys(ids))


def _names(codebook: Codebook | None, ids: Iterable[str]) -> dict[str, str]:
    names = {i.lower(): i for i in ids}
    for code in codebook.codes if codebook else ():
        names.update({label.strip().lower(): code.id for label in code.labels.values()})
    return names


def _resolve(
    code: QdpxCode,
    code_map: Mapping[str, str | None],
    by_guid: dict[str, CodeTarget],
    names: dict[str, str],
) -> CodeTarget | str:
    """Returns the target, or a problem message."""
    for key in (code.guid, code.name, code.path_str):
        if key in code_map:
            value = code_map[key]
            return (value, False) if value else None
    if code.guid in by_guid:
        return by_guid[code.guid]
    negated = code.name.endswith(NEGATED_SUFFIX)
    for line in code.description.splitlines():
        if line.startswith(ID_LINE):
            value = line[len(ID_LINE) :].strip()
            negated = value.endswith(NEGATED_SUFFIX)
            value = value.removesuffix(NEGATED_SUFFIX)
            if value.lower() in names:
                return names[value.lower()], negated
    name = code.name.removesuffix(NEGATED_SUFFIX).strip().lower()
    if name in names:
        return names[name], negated
    return f"code '{code.path_str}' ({code.guid})"


def qdpx_to_coding(
    project: QdpxProject,
    target: Corpus | pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    code_map: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """The project's text codings as a human-coding table: document, start, end, code,
    negated, coder (one row per selection and code).

    ``target`` is the ksmcode corpus (texts are compared) or the units table of
    ``ksmcode code`` (unit texts are compared; its code columns give the code ids). Sources are
    matched to documents by our GUID, by name (document id or file stem), then by identical
    text. Codes map by ``code_map`` (keys: GUID, name or path "A/B"; value None drops the
    code), by the GUIDs ksmcode wrote, by a ``ksmcode id:`` line in the Description, then by
    name = code id or label. ``[negated]`` codes give ``negated=True``.

    Example: ``qdpx_to_coding(read_qdpx("coder_a.qdpx"), corpus, codebook=codebook)``
    """
    code_map = dict(code_map or {})
    docs = _documents(target)
    ids = _known_ids(target, codebook, code_map)
    by_guid: dict[str, CodeTarget] = {}
    for i in ids:
        by_guid[code_guid(i)] = (i, False)
        by_guid[code_guid(i, negated=True)] = (i, True)
    names = _names(codebook, ids)
    sel = project.selections
    used = set(sel["code_guid"])
    targets: dict[str, CodeTarget] = {}
    problems = []
    for code in project.codes:
        if code.guid in used:
            resolved = _resolve(code, code_map, by_guid, names)
            if isinstance(resolved, str):
                problems.append(Problem(resolved))
            else:
                targets[code.guid] = resolved
    if problems:
        raise ImportFormatError(
            f"{project.path}: {len(problems)} code(s) map to no ksmcode code; pass "
            "code_map={name or GUID: code id} (or None to ignore a code)",
            problems,
        )
    rows = []
    for source in project.sources:
        mine = sel[sel["source_guid"] == source.guid]
        if mine.empty:
            continue
        doc_id = _match_source(source, docs)
        _check_text(source, doc_id, target, docs)
        for r in mine.itertuples(index=False):
            hit = targets.get(r.code_guid)
            if hit is not None:
                rows.append(
                    (
                        doc_id,
                        int(r.start),
                        int(r.end),
                        hit[0],
                        hit[1],
                        r.coder if isinstance(r.coder, str) else "",
                    )
                )
    out = pd.DataFrame(rows, columns=list(CODING_COLUMNS)).drop_duplicates()
    out = out.astype(CODING_DTYPES)
    return out.sort_values(["document", "start", "end", "code", "negated"]).reset_index(drop=True)
