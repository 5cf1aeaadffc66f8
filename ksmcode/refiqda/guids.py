"""Stable GUIDs: the same ksmcode id gives the same GUID in every export (uuid5, lowercase,
no braces), so re-exports update rather than duplicate items in a QDA tool, and our own GUIDs
map back to ksmcode ids exactly on import."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache

# Fixed for ever: changing it would change every GUID ksmcode has ever written.
KSMCODE_NAMESPACE = uuid.UUID("6f1d0c8e-3b52-5a7e-9d3c-4b5e6a7f8091")


def stable_guid(kind: str, *parts: object) -> str:
    """The GUID of a ksmcode item, e.g. ``stable_guid("code", "stage.planning")``:
    ``str(uuid.uuid5(KSMCODE_NAMESPACE, key))``, without building UUID objects (an export
    makes one for every selection and coding)."""
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    digest = bytearray(hashlib.sha1(KSMCODE_NAMESPACE.bytes + key.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@lru_cache(maxsize=4096)
def code_guid(code_id: str, *, negated: bool = False) -> str:
    """GUID of a code, or of its ``[negated]`` sibling."""
    return stable_guid("code-negated" if negated else "code", code_id)


def family_guid(family_id: str) -> str:
    return stable_guid("family", family_id)


def source_guid(document_id: str) -> str:
    return stable_guid("source", document_id)
