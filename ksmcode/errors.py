"""Exceptions raised by the library. The CLI turns them into one-line messages and exit code 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str | None = None
    code: str | None = None  # the code id the problem belongs to, if any

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        subject = f"code '{self.code}': " if self.code else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{subject}{self.message}{hint}"


class KsmcodeError(Exception):
    """Base class for every error caused by the user's input or environment."""

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()):
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message, *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)


class TranscriptError(KsmcodeError):
    """A transcript or its metadata cannot be read."""


class CodebookError(KsmcodeError):
    """A codebook is malformed or invalid."""


class ConfigError(KsmcodeError):
    """The project file or a command-line option is invalid."""


class AnalysisError(KsmcodeError):
    """An analysis cannot be computed from the data (unknown attribute, misaligned codings)."""


class ExportError(KsmcodeError):
    """An output cannot be written."""


class ImportFormatError(KsmcodeError):
    """An external file (REFI-QDA, coding table) is invalid or unsafe to read."""


class ModelError(KsmcodeError):
    """A learned model cannot be trained, read or applied."""
