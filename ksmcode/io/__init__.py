"""Transcript readers: files -> Documents (text, speaker turns, metadata) and Corpora.

``READERS`` maps a file suffix to its reader; every reader returns a ReadResult (text with LF
line ends, turns as spans into it, front matter).
"""

from ksmcode.io.base import Reader, ReadResult
from ksmcode.io.corpus import iter_corpus, load_corpus, read_document
from ksmcode.io.interviewer import DEFAULT_INTERVIEWER_LABELS, is_interviewer
from ksmcode.io.metadata import LANGUAGES, SIDECAR_NAMES
from ksmcode.io.readers import READERS

__all__ = [
    "DEFAULT_INTERVIEWER_LABELS",
    "LANGUAGES",
    "READERS",
    "SIDECAR_NAMES",
    "ReadResult",
    "Reader",
    "is_interviewer",
    "iter_corpus",
    "load_corpus",
    "read_document",
]
