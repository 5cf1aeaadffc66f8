"""ksmcode's tokeniser gives exactly spaCy's tokens, only faster."""

from __future__ import annotations

import re
import threading
import time

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from ksmcode.tokenise import _top_level_branches, blank, joined_doc, prefix_search

PIECES = ["ibu-ibu", "Bapak-bapak", "dll.", "a.n.", "Rp", "US$5", "(rapat)", "\"ya\"",
          "<a href=x>", "x<a b>y", "<b/>", "…", "...", "10%", "e-KTP", "kami", "dana,", "KSM?",
          "—", "é", "2.000"]  # fmt: skip
WORD = st.one_of(st.sampled_from(PIECES), st.text(max_size=6))
TEXT = st.lists(WORD, max_size=12).map(" ".join)
GAP = st.sampled_from([" ", "  ", "\n", "\n\n", "\t"])


@pytest.fixture(scope="module", params=["id", "en"])
def pipelines(request):
    return spacy.blank(request.param), blank(request.param)


def tokens(doc) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in doc]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.tuples(WORD, GAP), max_size=12).map(lambda p: "".join(a + b for a, b in p)))
def test_the_tuned_tokeniser_gives_spacys_tokens(pipelines, text):
    spacy_nlp, ours = pipelines
    assert tokens(ours.make_doc(text)) == tokens(spacy_nlp.make_doc(text))


# Pieces of hyphenated special cases (ibu-ibu, anak-anak, year-on-year), letter prefixes
# (Rp, IDR) and what stands around them, run together in any order.
HYPHENATED = st.lists(
    st.sampled_from(["ibu", "Ibu", "IBU", "anak", "bapak", "year", "on", "kupu", "x", "Rp",
                     "IDR", "-", "-", " - ", " ", "\n", "(", ")", ",", ".", "2", "nya"]),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=HYPHENATED)
def test_deferred_special_cases_give_spacys_tokens(pipelines, text):
    """The pipelines live through all examples: a special case added for one text must not
    change the tokens of texts cached before it."""
    spacy_nlp, ours = pipelines
    assert tokens(ours.make_doc(text)) == tokens(spacy_nlp.make_doc(text))


def test_special_cases_of_hyphenated_words_wait_for_a_text_with_them():
    nlp = blank("id")
    deferred = nlp.tokenizer._deferred
    assert "ibu-ibu" in deferred and "dll." not in deferred  # dll. has a suffix: added at once
    assert [t.text for t in nlp("(Ibu-ibu) dll.")] == ["(", "Ibu-ibu", ")", "dll."]
    assert "Ibu-ibu" not in deferred and "ibu-ibu" in deferred


@pytest.mark.parametrize(
    "text",
    [
        "RpIbu-ibu",  # the prefix Rp is split off: Ibu-ibu is a special case
        # spaCy also matches semata-mata across the spaces; that match blocks mata-mata
        "semata - mata-mata-q",
        "semata- mata-mata-q",
    ],
)
def test_special_cases_are_found_where_spacy_finds_them(text):
    assert tokens(blank("id").make_doc(text)) == tokens(spacy.blank("id").make_doc(text))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(TEXT, st.sampled_from(["", " ", " kami", "dana "])), max_size=6))
def test_a_joined_doc_has_the_tokens_of_the_joined_text(pipelines, texts):
    spacy_nlp, ours = pipelines
    doc = joined_doc(ours, texts, "\n\n")
    assert doc.text == "\n\n".join(texts)
    assert tokens(doc) == tokens(spacy_nlp.make_doc("\n\n".join(texts)))


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_the_prefix_search_finds_what_re_search_finds(pipelines, text):
    pattern = pipelines[0].tokenizer.prefix_search.__self__
    found, expected = prefix_search(pattern)(text), pattern.search(text)
    assert (found and found.span()) == (expected and expected.span())


def test_a_branch_without_caret_is_still_searched_past_the_start():
    # spaCy's Indonesian prefixes hold one: an <a ...> tag anywhere in the word
    pattern = re.compile(r"^\(|^\$|<a[^>]+>|^x")
    search = prefix_search(pattern)
    assert search("kata<a href>").span() == (4, 12)
    assert search("x<a b>").span() == (0, 1)  # at the start, the branches' order decides
    assert search("(rapat").span() == (0, 1)
    assert search("rapat") is None


def test_branches_are_split_outside_groups_classes_and_escapes():
    branches = _top_level_branches(r"^a|^(b|c)|[|^]|\||^[]|]")
    assert branches == ["^a", "^(b|c)", "[|^]", r"\|", "^[]|]"]
    assert _top_level_branches("^a|b") == ["^a", "b"]
    assert prefix_search(re.compile("^a|^b")) == re.compile("^a|^b").match
    assert prefix_search(re.compile("^a|^b", re.MULTILINE)) == re.compile("^a|^b", re.M).search


def test_threads_wait_for_a_special_case_being_added():
    """A Dask worker's threads share the pipeline: one must not tokenise ibu-ibu while another
    is still adding its special case."""
    nlp = blank("id")
    tokenizer = nlp.tokenizer
    adding = threading.Event()

    def slow_add(text, tokens):
        adding.set()
        time.sleep(0.3)
        type(tokenizer).add_special_case(tokenizer, text, tokens)

    tokenizer.add_special_case = slow_add
    first = threading.Thread(target=nlp.make_doc, args=("ibu-ibu",))
    first.start()
    assert adding.wait(5)
    assert [t.text for t in nlp.make_doc("ibu-ibu")] == ["ibu-ibu"]
    first.join()
