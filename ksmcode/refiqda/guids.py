"""Stable GUIDs: the same ksmcode id gives the same GUID in every export (uuid5, lowercase,
no braces), so re-exports update rather than duplicate items in a QDA tool, and our own GUIDs
map back to ksmcode ids exactly on import."""

from __future__ import annotations

import uuid

# Fixed for ever: changing it would change every GUID ksmcode has ever written.
KSMCODE_NAMESPACE = uuid.UUID("6f1d0c8e-3b52-5a7e-9d3c-4b5e6a7f8091")


def stable_guid(kind: str, *parts: object) -> str:
    """The GUID of a ksmcode item, e.g. ``stable_guid("code", "stage.planning")``."""
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(KSMCODE_NAMESPACE, key))


def code_guid(code_id: str, *, negated: bool = False) -> str:
    """GUID of a code, or of its ``[negated]`` sibling."""
    return stable_guid("code-negated" if negated else "code", code_id)


def family_guid(family_id: str) -> str:
    return stable_guid("family", family_id)


def source_guid(document_id: str) -> str:
    return stable_guid("source", document_id)
