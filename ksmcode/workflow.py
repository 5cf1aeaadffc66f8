"""The main job as one call: read the study, code it, write the outputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ksmcode.config import UNITS, load_project
from ksmcode.errors import ConfigError

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CodeRequest:
    """Everything ``code_study`` needs; build it with ``resolve`` to apply ksmcode.yaml."""

    transcripts: Path
    codebook: Path
    out: Path
    unit: str = "turn"
    language: str = "id"
    interviewer: tuple[str, ...] = ()
    fmt: str = "csv"
    jobs: int = 1
    exclude: tuple[str, ...] = field(default_factory=tuple)
    pseudonymise: bool = False
    names: Path | None = None  # extra names to pseudonymise
    name_map: Path = Path("pseudonyms.csv")  # where the name map is kept (never inside out)

    @classmethod
    def resolve(
        cls,
        project_dir: Path,
        *,
        transcripts: Path | None = None,
        codebook: Path | None = None,
        out: Path | None = None,
        unit: str | None = None,
        language: str | None = None,
        interviewer: Sequence[str] | None = None,
        fmt: str | None = None,
        jobs: int = 1,
        pseudonymise: bool | None = None,
        names: Path | None = None,
    ) -> CodeRequest:
        """Options given here override the project file, which overrides the defaults."""
        from ksmcode.pseudonymise import MAP_FILE

        config = load_project(project_dir)
        unit = unit or config.unit
        if unit not in UNITS:
            raise ConfigError(f"unknown unit '{unit}'; choose one of: {', '.join(UNITS)}")
        return cls(
            transcripts=transcripts or config.transcripts,
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
        )


def code_study(request: CodeRequest, on_progress: ProgressCallback | None = None):
    """Read, code and write a study as ``request`` says; return the run summary.

    Example::

        summary = code_study(CodeRequest.resolve(Path(".")))
        summary.percent_coded
    """
    from ksmcode.analysis.frame import coding_frames
    from ksmcode.codebook.load import load_codebook
    from ksmcode.export.coding import check_output_folder, write_coding
    from ksmcode.export.tables import FORMATS
    from ksmcode.io import load_corpus
    from ksmcode.matching.engine import CodingResult, iter_code_corpus, language_warnings
    from ksmcode.nlp import check_language

    if request.fmt not in FORMATS:
        raise ConfigError(f"unknown format '{request.fmt}'; choose one of: {', '.join(FORMATS)}")
    check_language(request.language)
    codebook = load_codebook(request.codebook)
    exclude = request.exclude + _inside(request.out, request.transcripts)
    corpus = load_corpus(
        request.transcripts,
        default_language=request.language,
        interviewer=request.interviewer or None,
        exclude=exclude,
    )
    if request.pseudonymise:
        from ksmcode.pseudonymise import pseudonymise_study

        corpus = pseudonymise_study(
            corpus, map_path=request.name_map, out=request.out, names=request.names
        )
    check_output_folder(request.out)  # after the inputs are read, before the long part
    total = len(corpus.documents)
    if on_progress:
        on_progress(0, total, "")
    documents = []
    for done, coded in enumerate(
        iter_code_corpus(corpus, codebook, unit=request.unit, jobs=request.jobs), start=1
    ):
        documents.append(coded)
        if on_progress:
            on_progress(done, total, coded.document.id)
    options = {
        "unit": request.unit,
        "language": request.language,
        "interviewer": list(request.interviewer),
        "exclude": list(request.exclude),
        **({"pseudonymise": True} if request.pseudonymise else {}),
    }
    warnings = language_warnings(corpus, codebook)
    result = CodingResult(corpus, codebook, request.unit, tuple(documents), options, warnings)
    return write_coding(result, coding_frames(result), request.out, request.fmt)


def _inside(out: Path, transcripts: Path) -> tuple[str, ...]:
    """An exclude glob for the output folder when it lies inside the transcript folder, so a
    second run does not read the first run's tables as transcripts."""
    try:
        relative = out.resolve().relative_to(transcripts.resolve())
    except ValueError:
        return ()
    return (f"{relative.as_posix()}/*",)
