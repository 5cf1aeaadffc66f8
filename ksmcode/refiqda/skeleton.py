"""A ksmcode YAML codebook skeleton from a REFI-QDA code tree (.qdc, or a .qdpx's CodeBook).

Top-level codes with children become families; their descendants become codes (``parent``
keeps deeper levels). A codable top-level code with children is also kept as a code of its own
family, so codings on it can still be mapped; top-level codes without children go to a family
``general``. Ids come from a ``ksmcode id:`` line in the Description (our own exports) or are
slugified from names, made unique. Keywords are left empty for the researcher to fill in.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import yaml

from ksmcode.errors import ImportFormatError
from ksmcode.export.atomic import write_bytes
from ksmcode.refiqda.archive import (
    CODEBOOK_NS_VARIANTS,
    MAX_ENTRY_BYTES,
    PROJECT_NS,
    open_qdpx,
    parse_xml,
)
from ksmcode.refiqda.codetree import QdpxCode, children, parse_codes
from ksmcode.refiqda.export_codebook import ID_LINE, NEGATED_SUFFIX

GENERAL_FAMILY = "general"
_FIELDS = {"Inclusion: ": "inclusion", "Exclusion: ": "exclusion", "Example: ": "example"}
_VALID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*")
_RGB = re.compile(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


def slugify(name: str, *, max_length: int = 40) -> str:
    """``"Perceived Barriers – Észlelt"`` -> ``"perceived_barriers_eszlelt"``."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    return slug[:max_length].rstrip("_") or "code"


def _unique(candidate: str, taken: set[str]) -> str:
    result, n = candidate, 2
    while result in taken:
        result, n = f"{candidate}_{n}", n + 1
    taken.add(result)
    return result


def _split_description(text: str) -> tuple[str | None, dict[str, str]]:
    """Our exported Description -> (ksmcode id, {definition, inclusion, exclusion, example})."""
    ksm_id, fields, rest = None, {}, []
    for para in (p.strip() for p in text.split("\n\n")):
        if para.startswith(ID_LINE):
            ksm_id = para[len(ID_LINE) :].strip()
        elif prefix := next((p for p in _FIELDS if para.startswith(p)), None):
            fields[_FIELDS[prefix]] = para[len(prefix) :].strip()
        elif para:
            rest.append(para)
    fields["definition"] = "\n\n".join(rest)
    return ksm_id, fields


def _read_code_tree(path: Path) -> tuple[tuple[QdpxCode, ...], str]:
    if zipfile.is_zipfile(path):
        with open_qdpx(path) as archive:
            entry = archive.find("project.qde")
            if entry is None:
                raise ImportFormatError(f"{path}: no project.qde in the archive")
            root = parse_xml(archive.read(entry), f"{path}:{entry}", (PROJECT_NS,), "Project")
        codebook = next(iter(children(root, "CodeBook")), None)
    else:
        if not path.is_file():
            raise ImportFormatError(f"{path}: file not found")
        if path.stat().st_size > MAX_ENTRY_BYTES:
            raise ImportFormatError(f"{path}: larger than {MAX_ENTRY_BYTES} bytes")
        root = parse_xml(path.read_bytes(), str(path), CODEBOOK_NS_VARIANTS, "CodeBook")
        codebook = root
    codes = parse_codes(codebook)
    if not codes:
        raise ImportFormatError(f"{path}: contains no codes; nothing to build a codebook from")
    return codes, root.get("origin", "")


def codebook_from_qdc(
    path: str | Path, *, language: str | None = None, name: str | None = None
) -> dict[str, Any]:
    """Read the code tree of a .qdc (or of a .qdpx) into a ksmcode codebook skeleton (a dict
    in the shape of the YAML codebook). ``language`` ("en" or "id") is the language the code
    names are in; by default it is recognised from the names (``guess_language``).

    Example: ``write_codebook_skeleton(codebook_from_qdc("nvivo.qdc"), "codebook.yaml")``
    """
    path = Path(path)
    codes, origin = _read_code_tree(path)
    codes = tuple(c for c in codes if not c.name.endswith(NEGATED_SUFFIX))
    if language is None:
        language = guess_language([c.name for c in codes])
    by_guid = {c.guid: c for c in codes}
    has_children = {c.parent for c in codes if c.parent}

    def top(code: QdpxCode) -> QdpxCode:
        while code.parent in by_guid:
            code = by_guid[code.parent]
        return code

    family_ids: dict[str, str] = {}  # top-level guid -> family id
    families: list[dict[str, Any]] = []
    taken_families: set[str] = set()

    def add_family(guid: str | None, label: str, description: str, color: str | None) -> str:
        ksm_id, fields = _split_description(description)
        wanted = ksm_id if ksm_id and _VALID_ID.fullmatch(ksm_id) else slugify(label)
        fid = _unique(wanted if wanted[0].isalpha() else f"f{wanted}", taken_families)
        families.append(
            _clean(
                {
                    "id": fid,
                    "label": {language: label},
                    "description": fields["definition"],
                    "color": color,
                }
            )
        )
        if guid is not None:
            family_ids[guid] = fid
        return fid

    for c in codes:
        if c.parent is None and c.guid in has_children:
            add_family(c.guid, c.name, c.description, c.color)
    code_ids: dict[str, str] = {}
    taken_codes: set[str] = set()
    entries: list[dict[str, Any]] = []
    for c in codes:
        is_family = c.parent is None and c.guid in has_children
        if is_family and not c.is_codable:
            continue
        if c.parent is None and not is_family:
            fid = family_ids.get("") or add_family("", "General", "", None)
        else:
            fid = family_ids[top(c).guid]
        ksm_id, fields = _split_description(c.description)
        if ksm_id and _VALID_ID.fullmatch(ksm_id):
            cid = _unique(ksm_id, taken_codes)
        else:
            cid = _unique(f"{fid}.{slugify(c.path[-1])}", taken_codes)
        code_ids[c.guid] = cid
        parent = code_ids.get(c.parent) if c.parent and c.parent not in family_ids else None
        entries.append(
            _clean(
                {
                    "id": cid,
                    "family": fid,
                    "parent": parent,
                    "label": {language: c.path[-1]},
                    "color": c.color,
                    **fields,
                    "keywords": {language: []},
                }
            )
        )
    info = {
        "name": name or path.stem,
        "version": "0.1",
        "languages": [language],
        "description": f"Imported from {path.name}" + (f" ({origin})" if origin else ""),
    }
    return {"codebook": info, "families": families, "codes": entries}


# Words and word shapes that tell Indonesian from English code names.
_MARKERS = {
    "id": "dan yang di ke dari untuk dengan tidak pada dalam atau oleh tahap faktor warga "
    "masyarakat sumber daya waktu lokasi sarana prasarana anggaran dana mitra lingkungan",
    "en": "the and of to in for with not on by or stage factor community residents resources "
    "time location facilities budget partners support barrier environment",
}
_SHAPES = {
    "id": re.compile(r"^(?:pe[mnr]?g?|ke|per)\w{3,}an$|^(?:ber|me[mn]?g?|di)\w{4,}$"),
    "en": re.compile(r"\w{3,}(?:tion|ment|ness|ing|ity)$"),
}


def guess_language(names: list[str]) -> str:
    """ "id" when code names look more Indonesian than English (marker words such as *tahap*,
    *dan*; shapes such as *pe…an*, *ke…an*, *ber…*), else "en"."""
    words = [w for name in names for w in re.findall(r"[a-z]+", name.lower())]
    scores = {
        lang: sum(w in set(_MARKERS[lang].split()) or bool(_SHAPES[lang].match(w)) for w in words)
        for lang in ("id", "en")
    }
    return "id" if scores["id"] > scores["en"] else "en"


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields and colours the codebook schema would reject."""
    if entry.get("color") and not _RGB.fullmatch(entry["color"]):
        entry["color"] = None
    return {k: v for k, v in entry.items() if v not in (None, "") or k == "keywords"}


def write_codebook_skeleton(skeleton: dict[str, Any], path: str | Path) -> Path:
    """Write a skeleton from ``codebook_from_qdc`` as YAML, atomically."""
    header = (
        "# Codebook skeleton imported from REFI-QDA by ksmcode.\n"
        "# Fill in the keywords (and patterns) of each code before running `ksmcode code`.\n"
    )
    text = header + yaml.safe_dump(skeleton, sort_keys=False, allow_unicode=True, width=100)
    return write_bytes(path, text.encode("utf-8"))
