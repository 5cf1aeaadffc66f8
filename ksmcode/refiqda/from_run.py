"""Export the output folder of ``ksmcode code`` as a .qdpx. The documents come from the run's
``documents.jsonl`` when it was pseudonymised (the sources then hold the pseudonymised texts),
else from re-reading the transcripts recorded in run.json (refusing when they changed since)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ksmcode.errors import ExportError
from ksmcode.export.atomic import file_sha256
from ksmcode.location import locate
from ksmcode.model import Corpus
from ksmcode.refiqda.export_project import export_qdpx
from ksmcode.refiqda.offsets import OffsetUnit

if TYPE_CHECKING:
    from ksmcode.location import Location


def _recorded(run: dict[str, Any], out_dir: Path, key: str) -> Location:
    try:
        path = locate(run["transcripts"] if key == "transcripts" else run["codebook"]["path"])
    except (KeyError, TypeError):
        raise ExportError(
            f"{out_dir / 'run.json'}: does not record the transcripts and codebook; "
            "run 'ksmcode code' again"
        ) from None
    if not path.exists():
        raise ExportError(
            f"{path}: recorded in {out_dir / 'run.json'} but not found; run this command "
            "from the folder where 'ksmcode code' ran"
        )
    return path


def run_corpus(run: dict[str, Any], out_dir: Path) -> Corpus:
    """The documents a run coded, as its outputs' offsets refer to them."""
    from ksmcode.io import load_corpus
    from ksmcode.io.documents import DOCUMENTS_FILE, load_documents

    options = run.get("options", {})
    if options.get("pseudonymise"):
        path = out_dir / DOCUMENTS_FILE
        if not path.is_file():
            raise ExportError(
                f"{path}: missing (the run was pseudonymised); run 'ksmcode code' again"
            )
        return Corpus(out_dir, load_documents(path))
    transcripts = _recorded(run, out_dir, "transcripts")
    corpus = load_corpus(
        transcripts,
        default_language=options.get("language", "id"),
        interviewer=options.get("interviewer") or None,
        exclude=options.get("exclude", ()),
    )
    recorded = {i["document"]: i.get("sha256") for i in run.get("inputs", [])}
    changed = [d.id for d in corpus.documents if recorded.get(d.id) != file_sha256(d.path)]
    if changed:
        raise ExportError(
            f"{len(changed)} transcript(s) changed or were added since the run in {out_dir} "
            f"({', '.join(changed[:5])}); run 'ksmcode code' again"
        )
    return corpus


def export_run_qdpx(
    out_dir: str | Path,
    path: str | Path,
    *,
    offsets: OffsetUnit = "codepoint",
    project_name: str | None = None,
) -> Path:
    """Write the coding in ``out_dir`` (from ``ksmcode code``) as a .qdpx at ``path``.

    Example: ``export_run_qdpx("out", "out/study.qdpx", offsets="utf16")``
    """
    from ksmcode.analysis.frame import load_coding
    from ksmcode.codebook.load import load_codebook

    out_dir = Path(out_dir)
    coding = load_coding(out_dir)
    codebook_path = _recorded(coding.run, out_dir, "codebook")
    codebook = load_codebook(codebook_path)
    if codebook.sha256 != coding.run["codebook"].get("sha256"):
        raise ExportError(
            f"{codebook_path}: changed since the run in {out_dir}; run 'ksmcode code' again"
        )
    corpus = run_corpus(coding.run, out_dir)
    return export_qdpx(
        corpus, codebook, coding.segments, path, offsets=offsets, project_name=project_name
    )
