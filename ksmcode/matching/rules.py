"""Compile a codebook's rules into spaCy matchers for one language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.errors import CodebookError, Problem
from ksmcode.nlp import Normalizer


@dataclass(frozen=True)
class RuleRef:
    """What a matcher key stands for."""

    code: str
    kind: str  # "keyword", "pattern", "near-a", "near-b", "exclude"
    term: str
    rule: str  # rule name (near rules) or the term itself


class CompiledRules:
    """Every rule of a codebook that applies to one language, as three spaCy matchers.

    Keywords compared on normalised forms go to a PhraseMatcher on NORM, exact keywords to a
    PhraseMatcher on LOWER, and globs and token patterns to a Matcher. Near-rule terms and
    exclude phrases ride along in the same matchers under their own keys.
    """

    def __init__(self, codebook: Codebook, language: str, nlp: Language, normalise: Normalizer):
        self.nlp, self.normalise = nlp, normalise
        self.by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.by_tokens = Matcher(nlp.vocab, validate=True)
        self.refs: dict[int, RuleRef] = {}
        problems: list[Problem] = []
        for code in codebook.codes:
            for kw in _for(code.keywords, language):
                self._add_keyword(kw, RuleRef(code.id, "keyword", _show(kw), _show(kw)))
            for kw in _for(code.exclude, language):
                self._add_keyword(kw, RuleRef(code.id, "exclude", _show(kw), _show(kw)))
            for rule in code.near:
                if rule.language not in (None, language):
                    continue
                for side, terms in (("near-a", rule.a), ("near-b", rule.b)):
                    for kw in terms:
                        self._add_keyword(kw, RuleRef(code.id, side, _show(kw), rule.name))
            for pattern in code.patterns:
                if pattern.language not in (None, language):
                    continue
                key = self._key(RuleRef(code.id, "pattern", pattern.name, pattern.name))
                try:
                    self.by_tokens.add(key, [list(pattern.tokens)])
                except (MatchPatternError, ValueError) as exc:
                    problems.append(
                        Problem(
                            f"invalid token pattern: {exc}",
                            codebook.path,
                            pattern.line,
                            code=code.id,
                        )
                    )
        if problems:
            raise CodebookError("The codebook's token patterns are invalid.", problems)

    def _key(self, ref: RuleRef) -> str:
        label = f"{ref.kind}\x1f{ref.code}\x1f{ref.rule}\x1f{ref.term}"
        self.refs[self.nlp.vocab.strings.add(label)] = ref
        return label

    def _add_keyword(self, kw: Keyword, ref: RuleRef) -> None:
        key = self._key(ref)
        if kw.mode == "glob":
            tokens = []
            for word in kw.text.lower().split():
                if word.endswith("*"):
                    tokens.append({"LOWER": {"REGEX": "^" + re.escape(word[:-1])}})
                else:
                    tokens.append({"LOWER": word})
            self.by_tokens.add(key, [tokens])
            return
        doc = self.nlp.make_doc(kw.text)
        if kw.mode == "norm":
            set_norms(doc, self.normalise)
            self.by_norm.add(key, [doc])
        else:
            self.by_lower.add(key, [doc])

    def __call__(self, doc) -> list[tuple[RuleRef, int, int]]:
        """All rule hits in ``doc`` as (rule, token start, token end)."""
        hits = []
        for matcher in (self.by_norm, self.by_lower, self.by_tokens):
            if len(matcher):
                hits.extend((self.refs[key], start, end) for key, start, end in matcher(doc))
        return hits


def set_norms(doc, normalise: Normalizer) -> list[str]:
    """Give every token of ``doc`` its normalised form (on the shared lexeme, so each distinct
    word is normalised once per run) and return the forms."""
    norms = []
    for token in doc:
        lexeme = token.lex
        wanted = normalise(token.text)
        if lexeme.norm_ != wanted:
            lexeme.norm_ = wanted
        norms.append(wanted)
    return norms


def _for(keywords: tuple[Keyword, ...], language: str):
    return [kw for kw in keywords if kw.language in (None, language)]


def _show(kw: Keyword) -> str:
    return f"={kw.text}" if kw.mode == "exact" else kw.text
