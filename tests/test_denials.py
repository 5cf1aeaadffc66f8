"""A denial is negated evidence whose negation covers the code's own words."""

from __future__ import annotations

import pytest

from ksmcode.analysis.denials import covers


def span(text: str, evidence: str) -> tuple[int, int]:
    start = text.index(evidence)
    return start, start + len(evidence)


@pytest.mark.parametrize(
    ("text", "evidence", "cue"),
    [
        ("Secara formal tidak ada pemutusan hubungan dengan kampung.", "pemutusan hubungan",
         "tidak"),
        ("Kita nggak pernah dilepas, Mas.", "dilepas", "nggak"),
        ("Kompak, walaupun semua sukarela, nggak ada yang digaji.", "digaji", "nggak"),
        ("Terminasinya belum ada sampai sekarang.", "Terminasinya", "belum"),
        ("There was never any training for us.", "training", "never"),
    ],
)  # fmt: skip
def test_negations_that_cover_the_evidence_are_denials(text, evidence, cue):
    assert covers(text, *span(text, evidence), cue)


@pytest.mark.parametrize(
    ("text", "evidence", "cue"),
    [
        # the drain no longer overflows: the negation is about overflowing, not the drain
        ("Sekarang air hujan cepet nyerap, got nggak meluap lagi.", "got", "nggak"),
        # "don't refuse", said while handing over a gift: a request, not an absence
        ("Nih bawa cabe sedikit buat di rumah, Dik, jangan nolak.", "nolak", "jangan"),
        ("Bimbelnya jangan berhenti, Mas.", "berhenti", "jangan"),
        # the negation is about being specialised, or able, not about health or teaching
        ("KSM kan nggak khusus kesehatan, Mas.", "kesehatan", "nggak"),
        ("Saya kan nggak bisa ngajarin, cuma lulusan SD.", "ngajarin", "nggak"),
        ("Penghasilan nggak tentu, kalo lagi sepi ya pusing.", "Penghasilan", "nggak"),
    ],
)  # fmt: skip
def test_negations_of_other_words_are_not_denials(text, evidence, cue):
    assert not covers(text, *span(text, evidence), cue)
