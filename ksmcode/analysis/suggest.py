"""Keyword suggestions: the words and phrases most characteristic of the units a human gave a
code that no keyword of the code matches yet, as YAML to paste into the codebook."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.errors import AnalysisError
from ksmcode.matching.globs import word_matches
from ksmcode.nlp import Normalizer, blank_pipeline

SUGGESTION_COLUMNS = ["code", "language", "term", "reading", "units", "other_units",
                      "precision", "example"]  # fmt: skip


@dataclass
class _Term:
    """Counts of one reading (normalised n-gram) in one language."""

    surfaces: Counter[str]
    units: set[str]
    example: dict[str, str]  # segment id -> the n-gram in its context


def suggest_keywords(
    coding: Coding,
    codebook: Codebook,
    human: pd.DataFrame,
    *,
    top: int = 5,
    min_units: int = 2,
    min_precision: float = 0.5,
    window: int = 4,
) -> pd.DataFrame:
    """For each code, up to ``top`` unigrams and bigrams (read the way keywords are: normalised,
    stop words left out) that occur in at least ``min_units`` of the units ``human`` (aligned,
    see ``align_coding``) gives the code, in at most a ``1 - min_precision`` share of the
    units it covers with them, and that no keyword of the code matches yet. ``term`` is the most
    frequent surface form (a keyword the researcher can paste), ``units`` / ``other_units``
    count the covered units with the term that have / lack the code, ``example`` is one
    occurrence in context.

    Example::

        gold = align_coding(read_coding("gold/ksm_gold.csv"), coding.units, codes=coding.code_ids)
        suggest_keywords(coding, codebook, gold)
    """
    units = coding.units.set_index("segment_id")
    covered = [s for s in human.index if s in units.index and human.loc[s].notna().all()]
    default = coding.run.get("options", {}).get("language") or "id"
    terms = _count_terms(units.loc[covered], codebook, default, window)
    rows: list[tuple] = []
    for code in codebook.codes:
        if code.id not in human.columns:
            continue
        positive = {s for s in covered if human.at[s, code.id] == 1}
        languages = {language for language, _ in terms}
        known = {lang: _Known(code.keywords, lang, codebook.protect) for lang in languages}
        found = []
        for (language, reading), term in terms.items():
            inside = term.units & positive
            if len(inside) < min_units or len(inside) / len(term.units) < min_precision:
                continue
            surface = term.surfaces.most_common(1)[0][0]
            if known[language].matches(reading, surface):
                continue
            precision = len(inside) / len(term.units)
            example = term.example[min(inside)]
            found.append((code.id, language, surface, reading, len(inside),
                          len(term.units) - len(inside), precision, example))  # fmt: skip
        found.sort(key=lambda r: (-r[4] * r[6], -r[4], r[2]))
        rows += found[:top]
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def _count_terms(
    units: pd.DataFrame, codebook: Codebook, default: str, window: int
) -> dict[tuple[str, str], _Term]:
    terms: dict[tuple[str, str], _Term] = defaultdict(lambda: _Term(Counter(), set(), {}))
    for segment_id, row in units.iterrows():
        language = row.get("language") or default
        nlp = blank_pipeline(language)
        normalise = _normalizer(language, codebook.protect)
        stop = nlp.Defaults.stop_words
        doc = nlp.make_doc(str(row["text"]))
        words = [t.text for t in doc]
        readings = [normalise(w) for w in words]
        content = [
            w.isalpha() and len(w) > 2 and w.lower() not in stop and r not in stop
            for w, r in zip(words, readings, strict=True)
        ]
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                if not all(content[i : i + n]):
                    continue
                term = terms[(language, " ".join(readings[i : i + n]))]
                term.surfaces[doc[i : i + n].text.lower()] += 1
                term.units.add(str(segment_id))
                if segment_id not in term.example:
                    left = doc[max(0, i - window) : i].text
                    right = doc[i + n : i + n + window].text
                    term.example[str(segment_id)] = f"{left} [{doc[i : i + n].text}] {right}"
    return terms


@cache
def _normalizer(language: str, protect: tuple[str, ...]) -> Normalizer:
    return Normalizer(language, protect)


class _Known:
    """A code's keywords in one language, read the way the matcher reads them."""

    def __init__(self, keywords: tuple[Keyword, ...], language: str, protect: tuple[str, ...]):
        normalise, nlp = _normalizer(language, protect), blank_pipeline(language)
        self.norm, self.exact, self.globs = [], [], []
        for kw in keywords:
            if kw.language not in (None, language):
                continue
            words = [t.text.lower() for t in nlp.make_doc(kw.text)]
            if kw.mode == "norm":
                self.norm.append(f" {' '.join(map(normalise, words))} ")
            elif kw.mode == "exact":
                self.exact.append(f" {' '.join(words)} ")
            else:
                self.globs.append(kw.text.lower().split())

    def matches(self, reading: str, surface: str) -> bool:
        """Whether a keyword matches the term or a part of it."""
        read, words = f" {reading} ", surface.split()
        if any(k in read for k in self.norm) or any(k in f" {surface} " for k in self.exact):
            return True
        return any(
            all(map(word_matches, parts, words[i : i + len(parts)]))
            for parts in self.globs
            for i in range(len(words) - len(parts) + 1)
        )


def suggestions_yaml(table: pd.DataFrame, source: str = "the human coding") -> str:
    """The suggestions as codebook YAML (``- id: … keywords: {lang: [...]}``), each term with
    its counts and an example as a comment, for the researcher to check and paste."""
    lines = [
        f"# Keywords characteristic of the units {source} gives each code that no keyword of",
        "# the code matches yet: units of the code with the term / other units with it.",
        "# Check each with `ksmcode kwic TERM` before pasting it into the code's keywords.",
    ]
    for code, part in table.groupby("code", sort=False):
        lines += [f"- id: {code}", "  keywords:"]
        for language, terms in part.groupby("language", sort=False):
            for row in terms.itertuples():
                example = " ".join(row.example.split())
                lines.append(f"    # {row.term}: {row.units} / {row.other_units}  «{example}»")
            quoted = ", ".join(_quote(t) for t in terms["term"])
            lines.append(f"    {language}: [{quoted}]")
    return "\n".join(lines) + "\n"


def _quote(term: str) -> str:
    plain = term.isalpha() and term.lower() not in ("yes", "no", "on", "off", "true", "false")
    return term if plain else f'"{term}"'


def run_suggestions(
    out_dir: str | Path | None,
    coding_path: str | Path | None,
    *,
    split_path: str | Path | None = None,
    part: str = "dev",
    top: int = 5,
    min_units: int = 2,
) -> tuple[pd.DataFrame, str]:
    """``suggest_keywords`` for a run folder and a human coding (see ``run_inputs``); the
    table and its YAML."""
    from ksmcode.analysis.rulestats import run_inputs

    coding, codebook, human = run_inputs(out_dir, coding_path, None, split_path, part)
    if coding_path is None or human is None:
        raise AnalysisError("suggestions need a human coding of the run's units (--coding)")
    table = suggest_keywords(coding, codebook, human, top=top, min_units=min_units)
    return table, suggestions_yaml(table, Path(coding_path).name)
