"""The learned second stage: learn, code --model, the model file, review and the learning curve.

One model is trained per session on the bundled tuning set (7 documents, 97 units), which
keeps the suite fast; the shipped default model is checked by loading and applying it.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.errors import ModelError

runner = CliRunner()


def tuning_set(repo, command: str, *args: str) -> str:
    """Run a command on the bundled tuning set with the shipped codebook; it must succeed."""
    result = runner.invoke(
        app,
        [command, str(repo / "tuning" / "transcripts"), "--codebook",
         str(repo / "codebooks" / "ksm.yaml"), *args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def trained(repo, tmp_path_factory):
    """A model learnt from the tuning set's hand coding, through the CLI."""
    folder = tmp_path_factory.mktemp("learn")
    path = folder / "tuning.ksm"
    gold = str(repo / "tuning" / "gold.csv")
    output = tuning_set(repo, "learn", "--coding", gold, "--no-base", "--output", str(path))
    assert "Negated codings, cross-validated: model P" in output
    return path


@pytest.fixture(scope="module")
def coder(trained):
    from ksmcode.learn.store import load_model

    return load_model(trained)


@pytest.fixture(scope="module")
def rule_coding(repo):
    import ksmcode

    corpus = ksmcode.load_corpus(
        repo / "tuning" / "transcripts", interviewer=["Peneliti", "Interviewer"]
    )
    codebook = ksmcode.load_codebook(repo / "codebooks" / "ksm.yaml")
    return ksmcode.coding_frames(ksmcode.code_corpus(corpus, codebook))


def test_model_file_is_json_and_arrays_only(trained, coder):
    with zipfile.ZipFile(trained) as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "model.json"]
        meta = json.loads(archive.read("model.json"))
    info = meta["info"]
    assert info["codebook"]["name"] and len(info["codebook"]["sha256"]) == 64
    assert len(info["training"]["documents"]) == 7 and info["training"]["units"] == 97
    assert set(info["versions"]) >= {"ksmcode", "scikit-learn", "numpy"}
    micro = info["cross_validation"]["all"]["micro"]
    assert 0 < micro["model_f1"] <= 1 and 0 < micro["rules_f1"] <= 1
    # formulation has 2 positive units in the tuning set: it stays rule-only, and says so
    assert any(c.startswith("stage.formulation") for c in info["training"]["rule_only_codes"])
    assert not coder.trained[list(coder.code_ids).index("stage.formulation")]


def test_saved_model_predicts_as_trained(tmp_path, coder, rule_coding):
    from ksmcode.learn.examples import examples_from_coding
    from ksmcode.learn.store import load_model, save_model

    examples = examples_from_coding(rule_coding)
    again = load_model(save_model(coder, tmp_path / "copy.ksm"))
    np.testing.assert_allclose(again.probability(examples), coder.probability(examples))


def test_calibration_is_monotone_and_thresholds_are_probabilities(coder):
    assert np.all(np.diff(coder.calibration_y) >= 0)
    assert np.all((coder.thresholds > 0) & (coder.thresholds < 1))


def test_apply_model_decides_every_code(coder, rule_coding):
    from ksmcode.learn.apply import apply_model

    coding = apply_model(coder, rule_coding)
    segments = coding.segments
    assert set(segments["source"]) <= {"rules", "model", "rules+model"}
    assert segments["confidence"].between(0, 1).all()
    # the units' 0/1 columns are the segments, one row per coded (unit, code)
    wide = coding.units.set_index("segment_id")[list(coding.code_ids)]
    assert int(wide.to_numpy().sum()) == len(segments)
    # a coding no rule made says which words weighed most
    model_only = segments[segments["source"] == "model"]
    assert model_only["evidence"].str.startswith("model: ").all()
    # decisions: every rule proposal, kept or rejected, and every coding
    decisions = coding.decisions
    assert {"probability", "threshold", "coded", "rules", "source"} <= set(decisions.columns)
    assert decisions["coded"].sum() == len(segments)
    assert (decisions["rules"] == 1).sum() == len(
        rule_coding.segments[["segment_id", "code"]].drop_duplicates()
    )


def test_model_trained_on_another_codebook_is_refused(coder):
    from ksmcode.learn.store import check_codebook

    with pytest.raises(ModelError, match="trained with another codebook"):
        check_codebook(coder, "0" * 64, "other.yaml", "tuning.ksm")


def test_not_a_model_file_is_a_clear_error(tmp_path):
    from ksmcode.learn.store import load_model

    bad = tmp_path / "bad.ksm"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a ksmcode model file"):
        load_model(bad)


def test_code_with_model_then_without(repo, trained, tmp_path):
    out = tmp_path / "out"
    tuning_set(repo, "code", "--out", str(out), "--model", str(trained))
    segments = pd.read_csv(out / "segments.csv")
    assert {"confidence", "source"} <= set(segments.columns)
    run = json.loads((out / "run.json").read_text())
    assert run["options"]["model"]["training_units"] == 97
    tuning_set(repo, "code", "--out", str(out), "--no-model")
    assert not (out / "decisions.csv").exists()  # the model run's decisions are gone
    assert "confidence" not in pd.read_csv(out / "segments.csv").columns


def test_the_model_decides_alike_in_worker_processes(repo, trained, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        tuning_set(repo, "code", "--out", str(out), "--model", str(trained), "--jobs", jobs)
        outputs.append(
            {t: (out / f"{t}.csv").read_bytes() for t in ("segments", "units", "decisions")}
        )
    assert outputs[0] == outputs[1]


def test_a_batch_of_documents_is_decided_as_each_alone(repo, coder, monkeypatch):
    import ksmcode
    from ksmcode.analysis.frame import document_rows
    from ksmcode.learn import model
    from ksmcode.learn.apply import apply_to_rows

    monkeypatch.setattr(model, "SLICE", 7)  # units decided a few at a time, across documents
    codebook = ksmcode.load_codebook(repo / "codebooks" / "ksm.yaml")
    corpus = ksmcode.load_corpus(
        repo / "tuning" / "transcripts", interviewer=["Peneliti", "Interviewer"]
    )
    rows = [document_rows(d, codebook) for d in ksmcode.code_corpus(corpus, codebook).documents]
    together = apply_to_rows(coder, rows, codebook)
    assert together == [apply_to_rows(coder, [r], codebook)[0] for r in rows]
    assert [r.document for r in together] == [r.document for r in rows]
    assert all(r.decisions for r in together)


def test_another_model_recodes_the_cached_documents(repo, trained, tmp_path):
    out = tmp_path / "out"
    tuning_set(repo, "code", "--out", str(out), "--model", str(trained))
    tuning_set(repo, "code", "--out", str(out), "--model", str(trained))
    assert json.loads((out / "run.json").read_text())["cache"]["documents"] == 7
    other = tmp_path / "other.ksm"
    other.write_bytes(trained.read_bytes() + b"\0")  # other bytes: another model
    tuning_set(repo, "code", "--out", str(out), "--model", str(other))
    assert json.loads((out / "run.json").read_text())["cache"]["documents"] == 0


def test_review_worklist_round_trip(repo, trained, rule_coding, tmp_path):
    from ksmcode.learn.apply import apply_model
    from ksmcode.learn.review import review_labels, review_worklist
    from ksmcode.learn.store import load_model

    coding = apply_model(load_model(trained), rule_coding)
    worklist = review_worklist(coding, limit=5)
    assert len(worklist) == 5 and (worklist["decision"] == "").all()
    assert worklist["why"].str.len().gt(0).all()
    questions = coding.units.set_index("segment_id")["question"]  # the reviewer sees them too
    assert worklist["question"].tolist() == worklist["segment_id"].map(questions).tolist()
    first, second, third = worklist.iloc[0], worklist.iloc[1], worklist.iloc[2]
    filled = worklist.copy()
    filled.loc[0, "decision"] = "accept"
    filled.loc[1, "decision"] = "reject"
    other = "inhibit.time" if third["code"] != "inhibit.time" else "inhibit.location"
    filled.loc[2, "decision"] = other
    labels = review_labels(filled, coding.code_ids, coding.units, "review.xlsx")
    assert labels.loc[first["segment_id"], first["code"]] == 1
    assert labels.loc[second["segment_id"], second["code"]] == 0
    assert labels.loc[third["segment_id"], other] == 1
    assert labels.loc[third["segment_id"], third["code"]] == 0
    # only judged pairs are labels; everything else stays unknown
    assert int(labels[list(coding.code_ids)].notna().sum().sum()) == 4


def test_review_decision_must_be_understood(rule_coding):
    from ksmcode.learn.review import review_labels

    table = pd.DataFrame(
        {
            "segment_id": [rule_coding.units["segment_id"].iloc[0]],
            "code": ["stage.planning"],
            "decision": ["maybe"],
        }
    )
    with pytest.raises(Exception, match="not accept, reject or a code id"):
        review_labels(table, rule_coding.code_ids, rule_coding.units, "review.csv")


def test_review_cli_and_learning_from_it(repo, trained, tmp_path):
    out = tmp_path / "out"
    tuning_set(repo, "code", "--out", str(out), "--model", str(trained))
    worklist = tmp_path / "review.csv"
    result = runner.invoke(
        app, ["review", "--out", str(out), "--output", str(worklist), "--limit", "30"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(worklist, dtype=str, keep_default_na=False)
    assert len(table) == 30
    table["decision"] = np.where(table["coded"] == "1", "accept", "reject")
    table.to_csv(worklist, index=False)
    gold = str(repo / "tuning" / "gold.csv")
    model = tmp_path / "m.ksm"
    tuning_set(repo, "learn", "--coding", gold, "--coding", str(worklist), "--no-base",
               "--output", str(model))  # fmt: skip
    assert model.is_file()


def test_learning_curve_draws_documents(coder):
    from ksmcode.learn.curve import learning_curve

    examples = coder.examples
    curve = learning_curve(
        examples, coder.code_ids, coder.model.descriptions, sizes=[2, 4], draws=2
    )
    assert list(curve["documents"]) == [2, 4]
    assert curve["f1_mean"].between(0, 1).all() and (curve["f1_sd"] >= 0).all()


def test_shipped_model_matches_the_shipped_codebook(repo):
    from ksmcode.codebook.load import load_codebook
    from ksmcode.learn.store import check_codebook, load_model

    model = repo / "codebooks" / "ksm.model"
    codebook = repo / "codebooks" / "ksm.yaml"
    coder = load_model(model)
    check_codebook(coder, load_codebook(codebook).sha256, codebook, model)
    assert coder.info["training"]["units"] == 4384  # sample study, tuning and validation sets


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--learning-curve"], "--learning-curve needs your hand coding"),
        ([], "give the gold coding"),
    ],
)
def test_evaluate_says_what_it_needs(args, message):
    result = runner.invoke(app, ["evaluate", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_explain_shows_the_models_decisions(repo, trained, tmp_path):
    from ksmcode.analysis.explain import explain
    from ksmcode.analysis.frame import load_coding

    out = tmp_path / "out"
    tuning_set(repo, "code", "--out", str(out), "--model", str(trained))
    coding = load_coding(out)
    unit = coding.segments["segment_id"].iloc[0]
    result = explain(coding, unit)
    assert {"confidence", "source"} <= set(result.codes.columns)
    assert result.decisions is not None and result.decisions["coded"].sum() == len(result.codes)


def test_model_from_another_version_is_refused(tmp_path, trained):
    from ksmcode.learn.store import load_model

    old = tmp_path / "old.ksm"
    with zipfile.ZipFile(trained) as source, zipfile.ZipFile(old, "w") as target:
        meta = json.loads(source.read("model.json"))
        meta["settings"]["rule_features"] = meta["settings"]["rule_features"][:-1]
        target.writestr("model.json", json.dumps(meta))
        target.writestr("arrays.npz", source.read("arrays.npz"))
    with pytest.raises(ModelError, match="another version of ksmcode"):
        load_model(old)


def test_a_model_beside_its_codebook_is_its_default(repo, trained, tmp_path, monkeypatch):
    import shutil

    shutil.copy(repo / "codebooks" / "ksm.yaml", tmp_path / "cb.yaml")
    shutil.copy(trained, tmp_path / "cb.model")
    monkeypatch.chdir(tmp_path)  # no ksmcode.yaml here
    args = ["code", str(repo / "tuning" / "transcripts"), "--codebook", "cb.yaml"]
    result = runner.invoke(app, [*args, "--out", "out"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "run.json").read_text())["options"]["model"]["path"]
    assert (tmp_path / "out" / "decisions.csv").is_file()


def test_a_default_model_of_another_codebook_is_left_out_with_a_note(
    data, trained, tmp_path, monkeypatch
):
    import shutil

    shutil.copy(data / "codebook" / "valid.yaml", tmp_path / "other.yaml")
    shutil.copy(trained, tmp_path / "other.model")
    monkeypatch.chdir(tmp_path)
    args = ["code", str(data / "cli" / "study"), "--codebook", "other.yaml", "--out", "out"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "trained with another codebook" in result.stderr
    assert "coded with the rules alone" in " ".join(result.stderr.split())
    assert not (tmp_path / "out" / "decisions.csv").exists()
    named = runner.invoke(app, [*args, "--model", "other.model"])
    assert named.exit_code == 1  # named explicitly, an unfit model is an error


def test_review_refuses_a_model_of_another_codebook(coded_out, trained):
    from ksmcode.learn.workflow import review_run

    with pytest.raises(ModelError, match="trained with another codebook"):
        review_run(coded_out, model=trained)


def test_the_same_units_give_the_same_model(coder):
    from ksmcode.learn.model import CodingModel

    examples, model = coder.examples, coder.model
    fits = [CodingModel(model.code_ids, model.descriptions).fit(examples) for _ in range(2)]
    assert np.array_equal(fits[0].text_coef_, fits[1].text_coef_)
    assert np.array_equal(fits[0].meta_coef_, fits[1].meta_coef_)


def test_records_are_pandas_records_with_the_same_python_types():
    from ksmcode.learn.apply import _records

    frame = pd.DataFrame(
        {
            "document": ["a", "b", "c"],
            "coded": [1, 0, 1],
            "confidence": [0.25, float("nan"), 1e-05],
            "negated": [True, False, True],
            "cue": ["", None, "tidak"],
        }
    )
    # repr tells the values, NaN included, and their types (numpy scalars print otherwise)
    assert repr(_records(frame)) == repr(frame.to_dict("records"))
    assert _records(frame.iloc[:0]) == []


def test_units_carry_the_question_before_them(repo, tmp_path):
    import ksmcode

    (tmp_path / "fgd.txt").write_text(
        "Peneliti: Pelatihannya berjalan bagaimana?\nBu Ani: Tiga hari, tiap Sabtu.\n"
        "Pak Budi: Betul, saya ikut juga.\nPeneliti: Terima kasih.\n",
        "utf-8",
    )
    corpus = ksmcode.load_corpus(tmp_path, interviewer=["Peneliti"])
    codebook = ksmcode.load_codebook(repo / "codebooks" / "ksm.yaml")
    units = ksmcode.coding_frames(ksmcode.code_corpus(corpus, codebook)).units
    assert units["question"].tolist() == ["Pelatihannya berjalan bagaimana?", ""]
    assert list(units.columns[9:11]) == ["text", "question"]


def test_the_model_reads_each_unit_with_its_question(coder, rule_coding, tmp_path):
    from dataclasses import replace

    from ksmcode.learn.examples import examples_from_coding
    from ksmcode.learn.store import load_model, save_model

    examples = examples_from_coding(rule_coding)
    assert coder.model.questions and any(coder.examples.questions)
    assert sum(map(bool, examples.questions)) > len(examples) / 2  # interviews: most are asked
    again = load_model(save_model(coder, tmp_path / "copy.ksm"))
    assert again.model.questions and again.examples.questions == coder.examples.questions
    unasked = replace(examples, questions=("",) * len(examples))
    assert not np.allclose(coder.probability(unasked), coder.probability(examples))


def test_a_model_file_without_questions_reads_units_alone(coder, rule_coding, tmp_path):
    from ksmcode.learn.examples import examples_from_coding
    from ksmcode.learn.store import load_model, save_model

    path = save_model(coder, tmp_path / "m.ksm")
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("model.json"))
        arrays = archive.read("arrays.npz")
    del meta["settings"]["questions"], meta["examples"]["questions"]
    with zipfile.ZipFile(path, "w") as archive:  # as a release before questions wrote it
        archive.writestr("model.json", json.dumps(meta))
        archive.writestr("arrays.npz", arrays)
    old = load_model(path)
    assert not old.model.questions and not any(old.examples.questions)
    examples = examples_from_coding(rule_coding)
    assert old.probability(examples).shape == (len(examples), len(old.code_ids))
