"""Code a study document by document: in worker processes (``jobs``) or on a Dask cluster
(``scheduler``), always yielding in corpus order.

A task names a transcript file (or carries an already read document); wherever it runs, the
document is read, segmented, coded by the rules and the learned model, and turned into table
rows there, so only its rows (``CodedDocument``) travel back. ``DocumentCoder`` is that
per-document unit of work.

Where processes can be forked (Linux, macOS), this process builds the pipelines once and the
workers are forked from it, built; a worker is replaced by a fresh fork after every
``GENERATION`` bytes of transcripts, because spaCy's vocabulary (and every per-word cache) only
grows with the words it has seen: so memory does not grow with the corpus, whatever its size.
A fresh fork learns the common words again (~2 s), so a generation is large.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING

from ksmcode.analysis.frame import DocumentRows, document_rows
from ksmcode.codebook.model import Codebook
from ksmcode.errors import ConfigError
from ksmcode.export.coding import input_record
from ksmcode.io.corpus import SourceFile, read_document
from ksmcode.learn.apply import apply_to_rows
from ksmcode.matching.engine import Engine
from ksmcode.model import Document

if TYPE_CHECKING:  # the coder's module imports scikit-learn; a rules-only run needs none
    from ksmcode.learn.coder import LearnedCoder

BATCH = 8  # documents per worker or Dask task (the model decides a batch at once)
GENERATION = 16_000_000  # bytes of transcripts a forked worker codes before it is replaced
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class CodeSettings:
    """How every document of a run is read and coded."""

    codebook: Codebook
    unit: str = "turn"
    default_language: str = "id"
    interviewer: tuple[str, ...] | None = None
    keep_documents: bool = False  # return each document (pseudonymised runs keep their texts)
    model: Path | None = None  # the learned model applied after the rules


@dataclass(frozen=True)
class Task:
    """One document to code: a file to read, or a document already read."""

    source: SourceFile
    document: Document | None = None

    def size(self) -> int:
        """The task's bytes of transcript (0 if its file cannot be read: reading says why)."""
        if self.document is not None:
            return len(self.document.text)
        try:
            return self.source.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True)
class CodedDocument:
    """What coding one document gives back: its table rows, its run.json ``inputs`` entry,
    its language, warnings from reading it, and the document itself if kept."""

    rows: DocumentRows
    input: dict[str, str]
    language: str
    warnings: tuple[str, ...] = ()
    document: Document | None = None


class DocumentCoder:
    """Reads, codes and tabulates one document at a time; the engine is built once, and the
    model (``coder``, else loaded from ``settings.model``) too."""

    def __init__(self, settings: CodeSettings, coder: LearnedCoder | None = None):
        self.settings = settings
        self.engine = Engine(settings.codebook)
        if coder is None and settings.model is not None:
            from ksmcode.learn.store import load_model

            coder = load_model(settings.model)
        self.coder = coder

    def warm(self) -> DocumentCoder:
        """Build the pipelines of every codebook language now (before forking workers)."""
        for language in self.settings.codebook.languages:
            self.engine.language(language)
        return self

    def __call__(self, task: Task) -> CodedDocument:
        return self.code_batch([task])[0]

    def code_batch(self, tasks: list[Task]) -> list[CodedDocument]:
        """Code some documents: the rules one document at a time, the model on all at once."""
        settings = self.settings
        documents, notes, rows = [], [], []
        for task in tasks:
            warnings: list[str] = []
            document = task.document or read_document(
                task.source.path,
                task.source.root,
                default_language=settings.default_language,
                interviewer=settings.interviewer,
                sidecar_meta=task.source.sidecar_meta,
                warnings=warnings,
            )
            documents.append(document)
            notes.append(tuple(warnings))
            rows.append(document_rows(self.engine.code(document, settings.unit), settings.codebook))
        if self.coder is not None:
            rows = apply_to_rows(self.coder, rows, settings.codebook)
        return [
            CodedDocument(
                coded,
                input_record(document),
                document.meta.language or "id",
                warnings,
                document if settings.keep_documents else None,
            )
            for coded, document, warnings in zip(rows, documents, notes, strict=True)
        ]


def code_tasks(
    tasks: Iterable[Task],
    settings: CodeSettings,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    coder: DocumentCoder | None = None,
) -> Generator[CodedDocument, None, None]:
    """Code ``tasks`` and yield their results in the tasks' order: in ``jobs`` processes (0: one
    per core), or on the Dask scheduler at ``scheduler``. ``coder``, if given, is the coder
    of these ``settings`` already built here (forked workers inherit it)."""
    if scheduler:
        yield from _on_dask(tasks, settings, scheduler)
        return
    jobs = jobs or os.cpu_count() or 1
    if "fork" not in multiprocessing.get_all_start_methods():
        # Workers would each rebuild the pipelines: one pool for the run, or none at all.
        if jobs == 1:
            batches = _batches(tasks)
            yield from itertools.chain.from_iterable(
                map((coder or DocumentCoder(settings)).code_batch, batches)
            )
        else:
            yield from _in_pool(tasks, settings, jobs, None)
        return
    global _process_coder
    _process_coder = (coder or DocumentCoder(settings)).warm()  # forked workers inherit it
    for generation in _generations(tasks, jobs * GENERATION):
        yield from _in_pool(generation, settings, jobs, multiprocessing.get_context("fork"))


def _generations(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    """``tasks`` in runs of about ``size`` bytes of transcripts (at least one task each)."""
    generation: list[Task] = []
    total = 0
    for task in tasks:
        generation.append(task)
        total += task.size()
        if total >= size:
            yield generation
            generation, total = [], 0
    if generation:
        yield generation


def _in_pool(
    tasks: Iterable[Task], settings: CodeSettings, jobs: int, context: BaseContext | None
) -> Iterator[CodedDocument]:
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        try:
            for coded in pool.map(_code_here, _batches(tasks)):
                yield from coded
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


_process_coder: DocumentCoder | None = None  # a worker process's coder
_local = threading.local()  # a Dask worker thread's coder


def _start_worker(settings: CodeSettings) -> None:
    """Worker set-up: die with the parent (Linux); keep the coder inherited from the parent
    (fork) or build one (spawn)."""
    global _process_coder
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks remain
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if _process_coder is None or _process_coder.settings is not settings:
        _process_coder = DocumentCoder(settings)


def _batches(tasks: Iterable[Task]) -> Iterator[list[Task]]:
    remaining = iter(tasks)
    return iter(lambda: list(itertools.islice(remaining, BATCH)), [])


def _code_here(tasks: list[Task]) -> list[CodedDocument]:
    assert _process_coder is not None
    return _process_coder.code_batch(tasks)


def _code_on_dask(settings: CodeSettings, tasks: list[Task]) -> list[CodedDocument]:
    """A Dask task: code a batch of documents with this worker thread's coder."""
    coder = getattr(_local, "coder", None)
    if coder is None or coder.settings != settings:
        coder = _local.coder = DocumentCoder(settings)
    return coder.code_batch(tasks)


def _on_dask(
    tasks: Iterable[Task], settings: CodeSettings, scheduler: str
) -> Iterator[CodedDocument]:
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            "--scheduler needs Dask distributed; install it with: pip install 'ksmcode[dask]'"
        ) from None
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        shared = client.scatter(settings, broadcast=True)
        in_flight = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        for batch in _batches(tasks):
            pending.append(client.submit(_code_on_dask, shared, batch, pure=False))
            while len(pending) >= in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
