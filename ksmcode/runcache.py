"""Coded documents kept between runs, so a rerun codes only new or changed documents.

An entry is keyed by everything its rows depend on: the transcript's bytes, its path and
sidecar metadata, the codebook's bytes, the learned model's bytes, the coding options and
ksmcode's own code. Entries live
in ``out/.cache``; a run removes the entries it did not use.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from ksmcode.export.atomic import file_sha256
from ksmcode.io.corpus import SourceFile
from ksmcode.location import relative_posix
from ksmcode.runner import CodedDocument, CodeSettings

CACHE_DIR = ".cache"


@cache
def code_digest() -> str:
    """A digest of ksmcode's own modules and data: a changed ksmcode invalidates the cache."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".tsv") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class DocumentCache:
    """Coded documents of earlier runs with the same ``settings``, in ``folder``."""

    def __init__(self, folder: Path, settings: CodeSettings):
        self.folder = folder
        self.hits = 0
        self._used: set[str] = set()
        codebook, model = settings.codebook, settings.model
        self._settings = json.dumps(
            [code_digest(), codebook.sha256, codebook.path, settings.unit,
             settings.default_language, settings.interviewer,
             file_sha256(model) if model else None],
            default=str,
        )  # fmt: skip

    def key(self, source: SourceFile, file_sha256: str) -> str:
        relative = relative_posix(source.path, source.root)
        meta = json.dumps(source.sidecar_meta, sort_keys=True, default=str)
        parts = json.dumps([self._settings, relative, meta, file_sha256])
        return hashlib.sha256(parts.encode()).hexdigest()

    def has(self, key: str) -> bool:
        return (self.folder / f"{key}.pickle").is_file()

    def get(self, key: str) -> CodedDocument | None:
        """The entry, or None if it is missing or unreadable."""
        self._used.add(key)
        try:
            with (self.folder / f"{key}.pickle").open("rb") as handle:
                coded = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        self.hits += 1
        return coded

    def put(self, key: str, coded: CodedDocument) -> None:
        self._used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(coded, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, self.folder / f"{key}.pickle")

    def prune(self) -> None:
        """Remove the entries this run did not use (and temporary files of killed runs)."""
        for path in self.folder.glob("*"):
            if path.stem not in self._used or path.suffix == ".tmp":
                path.unlink(missing_ok=True)
