"""The learned negation stage: cue counts, what it learns, the model file, applying it."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from ksmcode.learn.examples import RULE_FEATURES, Examples
from ksmcode.learn.negation import NegationModel, cue_counts, rule_negated
from ksmcode.learn.text import TextVectors


def test_cue_counts_skip_pseudo_negations():
    texts = [
        "Tidak hanya itu, ibu-ibu senang sekali.",
        "Belum pernah ada evaluasi, nggak ada yang datang.",
        "We didn't get any money, never.",
        "No problem at all, the hall is fine.",
    ]
    counts = cue_counts(texts, ["id", "id", "en", "en"])
    assert counts.tolist() == [0, 2, 2, 0]


def _examples(texts: list[str], negated: list[bool], n_codes: int = 2) -> Examples:
    """Units all given code 0 by a human (flags as given), never code 1; no rule evidence."""
    n = len(texts)
    labels = np.zeros((n, n_codes))
    labels[:, 0] = 1
    flags = np.zeros((n, n_codes))
    flags[:, 0] = negated
    return Examples(
        tuple(f"u{i}" for i in range(n)),
        tuple(f"doc{i % 6}" for i in range(n)),  # six documents: folds hold whole ones back
        ("id",) * n,
        tuple(texts),
        np.zeros((n, n_codes, len(RULE_FEATURES))),
        labels,
        flags,
        np.ones(n),
    )


def test_negation_model_learns_which_codings_are_denied():
    denied = [f"Belum pernah ada evaluasi program di RT {i}, pak." for i in range(18)]
    done = [f"Evaluasi program sudah jalan di RT {i} tiap bulan." for i in range(18)]
    train = _examples(denied + done, [True] * 18 + [False] * 18)
    vectors = TextVectors().fit(train.texts)
    model = NegationModel(2).fit(train, vectors.transform(train.texts))
    new = _examples(["Evaluasinya belum pernah ada sama sekali.", "Evaluasi sudah kami adakan."],
                    [True, False])  # fmt: skip
    proba = model.proba(new, vectors.transform(new.texts))
    assert proba.shape == (2, 2)
    assert proba[0, 0] > 0.5 > proba[1, 0]


def test_rule_flags_are_the_fallback():
    examples = _examples(["a", "b"], [False, False])
    fired, share = RULE_FEATURES.index("fired"), RULE_FEATURES.index("share_negated")
    examples.rules[0, 0, [fired, share]] = 1, 0.5  # half of the evidence negated: negated
    examples.rules[1, 0, [fired, share]] = 1, 0.25
    assert rule_negated(examples)[:, 0].tolist() == [True, False]


@pytest.fixture(scope="module")
def tuning(repo, tmp_path_factory):
    """A coder trained on the tuning set (through the library) and its rule coding."""
    import ksmcode
    from ksmcode.learn.fit import study_examples, train_coder

    codebook = ksmcode.load_codebook(repo / "codebooks" / "ksm.yaml")
    folder, interviewer = repo / "tuning" / "transcripts", ["Peneliti", "Interviewer"]
    examples, _ = study_examples(
        [repo / "tuning" / "gold.csv"], folder, codebook, interviewer=interviewer
    )
    corpus = ksmcode.load_corpus(folder, interviewer=interviewer)
    coding = ksmcode.coding_frames(ksmcode.code_corpus(corpus, codebook))
    return train_coder(examples, codebook), coding, codebook


def test_training_records_negation_scores(tuning):
    coder, _, _ = tuning
    negation = coder.info["negation"]
    assert 0 < negation["threshold"] < 1 and negation["threshold"] == coder.negation_threshold
    assert set(negation) == {"threshold", "model", "rules"}
    assert set(negation["model"]) == {"precision", "recall", "f1"}


def test_model_file_keeps_the_negation_stage(tuning, tmp_path):
    from ksmcode.learn.examples import examples_from_coding
    from ksmcode.learn.store import load_model, save_model

    coder, coding, _ = tuning
    examples = examples_from_coding(coding)
    again = load_model(save_model(coder, tmp_path / "m.ksm"))
    assert again.negation_threshold == coder.negation_threshold
    before, after = coder.decide(examples), again.decide(examples)
    np.testing.assert_allclose(after.probability, before.probability, atol=1e-6)  # float32
    np.testing.assert_allclose(after.negation, before.negation, atol=1e-6)  # weights in the file
    np.testing.assert_array_equal(after.coded, before.coded)
    np.testing.assert_array_equal(after.negated, before.negated)


def test_a_model_file_without_the_stage_falls_back_to_the_rules(tuning, tmp_path):
    from ksmcode.learn.examples import examples_from_coding
    from ksmcode.learn.store import load_model, save_model

    coder, coding, _ = tuning
    path = save_model(coder, tmp_path / "m.ksm")
    with zipfile.ZipFile(path) as archive:
        meta = archive.read("model.json")
        with np.load(io.BytesIO(archive.read("arrays.npz"))) as npz:
            arrays = {k: npz[k] for k in npz.files if not k.startswith("negation")}
    numbers = io.BytesIO()
    np.savez(numbers, **arrays)
    with zipfile.ZipFile(path, "w") as archive:  # as a release before the stage wrote it
        archive.writestr("model.json", meta)
        archive.writestr("arrays.npz", numbers.getvalue())
    old = load_model(path)
    assert old.model.negation_ is None
    examples = examples_from_coding(coding)
    np.testing.assert_array_equal(old.decide(examples).negated, rule_negated(examples))


def test_applied_codings_carry_the_stage_s_flags(tuning):
    from ksmcode.learn.apply import apply_model
    from ksmcode.learn.examples import examples_from_coding

    coder, coding, _ = tuning
    decided = coder.decide(examples_from_coding(coding))
    applied = apply_model(coder, coding)
    assert applied.segments["negated"].sum() == (decided.coded & decided.negated).sum() > 0
    decisions = applied.decisions
    assert decisions is not None and decisions["negation"].between(0, 1).all()
    codes = list(coding.code_ids)
    never = apply_model(coder, coding, never_negated=codes)
    assert not never.segments["negated"].any() and len(never.segments) == len(applied.segments)
    assert never.decisions is not None and (never.decisions["negation"] == 0).all()
