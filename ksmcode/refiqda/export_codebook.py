"""The ksmcode codebook as a REFI-QDA code tree, and the .qdc exporter.

Families become top-level folder codes with ``isCodable="false"`` (spec §11, code folders);
codes nest below their family, or below their parent code. A code's Description holds its
definition, inclusion, exclusion and example, and ends with a ``ksmcode id: <id>`` line that
lets the importer map the code back even when a tool regenerates GUIDs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from pathlib import Path

import ksmcode
from ksmcode.codebook.model import Code, Codebook, Family
from ksmcode.errors import ExportError, Problem
from ksmcode.export.atomic import write_bytes
from ksmcode.refiqda.archive import CODEBOOK_NS
from ksmcode.refiqda.guids import code_guid, family_guid

NEGATED_SUFFIX = " [negated]"
ID_LINE = "ksmcode id: "
_RGB = re.compile(r"#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})")


def _color(el: ET.Element, color: str | None) -> None:
    # Colours the XSD cannot take (named colours) are left out rather than invalidating the file.
    if color and _RGB.fullmatch(color.strip()):
        el.set("color", color.strip())


def _description(el: ET.Element, text: str) -> None:
    if text.strip():
        ET.SubElement(el, "Description").text = text.strip()


def code_description(code: Code) -> str:
    parts = [code.definition.strip()]
    for title, value in (
        ("Inclusion", code.inclusion),
        ("Exclusion", code.exclusion),
        ("Example", code.example),
    ):
        if value.strip():
            parts.append(f"{title}: {value.strip()}")
    parts.append(f"{ID_LINE}{code.id}")
    return "\n\n".join(p for p in parts if p)


def code_name(code: Code, language: str) -> str:
    return code.labels.get(language) or code.label(language)


def family_name(family: Family, language: str) -> str:
    return family.labels.get(language) or next(iter(family.labels.values()), family.id)


def default_language(codebook: Codebook) -> str:
    return codebook.languages[0] if codebook.languages else "en"


def build_code_tree(
    parent: ET.Element,
    codebook: Codebook,
    *,
    language: str | None = None,
    negated: Collection[str] = (),
) -> None:
    """Append one ``Code`` element per family (with its codes nested) to ``parent``.
    Codes in ``negated`` get a codable ``<name> [negated]`` sibling with its own stable GUID."""
    lang = language or default_language(codebook)
    known = set(codebook.code_ids)
    problems = [
        Problem(f"parent '{c.parent}' is not a code of the codebook", code=c.id)
        for c in codebook.codes
        if c.parent is not None and c.parent not in known
    ]
    families = {f.id for f in codebook.families}
    problems += [
        Problem(f"family '{c.family}' is not a family of the codebook", code=c.id)
        for c in codebook.codes
        if c.family not in families
    ]
    if problems:
        raise ExportError("cannot export the codebook hierarchy", problems)

    def add_code(into: ET.Element, code: Code) -> None:
        el = ET.SubElement(
            into, "Code", guid=code_guid(code.id), name=code_name(code, lang), isCodable="true"
        )
        _color(el, code.color)
        _description(el, code_description(code))
        for child in codebook.codes:
            if child.parent == code.id:
                add_code(el, child)
        if code.id in negated:
            neg = ET.SubElement(
                into,
                "Code",
                guid=code_guid(code.id, negated=True),
                name=code_name(code, lang) + NEGATED_SUFFIX,
                isCodable="true",
            )
            _color(neg, code.color)
            _description(
                neg,
                f"Mentioned as absent or not done (negated).\n\n{ID_LINE}{code.id}{NEGATED_SUFFIX}",
            )

    for family in codebook.families:
        fam = ET.SubElement(
            parent,
            "Code",
            guid=family_guid(family.id),
            name=family_name(family, lang),
            isCodable="false",
        )
        _color(fam, family.color)
        _description(
            fam, "\n\n".join(p for p in (family.description.strip(), f"{ID_LINE}{family.id}") if p)
        )
        for code in codebook.codes:
            if code.family == family.id and code.parent is None:
                add_code(fam, code)


def xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def export_qdc(
    codebook: Codebook,
    path: str | Path,
    *,
    language: str | None = None,
    negated_codes: bool = False,
) -> Path:
    """Write ``codebook`` as a REFI-QDA codebook (.qdc, Codebook.xsd), atomically.

    ``language`` picks the label used as code name (default: the codebook's first language).
    ``negated_codes=True`` adds a ``[negated]`` sibling to every code, so human coders in a
    QDA tool can mark negated mentions the way ksmcode exports them.

    Example: ``export_qdc(load_codebook("codebooks/ksm.yaml"), "ksm.qdc")``
    """
    if not codebook.codes:
        raise ExportError(f"codebook '{codebook.name}' has no codes; a .qdc needs at least one")
    root = ET.Element("CodeBook", xmlns=CODEBOOK_NS, origin=f"ksmcode {ksmcode.__version__}")
    codes = ET.SubElement(root, "Codes")
    build_code_tree(
        codes, codebook, language=language, negated=codebook.code_ids if negated_codes else ()
    )
    data = xml_bytes(root)
    return write_bytes(path, data)
