"""Pydantic models of the codebook YAML: the only place that knows the file's shape."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Language = Literal["id", "en"]
LanguageKey = Literal["id", "en", "any"]  # a rule block's key: a language, or "any" for all
LANGUAGES: tuple[Language, ...] = ("id", "en")
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"
RULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$"
COLOR_PATTERN = r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$"

# Token attributes a blank spaCy pipeline (tokenizer + our normaliser) can provide. LEMMA is only
# set for English (lookup lemmatizer); POS, TAG, DEP, MORPH and ENT_TYPE need a trained pipeline.
TOKEN_ATTRS_ANY = {
    "ORTH",
    "TEXT",
    "LOWER",
    "NORM",
    "LENGTH",
    "SHAPE",
    "PREFIX",
    "SUFFIX",
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_STOP",
    "IS_BRACKET",
    "IS_QUOTE",
    "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT",
    "IS_CURRENCY",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
    "OP",
}
TOKEN_ATTRS_BY_LANGUAGE: dict[Language, set[str]] = {
    "id": TOKEN_ATTRS_ANY,
    "en": TOKEN_ATTRS_ANY | {"LEMMA"},
}
NEEDS_TRAINED = {
    "POS",
    "TAG",
    "DEP",
    "MORPH",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "SENT_START",
    "IS_SENT_START",
    "HEAD",
    "LEMMA",
}

Terms = list[str]
PerLanguage = dict[str, Any]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CodebookInfo(_Strict):
    name: str = Field(min_length=1)
    version: str = "0"
    languages: list[Language] = Field(default_factory=lambda: list(LANGUAGES))
    description: str = ""
    protect: list[str] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value


class FamilySpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: dict[Language, str] = Field(default_factory=dict)
    description: str = ""
    color: str | None = Field(default=None, pattern=COLOR_PATTERN)


class NearSpec(_Strict):
    a: Terms = Field(min_length=1)
    b: Terms = Field(min_length=1)
    window: int = Field(default=5, ge=1, le=50)
    lang: Language | None = None
    id: str | None = Field(default=None, pattern=RULE_ID_PATTERN)
    name: str | None = Field(default=None, pattern=RULE_ID_PATTERN)  # older spelling of id


class CodeSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    family: str | None = None
    parent: str | None = None
    label: dict[Language, str] = Field(default_factory=dict)
    color: str | None = Field(default=None, pattern=COLOR_PATTERN)
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    when_negated: Literal["keep", "drop", "ignore"] = "keep"
    yield_to: list[str] = Field(default_factory=list)
    min_terms: int = Field(default=1, ge=1, le=10)
    keywords: dict[LanguageKey, Terms] = Field(default_factory=dict)
    patterns: dict[LanguageKey, list[list[dict[str, Any]]]] = Field(default_factory=dict)
    near: list[NearSpec] = Field(default_factory=list)
    exclude: dict[LanguageKey, Terms] = Field(default_factory=dict)


class CodebookSpec(_Strict):
    codebook: CodebookInfo
    families: list[FamilySpec] = Field(default_factory=list)
    codes: list[CodeSpec] = Field(min_length=1)
