"""Reading a transcript folder (or one file) into a Corpus."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ksmcode.errors import ConfigError, TranscriptError
from ksmcode.io.decode import CERTAIN_ENCODINGS
from ksmcode.io.interviewer import DEFAULT_INTERVIEWER_LABELS, is_interviewer
from ksmcode.io.metadata import (
    LANGUAGES,
    SIDECAR_NAMES,
    build_meta,
    normalize_file_name,
    read_sidecars,
)
from ksmcode.io.readers import READERS
from ksmcode.location import locate, reaching, relative_posix, walk_files
from ksmcode.model import MAX_TURN_CHARS, Corpus, Document

if TYPE_CHECKING:
    from ksmcode.location import Location


def read_document(
    path: Location | str,
    root: Location | str,
    *,
    default_language: str = "id",
    interviewer: Sequence[str] | None = None,
    sidecar_meta: Mapping[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> Document:
    """Read one transcript; its id is its path relative to ``root`` (unless metadata sets ``id``).

    Interviewer labels: the document's ``interviewer`` metadata, else ``interviewer``, else
    DEFAULT_INTERVIEWER_LABELS; the labels used are stored in ``meta.interviewer``. A note about
    a guessed (non-UTF) encoding is appended to ``warnings`` when a list is given.

    Example: ``read_document(Path("t/ketua.txt"), Path("t")).turns[0].speaker``
    """
    path, root = locate(path), locate(root)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise TranscriptError(
            f"{path}: unsupported file type '{path.suffix}'; supported: {', '.join(READERS)}"
        )
    with reaching(path):
        result = reader(path)
    if not result.turns:
        raise TranscriptError(f"{path}: no transcript text found; add text or remove the file")
    if long := next((t for t in result.turns if t.end - t.start > MAX_TURN_CHARS), None):
        raise TranscriptError(
            f"{path}: the turn on line {result.text.count(chr(10), 0, long.start) + 1} of its "
            f"text has {long.end - long.start:,} characters, more than ksmcode codes at once "
            f"({MAX_TURN_CHARS:,}); split it into shorter turns or paragraphs"
        )
    meta, doc_id = build_meta(
        result.front_matter, sidecar_meta or {}, path=path, default_language=default_language
    )
    labels = meta.interviewer or tuple(
        DEFAULT_INTERVIEWER_LABELS if interviewer is None else interviewer
    )
    meta = dataclasses.replace(meta, interviewer=labels)
    turns = tuple(
        dataclasses.replace(t, is_interviewer=is_interviewer(t.speaker, labels))
        for t in result.turns
    )
    doc_id = doc_id or _relative(path, root)
    if warnings is not None and result.encoding not in CERTAIN_ENCODINGS:
        warnings.append(
            f"{doc_id}: not UTF-8; read as {result.encoding} (a guess); "
            "save the file as UTF-8 to be sure"
        )
    return Document(doc_id, path, result.text, turns, meta, result.encoding)


@dataclass(frozen=True)
class SourceFile:
    """A transcript to read: its path (or fsspec address), the corpus root its id is relative
    to, and its row of the sidecar metadata table, if any."""

    path: Location
    root: Location
    sidecar_meta: Mapping[str, Any] | None = None


def corpus_files(
    path: Location | str,
    *,
    default_language: str = "id",
    exclude: Sequence[str] = (),
    warnings: list[str] | None = None,
) -> list[SourceFile]:
    """The transcripts of a folder (recursively, sorted by relative path) or one file, not yet
    read; the folder and its sidecar are checked. Skipped files and sidecar rows naming
    missing files are appended to ``warnings`` when a list is given. ``path`` may be an
    fsspec address (``s3://bucket/study``) when ``ksmcode[remote]`` is installed."""
    if default_language not in LANGUAGES:
        raise ConfigError(
            f"default language '{default_language}' is not supported; use one of: "
            f"{', '.join(LANGUAGES)}"
        )
    path = locate(path)
    notes: list[str] = [] if warnings is None else warnings
    with reaching(path):
        if path.is_file():
            root, files = path.parent, [path.name]
        elif path.is_dir():
            root, files = path, _discover(path, exclude, notes)
        else:
            raise TranscriptError(
                f"{path}: no such file or folder; give the folder that holds the transcripts"
            )
        if not files:
            raise TranscriptError(
                f"{path}: no transcripts found; put .txt, .md, .docx, .vtt, .srt, .csv or .xlsx "
                "files in it (hidden files, sources.csv/.xlsx and --exclude matches are skipped)"
            )
        sidecar = read_sidecars(root, files, notes)
    return [SourceFile(root / name, root, sidecar.get(name)) for name in files]


class UniqueIds:
    """Refuses a second document with an id already seen."""

    def __init__(self) -> None:
        self._seen: dict[str, SourceFile] = {}

    def check(self, document_id: str, source: SourceFile) -> None:
        if document_id in self._seen:
            first = self._seen[document_id]
            raise TranscriptError(
                f"{source.path}: document id '{document_id}' is already used by "
                f"{relative_posix(first.path, first.root)}; give each transcript a "
                "unique 'id'"
            )
        self._seen[document_id] = source


def iter_corpus(
    path: Location | str,
    *,
    default_language: str = "id",
    interviewer: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    warnings: list[str] | None = None,
) -> Iterator[Document]:
    """Yield the documents of a folder (recursively, sorted by relative path) or of one file.

    Problems that do not stop reading (skipped files, sidecar rows naming missing files,
    guessed encodings) are appended to ``warnings`` when a list is given. The folder and its
    sidecar are checked before the first document is yielded.
    """
    notes: list[str] = [] if warnings is None else warnings
    files = corpus_files(path, default_language=default_language, exclude=exclude, warnings=notes)
    ids = UniqueIds()
    for source in files:
        document = read_document(
            source.path,
            source.root,
            default_language=default_language,
            interviewer=interviewer,
            sidecar_meta=source.sidecar_meta,
            warnings=notes,
        )
        ids.check(document.id, source)
        yield document


def load_corpus(
    path: Location | str,
    *,
    default_language: str = "id",
    interviewer: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> Corpus:
    """Read every transcript in a folder (or one file) into a Corpus.

    Example: ``load_corpus("transcripts", exclude=["drafts/*"]).documents[0].id``
    """
    path = locate(path)
    warnings: list[str] = []
    documents = tuple(
        iter_corpus(
            path,
            default_language=default_language,
            interviewer=interviewer,
            exclude=exclude,
            warnings=warnings,
        )
    )
    root = path.parent if path.is_file() else path
    return Corpus(root, documents, tuple(warnings))


def _discover(root: Location, exclude: Sequence[str], warnings: list[str]) -> list[str]:
    """Relative posix paths of the readable transcripts under root, sorted."""
    files = []
    for name in sorted(walk_files(root)):
        base = name.rsplit("/", 1)[-1]
        if base.startswith((".", "~$")) or base.casefold() in SIDECAR_NAMES:
            continue
        if any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(base, g) for g in exclude):
            continue
        suffix = Path(base).suffix.lower()
        if suffix in READERS:
            files.append(name)
        else:
            warnings.append(
                f"{name}: skipped, unsupported file type '{suffix or base}' "
                f"(supported: {', '.join(READERS)})"
            )
    return files


def _relative(path: Location, root: Location) -> str:
    try:
        return normalize_file_name(relative_posix(path, root))
    except ValueError:
        return path.name
