"""Where transcripts live: a local path, or an fsspec address (``s3://``, ``gs://``, ``az://``,
``memory://`` …) read through universal-pathlib's pathlib-like ``UPath``."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeAlias

from ksmcode.errors import ConfigError, KsmcodeError, TranscriptError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from upath import UPath

    Location: TypeAlias = Path | UPath

_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_address(value: object) -> bool:
    """Whether ``value`` is an fsspec address (``protocol://…``) rather than a local path."""
    return isinstance(value, str) and _ADDRESS.match(value) is not None


def locate(value: str | os.PathLike[str] | Location) -> Location:
    """A local ``Path``, or a ``UPath`` for an address; ``file://`` addresses become paths.

    The address's file system is opened here, so a missing package (``s3fs`` for ``s3://``)
    is reported before any work starts.

    Example: ``locate("s3://bucket/study/transcripts")``
    """
    if not isinstance(value, (str, os.PathLike)):
        return value  # already a UPath
    if not is_address(value):
        return Path(value)
    address = str(value)
    try:
        from upath import UPath
    except ImportError:
        raise ConfigError(
            f"{address}: reading from an address needs universal-pathlib; install it with "
            "pip install 'ksmcode[remote]' (and the file system's package: s3fs for s3://, "
            "gcsfs for gs://, adlfs for az://)"
        ) from None
    try:
        location = UPath(address)
        if location.protocol in ("file", "local"):
            return Path(location.path)
        location.fs  # noqa: B018 - opens the file system: its package must be installed
    except ImportError as exc:
        raise ConfigError(f"{address}: {exc} (pip install it beside ksmcode)") from None
    except ValueError as exc:
        raise ConfigError(
            f"{address}: {exc}; use a local path or an address fsspec knows (s3://, gs://, "
            "az://, https://, …)"
        ) from None
    return location


@contextlib.contextmanager
def reaching(location: Location) -> Iterator[None]:
    """Turn what a remote file system raises in the block (no network, no credentials: each
    backend has its own exceptions) into a TranscriptError naming the address."""
    try:
        yield
    except KsmcodeError:
        raise
    except Exception as exc:
        if isinstance(location, Path):
            raise
        raise TranscriptError(
            f"{location}: cannot be read ({type(exc).__name__}: {exc}); check the address, "
            "the network and the file system's credentials (for s3://, AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, and AWS_ENDPOINT_URL for other "
            "S3-compatible stores)"
        ) from None


def walk_files(root: Location) -> Iterator[str]:
    """Relative posix paths of the files under ``root``, hidden folders left out."""
    walker = os.walk(root) if isinstance(root, Path) else root.walk()
    for folder, dirs, names in walker:
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        where = Path(folder) if isinstance(folder, str) else folder
        yield from (relative_posix(where / name, root) for name in names)


def relative_posix(path: Location, root: Location) -> str:
    """``path`` relative to ``root``, with forward slashes; ValueError when it lies outside."""
    return PurePosixPath(*path.relative_to(str(root)).parts).as_posix()


def openable(path: Location) -> str | io.BytesIO:
    """What a library that opens files by name (python-docx, openpyxl) can open: a local path
    itself, an address's bytes in memory."""
    return str(path) if isinstance(path, Path) else io.BytesIO(path.read_bytes())
