"""Faster spaCy tokenisation that gives exactly the tokens spaCy's own tokeniser gives.

Two of the spaCy tokeniser's costs can go without changing a single token:

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
from collections.abc import Callable, Sequence

import numpy
import spacy
from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

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
    """spaCy's ``spacy.Tokenizer.v1`` with the prefix pattern searched by ``prefix_search``."""

    def tokenizer_factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=prefix_search(compile_prefix_regex(prefixes)) if prefixes else None,
            suffix_search=compile_suffix_regex(suffixes).search if suffixes else None,
            infix_finditer=compile_infix_regex(infixes).finditer if infixes else None,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return tokenizer_factory


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
