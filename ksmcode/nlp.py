"""Language pipelines and token normalisation.

Only this module, ``ksmcode.tokenise`` and ``ksmcode.matching`` import spaCy. Pipelines are
blank (tokeniser only), so nothing is downloaded. Normalisation maps a case-folded token to the
form keywords are compared on: for Indonesian, colloquial spelling -> standard spelling ->
Sastrawi stem (except protected words); for English, the lookup lemma from spacy-lookups-data.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language

from ksmcode.errors import ConfigError
from ksmcode.model import MAX_TURN_CHARS
from ksmcode.tokenise import blank

NO_LENGTH_LIMIT = 2**62  # spaCy's max_length guards parser memory; blank pipelines have none

LANGUAGES = ("id", "en")
CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
# Endings Sastrawi strips (derivational, possessive, particle; see ``Normalizer.restrict_to``).
_ENDINGS = frozenset(
    d + p + q for d in ("", "is", "isme", "isasi", "i", "kan", "an") for p in ("", "ku", "mu",
    "nya") for q in ("", "lah", "kah", "tah", "pun")
)  # fmt: skip
_LONGEST_ENDING = max(map(len, _ENDINGS))
# Letters a recoding prefix (meny-, pen-, mem-, meng-, per-, pel-) or an infix (-el-, -em-,
# -er-, -in-) leaves before a root that has lost its first letter.
_RECODED = frozenset("ymngrl")
# What can stand before that letter: up to three prefixes (Sastrawi strips no more), then
# consonant-vowel syllables: the first letter and vowel of an infixed root (g-em-etar,
# k-in-erja), which Sastrawi may strip more than once (lininuk -> luk, perkinugenan -> gen).
_PREFIXES = ("menge", "penge", "meng", "meny", "peng", "peny", "kau", "ber", "bel", "ter", "mem",
             "men", "pem", "pen", "per", "pel", "di", "ke", "se", "ku", "be", "te", "me", "pe",
             "er", "el", "em")  # fmt: skip
_LEAD = re.compile(rf"(?:{'|'.join(_PREFIXES)}){{0,3}}(?:[^aiueo][aiueo])*")

# Words the Sastrawi stemmer reduces to an unrelated word (penduduk -> duduk, "to sit").
# A codebook can add its own with ``codebook.protect``.
DEFAULT_PROTECT = frozenset(
    [
        "penduduk",
        "pengalaman",
        "perusahaan",
        "anggaran",
        "pendapatan",
        "penghasilan",
        "pendidikan",
        "pemerintah",
        "pengurus",
        "pengusaha",
        "perumahan",
        "pertanian",
        "peternakan",
        "lingkungan",
        "kesehatan",
        "keterampilan",
        "kegiatan",
        "pelatih",
        "pelajar",
        "pemuda",
        "sekretaris",
        "sekretariat",
    ]
)


def _lookups_table(name: str) -> dict[str, str]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def colloquial_map() -> dict[str, str]:
    """Colloquial -> standard Indonesian spellings (spaCy's table plus ksmcode's own)."""
    table = {k.lower(): v.lower() for k, v in _lookups_table("id_lexeme_norm").items()}
    text = resources.files("ksmcode.data").joinpath("id_colloquial.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            colloquial, standard = line.split("\t")
            table[colloquial.strip()] = standard.strip()
    return table


@lru_cache(maxsize=2**16)
def standard_spelling(lower: str) -> str:
    """The standard spelling of a lower-cased Indonesian word (nggak -> tidak, duitnya ->
    uangnya); words that are not colloquial come back unchanged."""
    table = colloquial_map()
    standard = table.get(lower)
    if standard is not None:
        return standard
    if lower.endswith("nye") and len(lower) > 5 and lower not in _dictionary():
        return standard_spelling(lower[:-1] + "a")  # Betawi: mesinnye -> mesinnya
    for clitic in CLITICS:
        base = lower[: -len(clitic)]
        if lower.endswith(clitic) and base in table:
            return table[base] + clitic
    return lower


@cache
def _english_lemmas() -> dict[str, str]:
    return {k.lower(): v.lower() for k, v in _lookups_table("en_lemma_lookup").items()}


@cache
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def _dictionary() -> frozenset[str]:
    """Every root Sastrawi can stem a word to."""
    return frozenset(_sastrawi().delegatedStemmer.dictionary.words)


class Normalizer:
    """Maps a token to its comparison form, caching every distinct token it sees.

    >>> Normalizer("id")("Pelatihannya")
    'latih'
    >>> Normalizer("id")("nggak")
    'tidak'
    """

    def __init__(self, language: str, protect: Iterable[str] = ()):
        check_language(language)
        self.language = language
        self.protect = DEFAULT_PROTECT | {w.lower() for w in protect}
        self._cache: dict[str, str] = {}
        self._forms: frozenset[str] = frozenset()
        self._roots: dict[str, set[str]] = {}
        self._root_lengths: list[int] = []
        if language == "id":
            self.restrict_to(_dictionary())

    def restrict_to(self, forms: Iterable[str]) -> None:
        """Only ``forms`` will ever be compared: a word that cannot stem to one of them keeps
        its standard spelling instead of going through Sastrawi (45-200 µs a new word).

        Sastrawi returns the word itself or a dictionary root; a root that has lost its first
        letter to a prefix's recoding still stands in the word, followed by endings Sastrawi
        strips and preceded by its first letter or a recoded one. Words where no root of
        ``forms`` stands like that cannot stem to one of ``forms``, so skipping them changes
        no comparison (tests/test_nlp.py checks this on every affixed form of those roots).
        Until this is called, ``forms`` is every dictionary root: a word that cannot stem to
        any is its own stem, and is not given to Sastrawi at all.
        """
        dictionary = _dictionary()
        self._forms = frozenset(forms)
        self._roots = {}
        for root in self._forms:
            if len(root) > 1 and root in dictionary:
                self._roots.setdefault(root[1:], set()).add(root[0])
        self._root_lengths = sorted({len(rest) for rest in self._roots})

    def _may_stem_to_a_form(self, word: str) -> bool:
        if word in self._forms or not word.isascii() or "-" in word:
            return True
        for cut in range(min(_LONGEST_ENDING, len(word)) + 1):
            if cut and word[-cut:] not in _ENDINGS:
                continue
            body = word[: len(word) - cut]
            for length in self._root_lengths:
                if length >= len(body):
                    break
                firsts = self._roots.get(body[-length:])
                letter = body[-length - 1]
                if (
                    firsts
                    and (letter in firsts or letter in _RECODED)
                    and _LEAD.fullmatch(body, 0, len(body) - length - 1)
                ):
                    return True
        return False

    def __call__(self, token: str) -> str:
        lower = token.lower()
        cached = self._cache.get(lower)
        if cached is None:  # interned: a corpus's many words are kept once, not per cache
            cached = self._cache[sys.intern(lower)] = sys.intern(self._normalise(lower))
        return cached

    def _normalise(self, lower: str) -> str:
        if self.language == "en":
            # The lookup table is not idempotent (trainings -> training -> train): follow it.
            lemmas, word = _english_lemmas(), lower
            for _ in range(3):
                word, previous = lemmas.get(word, word), word
                if word == previous:
                    break
            return word
        standard = standard_spelling(lower)
        if " " in standard or standard in self.protect or not _stemmable(standard):
            return standard
        for clitic in CLITICS:  # anggarannya -> anggaran, which is protected
            if standard.endswith(clitic) and standard[: -len(clitic)] in self.protect:
                return standard[: -len(clitic)]
        if not self._may_stem_to_a_form(standard):
            return standard
        return _sastrawi().stem(standard) or standard


def _stemmable(word: str) -> bool:
    return len(word) > 3 and word.replace("-", "").isalpha()


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ConfigError(
            f"unknown language '{language}'; ksmcode codes Indonesian ('id') and English ('en')"
        )
    return language


@cache
def blank_pipeline(language: str) -> Language:
    """A tokeniser-only spaCy pipeline for ``language`` ("id" or "en"); nothing is downloaded."""
    nlp = blank(check_language(language))
    nlp.max_length = NO_LENGTH_LIMIT  # a document is tokenised at once; no parser memory
    return nlp


@cache
def _sentence_pipeline(language: str) -> Language:
    nlp = blank(check_language(language))
    nlp.max_length = MAX_TURN_CHARS  # one turn at a time (a turn's length is capped)
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_splitter(language: str) -> Callable[[str], list[tuple[int, int]]]:
    """A function giving the (start, end) character spans of the sentences of a text."""
    nlp = _sentence_pipeline(language)

    def split(text: str) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    return split
