"""ksmcode.io.tables.read_rows: raw rows of a table, named apart from export.tables.read_table."""

from __future__ import annotations

import ksmcode.io.tables as io_tables
from ksmcode.io.tables import read_rows


def test_read_rows_returns_header_rows_and_encoding(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("informant;role\nketua;organiser\n;\nkasi;agency\n", encoding="utf-8")
    header, rows, encoding = read_rows(path)
    assert header == ["informant", "role"]
    assert rows == [["ketua", "organiser"], ["kasi", "agency"]]
    assert encoding.replace("_", "-").lower() in ("utf-8", "ascii")
    # One name, one meaning: read_table is the DataFrame reader of ksmcode.export.tables.
    assert not hasattr(io_tables, "read_table")


def test_delimiter_comes_from_the_header_even_after_blank_lines(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("\n\ninformant;role\nketua;organiser\n", encoding="utf-8")
    header, rows, _ = read_rows(path)
    assert (header, rows) == (["informant", "role"], [["ketua", "organiser"]])
