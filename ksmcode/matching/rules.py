"""Compile a codebook's rules into spaCy matchers for one language."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.errors import CodebookError, Problem
from ksmcode.matching.globs import GlobMatcher
from ksmcode.nlp import Normalizer


@dataclass(frozen=True)
class RuleRef:
    """What a matcher key stands for."""

    code: str
    kind: str  # "keyword", "pattern", "near-a", "near-b", "exclude"
    term: str
    rule: str  # the rule id, e.g. "support.budget/keyword/3"


class CompiledRules:
    """Every rule of a codebook that applies to one language, as three spaCy matchers.

    Keywords compared on normalised forms go to a PhraseMatcher on NORM, exact keywords to a
    PhraseMatcher on LOWER, token patterns to a Matcher and globs to a GlobMatcher. Near-rule
    terms and exclude phrases ride along in the same matchers under their own keys.
    """

    def __init__(self, codebook: Codebook, language: str, nlp: Language, normalise: Normalizer):
        self.nlp, self.normalise = nlp, normalise
        self.by_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.by_tokens = Matcher(nlp.vocab, validate=True)
        self.by_glob = GlobMatcher()
        self._prepared: set[int] = set()  # orth ids whose lexeme already has its NORM
        self.refs: dict[int, RuleRef] = {}
        problems: list[Problem] = []
        for code in codebook.codes:
            for kw in _for(code.keywords, language):
                self._add_keyword(kw, RuleRef(code.id, "keyword", kw.written, kw.id))
            for kw in _for(code.exclude, language):
                self._add_keyword(kw, RuleRef(code.id, "exclude", kw.written, kw.id))
            for rule in code.near:
                if rule.language not in (None, language):
                    continue
                for side, terms in (("near-a", rule.a), ("near-b", rule.b)):
                    for kw in terms:
                        self._add_keyword(kw, RuleRef(code.id, side, kw.written, rule.id))
            for pattern in code.patterns:
                if pattern.language not in (None, language):
                    continue
                ref = RuleRef(code.id, "pattern", pattern.written, pattern.id)
                key = self._key(ref)
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
            self.by_glob.add(self.nlp.vocab.strings[key], kw.text)
            return
        doc = self.nlp.make_doc(kw.text)
        if kw.mode == "norm":
            self.prepare(doc)
            self.by_norm.add(key, [doc])
        else:
            self.by_lower.add(key, [doc])

    def prepare(self, doc) -> list[str]:
        """Give each token its normalised form as NORM and return the lower-cased words.

        The form is set on the shared lexeme, so each distinct word is normalised once per run.
        """
        lowers = []
        for token in doc:
            if token.orth not in self._prepared:
                token.lex.norm_ = self.normalise(token.text)
                self._prepared.add(token.orth)
            lowers.append(token.lower_)
        return lowers

    def __call__(self, doc, lowers: list[str]) -> list[tuple[RuleRef, int, int]]:
        """All rule hits in ``doc`` (whose lower-cased words are ``lowers``) as
        (rule, token start, token end)."""
        found = self.by_glob(lowers) if len(self.by_glob) else []
        for matcher in (self.by_norm, self.by_lower, self.by_tokens):
            if len(matcher):
                found.extend(matcher(doc))
        return [(self.refs[key], start, end) for key, start, end in found]


def _for(keywords: tuple[Keyword, ...], language: str):
    return [kw for kw in keywords if kw.language in (None, language)]
