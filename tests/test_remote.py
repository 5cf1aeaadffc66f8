"""Transcripts at fsspec addresses: fsspec's in-memory file system, and a real S3 API (moto's
server on the loopback interface) read through s3fs, by one process, two, and Dask workers."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from ksmcode.cli import app
from ksmcode.errors import ConfigError
from ksmcode.io import load_corpus
from ksmcode.location import locate

upath = pytest.importorskip("upath", reason="pip install 'ksmcode[remote]'")

TABLES = ("segments", "units", "evidence", "suppressed")


def upload(local: Path, address: str) -> str:
    """Copy a local folder's files to ``address``; return the address."""
    root = upath.UPath(address)
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        target = root.joinpath(*path.relative_to(local).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return address


@pytest.fixture()
def mixed(tmp_path, data) -> Path:
    """A corpus of every format: a sidecar, a subfolder, a skipped .jpg, Word and Excel."""
    folder = tmp_path / "mixed"
    shutil.copytree(data / "io" / "corpus", folder)
    shutil.copy(data / "io" / "cues.srt", folder / "interviews" / "cues.srt")
    document = docx.Document()
    for line in ("Peneliti: Bagaimana bantuannya?", "Ibu Sari: Modal usaha sangat membantu."):
        document.add_paragraph(line)
    document.save(folder / "wawancara.docx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["speaker", "text"])
    workbook.active.append(["Pak RT", "Pelatihan menjahit diadakan setiap bulan."])
    workbook.save(folder / "catatan.xlsx")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "old.txt").write_text("Ketua: lama\n", "utf-8")
    return folder


def memory_address() -> str:
    return f"memory://ksmcode-{uuid.uuid4().hex}/study"


def test_locate_tells_paths_from_addresses(tmp_path):
    assert locate(str(tmp_path)) == tmp_path
    assert locate(f"file://{tmp_path}") == tmp_path
    assert locate("memory://bucket/study").protocol == "memory"
    with pytest.raises(ConfigError, match=r"nosuch://bucket: .*use a local path or an address"):
        locate("nosuch://bucket")


def test_a_missing_file_system_package_is_named_before_any_work():
    pytest.importorskip("fsspec")
    try:
        import gcsfs  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match=r"gs://bucket/study: .*gcsfs"):
            locate("gs://bucket/study")
    else:
        pytest.skip("gcsfs is installed")


def test_an_address_reads_like_its_folder(mixed):
    address = upload(mixed, memory_address())
    local, remote = load_corpus(mixed), load_corpus(address)
    assert [d.id for d in remote.documents] == [d.id for d in local.documents]
    assert "wawancara.docx" in {d.id for d in remote.documents}
    for mine, theirs in zip(remote.documents, local.documents, strict=True):
        assert (mine.text, mine.turns, mine.meta) == (theirs.text, theirs.turns, theirs.meta)
        assert str(mine.path).startswith("memory://")
    assert [w.replace(address, "ROOT") for w in remote.warnings] == [
        w.replace(str(mixed), "ROOT") for w in local.warnings
    ]


def coded(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


def run_code(study: str | Path, codebook: Path, out: Path, *options: str) -> dict[str, bytes]:
    result = CliRunner().invoke(
        app, ["code", str(study), "--codebook", str(codebook), "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return coded(out)


def test_code_and_export_a_study_at_an_address(tmp_path, data):
    codebook = data / "codebook" / "valid.yaml"
    address = upload(data / "cli" / "study", memory_address())
    local = run_code(data / "cli" / "study", codebook, tmp_path / "local", "--no-cache")
    assert run_code(address, codebook, tmp_path / "remote") == local
    run = json.loads((tmp_path / "remote" / "run.json").read_text("utf-8"))
    assert run["transcripts"] == address
    assert {i["document"] for i in run["inputs"]} == {"ketua.txt", "partner.txt", "warga.md"}
    assert run_code(address, codebook, tmp_path / "remote") == local  # from the cache
    run = json.loads((tmp_path / "remote" / "run.json").read_text("utf-8"))
    assert run["cache"] == {"documents": 3}
    qdpx = tmp_path / "study.qdpx"  # re-reads the transcripts at the address run.json records
    result = CliRunner().invoke(
        app, ["export", "qdpx", "--out", str(tmp_path / "remote"), "--output", str(qdpx)]
    )
    assert result.exit_code == 0, result.output
    assert qdpx.stat().st_size > 0


def test_an_unknown_address_is_a_clear_error(tmp_path, data):
    result = CliRunner().invoke(
        app, ["code", "nosuch://bucket/study", "--codebook", str(data / "codebook" / "valid.yaml")]
    )
    assert result.exit_code != 0
    assert "Unsupported filesystem" in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def s3():
    """A bucket on moto's S3 server (loopback), reached through s3fs as on AWS."""
    pytest.importorskip("s3fs", reason="pip install s3fs")
    server_module = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    patch = pytest.MonkeyPatch()
    for key, value in {
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        patch.setenv(key, value)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    s3fs.S3FileSystem().mkdir("ksmcode-study")
    yield "s3://ksmcode-study"
    s3fs.S3FileSystem.clear_instance_cache()
    patch.undo()
    server.stop()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_transcripts_in_s3_code_to_the_same_bytes(s3, tmp_path, data, jobs):
    codebook = data / "codebook" / "valid.yaml"
    address = upload(data / "cli" / "study", f"{s3}/jobs-{jobs}")
    local = run_code(data / "cli" / "study", codebook, tmp_path / "local", "--no-cache")
    assert run_code(address, codebook, tmp_path / "s3", "--jobs", jobs, "--no-cache") == local


def test_dask_workers_read_transcripts_from_s3(s3, tmp_path, data):
    distributed = pytest.importorskip("distributed", reason="pip install 'ksmcode[dask]'")
    codebook = data / "codebook" / "valid.yaml"
    address = upload(data / "cli" / "study", f"{s3}/dask")
    local = run_code(data / "cli" / "study", codebook, tmp_path / "local", "--no-cache")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:  # fmt: skip
        options = ("--scheduler", cluster.scheduler_address, "--no-cache")
        assert run_code(address, codebook, tmp_path / "dask", *options) == local


def test_a_project_file_may_name_an_address(tmp_path):
    from ksmcode.workflow import CodeRequest

    (tmp_path / "ksmcode.yaml").write_text("transcripts: memory://bucket/study\n", "utf-8")
    request = CodeRequest.resolve(tmp_path)
    assert (request.transcripts.protocol, request.transcripts.path) == ("memory", "/bucket/study")


def test_without_universal_pathlib_the_install_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "upath", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'ksmcode\[remote\]'"):
        locate("s3://bucket/study")


def test_an_unreachable_store_is_a_clear_error(tmp_path, data, monkeypatch):
    s3fs = pytest.importorskip("s3fs", reason="pip install s3fs")
    for key, value in {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens on the discard port
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(key, value)
    s3fs.S3FileSystem.clear_instance_cache()
    result = CliRunner().invoke(
        app,
        ["code", "s3://bucket/study", "--codebook", str(data / "codebook" / "valid.yaml"),
         "--out", str(tmp_path / "out")],
    )  # fmt: skip
    s3fs.S3FileSystem.clear_instance_cache()
    assert result.exit_code == 1
    assert "s3://bucket/study: cannot be read (EndpointConnectionError" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
