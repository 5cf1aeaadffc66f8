"""The bad-input catalogue: every input a new user got wrong gives a clear message (file, what
is wrong, what to do), a non-zero exit, no traceback, no hang, and no lost or half-written
output. Each case is one fixture function named for it; it builds the bad input in a small
project (tests/data/cli/study coded with tests/data/codebook/valid.yaml) and says which command
to run and what must come out."""

from __future__ import annotations

import builtins
import errno
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pandas as pd
import pytest
from lxml import etree
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from ksmcode.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


@dataclass
class Case:
    args: list[str]
    says: tuple[str, ...]  # pieces the message must contain (whitespace-insensitive)
    exit_code: int = 1
    check: Callable[[Path], None] | None = None  # more checks on the project afterwards


def project(root: Path, *, coded: bool = False) -> Path:
    """A small project in ``root``: ksmcode.yaml, transcripts/, codebook.yaml (and out/)."""
    shutil.copytree(DATA / "cli" / "study", root / "transcripts")
    shutil.copy(DATA / "codebook" / "valid.yaml", root / "codebook.yaml")
    (root / "ksmcode.yaml").write_text("transcripts: transcripts\ncodebook: codebook.yaml\n")
    if coded:
        assert runner.invoke(app, ["code"]).exit_code == 0
    return root


def project_with(root: Path, name: str, text: str) -> Path:
    """``project`` with one more file in its transcripts folder."""
    project(root)
    (root / "transcripts" / name).write_text(text)
    return root


def no_project_file(root: Path) -> Case:
    """`ksmcode code` in a folder without ksmcode.yaml (it used to blame codebooks/ksm.yaml)."""
    return Case(["code"], ("no ksmcode.yaml", "ksmcode init", "--codebook"))


def nested_sources_csv(root: Path) -> Case:
    """Transcripts in subfolders with their own sources.csv: their metadata is read."""
    project(root)
    sub = root / "transcripts" / "rw03"
    sub.mkdir()
    (sub / "ani.txt").write_text("Peneliti: Apa kabar?\nBu Ani: Pelatihan jalan.\n")
    (sub / "sources.csv").write_text("file,informant,role\nani.txt,Ani,beneficiary\n")

    def check(root: Path) -> None:
        units = pd.read_csv(root / "out" / "units.csv", keep_default_na=False)
        assert set(units.loc[units["document"] == "rw03/ani.txt", "role"]) == {"beneficiary"}

    return Case(["code"], (), exit_code=0, check=check)


def output_overwrite_rule(root: Path) -> Case:
    """One rule for every --output: an existing file is replaced (atomically), --force or not."""
    project(root, coded=True)
    (root / "old.qdpx").write_text("earlier")

    def check(root: Path) -> None:
        assert zipfile.is_zipfile(root / "old.qdpx")

    return Case(["export", "qdpx", "--output", "old.qdpx"], (), exit_code=0, check=check)


def csv_formula_injection(root: Path) -> Case:
    """Transcript text and attributes that Excel would run as formulas (=, +, -, @)."""
    project_with(
        root,
        "rumus.txt",
        "---\nrole: '=cmd|calc'\n---\n"
        "Peneliti: =1+1\n"
        'Bu Ani: =HYPERLINK("http://x","pelatihan")\n'
        "Pak Budi: @SUM(1) pelatihan\n"
        "Bu Ani: -2+3 pelatihan\n"
        "Pak Budi: +pelatihan\n",
    )

    def check(root: Path) -> None:
        from ksmcode.analysis.frame import load_coding

        for name in ("units.csv", "segments.csv"):
            raw = pd.read_csv(root / "out" / name, dtype=str, keep_default_na=False)
            cells = raw.to_numpy().ravel().tolist()
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], name
        units = load_coding(root / "out").units  # ksmcode reads its own tables back exactly
        assert "=HYPERLINK" in " ".join(units["text"]) and "=cmd|calc" in set(units["role"])
        piped = runner.invoke(app, ["matrix", "--by", "role"])
        assert "\n=cmd" not in piped.stdout and ",=" not in piped.stdout

    return Case(["code"], (), exit_code=0, check=check)


def unit_over_a_million_characters(root: Path) -> Case:
    """A 1.2 MB single turn (spaCy's max_length is 1,000,000): coded, not a traceback."""
    project(root)
    speech = "kata lain " * 120_000 + "pelatihan capster"  # hits are few, as in real speech
    (root / "transcripts" / "panjang.txt").write_text(f"Peneliti: Ya?\nBu Ani: {speech}\n")
    turns = "".join(f"Peneliti: Ya {i}?\nBu Ani: pelatihan {'kata ' * 2000}\n" for i in range(150))
    (root / "transcripts" / "banyak.txt").write_text(turns)  # 1.5 MB in 300 turns

    def check(root: Path) -> None:
        units = pd.read_csv(root / "out" / "units.csv", keep_default_na=False)
        long = units[units["document"] == "panjang.txt"]
        assert len(long) == 1 and long["stage.implementation"].iloc[0] == 1
        assert units.loc[units["document"] == "banyak.txt", "stage.implementation"].sum() == 150

    return Case(["code"], (), exit_code=0, check=check)


def turn_longer_than_ksmcode_codes_at_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    """Beyond MAX_TURN_CHARS (5,000,000; lowered here) a turn is refused, naming the file."""
    project(root)
    monkeypatch.setattr("ksmcode.io.corpus.MAX_TURN_CHARS", 1000)
    (root / "transcripts" / "panjang.txt").write_text("Peneliti: a\nBu Ani: " + "kata " * 300)
    return Case(["code"], ("panjang.txt", "line 2", "1,499 characters", "1,000", "split it"))


def output_onto_its_input(root: Path) -> Case:
    """`--output` naming the command's own input file is refused (anything else is replaced)."""
    project(root)
    before = (root / "codebook.yaml").read_bytes()

    def check(root: Path) -> None:
        assert (root / "codebook.yaml").read_bytes() == before

    args = ["codebook", "export", "codebook.yaml", "--output", "codebook.yaml"]
    return Case(args, ("codebook.yaml", "would overwrite its input"), check=check)


def impossible_date_in_front_matter(root: Path) -> Case:
    project_with(
        root, "tanggal.txt", "---\ninformant: Ani\ndate: 2022-13-45\n---\nPeneliti: a\nBu Ani: b\n"
    )
    return Case(["code"], ("tanggal.txt:3", "2022-13-45", "not a valid date"))


def impossible_date_in_codebook(root: Path) -> Case:
    project(root)
    text = (root / "codebook.yaml").read_text().replace('version: "1.0"', "version: 2022-02-30")
    (root / "codebook.yaml").write_text(text)
    return Case(["code"], ("codebook.yaml:3", "2022-02-30", "not a valid date"))


def yaml_alias_bomb_in_front_matter(root: Path) -> Case:
    """A 600-byte billion-laughs front matter (it hung for minutes and took gigabytes)."""
    project(root)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (root / "transcripts" / "bom.txt").write_text(
        "---\n" + "\n".join(lines) + "\n---\nPeneliti: a\nBu Ani: b\n"
    )
    return Case(["code"], ("bom.txt", "aliases"))


def docx_with_broken_content_types(root: Path) -> Case:
    project(root)
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with (
        zipfile.ZipFile(buffer) as src,
        zipfile.ZipFile(root / "transcripts" / "rusak.docx", "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, b"<Types/>" if item.filename == "[Content_Types].xml" else data)
    return Case(["code"], ("rusak.docx", "Word"))


def invalid_regex_in_token_pattern(root: Path) -> Case:
    project(root)
    text = (
        (root / "codebook.yaml")
        .read_text()
        .replace("- [{LOWER: kelompok}, {LOWER: tani}]", "- [{LOWER: {REGEX: 'kelompok('}}]")
    )
    (root / "codebook.yaml").write_text(text)
    return Case(["code"], ("codebook.yaml", "stage.implementation", "REGEX", "kelompok("))


def invalid_regex_in_codebook_check(root: Path) -> Case:
    invalid_regex_in_token_pattern(root)
    return Case(
        ["codebook", "check", "codebook.yaml"], ("codebook.yaml:", "stage.implementation", "REGEX")
    )


def qdpx_with_a_corrupt_entry(root: Path) -> Case:
    """A .qdpx whose source entry fails its CRC check."""
    project(root, coded=True)
    assert runner.invoke(app, ["export", "qdpx", "--output", "good.qdpx"]).exit_code == 0
    data = bytearray((root / "good.qdpx").read_bytes())
    with zipfile.ZipFile(root / "good.qdpx") as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("sources/"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 2] ^= 0xFF  # one flipped byte in the stored data: a bad CRC
    (root / "bad.qdpx").write_bytes(bytes(data))
    return Case(["agree", "coders", "--coding", "bad.qdpx"], ("bad.qdpx", "corrupt"))


def full_disk_on_out(root: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    """No space left while writing: the cause is named and the earlier outputs stay intact."""
    project(root, coded=True)
    before = (root / "out" / "segments.csv").read_bytes()
    real_open = io.open

    def full(file, mode="r", *args, **kwargs):  # the disk fills up when units.csv is written
        if "units" in str(file) and ("w" in mode or "a" in mode):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", full)
    monkeypatch.setattr(builtins, "open", full)

    def check(root: Path) -> None:
        assert (root / "out" / "segments.csv").read_bytes() == before
        assert not list((root / "out").glob(".*.tmp"))

    return Case(["code"], ("No space left on device", "out"), check=check)


def report_on_units_without_document_column(root: Path) -> Case:
    project(root, coded=True)
    units = pd.read_csv(root / "out" / "units.csv").drop(columns="document")
    units.to_csv(root / "out" / "units.csv", index=False)
    return Case(["report"], ("units.csv", "document", "ksmcode code"))


def square_brackets_in_paths_and_roles(root: Path) -> Case:
    """Rich markup in user text ('res[/]x', '[bold]'): printed as is, never a MarkupError."""
    project_with(root, "sources.csv", "file,role\nketua.txt,a[/]b\n")
    shutil.move(root / "transcripts", root / "res[/]x")
    (root / "ksmcode.yaml").write_text("transcripts: res[/]x\ncodebook: codebook.yaml\n")
    (root / "res[/]x" / "[bold]notes.pdf").write_text("x")

    def check(root: Path) -> None:
        result = runner.invoke(app, ["code", "missing[/]folder"])
        assert result.exit_code == 1 and "missing[/]folder" in result.output
        assert runner.invoke(app, ["matrix", "--by", "role"]).exit_code == 0

    return Case(["code"], ("[bold]notes.pdf",), exit_code=0, check=check)


def two_role_columns_in_sources_csv(root: Path) -> Case:
    project(root)
    (root / "transcripts" / "sources.csv").write_text(
        "file,role,informant,Role\nketua.txt,organiser,Darsono,resident\n"
    )
    return Case(["code"], ("sources.csv:1", "'role'", "twice"))


def unclosed_quote_in_sources_csv(root: Path) -> Case:
    project_with(
        root,
        "sources.csv",
        'file,informant,role\nketua.txt,"Darsono,organiser\nwarga.md,Ani,beneficiary\n',
    )
    return Case(["code"], ("sources.csv:2", "quote"))


def _edited_qdpx(root: Path, edit: Callable[[etree._Element], None], name: str) -> None:
    project(root, coded=True)
    assert runner.invoke(app, ["export", "qdpx", "--output", "good.qdpx"]).exit_code == 0
    with zipfile.ZipFile(root / "good.qdpx") as src, zipfile.ZipFile(root / name, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "project.qde":
                tree = etree.fromstring(data)
                edit(tree)
                data = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
            dst.writestr(item, data)


def _selections(tree: etree._Element) -> list[etree._Element]:
    return tree.findall(".//{urn:QDA-XML:project:1.0}PlainTextSelection")


def qdpx_selection_outside_its_text(root: Path) -> Case:
    def edit(tree: etree._Element) -> None:
        selection = _selections(tree)[0]
        selection.set("startPosition", "100000")
        selection.set("endPosition", "100010")

    _edited_qdpx(root, edit, "outside.qdpx")
    return Case(
        ["agree", "coders", "--coding", "outside.qdpx"], ("Warning", "outside"), exit_code=0
    )


def qdpx_coding_to_an_unknown_code(root: Path) -> Case:
    def edit(tree: etree._Element) -> None:
        ref = _selections(tree)[0].find(".//{urn:QDA-XML:project:1.0}CodeRef")
        ref.set("targetGUID", "00000000-0000-0000-0000-000000000000")

    _edited_qdpx(root, edit, "unknown.qdpx")
    return Case(
        ["agree", "coders", "--coding", "unknown.qdpx"], ("Warning", "unknown code"), exit_code=0
    )


def qdpx_source_not_utf8(root: Path) -> Case:
    project(root, coded=True)
    assert runner.invoke(app, ["export", "qdpx", "--output", "good.qdpx"]).exit_code == 0
    with (
        zipfile.ZipFile(root / "good.qdpx") as src,
        zipfile.ZipFile(root / "latin.qdpx", "w") as dst,
    ):
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data.replace(b"a", b"\xe9") if item.startswith("sources/") else data)
    return Case(
        ["agree", "coders", "--coding", "latin.qdpx"], ("Warning", "not valid UTF-8"), exit_code=1
    )


def two_code_columns_in_a_coder_file(root: Path) -> Case:
    project(root, coded=True)
    (root / "ani.csv").write_text("document,segment_id,code,Code\nketua.txt,ketua.txt#2,a,b\n")
    return Case(["agree", "coders", "--coding", "ani.csv"], ("ani.csv:1", "'code'", "twice"))


def coder_file_with_only_a_header(root: Path) -> Case:
    project(root, coded=True)
    (root / "ani.csv").write_text("document,segment_id,code\n")
    return Case(["agree", "coders", "--coding", "ani.csv", "--no-auto"], ("ani.csv", "no codings"))


def report_markdown_injection(root: Path) -> Case:
    """Transcript text and metadata with raw HTML, javascript: links and | in a role."""
    project_with(
        root,
        "html.txt",
        "---\nrole: 'org|aniser <b>'\n---\nPeneliti: a\n"
        "Bu Ani: <script>alert(1)</script> pelatihan [klik](javascript:alert(2)) <img src=x> "
        "<https://x.test>\n",
    )
    (root / "transcripts" / "link.txt").write_text(
        "---\nrole: '[klik](javascript:alert(1))'\n---\nPeneliti: a\nBu Ani: pelatihan\n"
        "Peneliti: b\nBu Ani: terminasi\n"
    )

    def check(root: Path) -> None:
        assert runner.invoke(app, ["report"]).exit_code == 0
        page = (root / "out" / "report.html").read_text()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert not re.search(r"href\s*=\s*[\"']?javascript", page)
        assert runner.invoke(app, ["report", "--output", "out/report.md"]).exit_code == 0
        report = (root / "out" / "report.md").read_text()
        html = MarkdownIt("commonmark").enable("table").render(report)
        assert "alert(1)" in html and "&lt;script&gt;" in html  # shown, as text
        for bad in ("<script", "<img", "<b>", "href"):
            assert bad not in html, bad
        for table in report.split("\n\n"):
            rows = [r for r in table.splitlines() if r.startswith("|")]
            widths = {len(r.replace("\\|", "").split("|")) for r in rows}
            assert len(widths) <= 1, table

    return Case(["code"], (), exit_code=0, check=check)


def stale_temporary_files(root: Path) -> Case:
    """Temporary files and spools left by a killed run are removed by the next run."""
    project(root, coded=True)
    (root / "out" / ".report.md.abc123.tmp").write_text("half")
    (root / "out" / ".ksmcode-run-999999999-x").mkdir()

    def check(root: Path) -> None:
        assert runner.invoke(app, ["report", "--output", "out/report.md"]).exit_code == 0
        assert sorted(p.name for p in (root / "out").glob(".*")) == [".cache"]

    return Case(["code"], (), exit_code=0, check=check)


CASES = [
    no_project_file,
    nested_sources_csv,
    output_overwrite_rule,
    csv_formula_injection,
    unit_over_a_million_characters,
    turn_longer_than_ksmcode_codes_at_once,
    output_onto_its_input,
    impossible_date_in_front_matter,
    impossible_date_in_codebook,
    yaml_alias_bomb_in_front_matter,
    docx_with_broken_content_types,
    invalid_regex_in_token_pattern,
    invalid_regex_in_codebook_check,
    qdpx_with_a_corrupt_entry,
    full_disk_on_out,
    report_on_units_without_document_column,
    square_brackets_in_paths_and_roles,
    two_role_columns_in_sources_csv,
    unclosed_quote_in_sources_csv,
    qdpx_selection_outside_its_text,
    qdpx_coding_to_an_unknown_code,
    qdpx_source_not_utf8,
    two_code_columns_in_a_coder_file,
    coder_file_with_only_a_header,
    report_markdown_injection,
    stale_temporary_files,
]


@pytest.mark.parametrize("build", CASES, ids=lambda f: f.__name__)
def test_bad_input(build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    needs_patch = "monkeypatch" in build.__code__.co_varnames[: build.__code__.co_argcount]
    case = build(tmp_path, monkeypatch) if needs_patch else build(tmp_path)
    result = runner.invoke(app, case.args)
    message = " ".join(result.output.split())
    assert result.exit_code == case.exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for piece in case.says:
        assert piece in message, (piece, result.output)
    if case.check:
        case.check(tmp_path)
