"""Reader for Word (.docx) transcripts: paragraphs joined with LF, then the .txt turn rules."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from ksmcode.errors import TranscriptError
from ksmcode.io.base import ReadResult
from ksmcode.io.decode import normalize_newlines
from ksmcode.io.turns import split_turns
from ksmcode.location import openable

if TYPE_CHECKING:
    from ksmcode.location import Location


def read_docx(path: Location) -> ReadResult:
    """Read the body paragraphs of a .docx file (tables, headers and notes are not read)."""
    import docx  # imported when a .docx is read: python-docx takes 50 ms to load
    from docx.opc.exceptions import OpcError

    try:
        paragraphs = [p.text for p in docx.Document(openable(path)).paragraphs]
    # SyntaxError covers lxml's XMLSyntaxError for damaged XML parts inside the zip; python-docx
    # raises AttributeError or TypeError for well-formed parts of the wrong shape.
    except (
        OpcError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError, AttributeError,
        TypeError,
    ) as exc:  # fmt: skip
        raise TranscriptError(
            f"{path}: cannot be opened as a Word .docx document ({type(exc).__name__}); "
            "if it is an old .doc file or damaged, open it in Word or LibreOffice and save it "
            "again as .docx (or as UTF-8 .txt)"
        ) from None
    text = normalize_newlines("\n".join(paragraphs))
    if not text.strip():
        raise TranscriptError(f"{path}: the document has no text in its body paragraphs")
    return ReadResult(text, split_turns(text), {})
