"""The main job as one call: read the study, code it, write the outputs."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ksmcode.config import PROJECT_FILE, UNITS, load_project
from ksmcode.errors import ConfigError
from ksmcode.location import locate

if TYPE_CHECKING:
    from ksmcode.location import Location

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CodeRequest:
    """Everything ``code_study`` needs; build it with ``resolve`` to apply ksmcode.yaml."""

    transcripts: Location  # a folder or file, or an fsspec address (s3://bucket/study)
    codebook: Path
    out: Path
    unit: str = "turn"
    language: str = "id"
    interviewer: tuple[str, ...] = ()
    fmt: str = "csv"
    jobs: int = 1  # processes; 0: one per core
    exclude: tuple[str, ...] = field(default_factory=tuple)
    scheduler: str | None = None  # a Dask scheduler address (tcp://host:8786)
    cache: bool = True  # reuse the coding of documents unchanged since the last run
    pseudonymise: bool = False
    names: Path | None = None  # extra names to pseudonymise
    name_map: Path = Path("pseudonyms.csv")  # where the name map is kept (never inside out)
    model: Path | None = None  # a trained coder (``ksmcode learn``); None: rules only
    model_named: bool = False  # named with --model (else a default: refused quietly if unfit)

    @classmethod
    def resolve(
        cls,
        project_dir: Path,
        *,
        transcripts: str | Path | None = None,
        codebook: Path | None = None,
        out: Path | None = None,
        unit: str | None = None,
        language: str | None = None,
        interviewer: Sequence[str] | None = None,
        fmt: str | None = None,
        jobs: int = 1,
        pseudonymise: bool | None = None,
        names: Path | None = None,
        scheduler: str | None = None,
        cache: bool = True,
        model: Path | None = None,
        use_model: bool = True,
    ) -> CodeRequest:
        """Options given here override the project file, which overrides the defaults."""
        from ksmcode.pseudonymise import MAP_FILE

        config = load_project(project_dir)
        if (
            transcripts is None
            and not (project_dir / PROJECT_FILE).is_file()
            and not Path(config.transcripts).exists()
        ):
            raise ConfigError(
                f"no {PROJECT_FILE} in {project_dir.resolve()} (and no {config.transcripts}/): "
                "run this in a project folder, create one with 'ksmcode init', or give the "
                "transcript folder and --codebook FILE"
            )
        unit = unit or config.unit
        if unit not in UNITS:
            raise ConfigError(f"unknown unit '{unit}'; choose one of: {', '.join(UNITS)}")
        return cls(
            transcripts=locate(transcripts or config.transcripts),
            codebook=codebook or config.codebook,
            out=out or config.out,
            unit=unit,
            language=language or config.language,
            interviewer=tuple(interviewer or config.interviewer),
            fmt=fmt or config.format,
            jobs=jobs,
            exclude=tuple(config.exclude),
            pseudonymise=config.pseudonymise if pseudonymise is None else pseudonymise,
            names=names or config.names,
            name_map=project_dir / MAP_FILE,
            scheduler=scheduler or config.scheduler,
            cache=cache,
            model=(model or config.model or _beside(codebook or config.codebook))
            if use_model
            else None,
            model_named=model is not None,
        )


def code_study(request: CodeRequest, on_progress: ProgressCallback | None = None):
    """Read, code and write a study as ``request`` says; return the run summary.

    Documents are read, coded and written one by one (in ``request.jobs`` processes or on
    the Dask scheduler ``request.scheduler``), so memory does not grow with the corpus; a
    document unchanged since the last run into the same folder comes from its cache.

    Example::

        summary = code_study(CodeRequest.resolve(Path(".")))
        summary.percent_coded
    """
    from ksmcode.codebook.load import load_codebook
    from ksmcode.export.atomic import file_sha256
    from ksmcode.export.coding import CodingWriter, check_output_folder
    from ksmcode.export.tables import FORMATS
    from ksmcode.io.corpus import UniqueIds, corpus_files
    from ksmcode.matching.engine import language_warnings
    from ksmcode.nlp import check_language
    from ksmcode.runcache import CACHE_DIR, DocumentCache
    from ksmcode.runner import CodeSettings, DocumentCoder, Task, code_tasks

    if request.fmt not in FORMATS:
        raise ConfigError(f"unknown format '{request.fmt}'; choose one of: {', '.join(FORMATS)}")
    check_language(request.language)
    codebook = load_codebook(request.codebook)
    coder, model_notes = _load_coder(request, codebook.sha256)
    exclude = request.exclude + _inside(request.out, request.transcripts)
    reading: list[str] = []
    files = corpus_files(
        request.transcripts, default_language=request.language, exclude=exclude, warnings=reading
    )
    interviewer = request.interviewer or None
    settings = CodeSettings(
        codebook,
        request.unit,
        request.language,
        interviewer,
        request.pseudonymise,
        request.model if coder else None,
        render_csv=_workers_render(request),
    )
    tasks = [Task(source) for source in files]
    if request.pseudonymise:
        from ksmcode.io import load_corpus
        from ksmcode.pseudonymise import pseudonymise_study

        corpus = load_corpus(
            request.transcripts,
            default_language=request.language,
            interviewer=interviewer,
            exclude=exclude,
        )
        corpus = pseudonymise_study(
            corpus, map_path=request.name_map, out=request.out, names=request.names
        )
        tasks = [Task(s, d) for s, d in zip(files, corpus.documents, strict=True)]
        reading = list(corpus.warnings)  # the same notes, and those of reading each document
    check_output_folder(request.out)  # after the inputs are read, before the long part
    cache = None
    if request.cache and not request.pseudonymise:
        cache = DocumentCache(request.out / CACHE_DIR, settings)
    keys: list[str] = []
    if cache:  # each file read and hashed once: for its key here and its run.json entry
        digests = [file_sha256(t.source.path) for t in tasks]
        tasks = [replace(t, sha256=d) for t, d in zip(tasks, digests, strict=True)]
        keys = [cache.key(t.source, d) for t, d in zip(tasks, digests, strict=True)]
    cached = [cache.has(k) for k in keys] if cache else [False] * len(tasks)
    to_code = [t for t, hit in zip(tasks, cached, strict=True) if not hit]
    local = DocumentCoder(settings, coder)
    coded = code_tasks(
        to_code, settings, jobs=request.jobs, scheduler=request.scheduler, coder=local
    )
    total, ids, languages = len(tasks), UniqueIds(), []
    with (
        closing(coded),  # the worker pool shuts down (and its workers are joined) here
        CodingWriter(request.out, request.fmt, codebook, model=coder is not None) as writer,
    ):
        for i, (task, hit) in enumerate(zip(tasks, cached, strict=True)):
            result = cache.get(keys[i]) if cache and hit else None  # one at a time: flat memory
            if result is None:  # not cached, or an unreadable entry (recoded here)
                result = local(task) if hit else next(coded)
                if cache:
                    cache.put(keys[i], replace(result, csv=None))
            ids.check(result.rows.document, task.source)
            reading.extend(result.warnings)
            languages.append(result.language)
            writer.add(result.rows, result.input, result.document, result.csv)
            if on_progress:
                on_progress(i + 1, total, result.rows.document)
        options = {
            "unit": request.unit,
            "language": request.language,
            "interviewer": list(request.interviewer),
            "exclude": list(request.exclude),
            **({"pseudonymise": True} if request.pseudonymise else {}),
            **({"model": {"path": str(request.model), **coder.summary()}} if coder else {}),
        }
        warnings = (
            *reading,
            *model_notes,
            *codebook.warnings,
            *language_warnings(languages, codebook),
        )
        cache_record = {"documents": cache.hits if cache else 0}
        summary = writer.finish(files[0].root, options, warnings, cache_record)
    if coder is not None:
        summary = replace(summary, model=str(request.model))
    if cache:
        cache.prune()
    return summary


def _workers_render(request: CodeRequest) -> bool:
    """Whether the workers render their documents' csv lines: with one worker process, this
    process has a core of its own to render them while the worker codes; with several (or a
    Dask cluster), rendering every document here would make this process the bottleneck."""
    workers = request.jobs or os.cpu_count() or 1
    return request.fmt == "csv" and (bool(request.scheduler) or workers > 1)


def _beside(codebook: Path) -> Path | None:
    """The model named like the codebook, beside it (codebooks/ksm.yaml -> codebooks/ksm.model),
    if there is one: the default model of that codebook."""
    model = codebook.with_suffix(".model")
    return model if model.is_file() else None


def _load_coder(request: CodeRequest, codebook_sha256: str | None):
    """The trained coder the request names, checked against the codebook, and notes. A model
    named with --model must fit the codebook; a default one (ksmcode.yaml, or beside the
    codebook) that does not is left out with a note, and the rules code alone."""
    if request.model is None:
        return None, ()
    from ksmcode.errors import ModelError
    from ksmcode.learn.store import check_codebook, load_model

    coder = load_model(request.model)
    try:
        check_codebook(coder, codebook_sha256, request.codebook, request.model)
    except ModelError as error:
        if request.model_named:
            raise
        return None, (f"{error.message.split(';')[0]}; coded with the rules alone",)
    return coder, ()


def _inside(out: Path, transcripts: Location) -> tuple[str, ...]:
    """An exclude glob for the output folder when it lies inside the transcript folder, so a
    second run does not read the first run's tables as transcripts."""
    if not isinstance(transcripts, Path):
        return ()  # an address: the outputs are written locally
    try:
        relative = out.resolve().relative_to(transcripts.resolve())
    except ValueError:
        return ()
    return (f"{relative.as_posix()}/*",)
