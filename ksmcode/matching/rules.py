"""Compile a codebook's rules into spaCy matchers for one language."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import NORM, ORTH
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from ksmcode.codebook.model import Codebook, Keyword
from ksmcode.errors import CodebookError, Problem
from ksmcode.matching.globs import GlobMatcher
from ksmcode.nlp import Normalizer

Anchor = tuple[str, set[str], int, int]  # attribute, values, fewest and most tokens before


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
        self._words: dict[int, tuple[int, str]] = {}  # orth id -> (NORM id, lower-cased word)
        self.refs: dict[int, RuleRef] = {}
        self._forms: set[str] | None = set()  # every NORM a rule compares with, if known
        # Where token patterns can start: per pattern, its anchors (attribute, values, fewest
        # and most tokens before it), and the longest pattern; None when one has no anchor.
        self._anchors: list[list[Anchor]] | None = []
        self._longest = 0
        # word -> the (pattern, anchor) pairs it stands for
        self._anchored: dict[str, tuple[tuple[int, int], ...]] = {}
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
                self._add_forms(_norm_values(pattern.tokens))
                self._add_start(pattern.tokens)
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
        if self._forms is not None:
            normalise.restrict_to(self._forms)

    def _add_forms(self, forms: set[str] | None) -> None:
        if self._forms is not None and forms is not None:
            self._forms |= forms
        else:
            self._forms = None

    def _add_start(self, tokens: tuple[dict[str, Any], ...]) -> None:
        anchors = _anchors(tokens)
        if not anchors or self._anchors is None:
            self._anchors = None
            return
        self._anchors.append(anchors)
        self._longest = max(self._longest, len(tokens))

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
            self._add_forms({t.norm_ for t in doc})
            self.by_norm.add(key, [doc])
        else:
            self.by_lower.add(key, [doc])

    def prepare(self, doc) -> list[str]:
        """Give each token of ``doc`` its normalised form as NORM and return the lower-cased
        words. Each distinct word is normalised once per run; forms are set on the tokens, not
        on the shared lexemes, so engines with other codebooks in the process never interfere.
        """
        strings, words = self.nlp.vocab.strings, self._words
        norms, lowers = [], []
        for orth in doc.to_array(ORTH).tolist():
            word = words.get(orth)
            if word is None:
                text = strings[orth]
                norm = strings.add(self.normalise(text))
                word = words[orth] = (norm, sys.intern(text.lower()))
            norms.append(word[0])
            lowers.append(word[1])
        if norms:
            doc.from_array([NORM], numpy.array(norms, dtype="uint64"))
        return lowers

    def __call__(self, doc, lowers: list[str]) -> list[tuple[RuleRef, int, int]]:
        """All rule hits in ``doc`` (whose lower-cased words are ``lowers``) as
        (rule, token start, token end)."""
        found = self.by_glob(lowers) if len(self.by_glob) else []
        for matcher in (self.by_norm, self.by_lower):
            if len(matcher):
                found.extend(matcher(doc))
        if len(self.by_tokens):
            found.extend(self._pattern_hits(doc, lowers))
        return [(self.refs[key], start, end) for key, start, end in found]

    def _pattern_hits(self, doc, lowers: list[str]) -> list[tuple[int, int, int]]:
        """Token pattern hits. The Matcher tries every pattern at every token, which costs
        more than all phrase matching; when every pattern has anchors (tokens with LOWER or
        NORM values at a bounded distance from its start) and a bounded length, it runs only
        where all of some pattern's anchors stand."""
        if self._anchors is None:
            return self.by_tokens(doc)
        allowed: dict[int, list[set[int]]] = {}  # pattern -> per anchor, the starts it allows
        anchored, find = self._anchored.get, self._anchor_pairs
        for i, word in enumerate(lowers):
            pairs = anchored(word)
            if pairs is None:
                pairs = self._anchored[word] = find(word)
            for pattern, anchor in pairs:
                _, _, fewest, most = self._anchors[pattern][anchor]
                starts = allowed.setdefault(pattern, [set() for _ in self._anchors[pattern]])
                starts[anchor].update(range(max(0, i - most), i - fewest + 1))
        possible: set[int] = set()
        for starts in allowed.values():
            possible |= set.intersection(*starts)
        hits: list[tuple[int, int, int]] = []
        window = None  # overlapping stretches are matched together, in one call
        for start in sorted(possible):
            if window and start <= window[1]:
                window[1] = start + self._longest
                continue
            if window:
                hits.extend(self._window_hits(doc, *window))
            window = [start, start + self._longest]
        if window:
            hits.extend(self._window_hits(doc, *window))
        return hits

    def _anchor_pairs(self, word: str) -> tuple[tuple[int, int], ...]:
        """The (pattern, anchor) pairs whose values ``word`` has."""
        assert self._anchors is not None
        norm = self.normalise(word)
        return tuple(
            (p, a)
            for p, anchors in enumerate(self._anchors)
            for a, (attr, values, _, _) in enumerate(anchors)
            if (word if attr == "LOWER" else norm) in values
        )

    def _window_hits(self, doc, start: int, end: int) -> list[tuple[int, int, int]]:
        return [(k, start + s, start + e) for k, s, e in self.by_tokens(doc[start:end])]


def _anchors(tokens: tuple[dict[str, Any], ...]) -> list[Anchor]:
    """Every token a pattern always has that requires LOWER or NORM values, with the values
    and how many tokens (fewest, most) come before it; none if the length is not bounded."""
    if not _bounded(tokens):
        return []
    anchors: list[Anchor] = []
    fewest = most = 0
    for token in tokens:
        if next((v for k, v in token.items() if str(k).upper() == "OP"), None) == "?":
            most += 1
            continue
        values = _values(token)
        if values is not None:
            anchors.append((*values, fewest, most))
        fewest += 1
        most += 1
    return anchors


def _bounded(tokens: tuple[dict[str, Any], ...]) -> bool:
    ops = [next((v for k, v in t.items() if str(k).upper() == "OP"), None) for t in tokens]
    return all(op in (None, "1", "?") for op in ops)


def _values(token: dict[str, Any]) -> tuple[str, set[str]] | None:
    """The LOWER or NORM values a pattern token requires, if it names them."""
    for attr, value in token.items():
        attr = str(attr).upper()
        if attr not in ("LOWER", "NORM"):
            continue
        if isinstance(value, str):
            return attr, {value}
        if (
            isinstance(value, dict)
            and list(value) == ["IN"]
            and all(isinstance(v, str) for v in value["IN"])
        ):
            return attr, set(value["IN"])
    return None


def _norm_values(tokens: tuple[dict[str, Any], ...]) -> set[str] | None:
    """The NORM values a token pattern compares with, or None if one is not a plain value or
    an IN / NOT_IN list (a REGEX, say), when any form may matter."""
    values: set[str] = set()
    for spec in tokens:
        for attr, value in spec.items():
            if attr.upper() != "NORM":
                continue
            if isinstance(value, str):
                values.add(value)
                continue
            if not isinstance(value, dict):
                return None
            for op, items in value.items():
                if op not in ("IN", "NOT_IN") or not all(isinstance(i, str) for i in items):
                    return None
                values.update(items)
    return values


def _for(keywords: tuple[Keyword, ...], language: str):
    return [kw for kw in keywords if kw.language in (None, language)]
