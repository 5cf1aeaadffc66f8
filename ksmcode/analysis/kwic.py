"""Keyword in context: every occurrence of a term, a rule or a code's rules, with its words
around it, in every unit (the interviewer's included, marked: they are never coded)."""

from __future__ import annotations

import difflib
from collections.abc import Callable

import pandas as pd

from ksmcode.codebook.load import keyword_problem, parse_keyword
from ksmcode.codebook.model import Code, Codebook
from ksmcode.errors import ConfigError
from ksmcode.matching.engine import Engine, unit_segments
from ksmcode.matching.rules import RuleRef
from ksmcode.model import Corpus

KWIC_COLUMNS = ["document", "segment_id", "speaker", "interviewer", "left", "match", "right",
                "code", "rule_id", "term", "negated", "cue"]  # fmt: skip
TERM_CODE = "term"  # the code a term is tried under


def kwic(
    corpus: Corpus,
    codebook: Codebook,
    *,
    term: str | None = None,
    rule: str | None = None,
    code: str | None = None,
    unit: str = "turn",
    window: int = 8,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> pd.DataFrame:
    """Every occurrence of one of: ``term`` (written as a codebook keyword, ``=exact``,
    ``prefix*`` or a word compared on its normalised form; tried with the codebook's
    ``protect`` list), the rule ``rule`` (a rule id), or any rule of ``code``. One row per
    occurrence (KWIC_COLUMNS); ``left`` and ``right`` hold up to ``window`` tokens of the unit.
    Occurrences are found before exclude / yield_to / min_terms filtering.

    Example::

        kwic(load_corpus("transcripts"), load_codebook("codebooks/ksm.yaml"), term="=dilepas")
    """
    if window < 0:
        raise ConfigError(f"--window must be 0 or more, not {window}")
    engine, select = _selection(codebook, term, rule, code)
    rows = []
    total = len(corpus.documents)
    for done, document in enumerate(corpus.documents, start=1):
        segments = unit_segments(document, unit)
        for segment, doc, (ref, start, end), negation in engine.occurrences(
            document, segments, select
        ):
            context = (doc[max(0, start - window) : start], doc[start:end], doc[end : end + window])
            left, match, right = (" ".join(span.text.split()) for span in context)
            found = ("", "") if term else (ref.code, ref.rule)
            rows.append(
                [
                    document.id,
                    segment.id,
                    segment.speaker or "",
                    segment.is_interviewer,
                    left,
                    match,
                    right,
                    *found,
                    ref.term,
                    negation.negated,
                    negation.cue or "",
                ]
            )
        if on_progress:
            on_progress(done, total, document.id)
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def _selection(
    codebook: Codebook, term: str | None, rule: str | None, code: str | None
) -> tuple[Engine, Callable[[RuleRef], bool]]:
    """The engine to search with and which of its hits to keep."""
    given = [name for name, value in (("TERM", term), ("--rule", rule), ("--code", code)) if value]
    if len(given) != 1:
        raise ConfigError("give exactly one of a TERM, --rule RULE_ID or --code CODE")
    if term is not None:
        problem = keyword_problem(term)
        if problem:
            raise ConfigError(f"'{term}' cannot be a keyword: {problem}")
        keyword = parse_keyword(term, None)
        probe = Code(TERM_CODE, TERM_CODE, keywords=(keyword,))
        trial = Codebook("kwic", "0", codebook.languages, (), (probe,), protect=codebook.protect)
        return Engine(trial), lambda ref: True
    if rule is not None:
        ids = [r.id for c in codebook.codes for r in c.rules]
        _known(rule, ids, "rule id", "ids look like 'support.budget/keyword/3'")
        return Engine(codebook), lambda ref: ref.rule == rule
    assert code is not None
    _known(code, list(codebook.code_ids), "code", "see 'ksmcode codebook show'")
    return Engine(codebook), lambda ref: ref.code == code and ref.kind != "exclude"


def _known(value: str, known: list[str], what: str, hint: str) -> None:
    if value not in known:
        close = difflib.get_close_matches(value, known, n=3)
        suggestion = f"did you mean {', '.join(close)}?" if close else hint
        raise ConfigError(f"no {what} '{value}' in the codebook; {suggestion}")
