"""A full codebook check: the loader's validation plus compiling every rule with spaCy."""

from __future__ import annotations

from pathlib import Path

from ksmcode.codebook.load import load_codebook
from ksmcode.codebook.model import Codebook


def check_codebook(path: str | Path) -> Codebook:
    """Load ``path`` and compile its rules for each of its languages; raise on any problem."""
    from ksmcode.matching.engine import Engine

    codebook = load_codebook(path)
    engine = Engine(codebook)
    for language in codebook.languages:
        engine.language(language)
    return codebook
