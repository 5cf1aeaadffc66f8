"""Plain data passed between the stages read -> segment -> match -> analyse -> export.

All spans are character offsets into ``Document.text`` (Python str indices, i.e. Unicode code
points), ``start`` inclusive and ``end`` exclusive, so ``document.text[start:end]`` is always the
span's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ksmcode.location import Location

KNOWN_FIELDS = ("id", "informant", "role", "method", "language", "interviewer", "date")
MAX_TURN_CHARS = 5_000_000  # longer turns are refused when read (spaCy's own limit is 1,000,000)


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one document: the known fields plus every other attribute, kept verbatim."""

    informant: str | None = None
    role: str | None = None
    method: str | None = None
    language: str | None = None
    interviewer: tuple[str, ...] = ()
    date: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """A speaker turn (or a paragraph, in files without speaker labels)."""

    start: int
    end: int
    speaker: str | None = None
    timestamp: str | None = None
    is_interviewer: bool = False


@dataclass(frozen=True)
class Document:
    """One transcript: its plain text (LF line ends) and its turns as spans into that text."""

    id: str  # path relative to the corpus folder, with forward slashes
    path: Location
    text: str
    turns: tuple[Turn, ...]
    meta: DocumentMeta
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Corpus:
    """The documents of a study, in a stable order, and what went wrong reading them."""

    root: Location
    documents: tuple[Document, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A unit of analysis. ``index`` is 1-based within the document and counts every unit,
    the interviewer's included, so ``segment_id`` stays the same when coding options change."""

    document_id: str
    index: int
    start: int
    end: int
    turn_index: int
    speaker: str | None = None
    is_interviewer: bool = False

    @property
    def id(self) -> str:
        return f"{self.document_id}#{self.index}"


@dataclass(frozen=True)
class Match:
    """One piece of evidence for one code in one segment."""

    document_id: str
    segment_index: int
    code: str
    start: int
    end: int
    text: str
    rule: str  # "keyword", "pattern" or "near"
    term: str  # the codebook term or rule name that matched
    negated: bool = False
    cue: str | None = None  # the negation cue, when negated
    rule_id: str = ""  # the rule's id, e.g. "support.budget/keyword/3"
