"""CSV/TSV files without a header line (issue #14): the first line is a post, columns are numbered."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from amplify.cli import cli
from amplify.ingest import read_posts
from amplify.ingest.tabular import read_table

ROWS = ('2022-01-05 10:00,tass,Beijing says the US must stop interfering in Kazakhstan now\n'
        '2022-01-06 11:00,rt,"Second, post, with commas"\n')


@pytest.mark.parametrize("force_slow", [False, True])
def test_first_line_is_a_row_and_columns_are_numbered(tmp_path, force_slow):
    p = tmp_path / "d.csv"
    p.write_text(ROWS, encoding="utf-8")
    raw = read_table(p, header=False, force_slow=force_slow)
    assert list(raw.frame.columns) == ["column_1", "column_2", "column_3"] and len(raw.frame) == 2
    assert list(raw.rows) == [1, 2]  # rejects and reports name the file's own lines
    with_header = read_table(p, force_slow=force_slow)
    assert len(with_header.frame) == 1  # the default still reads the first line as names


def test_a_file_with_invalid_bytes_too(tmp_path):
    p = tmp_path / "d.csv"
    # UTF-8 text (Cyrillic) with one invalid byte: that row is rejected, read through the text path
    p.write_bytes(ROWS.encode("utf-8") + "2022-01-07 08:00,rt,Пекин заявил\n".encode("utf-8")
                  + b"2022-01-07 09:00,rt,bad \xff byte\n")
    res = read_posts(p, header=False, mapping={"published_at": "column_1", "outlet": "column_2", "text": "column_3"})
    assert len(res.posts) == 3 and len(res.rejects) == 1 and int(res.rejects["row"].iloc[0]) == 4


def test_cli_no_header(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(ROWS, encoding="utf-8")
    ws = tmp_path / "ws"
    r = CliRunner().invoke(cli, ["ingest", str(p), "--no-header", "--map", "published_at=column_1",
                                 "--map", "outlet=column_2", "--map", "text=column_3", "-w", str(ws), "-q"])
    assert r.exit_code == 0, r.output
    assert "2 new" in r.output
    r = CliRunner().invoke(cli, ["ingest", str(p), "--no-header", "-w", str(tmp_path / "w2"), "-q"])
    assert r.exit_code == 1 and "column_1, column_2, column_3" in r.output


def test_empty_and_ragged_files_say_so_in_one_line(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    r = CliRunner().invoke(cli, ["ingest", str(empty), "--no-header", "-w", str(tmp_path / "w"), "-q"])
    assert r.exit_code == 1 and "the file is empty (no row)" in r.output and "Traceback" not in r.output
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("2022-01-05,tass\n2022-01-06,rt,third field,fourth\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["ingest", str(ragged), "--no-header", "--map", "text=column_3",
                                 "-w", str(tmp_path / "w2"), "-q"])
    # the columns are the first line's: a wider later row is not silently cut into them
    assert r.exit_code == 1 and "found columns: column_1, column_2" in r.output
