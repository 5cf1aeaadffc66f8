"""Coding at scale: streamed writing, worker processes, Dask, the document cache."""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from ksmcode.analysis.frame import coding_frames
from ksmcode.codebook.load import load_codebook
from ksmcode.export import coding as coding_module
from ksmcode.export.tables import serialise
from ksmcode.io import load_corpus
from ksmcode.matching.engine import code_corpus
from ksmcode.workflow import CodeRequest, _workers_render, code_study

TABLES = ("segments", "units", "evidence", "suppressed")


@pytest.fixture()
def study(tmp_path, data):
    shutil.copytree(data / "cli" / "study", tmp_path / "study")
    return tmp_path


def request(study, out, **options) -> CodeRequest:
    return CodeRequest(study / "study", study / "codebook.yaml", study / out, **options)


def code(study, data, out, **options) -> dict[str, bytes]:
    shutil.copy(data / "codebook" / "valid.yaml", study / "codebook.yaml")
    code_study(request(study, out, **options))
    return {name: (study / out / f"{name}.csv").read_bytes() for name in TABLES}


@pytest.mark.parametrize(("fmt", "jobs"), [("csv", 1), ("csv", 2), ("jsonl", 1)])
@pytest.mark.parametrize("late_column", [False, True])
def test_streamed_tables_are_the_bytes_of_one_frame(
    study, data, tmp_path, fmt, jobs, late_column, monkeypatch
):
    """With two workers, the workers render the csv lines (joined here with the attribute
    columns, which a late column changes)."""
    monkeypatch.setattr(coding_module, "CHUNK", 1)  # every document appended on its own
    if late_column:  # the last document brings a metadata column the tables did not have
        last = study / "study" / "warga.md"
        last.write_text(last.read_text("utf-8").replace("role:", "village: Sukamaju\nrole:"))
    shutil.copy(data / "codebook" / "valid.yaml", study / "codebook.yaml")
    code_study(request(study, "out", fmt=fmt, jobs=jobs, cache=False))
    assert ("Sukamaju" in (study / "out" / f"units.{fmt}").read_text("utf-8")) == late_column
    frames = coding_frames(
        code_corpus(load_corpus(study / "study"), load_codebook(study / "codebook.yaml"))
    )
    for name in TABLES:
        whole = tmp_path / f"whole.{fmt}"
        serialise(getattr(frames, name), whole, fmt)
        assert (study / "out" / f"{name}.{fmt}").read_bytes() == whole.read_bytes(), name


def test_processes_write_the_same_bytes(study, data):
    one = code(study, data, "one", cache=False)
    assert code(study, data, "all", jobs=0, cache=False) == one
    assert code(study, data, "two", jobs=2, cache=False) == one


def test_the_worker_pool_has_shut_down_when_the_run_returns(study, data):
    """Else its thread can race the interpreter's exit ('Bad file descriptor' printed)."""
    from concurrent.futures.process import _ExecutorManagerThread

    code(study, data, "out", jobs=2, cache=False)
    assert not [t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread)]


def test_workers_render_csv_lines_when_they_share_the_cores():
    def render(**options) -> bool:
        return _workers_render(CodeRequest(Path("t"), Path("c"), Path("o"), **options))

    assert render(jobs=2) and render(scheduler="tcp://127.0.0.1:8786")
    assert not render(jobs=1) and not render(jobs=2, fmt="xlsx")


def test_workers_are_replaced_by_fresh_forks_and_write_the_same_bytes(
    study, data, tmp_path, monkeypatch
):
    from ksmcode import runner

    one = code(study, data, "one", cache=False)
    pids = tmp_path / "pids"
    code_batch = runner.DocumentCoder.code_batch

    def noting_pid(self, tasks):
        with pids.open("a") as handle:
            handle.write(f"{os.getpid()}\n" * len(tasks))
        return code_batch(self, tasks)

    calls = itertools.count()  # in each worker: at its start, then after each batch
    monkeypatch.setattr(runner, "_peak_memory", lambda: 0 if next(calls) == 0 else 2**60)
    monkeypatch.setattr(runner.DocumentCoder, "code_batch", noting_pid)
    monkeypatch.setattr(runner, "BATCH", 1)
    assert code(study, data, "recycled", cache=False) == one
    workers = pids.read_text().split()
    # The first worker is full after its first document, and codes the one already sent to
    # it; a fresh fork codes the third.
    assert len(workers) == 3 and workers[0] == workers[1] != workers[2]
    assert str(os.getpid()) not in workers
    assert gc.get_freeze_count() == 0  # the run froze its set-up for the collector, then thawed


def test_a_rerun_codes_only_new_and_changed_documents(study, data):
    first = code(study, data, "out")
    run = json.loads((study / "out" / "run.json").read_text())
    assert run["cache"] == {"documents": 0}
    assert code(study, data, "out") == first
    run = json.loads((study / "out" / "run.json").read_text())
    assert run["cache"] == {"documents": 3}
    ketua = study / "study" / "ketua.txt"
    ketua.write_text(ketua.read_text().replace("dipantau", "diawasi"))
    changed = code(study, data, "out")
    run = json.loads((study / "out" / "run.json").read_text())
    assert run["cache"] == {"documents": 2}
    assert changed == code(study, data, "fresh", cache=False)
    assert changed != first
    cached = list((study / "out" / ".cache").iterdir())
    assert len(cached) == 3  # the entry of the old ketua.txt is gone


def test_each_file_is_hashed_once_and_run_json_records_its_hash(study, data, monkeypatch):
    """The cache keys' hashes go to the workers with the tasks: run.json takes them from
    there, not from reading every file a second time."""
    from ksmcode.export import atomic

    hashed = []
    real = atomic.file_sha256
    monkeypatch.setattr(atomic, "file_sha256", lambda path: hashed.append(path) or real(path))
    monkeypatch.setattr(coding_module, "file_sha256", lambda path: pytest.fail(f"{path} again"))
    code(study, data, "out", jobs=0)  # workers forked after the patches: they see them too
    inputs = json.loads((study / "out" / "run.json").read_text())["inputs"]
    assert len(hashed) == len(inputs) == 3
    for entry in inputs:
        digest = hashlib.sha256((study / "study" / entry["document"]).read_bytes()).hexdigest()
        assert entry["sha256"] == digest


def test_a_changed_codebook_recodes_everything(study, data):
    code(study, data, "out")
    codebook = study / "codebook.yaml"
    code_study(request(study, "out"))
    codebook.write_text(codebook.read_text() + "\n# a comment changes the codebook's bytes\n")
    code_study(request(study, "out"))
    assert json.loads((study / "out" / "run.json").read_text())["cache"] == {"documents": 0}


def test_spools_of_killed_runs_are_removed(study, data):
    stale = study / "out" / ".ksmcode-run-999999999-abc"
    stale.mkdir(parents=True)
    (stale / "rows.pickle").write_bytes(b"half")
    code(study, data, "out")
    assert not stale.exists()
    assert not list((study / "out").glob(".ksmcode-run-*"))


def test_dask_cluster_writes_the_same_bytes(study, data):
    distributed = pytest.importorskip("distributed", reason="pip install 'ksmcode[dask]'")
    one = code(study, data, "one", cache=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:  # fmt: skip
        assert code(study, data, "dask", scheduler=cluster.scheduler_address, cache=False) == one


def test_an_unreadable_cache_entry_is_recoded(study, data):
    first = code(study, data, "out")
    for entry in (study / "out" / ".cache").iterdir():
        entry.write_bytes(b"not a pickle")
        break
    assert code(study, data, "out") == first
    assert json.loads((study / "out" / "run.json").read_text())["cache"] == {"documents": 2}


def test_the_summary_says_how_many_documents_came_from_the_cache(study, data):
    from typer.testing import CliRunner

    from ksmcode.cli import app

    shutil.copy(data / "codebook" / "valid.yaml", study / "codebook.yaml")
    args = ["code", str(study / "study"), "--codebook", str(study / "codebook.yaml")]
    args += ["--out", str(study / "out")]
    runner = CliRunner()
    assert "came from" not in runner.invoke(app, args).stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "3 documents unchanged since the last run came from" in again.stderr
