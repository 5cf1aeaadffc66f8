"""All-or-nothing file writes: write beside the targets, then rename over them together."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ksmcode.errors import ExportError
from ksmcode.location import locate, reaching

if TYPE_CHECKING:
    from ksmcode.location import Location


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot_write(target: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    return ExportError(f"{target}: cannot write it ({reason}); choose another path or folder")


@contextlib.contextmanager
def writing_into(folder: Path) -> Iterator[None]:
    """Turn an OSError of the block (a full disk, a lost drive) into an ExportError that
    names ``folder`` and the cause; callers make sure the earlier outputs stay as they were."""
    try:
        yield
    except OSError as exc:
        raise ExportError(
            f"{folder}: cannot write the outputs ({exc.strerror or exc}); the earlier files "
            "are left as they were. Free some space or choose another folder"
        ) from None


@contextlib.contextmanager
def atomic_paths(targets: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Yield temporary paths beside ``targets``; when the block succeeds they replace the
    targets, one after the other, only after every file has been written.

    If the block raises, the temporary files are removed and every target is left as it was;
    an OSError in the block (a full disk) becomes an ExportError naming the folder and cause.
    Temporary files of the targets left by a killed earlier run are removed first. New files
    get the usual permissions (0666 less the umask), not mkstemp's 0600.

    Example::

        with atomic_paths(["out/segments.csv", "out/units.csv"]) as (seg, units):
            ...
    """
    paths = [Path(t) for t in targets]
    temps: list[Path] = []
    mode = 0o666 & ~_umask()
    try:
        for target in paths:
            if target.is_dir():
                raise ExportError(f"{target}: is a folder; give a file name to write")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
                    stale.unlink(missing_ok=True)
                fd, name = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
                os.close(fd)
                os.chmod(name, mode)
            except OSError as exc:
                raise _cannot_write(target, exc) from None
            temps.append(Path(name))
        with writing_into(paths[0].parent if paths else Path(".")):
            yield list(temps)
        for tmp, target in zip(temps, paths, strict=True):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _cannot_write(target, exc) from None
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """``atomic_paths`` for one file.

    Example::

        with atomic_path("out/units.csv") as tmp:
            frame.to_csv(tmp)
    """
    with atomic_paths([target]) as (tmp,):
        yield tmp


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def file_sha256(path: str | Path | Location) -> str:
    """The SHA-256 of a file's bytes (a local path or an fsspec address), as in run.json."""
    location = locate(path)
    with reaching(location):
        return hashlib.sha256(location.read_bytes()).hexdigest()


def ensure_writable(folder: str | Path) -> None:
    """Fail early, before anything is written, if ``folder`` cannot take new files."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ExportError(
            f"{folder}: cannot write here ({exc.strerror}); choose another folder with --out"
        ) from None
