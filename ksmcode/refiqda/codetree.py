"""Reading the code tree of a project's CodeBook or of a .qdc (the two share CodeType)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

# Tools without nesting write the hierarchy into the name: ATLAS.ti 8 "Coke::diet Coke",
# Taguette "interesting\places".
FLAT_SEPARATORS = ("::", "\\")


@dataclass(frozen=True)
class QdpxCode:
    """A code of an imported project or codebook. ``path`` holds the names from the top of the
    hierarchy down to this code; ``parent`` is the parent's GUID (None at the top)."""

    guid: str
    name: str
    path: tuple[str, ...]
    parent: str | None
    is_codable: bool
    color: str | None = None
    description: str = ""

    @property
    def path_str(self) -> str:
        return "/".join(self.path)


def norm_guid(guid: str | None) -> str:
    """GUIDs compare case-insensitively and braces are optional (XSD GUIDType)."""
    return (guid or "").strip().strip("{}").lower()


def local(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def children(element: Element, name: str) -> list[Element]:
    return [c for c in element if local(c) == name]


def child_text(element: Element, name: str) -> str:
    found = children(element, name)
    return (found[0].text or "") if found else ""


def parse_codes(codebook_or_codes: Element | None) -> tuple[QdpxCode, ...]:
    """All codes under a ``CodeBook`` (or its ``Codes``) element, depth first, with the
    hierarchy from nesting, or from ``::`` / ``\\`` in the names of flat code lists."""
    if codebook_or_codes is None:
        return ()
    codes_el = codebook_or_codes
    if local(codes_el) == "CodeBook":
        found = children(codes_el, "Codes")
        if not found:
            return ()
        codes_el = found[0]
    out: list[QdpxCode] = []

    def walk(el: Element, path: tuple[str, ...], parent: str | None) -> None:
        for code in children(el, "Code"):
            name = code.get("name", "")
            guid = norm_guid(code.get("guid"))
            out.append(
                QdpxCode(
                    guid=guid,
                    name=name,
                    path=(*path, name),
                    parent=parent,
                    is_codable=code.get("isCodable", "true").strip().lower() in ("true", "1"),
                    color=code.get("color"),
                    description=child_text(code, "Description").strip(),
                )
            )
            walk(code, (*path, name), guid)

    walk(codes_el, (), None)
    if all(c.parent is None for c in out):
        out = _infer_flat_hierarchy(out)
    return tuple(out)


def _infer_flat_hierarchy(codes: list[QdpxCode]) -> list[QdpxCode]:
    by_name = {c.name: c.guid for c in codes}
    result = []
    for c in codes:
        sep = next((s for s in FLAT_SEPARATORS if s in c.name), None)
        if sep is None:
            result.append(c)
            continue
        parts = tuple(p.strip() for p in re.split(re.escape(sep), c.name))
        parent_name = sep.join(c.name.split(sep)[:-1])
        result.append(
            QdpxCode(
                c.guid,
                c.name,
                parts,
                by_name.get(parent_name),
                c.is_codable,
                c.color,
                c.description,
            )
        )
    return result
