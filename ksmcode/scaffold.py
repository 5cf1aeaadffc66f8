"""Start a new ksmcode project: a project file, a transcript folder and a codebook to fill in."""

from __future__ import annotations

from pathlib import Path

from ksmcode.errors import ConfigError
from ksmcode.export.atomic import write_bytes

PROJECT_FILE = """\
# ksmcode project file: defaults for every command run in this folder (options override them).
transcripts: transcripts        # your transcripts (.txt .md .docx .vtt .srt .csv .xlsx)
codebook: codebooks/codebook.yaml
out: out                        # where `ksmcode code` writes and the analysis commands read
unit: turn                      # turn | paragraph | sentence
language: {language}                    # for documents that do not declare one (id | en)
interviewer: [Peneliti, Interviewer]
format: csv                     # csv | xlsx | parquet | jsonl
"""

SOURCES = """\
file,informant,role,method,language,interviewer,date
contoh_wawancara.txt,Bu Contoh,beneficiary,interview,{language},Peneliti,2026-01-31
"""

EXAMPLE_TRANSCRIPT = """\
---
informant: Bu Contoh
role: beneficiary
method: interview
note: An example transcript; replace it with your own.
---
Peneliti: Ibu ikut pelatihan apa saja?
Bu Contoh: Saya ikut pelatihan menjahit di balai warga. Alatnya masih kurang, jadi gantian.
"""

CODEBOOK = """\
codebook:
  name: My codebook
  version: "0.1.0"
  languages: [id, en]
  description: >-
    Describe the framework the codes come from.
families:
  - id: stage
    label: {id: Tahapan, en: Stages}
codes:
  - id: stage.implementation
    family: stage
    label: {id: Tahap pelaksanaan, en: Implementation}
    definition: Carrying out the planned activities.
    inclusion: The informant describes an activity that was held or attended.
    exclusion: Plans for activities that have not happened yet (use a planning code).
    example: "Saya ikut pelatihan menjahit di balai warga."
    keywords:                 # normalised: pelatihan also finds dilatih, latihan
      id: [pelatihan, "kegiatan berjalan"]
      en: [training]
    near:                     # a within `window` words of b, in one sentence
      - {a: [ikut, diadakan], b: [kegiatan, kelas], window: 3}
"""


def init_project(folder: str | Path = ".", *, language: str = "id") -> list[Path]:
    """Write ksmcode.yaml, transcripts/ (an example and sources.csv) and codebooks/codebook.yaml
    into ``folder``; refuse to overwrite anything. Returns the files written.

    Example::

        init_project("my_study")
    """
    folder = Path(folder)
    files = {
        folder / "ksmcode.yaml": PROJECT_FILE.format(language=language),
        folder / "transcripts" / "sources.csv": SOURCES.format(language=language),
        folder / "transcripts" / "contoh_wawancara.txt": EXAMPLE_TRANSCRIPT,
        folder / "codebooks" / "codebook.yaml": CODEBOOK,
    }
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise ConfigError(
            f"{folder}: already has {', '.join(existing)}; choose an empty folder for a new project"
        )
    return [write_bytes(path, text.encode("utf-8")) for path, text in files.items()]
