"""The codebook as frozen dataclasses, after validation (see ``load.py`` for the YAML side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

KeywordMode = Literal["norm", "exact", "glob"]


@dataclass(frozen=True)
class Keyword:
    """A word or phrase. ``norm``: compared on normalised forms (stem / lemma / colloquial
    spelling); ``exact``: compared on case-folded surface forms (written ``=word``); ``glob``:
    tokens ending in ``*`` match any case-folded surface form with that prefix (``pelatih*``)."""

    text: str
    language: str | None  # None: applies to every language
    mode: KeywordMode = "norm"
    line: int | None = None  # line in the codebook file, for messages
    id: str = ""  # rule id, e.g. "support.budget/keyword/3" ("" for the terms of a near rule)

    @property
    def written(self) -> str:
        """The keyword as the codebook writes it (``=word`` when exact)."""
        return f"={self.text}" if self.mode == "exact" else self.text


@dataclass(frozen=True)
class Pattern:
    """A spaCy Matcher token pattern."""

    tokens: tuple[dict[str, Any], ...]
    language: str | None
    id: str  # rule id, e.g. "stage.planning/pattern/1"
    line: int | None = None

    @property
    def written(self) -> str:
        """The pattern in brief: ``[{LOWER: alat}, {LOWER: {IN: [cukur, tani]}}]`` is
        ``alat cukur|tani``."""
        words = []
        for token in self.tokens:
            attr, value = next(
                ((k, v) for k, v in token.items() if str(k).upper() != "OP"), ("", "")
            )
            if isinstance(value, dict):
                choices = next(iter(value.values()), "")
                value = "|".join(map(str, choices)) if isinstance(choices, list) else str(choices)
            elif isinstance(value, bool):
                value = attr if value else f"not {attr}"
            words.append(f"{value or '*'}{token.get('OP', '')}")
        return " ".join(words)


@dataclass(frozen=True)
class NearRule:
    """Terms of set ``a`` within ``window`` tokens of terms of set ``b`` (either order),
    in the same segment."""

    a: tuple[Keyword, ...]
    b: tuple[Keyword, ...]
    window: int
    language: str | None
    id: str  # the rule's own ``id:``, else e.g. "stage.termination/near/2"
    line: int | None = None

    @property
    def written(self) -> str:
        """``a|b ~ c|d (window 3)``."""
        a, b = ("|".join(k.written for k in side) for side in (self.a, self.b))
        return f"{a} ~ {b} (window {self.window})"


Rule = Keyword | Pattern | NearRule


@dataclass(frozen=True)
class Family:
    id: str
    labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    color: str | None = None


@dataclass(frozen=True)
class Code:
    id: str
    family: str
    parent: str | None = None  # a parent code id, for hierarchies below the family
    labels: dict[str, str] = field(default_factory=dict)
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str | None = None
    keywords: tuple[Keyword, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    near: tuple[NearRule, ...] = ()
    exclude: tuple[Keyword, ...] = ()
    when_negated: Literal["keep", "drop", "ignore"] = "keep"
    yield_to: tuple[str, ...] = ()  # drop evidence that overlaps evidence of these codes
    min_terms: int = 1  # distinct terms a segment needs before the code is assigned
    line: int | None = None

    def label(self, language: str = "en") -> str:
        """The label in ``language``, falling back to any label, then to the id."""
        return self.labels.get(language) or next(iter(self.labels.values()), self.id)

    @property
    def rule_count(self) -> int:
        return len(self.keywords) + len(self.patterns) + len(self.near)

    @property
    def rules_by_kind(self) -> tuple[tuple[str, Rule], ...]:
        """Every rule of the code with its kind (keyword, pattern, near, exclude)."""
        return (
            *(("keyword", r) for r in self.keywords),
            *(("pattern", r) for r in self.patterns),
            *(("near", r) for r in self.near),
            *(("exclude", r) for r in self.exclude),
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule of the code, exclude phrases included."""
        return tuple(rule for _, rule in self.rules_by_kind)


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    languages: tuple[str, ...]
    families: tuple[Family, ...]
    codes: tuple[Code, ...]
    description: str = ""
    protect: tuple[str, ...] = ()  # words the Indonesian stemmer must leave alone
    path: str | None = None
    sha256: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def code(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def family_of(self, code_id: str) -> str:
        return self.code(code_id).family
