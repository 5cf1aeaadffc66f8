"""Code a study document by document: in worker processes (``jobs``) or on a Dask cluster
(``scheduler``), always yielding in corpus order.

A task names a transcript file (or carries an already read document); wherever it runs, the
document is read, segmented, coded by the rules and the learned model, and turned into table
rows there, so only its rows (``CodedDocument``) travel back. ``DocumentCoder`` is that
per-document unit of work.

Where processes can be forked (Linux, macOS), this process builds the pipelines once and the
workers are forked from it, built. spaCy's vocabulary (and every per-word cache) only grows
with the words a worker has seen, about 1 KB a new word; so once a worker's memory passes
``WORKER_MEMORY`` the workers are replaced by fresh forks, and memory does not grow with the
corpus, whatever its size. A fresh fork learns the common words again (~1.5 s a time).
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ksmcode.analysis.frame import DocumentRows, document_rows
from ksmcode.codebook.model import Codebook
from ksmcode.errors import ConfigError
from ksmcode.export.coding import input_record
from ksmcode.export.csvparts import CsvParts, csv_parts
from ksmcode.io.corpus import SourceFile, read_document
from ksmcode.learn.apply import apply_to_rows
from ksmcode.matching.engine import Engine
from ksmcode.model import Document

if TYPE_CHECKING:  # the coder's module imports scikit-learn; a rules-only run needs none
    from ksmcode.learn.coder import LearnedCoder

BATCH = 8  # documents per worker or Dask task (the model decides a batch at once)
# Peak memory past which forked workers are replaced (or 1.5x their memory when forked, if more).
WORKER_MEMORY = 360 * 2**20
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
    render_csv: bool = False  # each document's csv lines rendered by the coder (``CsvParts``)


@dataclass(frozen=True)
class Task:
    """One document to code: a file to read, or a document already read."""

    source: SourceFile
    document: Document | None = None
    sha256: str | None = None  # the file's, when already known (the run cache's keys need it)


@dataclass(frozen=True)
class CodedDocument:
    """What coding one document gives back: its table rows, its run.json ``inputs`` entry,
    its language, warnings from reading it, the document itself if kept, and its csv lines
    if rendered."""

    rows: DocumentRows
    input: dict[str, str]
    language: str
    warnings: tuple[str, ...] = ()
    document: Document | None = None
    csv: CsvParts | None = None  # its csv lines, when the settings ask for them


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
        model = self.coder is not None
        return [
            CodedDocument(
                coded,
                input_record(document, task.sha256),
                document.meta.language or "id",
                warnings,
                document if settings.keep_documents else None,
                csv_parts(coded, settings.codebook, model) if settings.render_csv else None,
            )
            for coded, document, warnings, task in zip(rows, documents, notes, tasks, strict=True)
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
    batches = _batches(tasks)
    context: BaseContext | None = None
    if "fork" in multiprocessing.get_all_start_methods():
        global _process_coder
        _process_coder = (coder or DocumentCoder(settings)).warm()  # forked workers inherit it
        context = multiprocessing.get_context("fork")
    elif jobs == 1:  # a spawned worker would rebuild the pipelines: code here
        coder = coder or DocumentCoder(settings)
        yield from itertools.chain.from_iterable(map(coder.code_batch, batches))
        return
    # What exists now (the pipelines, the model) lives for the whole run: the garbage
    # collector, here and in the forked workers, need not scan it again and again.
    gc.freeze()
    try:
        while (yield from _in_pool(batches, settings, jobs, context)):
            pass  # a worker was full: the rest goes to fresh ones
    finally:
        gc.unfreeze()


def _in_pool(
    batches: Iterator[list[Task]], settings: CodeSettings, jobs: int, context: BaseContext | None
) -> Generator[CodedDocument, None, bool]:
    """Code ``batches`` in a pool of ``jobs`` workers until they run out (returns False) or
    a worker is full (True: the batches not sent yet are left in ``batches``)."""
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(settings,)
    ) as pool:
        try:
            submit = lambda batch: pool.submit(_code_here, batch)  # noqa: E731
            return (yield from _in_order(submit, batches, 2 * jobs))
        except GeneratorExit:  # the consumer is done: shut down in order, or the pool's
            pool.shutdown(cancel_futures=True)  # thread races the interpreter's exit
            raise
        except BaseException:  # Ctrl-C or a worker's error: do not wait for the others
            pool.shutdown(wait=False, cancel_futures=True)
            raise


_process_coder: DocumentCoder | None = None  # a worker process's coder
_memory_limit = 0  # a forked worker's peak memory (bytes) past which it says it is full
_local = threading.local()  # a Dask worker thread's coder


def _start_worker(settings: CodeSettings) -> None:
    """Worker set-up: die with the parent (Linux); keep the coder inherited from the parent
    (fork) or build one (spawn)."""
    global _process_coder, _memory_limit
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks remain
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if _process_coder is None or _process_coder.settings is not settings:
        _process_coder = DocumentCoder(settings)
    _memory_limit = max(WORKER_MEMORY, int(_peak_memory() * 1.5))


def _batches(tasks: Iterable[Task]) -> Iterator[list[Task]]:
    remaining = iter(tasks)
    return iter(lambda: list(itertools.islice(remaining, BATCH)), [])


def _in_order(
    submit: Callable[[list[Task]], Any], batches: Iterator[list[Task]], in_flight: int
) -> Generator[CodedDocument, None, bool]:
    """Submit ``batches`` (a future each, of the batch's documents and whether its worker is
    full), at most ``in_flight`` at a time, and yield the documents in order; stop submitting
    once a worker is full (returns True; the rest stays in ``batches``)."""
    pending: deque = deque()
    full = False
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            coded, full = pending.popleft().result()
            yield from coded
            if full:
                break
    while pending:
        coded, _ = pending.popleft().result()
        yield from coded
    return full


def _code_here(tasks: list[Task]) -> tuple[list[CodedDocument], bool]:
    """The batch coded, and whether this worker is full (its memory past its limit)."""
    assert _process_coder is not None
    return _process_coder.code_batch(tasks), _peak_memory() > _memory_limit


def _peak_memory() -> int:
    """This process's peak resident memory in bytes (a fork starts at its parent's); 0 where
    it cannot be known (Windows: workers are then never replaced)."""
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KB


def _code_on_dask(settings: CodeSettings, tasks: list[Task]) -> tuple[list[CodedDocument], bool]:
    """A Dask task: code a batch of documents with this worker thread's coder (Dask workers
    live on: never full)."""
    coder = getattr(_local, "coder", None)
    if coder is None or coder.settings != settings:
        coder = _local.coder = DocumentCoder(settings)
    return coder.code_batch(tasks), False


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
        submit = partial(client.submit, _code_on_dask, shared, pure=False)
        yield from _in_order(submit, _batches(tasks), in_flight)
