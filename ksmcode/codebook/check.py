"""A full codebook check: the loader's validation, every rule compiled with spaCy, and keywords
that read the same once normalised."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ksmcode.codebook.load import inspect_codebook, read_codebook_text
from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.errors import CodebookError, Problem
from ksmcode.matching.globs import word_matches


@dataclass(frozen=True)
class CheckResult:
    """What ``inspect`` found: the codebook (None if too broken to build), every problem in
    line order, and the warnings."""

    codebook: Codebook | None
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


def inspect(path: str | Path) -> CheckResult:
    """Check a codebook file and report everything at once, raising nothing for its content.

    Example::

        result = inspect("codebooks/ksm.yaml")
        [str(p) for p in result.problems]
    """
    from ksmcode.matching.engine import Engine

    text, digest = read_codebook_text(path)
    codebook, problems = inspect_codebook(text, path)
    if codebook is None:
        return CheckResult(None, tuple(problems), ())
    codebook = replace(codebook, path=str(path), sha256=digest)
    engine = Engine(codebook)
    for language in codebook.languages:
        try:
            engine.language(language)
        except CodebookError as exc:
            problems += [p for p in exc.problems if p not in problems]
    warnings = (*codebook.warnings, *_same_reading(codebook))
    problems.sort(key=lambda p: p.line or 0)
    return CheckResult(replace(codebook, warnings=warnings), tuple(problems), warnings)


def check_codebook(path: str | Path) -> Codebook:
    """Load ``path`` and compile its rules for each of its languages; raise on any problem."""
    result = inspect(path)
    if result.problems or result.codebook is None:
        problems = list(result.problems)
        raise CodebookError(f"{path}: the codebook has {len(problems)} problem(s).", problems)
    return result.codebook


def _same_reading(codebook: Codebook) -> list[str]:
    """Warnings for keywords that match the same words as another keyword once read the way
    the matcher reads them (pelatihan and latihan both read 'latih'; '=kursi' is inside
    'kursi'; '=pelatihan' inside 'pelatih*'). Within one code the redundant keyword never adds
    evidence; under two codes the same words give both codes."""
    from ksmcode.nlp import Normalizer, blank_pipeline

    warnings: dict[str, None] = {}
    for language in codebook.languages:
        normalise = Normalizer(language, codebook.protect)
        nlp = blank_pipeline(language)
        owner: dict[tuple[str, str], tuple[str, Keyword]] = {}
        for code in codebook.codes:
            seen: dict[tuple[str, str], Keyword] = {}
            globs: list[Keyword] = []
            for kw in (k for k in code.keywords if k.language in (None, language)):
                words = [t.text.lower() for t in nlp.make_doc(kw.text)]
                reading = " ".join(map(normalise, words) if kw.mode == "norm" else words)
                key = (kw.mode, reading)
                cover = seen.get(key)
                if kw.mode == "exact" and cover is None:
                    cover = seen.get(("norm", " ".join(map(normalise, words))))
                    cover = cover or next((g for g in globs if _glob_covers(g, words)), None)
                if cover is not None:
                    warnings[
                        f"{codebook.path}:{kw.line}: code '{code.id}': keyword '{kw.written}' "
                        f"never adds evidence: '{cover.written}' (line {cover.line}) matches the "
                        f"same words ({language}); delete one"
                    ] = None
                    continue
                seen[key] = kw
                globs += [kw] if kw.mode == "glob" else []
                other = owner.setdefault(key, (code.id, kw))
                if other[0] != code.id and other[1].text.lower() != kw.text.lower():
                    warnings[
                        f"{codebook.path}:{kw.line}: code '{code.id}': keyword '{kw.written}' "
                        f"reads as '{reading}' ({language}), like '{other[1].written}' of code "
                        f"'{other[0]}' (line {other[1].line}): the same words give both codes"
                    ] = None
    return list(warnings)


def _glob_covers(glob: Keyword, words: list[str]) -> bool:
    """Whether every match of the exact words ``words`` is a match of ``glob`` too."""
    parts = glob.text.lower().split()
    return len(parts) == len(words) and all(map(word_matches, parts, words))
