"""Language pipelines and token normalisation.

Only this module and ``ksmcode.matching`` import spaCy. Pipelines are blank (tokeniser only),
so nothing is downloaded. Normalisation maps a case-folded token to the form keywords are
compared on: for Indonesian, colloquial spelling -> standard spelling -> Sastrawi stem (except
protected words); for English, the lookup lemma from spacy-lookups-data.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language

from ksmcode.errors import ConfigError

LANGUAGES = ("id", "en")
CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")

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


def standard_spelling(lower: str) -> str:
    """The standard spelling of a lower-cased Indonesian word (nggak -> tidak, duitnya ->
    uangnya); words that are not colloquial come back unchanged."""
    table = colloquial_map()
    standard = table.get(lower)
    if standard is not None:
        return standard
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

    def __call__(self, token: str) -> str:
        lower = token.lower()
        cached = self._cache.get(lower)
        if cached is None:
            cached = self._cache[lower] = self._normalise(lower)
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
    return spacy.blank(check_language(language))


@cache
def _sentence_pipeline(language: str) -> Language:
    nlp = spacy.blank(check_language(language))
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_splitter(language: str) -> Callable[[str], list[tuple[int, int]]]:
    """A function giving the (start, end) character spans of the sentences of a text."""
    nlp = _sentence_pipeline(language)

    def split(text: str) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    return split
