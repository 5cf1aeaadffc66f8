"""Faster spaCy tokenisation that gives exactly the tokens spaCy's own tokeniser gives.

Three of the spaCy tokeniser's costs can go without changing a single token:

- building it: spaCy's Indonesian tokeniser has 15,573 special cases for hyphenated words
  (``ibu-ibu``, ``Ibu-ibu``, ``IBU-IBU``), and adding them takes a second of every run; a text
  can only be tokenised differently for the ones it contains, so ``DeferringTokenizer`` adds
  each when a text first contains it.
- its prefix pattern is one alternation of branches that each start with ``^``, and
  ``re.search`` tries every branch at every position of a word before it gives up (a tenth of
  all tokenising on a corpus of new words); ``prefix_search`` below tries the anchored branches
  at the start only.
- once a document holds a special case (``ibu-ibu``, ``dll.``), the tokeniser stops caching the
  words after it for the rest of the call, so a long document is tokenised almost uncached;
  ``joined_doc`` tokenises each text of a document on its own and joins the tokens.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy
import spacy
from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from spacy.vocab import Vocab

# Distinct whitespace-separated chunks the tokeniser remembers (spaCy's default, 10,000, is
# filled by the codebook's phrases and a corpus's first words, then never updated).
TOKENIZER_CACHE = 250_000
TOKENIZER = "ksmcode.Tokenizer.v1"


def blank(language: str) -> Language:
    """``spacy.blank(language)`` with the tokeniser cache raised and the anchored prefix
    search (set when the tokeniser is built: setting it later reloads every special case)."""
    nlp = spacy.blank(language, config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE  # type: ignore[union-attr]
    return nlp


@registry.tokenizers(TOKENIZER)
def _create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's ``spacy.Tokenizer.v1`` with the prefix pattern searched by ``prefix_search`` and
    the special cases of hyphenated words deferred (``DeferringTokenizer``)."""

    def tokenizer_factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
        return DeferringTokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=prefix_search(compile_prefix_regex(prefixes)) if prefixes else None,
            suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
            infix_finditer=compile_infix_regex(infixes).finditer if infixes else None,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return tokenizer_factory


# Words joined by hyphens; whitespace around a hyphen is dropped before looking for them, as
# spaCy matches a special case's tokens across it (where they then block other special cases).
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_SPACED_HYPHEN = re.compile(r"\s*-\s*")


class DeferringTokenizer(Tokenizer):
    """spaCy's ``Tokenizer``, adding the special cases of hyphenated words only when a text
    first contains them: the same tokens as with all of them added at once.

    A special case can only change the tokens of a text it stands in, where the text's affixes
    and infixes put token edges around it: at a hyphen or a non-letter, or after a prefix of
    letters (``Rp``) at the start of a word. Every such stretch of a text is looked up before
    the text is tokenised, so no text is ever tokenised (or cached) without a special case it
    needs; adding one then need not empty the tokeniser's cache, as spaCy does. Threads
    sharing the tokeniser (a Dask worker's) look up and add under one lock, so none tokenises
    a text while a special case it needs is being added.
    """

    def __init__(self, vocab: Vocab, rules: dict | None = None, *args: Any, **kwargs: Any):
        self._deferred: dict[str, list[dict]] = {}
        self._adding = False
        self._lock = threading.Lock()
        super().__init__(vocab, None, *args, **kwargs)
        eager = {}
        for text, tokens in (rules or {}).items():
            if self._deferrable(text, tokens):
                self._deferred[text] = tokens
            else:
                eager[text] = tokens
        self.rules = eager

    def _deferrable(self, text: str, tokens: list[dict]) -> bool:
        """A hyphenated word kept as one token, which no prefix or suffix starts or ends."""
        if tokens != [{ORTH: text}] or not _HYPHENATED.fullmatch(text):
            return False
        affixes = [search(text) for search in (self.prefix_search, self.suffix_search) if search]
        return not any(found and found.end() > found.start() for found in affixes)

    def __call__(self, text: str) -> Doc:
        if "-" in text:
            with self._lock:
                self._add_special_cases(text)
        return super().__call__(text)

    def _add_special_cases(self, text: str) -> None:
        deferred = self._deferred
        if not deferred:
            return
        found = [w for w in _hyphenated_stretches(text) if w in deferred]
        self._adding = True
        try:
            for word in found:
                self.add_special_case(word, deferred.pop(word))
        finally:
            self._adding = False

    def _flush_cache(self) -> None:
        if not self._adding:  # a deferred case stands in no text tokenised so far
            super()._flush_cache()


def _hyphenated_stretches(text: str) -> set[str]:
    """Every stretch of ``text`` a hyphenated special case could be: runs of hyphenated words
    cut at hyphens, their first word also cut after any of its letters (a prefix such as
    ``Rp`` may have been split off)."""
    found: set[str] = set()
    chunks = _SPACED_HYPHEN.sub("-", text).split()
    for run in (run for chunk in chunks if "-" in chunk for run in _HYPHENATED.findall(chunk)):
        hyphens = [i for i, char in enumerate(run) if char == "-"]
        starts = [*range(hyphens[0]), *(h + 1 for h in hyphens)]
        ends = [*hyphens[1:], len(run)]
        found.update(run[s:e] for s in starts for e in ends if s < e and "-" in run[s:e])
    return found


def prefix_search(pattern: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """A function giving what ``pattern.search`` gives, for a pattern whose top-level
    branches mostly start with ``^``: all branches are tried at the start of the text, and
    only the branches without ``^`` (if any) at the positions after it."""
    branches = _top_level_branches(pattern.pattern)
    if branches is None or pattern.flags & re.MULTILINE:
        return pattern.search
    loose = [b for b in branches if not b.startswith("^")]
    if not loose:
        return pattern.match
    rest = re.compile("|".join(loose), pattern.flags)

    def search(text: str) -> re.Match[str] | None:
        return pattern.match(text) or rest.search(text, 1)

    return search


def _top_level_branches(pattern: str) -> list[str] | None:
    """The alternatives of ``pattern`` outside any group or class; None if they cannot be
    told apart for sure (each must compile on its own)."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    try:
        for branch in branches:
            re.compile(branch)
    except re.error:
        return None
    return branches


def _class_end(pattern: str, i: int) -> int:
    """The index of the ``]`` closing the character class opened at ``i``."""
    i += 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":  # a leading ] is a literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def joined_doc(nlp: Language, texts: Sequence[str], separator: str) -> Doc:
    """The tokens ``nlp.make_doc(separator.join(texts))`` gives, tokenised text by text so the
    tokeniser's cache keeps working. ``separator`` is a run of whitespace other than a single
    space; texts that are empty or have whitespace at an edge are tokenised joined."""
    if any(not text or text[0].isspace() or text[-1].isspace() for text in texts):
        return nlp.make_doc(separator.join(texts))
    vocab = nlp.vocab
    between = numpy.array([[vocab.strings.add(separator), 0]], dtype="uint64")
    arrays: list[numpy.ndarray] = []
    for doc in nlp.tokenizer.pipe(texts):  # type: ignore[union-attr]
        if arrays:
            arrays.append(between)
        arrays.append(doc.to_array([ORTH, SPACY]))
    if not arrays:
        return Doc(vocab, words=[])
    tokens = numpy.concatenate(arrays)
    words = [vocab.strings[orth] for orth in tokens[:, 0].tolist()]
    return Doc(vocab, words=words, spaces=tokens[:, 1].astype(bool).tolist())
