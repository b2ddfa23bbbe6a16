"""Encodings: a bad byte rejects its row (never garbles the file), any encoding can be named, UTF-16/32
is recognised without a BOM. Each case checks what rel_support.run_case lists."""

from __future__ import annotations

import gzip

import pytest

from rel_support import Case, Reject, Row, csv_bytes, jsonl_bytes, post, run_case

RU, ZH, EN = "Привет, мир: переговоры", "中国外交部发言人表示", "Talks went well"


def _mixed(bad_text: bytes) -> bytes:
    """A UTF-8 CSV whose third line holds ``bad_text`` (raw bytes) in the text column."""
    head = csv_bytes([["tass", "2024-03-01T10:00:00Z", RU], ["cgtn", "2024-03-01T11:00:00Z", ZH]])
    return head + b"rt,2024-03-01T12:00:00Z," + bad_text + b"\n" + "bbc,2024-03-01T13:00:00Z,{}\n".format(EN).encode()


GOOD = [Row("tass", RU, "2024-03-01T10:00:00Z"), Row("cgtn", ZH, "2024-03-01T11:00:00Z"),
        Row("bbc", EN, "2024-03-01T13:00:00Z")]

CASES = [
    Case("utf8 with one invalid byte: only its row is rejected",
         {"a.csv": _mixed(b"bad \xff byte")}, GOOD, [Reject("a.csv", 4, "byte 0xff is not valid utf-8", "text")],
         notes=["not valid UTF-8 on line(s) 4"]),
    Case("utf8 with a truncated multibyte character",
         {"a.csv": _mixed("обрыв".encode()[:-1])}, GOOD, [Reject("a.csv", 4, "byte 0xd0 is not valid")]),
    Case("utf8 with an overlong encoding of '/'",
         {"a.csv": _mixed(b"over \xc0\xaf long")}, GOOD, [Reject("a.csv", 4, "is not valid utf-8")]),
    Case("utf8 with a surrogate encoded in three bytes (CESU-8)",
         {"a.csv": _mixed(b"cesu \xed\xa0\x80")}, GOOD, [Reject("a.csv", 4, "is not valid utf-8")]),
    Case("bad byte in an extra column rejects the row, naming the column",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU, "ok"]], header=("outlet", "published_at", "text",
                                                                                    "note"))
          + b"rt,2024-03-01T11:00:00Z,fine text,n\xe9e\n"},
         [Row("tass", RU, "2024-03-01T10:00:00Z")], [Reject("a.csv", 3, "invalid text in note", "note")]),
    Case("bad byte in the outlet",
         {"a.csv": _mixed(b"fine").replace(b"rt,2024-03-01T12", b"r\xfet,2024-03-01T12")},
         GOOD, [Reject("a.csv", 4, "invalid text in outlet", "outlet")]),
    Case("bad byte inside a quoted field that runs over three lines: the record's first line is named",
         {"a.csv": csv_bytes([["tass", T, RU] for T in ["2024-03-01T10:00:00Z"]])
          + b'rt,2024-03-01T12:00:00Z,"line one\nline \xff two\nline three"\n'
          + f"bbc,2024-03-01T13:00:00Z,{EN}\n".encode()},
         [Row("tass", RU, "2024-03-01T10:00:00Z"), Row("bbc", EN, "2024-03-01T13:00:00Z")],
         [Reject("a.csv", 3, "byte 0xff")]),
    Case("bad bytes on several lines: each row rejected on its own",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]]) + b"rt,2024-03-01T11:00:00Z,a\x80\n"
          + "cgtn,2024-03-01T12:00:00Z,{}\n".format(ZH).encode() + b"rt,2024-03-01T13:00:00Z,b\xfe\n"},
         [Row("tass", RU, "2024-03-01T10:00:00Z"), Row("cgtn", ZH, "2024-03-01T12:00:00Z")],
         [Reject("a.csv", 3, "byte 0x80"), Reject("a.csv", 5, "byte 0xfe")]),
    Case("a bad byte in the header line stops the file, naming line 1",
         {"a.csv": b"outlet,published_at,te\xffxt\n" + "tass,2024-03-01T10:00:00Z,{}\n".format(RU).encode()},
         code=1, message=["a.csv: line 1 (the header)", "byte 0xff", "--encoding"]),
    Case("gzip of a UTF-8 file with a bad byte",
         {"a.csv.gz": gzip.compress(_mixed(b"bad \xff byte"))}, GOOD, [Reject("a.csv.gz", 4, "byte 0xff")]),
    Case("cp1251 with --encoding cp1251",
         {"a.csv": csv_bytes([["тасс", "2024-03-01T10:00:00Z", RU]], encoding="cp1251")},
         [Row("тасс", RU, "2024-03-01T10:00:00Z")], args=["--encoding", "cp1251"]),
    Case("cp1251 without --encoding is refused, not garbled as cp1252",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], encoding="cp1251")},
         code=1, message=["a.csv: not UTF-8 (line(s) 2", "--encoding cp1251"]),
    Case("cp1252 (Western) without --encoding is read as cp1252, with a note",
         {"a.csv": csv_bytes([["lemonde", "2024-03-01T10:00:00Z", "Café, naïve – élan"]], encoding="cp1252")},
         [Row("lemonde", "Café, naïve – élan", "2024-03-01T10:00:00Z")], notes=["read as cp1252"]),
    Case("--encoding utf-8 given: a bad byte rejects its row (no cp1252 guess)",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", "plain"]]) + b"rt,2024-03-01T11:00:00Z,caf\xe9\n"},
         [Row("tass", "plain", "2024-03-01T10:00:00Z")], [Reject("a.csv", 3, "byte 0xe9 is not valid utf-8")],
         args=["--encoding", "utf-8"]),
    Case("--encoding cp1251: a byte cp1251 does not define rejects its row",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], encoding="cp1251")
          + b"rt,2024-03-01T11:00:00Z,x\x98y\n"},
         [Row("tass", RU, "2024-03-01T10:00:00Z")], [Reject("a.csv", 3, "byte 0x98 is not valid cp1251")],
         args=["--encoding", "cp1251"]),
    Case("UTF-16-LE without a BOM",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU], ["cgtn", "2024-03-01T11:00:00Z", ZH]],
                             encoding="utf-16-le")},
         [Row("tass", RU, "2024-03-01T10:00:00Z"), Row("cgtn", ZH, "2024-03-01T11:00:00Z")]),
    Case("UTF-16-BE without a BOM, tab-separated",
         {"a.tsv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], sep="\t", encoding="utf-16-be")},
         [Row("tass", RU, "2024-03-01T10:00:00Z")]),
    Case("UTF-16 with a BOM and CRLF (Excel's Unicode text)",
         {"a.txt": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], sep="\t", encoding="utf-16", newline="\r\n")},
         [Row("tass", RU, "2024-03-01T10:00:00Z")]),
    Case("UTF-32-LE without a BOM",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", ZH]], encoding="utf-32-le")},
         [Row("tass", ZH, "2024-03-01T10:00:00Z")]),
    Case("UTF-8 with a BOM",
         {"a.csv": b"\xef\xbb\xbf" + csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]])},
         [Row("tass", RU, "2024-03-01T10:00:00Z")]),
    Case("UTF-8 with a BOM and one bad byte: only its row is rejected (the BOM says UTF-8: no cp1252 guess)",
         {"a.csv": b"\xef\xbb\xbf" + csv_bytes([["tass", "2024-03-01T10:00:00Z", "plain"]])
          + b"rt,2024-03-01T11:00:00Z,caf\xe9\n"},
         [Row("tass", "plain", "2024-03-01T10:00:00Z")], [Reject("a.csv", 3, "byte 0xe9 is not valid utf-8")]),
    Case("UTF-16-LE without BOM, odd last byte: the last row is rejected",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], encoding="utf-16-le")
          + "rt,2024-03-01T11:00:00Z,cut".encode("utf-16-le") + b"\x41"},
         [Row("tass", RU, "2024-03-01T10:00:00Z")], [Reject("a.csv", 3, "is not valid utf-16-le")]),
    Case("gb18030 named with --encoding",
         {"a.csv": csv_bytes([["新华社", "2024-03-01T10:00:00Z", ZH]], encoding="gb18030")},
         [Row("新华社", ZH, "2024-03-01T10:00:00Z")], args=["--encoding", "gb18030"]),
    Case("shift_jis whose second bytes include the separator '|' (decoded before splitting)",
         {"a.csv": csv_bytes([["nhk", "2024-03-01T10:00:00Z", "ポポ|表示"]], sep="|", encoding="shift_jis")},
         [Row("nhk", "ポポ|表示", "2024-03-01T10:00:00Z")], args=["--encoding", "shift_jis"]),
    Case("an unknown --encoding is a usage error",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]])}, args=["--encoding", "klingon-8"],
         code=2, message=["--encoding", "unknown encoding 'klingon-8'"]),
    Case("--encoding utf-16 on UTF-16-LE without a BOM: the byte order is read from the zeros",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]], encoding="utf-16-le")},
         [Row("tass", RU, "2024-03-01T10:00:00Z")], args=["--encoding", "utf-16"]),
    Case("--encoding utf-16 on a UTF-8 file: one line saying the byte order is unknown, no internal error",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]])}, args=["--encoding", "utf-16"],
         code=1, message=["a.csv: --encoding utf-16", "byte order mark", "utf-16-le or utf-16-be"]),
    Case("--encoding utf-32 on UTF-32-LE without a BOM: the byte order is read from the zeros",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", ZH]], encoding="utf-32-le")},
         [Row("tass", ZH, "2024-03-01T10:00:00Z")], args=["--encoding", "utf-32"]),
    Case("--encoding utf-32 on a UTF-8 file: the byte order must be named",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", ZH]])},
         args=["--encoding", "utf-32"], code=1, message=["--encoding utf-32", "utf-32-le or utf-32-be"]),
    Case("--encoding utf-16 on a file with a UTF-8 BOM: the message says which mark it found",
         {"a.csv": b"\xef\xbb\xbf" + csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]])},
         args=["--encoding", "utf-16"], code=1, message=["--encoding utf-16: the file starts with a UTF-8 byte "
                                                          "order mark"]),
    *[Case(f"--encoding {codec} (bytes to bytes, or host names) is no encoding of text files",
           {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]])}, args=["--encoding", codec],
           code=2, message=["--encoding", f"{codec!r} is not an encoding of text files"])
      for codec in ("rot13", "base64", "hex", "zlib", "idna", "punycode", "undefined")],
    Case("JSON Lines: a bad byte inside a string rejects its line, naming the column",
         {"a.jsonl": jsonl_bytes([post("tass", RU)]) + b'{"outlet": "rt", "published_at": "2024-03-01T10:00:00Z", '
                                                       b'"text": "x\xffy"}\n' + jsonl_bytes([post("cgtn", ZH)])},
         [Row("tass", RU), Row("cgtn", ZH)], [Reject("a.jsonl", 2, "invalid text in text: byte 0xff", "text")]),
    Case("JSON Lines: a bad byte outside strings is invalid JSON on its line",
         {"a.jsonl": jsonl_bytes([post("tass", RU)]) + b'{"outlet": "rt"\xff}\n' + jsonl_bytes([post("cgtn", ZH)])},
         [Row("tass", RU), Row("cgtn", ZH)], [Reject("a.jsonl", 2, "malformed row: invalid JSON")]),
    Case("JSON Lines in latin-1 with --encoding latin-1",
         {"a.jsonl": jsonl_bytes([post("lemonde", "Ça coûte cher")], encoding="latin-1")},
         [Row("lemonde", "Ça coûte cher")], args=["--encoding", "latin-1"]),
    Case("JSON Lines in UTF-16-LE without a BOM",
         {"a.jsonl": jsonl_bytes([post("tass", RU), post("cgtn", ZH)], encoding="utf-16-le")},
         [Row("tass", RU), Row("cgtn", ZH)]),
    Case("outlets table and posts in cp1251, one --encoding for both",
         {"a.csv": csv_bytes([["тасс", "2024-03-01T10:00:00Z", RU]], encoding="cp1251"),
          "outlets.csv": csv_bytes([["тасс", "Россия"]], header=("outlet", "group"), encoding="cp1251")},
         [Row("тасс", RU, "2024-03-01T10:00:00Z")], args=["--encoding", "cp1251"], outlets={"тасс": "Россия"}),
    Case("outlets table with a bad byte on one line: that row is left out, the rest stored",
         {"a.csv": csv_bytes([["tass", "2024-03-01T10:00:00Z", RU]]),
          "outlets.csv": "outlet,group\ntass,Россия\ncgtn,CN\n".encode() + b"r\xfet,RU\n"},
         [Row("tass", RU, "2024-03-01T10:00:00Z")], outlets={"tass": "Россия", "cgtn": "CN"},
         notes=["outlets.csv: line 4: invalid text in outlet: byte 0xfe is not valid utf-8, row left out"]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_encoding_case(case, tmp_path):
    run_case(case, tmp_path)
