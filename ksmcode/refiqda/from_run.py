"""Export the output folder of ``ksmcode code`` as a .qdpx, re-reading the corpus and codebook
recorded in its run.json (and refusing when they changed since the run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ksmcode.errors import ExportError
from ksmcode.export.atomic import file_sha256
from ksmcode.refiqda.export_project import export_qdpx
from ksmcode.refiqda.offsets import OffsetUnit


def _recorded(run: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    try:
        transcripts, codebook = Path(run["transcripts"]), Path(run["codebook"]["path"])
    except (KeyError, TypeError):
        raise ExportError(
            f"{out_dir / 'run.json'}: does not record the transcripts and codebook; "
            "run 'ksmcode code' again"
        ) from None
    for path in (transcripts, codebook):
        if not path.exists():
            raise ExportError(
                f"{path}: recorded in {out_dir / 'run.json'} but not found; run this command "
                "from the folder where 'ksmcode code' ran"
            )
    return transcripts, codebook


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
    from ksmcode.io import load_corpus

    out_dir = Path(out_dir)
    coding = load_coding(out_dir)
    transcripts, codebook_path = _recorded(coding.run, out_dir)
    codebook = load_codebook(codebook_path)
    if codebook.sha256 != coding.run["codebook"].get("sha256"):
        raise ExportError(
            f"{codebook_path}: changed since the run in {out_dir}; run 'ksmcode code' again"
        )
    options = coding.run.get("options", {})
    corpus = load_corpus(
        transcripts,
        default_language=options.get("language", "id"),
        interviewer=options.get("interviewer") or None,
        exclude=options.get("exclude", ()),
    )
    recorded = {i["document"]: i.get("sha256") for i in coding.run.get("inputs", [])}
    changed = [d.id for d in corpus.documents if recorded.get(d.id) != file_sha256(d.path)]
    if changed:
        raise ExportError(
            f"{len(changed)} transcript(s) changed or were added since the run in {out_dir} "
            f"({', '.join(changed[:5])}); run 'ksmcode code' again"
        )
    return export_qdpx(
        corpus, codebook, coding.segments, path, offsets=offsets, project_name=project_name
    )
