"""Integrity of the bundled hand-coded sets: the sample study (transcripts/, gold/), the tuning
set (tuning/) and the validation set (validation/)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ksmcode.io import load_corpus

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = ROOT / "transcripts"
GOLD = ROOT / "gold"

# The 25 code ids fixed by the KSM framework (the public contract).
CODE_IDS = frozenset(
    {
        "stage.engagement",
        "stage.assessment",
        "stage.planning",
        "stage.formulation",
        "stage.implementation",
        "stage.evaluation",
        "stage.termination",
        "welfare.population",
        "welfare.health",
        "welfare.education",
        "welfare.employment",
        "welfare.consumption",
        "welfare.housing",
        "welfare.poverty",
        "welfare.social",
        "support.human_resources",
        "support.budget",
        "support.facilities",
        "support.partners",
        "support.problems_potential",
        "support.location",
        "inhibit.time",
        "inhibit.location",
        "inhibit.opposition",
        "inhibit.facilities",
    }
)


SETS = {  # transcripts, gold coding
    "sample": (TRANSCRIPTS, GOLD / "ksm_gold.csv"),
    "tuning": (ROOT / "tuning" / "transcripts", ROOT / "tuning" / "gold.csv"),
    "validation": (ROOT / "validation" / "transcripts", ROOT / "validation" / "gold.csv"),
}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module", params=list(SETS))
def coded_set(request):
    transcripts, gold = SETS[request.param]
    corpus = load_corpus(transcripts, interviewer=["Peneliti", "Interviewer"])
    assert not corpus.warnings
    return corpus, _rows(gold)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(TRANSCRIPTS)


def test_code_ids_are_the_framework_ids(coded_set):
    _, gold = coded_set
    assert len(CODE_IDS) == 25
    assert {r["code"] for r in gold} - {""} <= CODE_IDS
    assert {r["negated"] for r in gold} <= {"true", "false"}


def test_split_covers_every_document_once(corpus):
    split = _rows(GOLD / "split.csv")
    docs = [r["document"] for r in split]
    assert sorted(docs) == sorted(d.id for d in corpus.documents)
    assert {r["split"] for r in split} == {"dev", "test"}


def test_every_quote_locates_exactly_one_informant_unit(coded_set):
    corpus, gold = coded_set
    by_id = {d.id: d for d in corpus.documents}
    for row in gold:
        doc = by_id[row["document"]]
        quote = row["quote"]
        assert 20 <= len(quote) <= 80 and "\n" not in quote, quote
        assert doc.text.count(quote) == 1, (doc.id, quote)
        hits = [t for t in doc.turns if quote in doc.text[t.start : t.end]]
        assert len(hits) == 1 and not hits[0].is_interviewer, (doc.id, quote)


def test_every_informant_unit_has_a_gold_row(coded_set):
    corpus, gold = coded_set
    for doc in corpus.documents:
        quotes = [r["quote"] for r in gold if r["document"] == doc.id]
        for turn in doc.turns:
            if turn.is_interviewer:
                continue
            unit = doc.text[turn.start : turn.end]
            assert any(q in unit for q in quotes), (doc.id, unit[:60])


def test_one_row_per_unit_and_code(coded_set):
    _, gold = coded_set
    keys = [(r["document"], r["quote"], r["code"]) for r in gold]
    assert len(keys) == len(set(keys))
