"""The documents of a run as JSON lines: ``documents.jsonl`` beside pseudonymised outputs.

One line per document: id, text, turns and metadata, so the offsets of every output can be
checked (``text[start:end]``) and the run exported without the original transcripts.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

from ksmcode.errors import ImportFormatError
from ksmcode.model import Document, DocumentMeta, Turn

DOCUMENTS_FILE = "documents.jsonl"


def dump_documents(documents: Iterable[Document]) -> bytes:
    """The documents as UTF-8 JSON lines (the path and encoding of the source are left out)."""
    lines = []
    for doc in documents:
        record = {
            "document": doc.id,
            "text": doc.text,
            "turns": [dataclasses.astuple(t) for t in doc.turns],
            "meta": {**dataclasses.asdict(doc.meta), "interviewer": list(doc.meta.interviewer)},
        }
        lines.append(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return "".join(lines).encode("utf-8")


def load_documents(path: str | Path) -> tuple[Document, ...]:
    """Read documents written by ``dump_documents``."""
    path = Path(path)
    documents = []
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                meta = record["meta"]
                documents.append(
                    Document(
                        record["document"],
                        path,
                        record["text"],
                        tuple(Turn(*t) for t in record["turns"]),
                        DocumentMeta(**{**meta, "interviewer": tuple(meta["interviewer"])}),
                    )
                )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ImportFormatError(
            f"{path}: cannot read the documents of the run ({type(exc).__name__}); "
            "run 'ksmcode code' again"
        ) from None
    return tuple(documents)
