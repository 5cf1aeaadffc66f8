"""The engine on real Indonesian and English sentences: morphology, negation, proximity, vetoes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.matching.engine import Engine
from ksmcode.model import Document, DocumentMeta, Segment, Turn


@pytest.fixture(scope="module")
def engine(test_codebook):
    return Engine(test_codebook)


def code_text(engine, text, language="id"):
    doc = Document(
        "t.txt", Path("t.txt"), text, (Turn(0, len(text)),), DocumentMeta(language=language)
    )
    return engine.code_document(doc, [Segment("t.txt", 1, 0, len(text), 0)])


def found(engine, text, language="id"):
    return {(m.code, m.negated) for m in code_text(engine, text, language)}


@pytest.mark.parametrize(
    "text",
    [
        "Pelatihannya udah jalan dari tahun lalu.",
        "Warga dilatih sama narasumber dari Disnaker.",
        "Latihan capster tiap Sabtu.",
        "Ada pelatihan servis AC juga.",
        "Bapak-bapak ikut kelompok tani di belakang.",
    ],
)
def test_indonesian_morphology_reaches_the_keyword(engine, text):
    assert ("stage.implementation", False) in found(engine, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nggak pernah ada terminasi, kita malah jadi percontohan.",
            {("stage.termination", True), ("stage.termination", False)},
        ),
        ("Terminasinya belum ada sampai sekarang.", {("stage.termination", True)}),
        ("Gak ada terminasi.", {("stage.termination", True)}),
        ("Tidak hanya pelatihan, bimbel juga ada.", {("stage.implementation", False)}),
        ("Tidak bisa dipungkiri pelatihan itu membantu.", {("stage.implementation", False)}),
        ("Tanpa pelatihan warga susah.", {("stage.implementation", True)}),
        (
            "Dananya belum ada, tapi pelatihan tetap jalan.",
            {("support.budget", True), ("stage.implementation", False)},
        ),
    ],
)
def test_indonesian_negation(engine, text, expected):
    by_code = {}
    for m in code_text(engine, text):
        by_code.setdefault(m.code, set()).add((m.code, m.negated))
    got = set().union(*by_code.values())
    assert expected <= got
    if ("stage.termination", True) in expected and len(expected) == 1:
        assert ("stage.termination", False) not in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("There was never a termination.", ("stage.termination", True)),
        ("The trainings were held every week.", ("stage.implementation", False)),
        ("There was no budget at first.", ("support.budget", True)),
        ("Not only the training but also tutoring.", ("stage.implementation", False)),
        ("We didn't get any funds.", ("support.budget", True)),
    ],
)
def test_english_lemmas_and_negation(engine, text, expected):
    assert expected in found(engine, text, "en")


def test_protected_word_is_not_stemmed_into_another(engine):
    # 'anggaran' is protected: it must not become 'anggar' (to fence) and match that verb.
    assert found(engine, "Anggarannya dari APBD.") == {("support.budget", False)}
    assert found(engine, "Mereka anggar di lapangan.") == set()


def test_exclude_phrase_vetoes_overlapping_match(engine):
    assert found(engine, "Itu diatur di anggaran dasar koperasi.") == set()


def test_proximity_tells_lack_from_presence(engine):
    assert found(engine, "Sarananya masih kurang, alatnya terbatas.") == {
        ("inhibit.facilities", False)
    }
    assert found(engine, "Sarana dan alat sudah lengkap.") == {("support.facilities", False)}
    assert found(engine, "Alatnya ada, terlalu jauh dari yang kita sebut kurang.") == {
        ("support.facilities", False)
    }


def test_delayed_funds_are_time_not_budget_absence(engine):
    codes = found(engine, "Pencairan dananya sering telat.")
    assert ("inhibit.time", False) in codes


def test_glob_and_pattern_rules(engine):
    assert ("support.budget", False) in found(engine, "Sponsornya dari perusahaan.")
    matches = code_text(engine, "Kelompok tani panen kemarin.")
    assert [(m.rule, m.text) for m in matches] == [("pattern", "Kelompok tani")]


def test_evidence_offsets_point_into_the_document(engine):
    text = "Peneliti nanya. Pelatihan capster jalan, tapi sarananya kurang."
    for m in code_text(engine, text):
        assert text[m.start : m.end] == m.text


@pytest.fixture(scope="module")
def ksm_rules(repo):
    from ksmcode.codebook.load import load_codebook

    return Engine(load_codebook(repo / "codebooks" / "ksm.yaml")).language("id").rules


@settings(max_examples=40, deadline=None)
@given(
    prefix=st.text(alphabet="abc ,.\n", max_size=30),
    words=st.lists(
        st.sampled_from(
            ["pelatihan", "dana", "terminasi", "sarana", "kurang", "tidak", "x", "🙂", "é"]
        ),
        max_size=12,
    ),
)
def test_offsets_hold_anywhere_in_a_document(engine, prefix, words):
    body = " ".join(words)
    text = prefix + body
    doc = Document("t.txt", Path("t.txt"), text, (Turn(len(prefix), len(text)),), DocumentMeta())
    for m in engine.code_document(doc, [Segment("t.txt", 1, len(prefix), len(text), 0)]):
        assert text[m.start : m.end] == m.text
        assert len(prefix) <= m.start < m.end <= len(text)


def test_interviewer_segments_are_never_coded(engine):
    text = "Pelatihannya gimana? Pelatihan capster bagus."
    doc = Document("t.txt", Path("t.txt"), text, (), DocumentMeta())
    segments = [
        Segment("t.txt", 1, 0, 20, 0, "Peneliti", is_interviewer=True),
        Segment("t.txt", 2, 21, len(text), 1, "Bu Lilis"),
    ]
    assert {m.segment_index for m in engine.code_document(doc, segments)} == {2}


@pytest.mark.parametrize(
    "text",
    [
        "Yang berkurang cuma jadwal pelatihan malam.",
        "Kekurangannya dibahas waktu pelatihan kemarin.",
        "Dicek dulu layak atau tidak, pelatihan baru jalan.",
    ],
)
def test_derived_words_and_alternatives_are_not_cues(engine, text):
    assert ("stage.implementation", False) in found(engine, text)
    assert ("stage.implementation", True) not in found(engine, text)


def test_min_terms_needs_distinct_evidence(engine):
    assert found(engine, "Pengurus rapat tiap bulan.") == set()
    assert found(engine, "Pengurus dibantu Dinsos dan kader.") == {
        ("support.human_resources", False)
    }


def test_proximity_stays_within_a_sentence(engine):
    assert found(engine, "Alatnya lengkap. Kurang tahu yang lain.") == {
        ("support.facilities", False)
    }


def test_colloquial_spellings_with_clitics_and_negation(engine):
    # "belom" is "belum" (not the stem "bom"), so it negates; "duitnya" is "uangnya".
    assert found(engine, "Terminasinya belom ada.") == {("stage.termination", True)}


@pytest.mark.parametrize(
    "text",
    [
        "Terminasinya mboten wonten.",  # Javanese
        "Terminasinya teu acan aya.",  # Sundanese
        "Terminasinye kaga ade.",  # Betawi, with -nye for -nya
    ],
)
def test_regional_negators_negate(engine, text):
    assert found(engine, text) == {("stage.termination", True)}


def test_betawi_nye_is_nya_but_words_ending_in_nye_stay():
    from ksmcode.nlp import standard_spelling

    assert standard_spelling("mesinnye") == "mesinnya"
    assert standard_spelling("duitnye") == "uangnya"
    assert standard_spelling("kampanye") == "kampanye"


def test_evidence_carries_the_rule_id(engine):
    ids = {m.rule_id for m in code_text(engine, "Kelompok tani dapat dana, tapi alatnya kurang.")}
    assert ids == {
        "stage.implementation/pattern/1",
        "support.budget/keyword/2",
        "inhibit.facilities/near/1",
    }


def suppressed(engine, text):
    doc = Document("t.txt", Path("t.txt"), text, (Turn(0, len(text)),), DocumentMeta())
    dropped: list = []
    engine.code_document(doc, [Segment("t.txt", 1, 0, len(text), 0)], dropped)
    return {(reason, detail, m.rule_id) for reason, detail, m in dropped}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Itu diatur di anggaran dasar koperasi.",
            {("exclude", "support.budget/exclude/1", "support.budget/keyword/1")},
        ),
        ("Sarananya tidak ada.", {("when_negated", "tidak", "support.facilities/keyword/1")}),
        (
            "Alatnya terbatas.",
            {("yield_to", "inhibit.facilities", "support.facilities/keyword/2")},
        ),
        (
            "Pengurus rapat tiap bulan.",
            {("min_terms", "1 of 2 terms", "support.human_resources/keyword/1")},
        ),
        ("Pengurus dibantu Dinsos.", set()),
    ],
)
def test_filters_record_what_they_suppress(engine, text, expected):
    assert suppressed(engine, text) == expected


PATTERN_WORDS = ["awal", "mula", "3", "12", "kali", "seminggu", "jiwa", "kepala", "keluarga",
                 "warga", "layak", "tidak", "atau", "ada", ".", "rapat", "jadi", "ngerti",
                 "lebih", "bersih", "maunya", "apa", "lanjut", "nggak", "kami"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PATTERN_WORDS), max_size=30))
def test_anchored_token_patterns_find_what_the_full_matcher_finds(ksm_rules, words):
    doc = ksm_rules.nlp.make_doc(" ".join(words))
    lowers = ksm_rules.prepare(doc)
    assert ksm_rules._anchors is not None  # the bundled codebook's patterns are all anchored
    assert sorted(ksm_rules._pattern_hits(doc, lowers)) == sorted(ksm_rules.by_tokens(doc))


def _naive_without_nested(hits):
    hits = sorted(hits, key=lambda h: (h[1], -(h[2] - h[1])))
    kept = []
    for hit in hits:
        ref, start, end = hit
        if not any(k[0].code == ref.code and k[1] <= start and end <= k[2] for k in kept):
            kept.append(hit)
    return kept


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 30), st.integers(1, 8)), max_size=40)
)
def test_nested_hits_are_dropped_as_by_pairwise_comparison(spans):
    """The sweep in _without_nested keeps exactly what comparing every pair keeps."""
    from types import SimpleNamespace

    from ksmcode.matching.engine import _without_nested

    refs = {code: SimpleNamespace(code=code) for code in "ab"}
    hits = [(refs[code], start, start + length) for code, start, length in spans]
    assert _without_nested(hits) == _naive_without_nested(hits)
