"""The coding engine: segments in, evidence (``Match`` rows) out, one pass per document."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate

import numpy
from spacy.attrs import IDX
from spacy.tokens import Span

from ksmcode.codebook.model import Codebook
from ksmcode.matching.negation import NOT_NEGATED, Negation, NegationScope
from ksmcode.matching.proximity import Hit, pair_near, sentence_numbers
from ksmcode.matching.rules import CompiledRules, RuleRef
from ksmcode.model import Corpus, Document, Match, Segment
from ksmcode.nlp import Normalizer, blank_pipeline, sentence_splitter
from ksmcode.segment import segment_document
from ksmcode.tokenise import joined_doc

SEPARATOR = "\n\n"
# Evidence a filter discarded: (reason, detail, evidence). Reasons: "exclude" (detail: the
# exclude rule's id), "when_negated" (the cue), "yield_to" (the code yielded to), "min_terms".
Suppressed = tuple[str, str, Match]


@dataclass
class _Language:
    rules: CompiledRules
    negation: NegationScope


class Engine:
    """Applies a codebook to segments. Compiles each language's rules on first use.

    Example::

        engine = Engine(load_codebook("codebooks/ksm.yaml"))
        matches = engine.code_document(document, segments)
    """

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self._languages: dict[str, _Language] = {}
        self._windows = {r.id: r.window for c in codebook.codes for r in c.near}
        self._drop_negated = {c.id for c in codebook.codes if c.when_negated == "drop"}
        # Codes whose topic includes its absence ("no income" is about income): never negated.
        self._no_negation = {c.id for c in codebook.codes if c.when_negated == "ignore"}
        self._yield_to = {c.id: set(c.yield_to) for c in codebook.codes if c.yield_to}
        self._min_terms = {c.id: c.min_terms for c in codebook.codes if c.min_terms > 1}

    def language(self, language: str) -> _Language:
        if language not in self._languages:
            normalise = Normalizer(language, self.codebook.protect)
            nlp = blank_pipeline(language)
            rules = CompiledRules(self.codebook, language, nlp, normalise)
            self._languages[language] = _Language(rules, NegationScope(language))
        return self._languages[language]

    def code_document(
        self,
        document: Document,
        segments: Sequence[Segment],
        suppressed: list[Suppressed] | None = None,
    ) -> list[Match]:
        """Evidence for every code in the document's non-interviewer segments.

        With a ``suppressed`` list, evidence that ``exclude``, ``when_negated``, ``yield_to``
        or ``min_terms`` discarded is appended to it as (reason, detail, evidence).
        """
        lang = self.language(document.meta.language or "id")
        coded = [s for s in segments if not s.is_interviewer]
        matches: list[Match] = []
        for segment, span, shift, lowers, hits in self._segment_hits(document, coded, lang):
            matches.extend(
                self._code_segment(document, segment, span, shift, lowers, hits, lang, suppressed)
            )
        return matches

    def code(self, document: Document, unit: str = "turn") -> DocumentCoding:
        """The document cut into ``unit`` segments and coded, with the suppressed evidence."""
        segments = unit_segments(document, unit)
        suppressed: list[Suppressed] = []
        matches = self.code_document(document, segments, suppressed)
        return DocumentCoding(document, tuple(segments), tuple(matches), tuple(suppressed))

    def occurrences(
        self, document: Document, segments: Sequence[Segment], select: Callable[[RuleRef], bool]
    ) -> Iterator[tuple[Segment, Span, Hit, Negation]]:
        """Every hit of the rules ``select`` accepts in every segment, the interviewer's
        included, before any exclude / yield_to / min_terms filtering (for keyword in context).
        Hits are token spans of the segment's tokens (``Span``)."""
        lang = self.language(document.meta.language or "id")
        for segment, span, _, lowers, hits in self._segment_hits(document, segments, lang):
            chosen = _without_nested([h for h in hits if select(h[0])])
            words = lang.negation.words(lowers) if chosen else []
            for hit in chosen:
                yield segment, span, hit, lang.negation(lowers, words, hit[1], hit[2])

    def _segment_hits(
        self, document: Document, segments: Sequence[Segment], lang: _Language
    ) -> Iterator[tuple[Segment, Span, int, list[str], list[Hit]]]:
        """For each segment with a hit: its tokens, the character shift from them to the
        document, its lower-cased words and its keyword, pattern, exclude and paired near hits
        (token offsets within the segment).

        The segments are tokenised and matched as one text, joined by blank lines that the
        tokeniser keeps as tokens of their own; a hit across two segments is dropped, so each
        segment gets what matching it alone would give.
        """
        if not segments:
            return
        offsets, ends, position = [], [], 0
        for segment in segments:
            offsets.append(position)
            ends.append(position + segment.end - segment.start)
            position = ends[-1] + len(SEPARATOR)
        texts = [document.text[s.start : s.end] for s in segments]
        doc = joined_doc(lang.rules.nlp, texts, SEPARATOR)
        lowers = lang.rules.prepare(doc)
        token_chars = doc.to_array(IDX)
        first = numpy.searchsorted(token_chars, offsets).tolist()
        last = numpy.searchsorted(token_chars, ends).tolist()
        raw: list[list[Hit]] = [[] for _ in segments]
        for ref, start, end in lang.rules(doc, lowers):
            i = bisect_right(first, start) - 1
            if end <= last[i]:
                raw[i].append((ref, start - first[i], end - first[i]))
        for i, segment in enumerate(segments):
            if raw[i]:
                words = lowers[first[i] : last[i]]
                found = [h for h in raw[i] if h[0].kind in ("keyword", "pattern", "exclude")]
                if self._windows:
                    found += pair_near(raw[i], self._windows, sentence_numbers(words))
                span = doc[first[i] : last[i]]
                yield segment, span, segment.start - offsets[i], words, found

    def _code_segment(
        self,
        document: Document,
        segment: Segment,
        span: Span,
        shift: int,
        lowers: list[str],
        hits: list[Hit],
        lang: _Language,
        suppressed: list[Suppressed] | None,
    ) -> list[Match]:
        candidates = [h for h in hits if h[0].kind != "exclude"]
        vetoes = [h for h in hits if h[0].kind == "exclude"]
        out: list[Match] = []
        words = lang.negation.words(lowers) if candidates else []
        for ref, start, end in _without_nested(candidates):
            veto = next(
                (v for v in vetoes if v[0].code == ref.code and v[1] < end and start < v[2]), None
            )
            if veto is not None and suppressed is None:
                continue
            negation = (
                NOT_NEGATED
                if ref.code in self._no_negation
                else lang.negation(lowers, words, start, end)
            )
            tokens = span[start:end]
            char_start = shift + tokens.start_char
            char_end = shift + tokens.end_char
            match = Match(
                document.id,
                segment.index,
                ref.code,
                char_start,
                char_end,
                document.text[char_start:char_end],
                ref.kind,
                ref.term,
                negation.negated,
                negation.cue,
                ref.rule,
            )
            if veto is not None and suppressed is not None:
                suppressed.append(("exclude", veto[0].rule, match))
            elif negation.negated and ref.code in self._drop_negated:
                if suppressed is not None:
                    suppressed.append(("when_negated", negation.cue or "", match))
            else:
                out.append(match)
        if self._yield_to:
            out = self._apply_yield(out, suppressed)
        return self._apply_min_terms(out, suppressed) if self._min_terms else out

    def _apply_min_terms(
        self, matches: list[Match], suppressed: list[Suppressed] | None
    ) -> list[Match]:
        """Drop codes whose evidence in the segment has fewer distinct terms than required."""
        terms: dict[str, set[str]] = {}
        for m in matches:
            terms.setdefault(m.code, set()).add(m.term)
        kept = []
        for m in matches:
            needed = self._min_terms.get(m.code, 1)
            if len(terms[m.code]) >= needed:
                kept.append(m)
            elif suppressed is not None:
                suppressed.append(("min_terms", f"{len(terms[m.code])} of {needed} terms", m))
        return kept

    def _apply_yield(
        self, matches: list[Match], suppressed: list[Suppressed] | None
    ) -> list[Match]:
        """Drop evidence of a code that overlaps evidence of a code it yields to (in
        O(n log n): a unit with thousands of hits stays fast)."""
        spans = _Spans(matches)
        kept = []
        for m in matches:
            targets = self._yield_to.get(m.code, ())
            hit = [c for c in targets if spans.overlaps(c, m.start, m.end)]
            if not hit:
                kept.append(m)
                continue
            if suppressed is not None:
                winner = (
                    hit[0]
                    if len(hit) == 1
                    else next(
                        o.code
                        for o in matches
                        if o.code in hit and o.start < m.end and m.start < o.end
                    )
                )
                suppressed.append(("yield_to", winner, m))
        return kept


class _Spans:
    """Per code, the start-sorted spans of some matches, to ask "does any overlap?" fast."""

    def __init__(self, matches: list[Match]):
        by_code: dict[str, list[tuple[int, int]]] = {}
        for m in matches:
            by_code.setdefault(m.code, []).append((m.start, m.end))
        self._starts: dict[str, list[int]] = {}
        self._reach: dict[str, list[int]] = {}  # the furthest end among the first i spans
        for code, spans in by_code.items():
            spans.sort()
            self._starts[code] = [s for s, _ in spans]
            self._reach[code] = list(accumulate((e for _, e in spans), max))

    def overlaps(self, code: str, start: int, end: int) -> bool:
        starts = self._starts.get(code)
        if not starts:
            return False
        before = bisect_left(starts, end)  # spans that start before ``end``
        return before > 0 and self._reach[code][before - 1] > start


def _without_nested(hits: list[Hit]) -> list[Hit]:
    """Drop duplicates and hits inside a longer hit of the same code; keep text order."""
    hits = sorted(hits, key=lambda h: (h[1], -(h[2] - h[1])))
    kept: list[Hit] = []
    reach: dict[str, int] = {}  # per code, the furthest end of a kept hit (all start earlier)
    for hit in hits:
        ref, _, end = hit
        if reach.get(ref.code, -1) >= end:
            continue
        kept.append(hit)
        reach[ref.code] = max(reach.get(ref.code, -1), end)
    return kept


@dataclass(frozen=True)
class DocumentCoding:
    """The coding of one document."""

    document: Document
    segments: tuple[Segment, ...]
    matches: tuple[Match, ...]
    suppressed: tuple[Suppressed, ...] = ()  # evidence the codebook's filters discarded


@dataclass(frozen=True)
class CodingResult:
    """The coding of a corpus: every segment (interviewer's included) and all evidence."""

    corpus: Corpus
    codebook: Codebook
    unit: str
    documents: tuple[DocumentCoding, ...]
    options: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def segments(self) -> list[Segment]:
        return [s for d in self.documents for s in d.segments]

    @property
    def matches(self) -> list[Match]:
        return [m for d in self.documents for m in d.matches]


def language_warnings(languages: Iterable[str], codebook: Codebook) -> tuple[str, ...]:
    """Warnings for documents in a language the codebook has no rules for: they would be read
    but could never be coded. ``languages`` has one entry per document."""
    ruled: set[str | None] = set()
    for code in codebook.codes:
        ruled.update(k.language for k in code.keywords)
        ruled.update(p.language for p in code.patterns)
        ruled.update(r.language for r in code.near)
    counts = Counter(languages)
    return tuple(
        f"{n} document(s) are in '{language}', but the codebook has no rules for that language "
        f"(its languages: {', '.join(codebook.languages)}); they cannot be coded"
        for language, n in counts.items()
        if None not in ruled and language not in ruled
    )


def unit_segments(document: Document, unit: str) -> list[Segment]:
    """The document cut into units of analysis ("turn", "paragraph" or "sentence")."""
    splitter = None
    if unit == "sentence":
        splitter = sentence_splitter(document.meta.language or "id")
    return segment_document(document, unit, sentencizer=splitter)


_worker_engine: Engine | None = None


def _init_worker(codebook: Codebook) -> None:
    global _worker_engine
    _worker_engine = Engine(codebook)


def _code_in_worker(document: Document, unit: str) -> DocumentCoding:
    assert _worker_engine is not None
    return _worker_engine.code(document, unit)


def iter_code_corpus(
    corpus: Corpus, codebook: Codebook, *, unit: str = "turn", jobs: int = 1
) -> Iterator[DocumentCoding]:
    """Code the corpus document by document (in corpus order), yielding as each is done."""
    if jobs > 1 and len(corpus.documents) > 1:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(codebook,)) as pool:
            units = [unit] * len(corpus.documents)
            yield from pool.map(_code_in_worker, corpus.documents, units, chunksize=4)
        return
    engine = Engine(codebook)
    for document in corpus.documents:
        yield engine.code(document, unit)


def code_corpus(
    corpus: Corpus, codebook: Codebook, *, unit: str = "turn", jobs: int = 1
) -> CodingResult:
    """Code every document of ``corpus`` with ``codebook``.

    Example::

        result = code_corpus(load_corpus("transcripts"), load_codebook("codebooks/ksm.yaml"))
        len(result.matches)
    """
    documents = tuple(iter_code_corpus(corpus, codebook, unit=unit, jobs=jobs))
    options = {"unit": unit, "jobs": jobs}
    languages = (d.meta.language or "id" for d in corpus.documents)
    warnings = language_warnings(languages, codebook)
    return CodingResult(corpus, codebook, unit, documents, options, warnings)
