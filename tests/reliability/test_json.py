"""JSON Lines read strictly line by line, JSON documents refused with where they break, values of any
type through one typed rule. Each case checks what rel_support.run_case lists."""

from __future__ import annotations

import json

import pytest

from rel_support import Case, Reject, Row, T0, jsonl_bytes, post, run_case

RU = "Заявление МИД"
A, B, C = post("tass", RU), post("cgtn", "中方表示"), post("rt", "Statement")
ABC = [Row("tass", RU), Row("cgtn", "中方表示"), Row("rt", "Statement")]
BIG_ID = 1480512345678901234  # above 2**53: a float cannot hold it


def _deep(n: int) -> str:
    return "[" * n + "]" * n


CASES = [
    Case("a .jsonl with one record", {"one.jsonl": jsonl_bytes([A])}, [Row("tass", RU)]),
    Case("a .ndjson with one record, no final newline", {"one.ndjson": json.dumps(A).encode()}, [Row("tass", RU)]),
    Case("a broken record cannot join its neighbours (the old joined-array read merged these)",
         {"a.jsonl": jsonl_bytes([A, '{"outlet": "x", "published_at": "%s", "text": "joined", "n": [1' % T0, "2]}",
                                  B])},
         [Row("tass", RU), Row("cgtn", "中方表示")],
         [Reject("a.jsonl", 2, "malformed row: invalid JSON"), Reject("a.jsonl", 3, "malformed row: invalid JSON")]),
    Case("two records on one line, with a comma: rejected, not read as two",
         {"a.jsonl": jsonl_bytes([A, json.dumps(B) + ", " + json.dumps(C), C])}, [Row("tass", RU), Row("rt", "Statement")],
         [Reject("a.jsonl", 2, "invalid JSON (Extra data")]),
    Case("several objects on one line, no comma",
         {"a.jsonl": jsonl_bytes([json.dumps(A) + json.dumps(B), C])}, [Row("rt", "Statement")],
         [Reject("a.jsonl", 1, "invalid JSON (Extra data")]),
    Case("every line broken: the message says so and names the first line, not 'no column'",
         {"a.jsonl": jsonl_bytes(['{"outlet": "a"} {"b": 1}', '{"c": '])},
         code=1, message=["a.jsonl: no row could be read", "row 1: malformed row: invalid JSON"]),
    Case("a lone surrogate escape rejects its row; a valid pair is a character",
         {"a.jsonl": jsonl_bytes([A, '{"outlet": "rt", "published_at": "%s", "text": "half \\ud800 pair"}' % T0,
                                  '{"outlet": "rt", "published_at": "%s", "text": "smile \\ud83d\\ude00"}' % T0])},
         [Row("tass", RU), Row("rt", "smile \U0001F600")], [Reject("a.jsonl", 2, "lone surrogate \\ud800", "text")]),
    Case("a lone low surrogate in an extra field rejects the row, naming the field",
         {"a.jsonl": jsonl_bytes([A, dict(B, note="x"), '{"outlet": "rt", "published_at": "%s", "text": "t", '
                                                         '"note": "\\udc80"}' % T0])},
         [Row("tass", RU), Row("cgtn", "中方表示")], [Reject("a.jsonl", 3, "lone surrogate \\udc80", "note")]),
    Case("a lone surrogate in a nested object",
         {"a.jsonl": jsonl_bytes([A, '{"outlet": "rt", "published_at": "%s", "text": "t", "user": {"bio": '
                                     '["\\udbff"]}}' % T0])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "lone surrogate \\udbff")]),
    Case("a line nested 100,000 levels deep is rejected without a crash",
         {"a.jsonl": jsonl_bytes([A, '{"outlet": "x", "text": %s}' % _deep(100_000), B])},
         [Row("tass", RU), Row("cgtn", "中方表示")], [Reject("a.jsonl", 2, "JSON nested more than 100 levels deep")]),
    Case("a line nested 500 deep (below Python's limit) is rejected the same way",
         {"a.jsonl": jsonl_bytes([A, dict(B, extra=json.loads(_deep(500)))])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "nested more than 100 levels")]),
    Case("nesting of 50 levels in an extra field is kept (as its JSON text)",
         {"a.jsonl": jsonl_bytes([dict(A, extra=json.loads(_deep(50)))])}, [Row("tass", RU)]),
    Case("a JSON array nested 100,000 deep: refused, naming the line",
         {"a.json": ("[" + json.dumps(A) + ", " + _deep(100_000) + "]").encode()},
         code=1, message=["a.json: line 1: JSON nested more than 100 levels deep"]),
    Case("a truncated JSON array: where it ends, and that the file may be incomplete",
         {"a.json": json.dumps([A, B, C], indent=1).encode()[:-40]},
         code=1, message=["a.json: not valid JSON at line", "is it complete"]),
    Case("a truncated JSON array from standard input", {}, stdin=json.dumps([A, B]).encode()[:-10],
         code=1, message=["<stdin>: not valid JSON", "is it complete"]),
    Case("array elements that are not objects are rejected by position",
         {"a.json": json.dumps([A, 5, "text", [1], B]).encode()},
         [Row("tass", RU), Row("cgtn", "中方表示")],
         [Reject("a.json", 2, "not a JSON object"), Reject("a.json", 3, "not a JSON object"),
          Reject("a.json", 4, "not a JSON object")]),
    Case("a .json holding one object that is no list of records",
         {"a.json": json.dumps(A).encode()}, code=1, message=["a.json: a JSON object, not a list of records",
                                                              "'outlet', 'published_at', 'text'"]),
    Case("records under a 'data' key", {"a.json": json.dumps({"data": [A, B]}).encode()},
         [Row("tass", RU), Row("cgtn", "中方表示")]),
    Case("JSON with a UTF-8 BOM", {"a.json": b"\xef\xbb\xbf" + json.dumps([A]).encode()}, [Row("tass", RU)]),
    Case("JSON Lines with CRLF, blank and whitespace-only lines: line numbers as an editor shows",
         {"a.jsonl": ("\r\n".join([json.dumps(A), "", "   ", '{"broken"', json.dumps(B)]) + "\r\n").encode()},
         [Row("tass", RU), Row("cgtn", "中方表示")], [Reject("a.jsonl", 4, "invalid JSON")]),
    Case("big integer ids stay exact even when another record lacks its id",
         {"a.jsonl": jsonl_bytes([dict(A, id=BIG_ID), dict(B, id=BIG_ID + 1), C])},
         [Row("tass", RU, post_id=str(BIG_ID)), Row("cgtn", "中方表示", post_id=str(BIG_ID + 1))],
         [Reject("a.jsonl", 3, "missing id")]),
    Case("an id written as a float that lost digits is rejected, not rounded",
         {"a.jsonl": jsonl_bytes([dict(A, id=1), '{"id": 1.4805123456789012e18, "outlet": "x", "published_at": "%s",'
                                                   ' "text": "t"}' % T0, dict(B, id=7.0)])},
         [Row("tass", RU, post_id="1"), Row("cgtn", "中方表示", post_id="7")],
         [Reject("a.jsonl", 2, "unexpected value in post_id: the number 1.4805123456789012e+18 was written as a "
                               "floating-point number")]),
    Case("an id given as an object ({'$numberLong': ...}, a MongoDB export)",
         {"a.jsonl": jsonl_bytes([dict(A, id={"$numberLong": str(BIG_ID)}), dict(B, id={"id_str": "42"})])},
         [Row("tass", RU, post_id=str(BIG_ID)), Row("cgtn", "中方表示", post_id="42")]),
    Case("an id object without an id, and an id that is true: rejected with the reason",
         {"a.jsonl": jsonl_bytes([dict(A, id="1"), dict(B, id={"oid": 3}), dict(C, id=True)])},
         [Row("tass", RU, post_id="1")],
         [Reject("a.jsonl", 2, "a JSON object without an id (keys: oid)"),
          Reject("a.jsonl", 3, "the value true, not an id")]),
    Case("text given as a list of entities, and as one entity object",
         {"a.jsonl": jsonl_bytes([dict(A, text=["Read ", {"type": "link", "text": "this"}, "!"]),
                                  dict(B, text={"type": "bold", "text": "bold words"})])},
         [Row("tass", "Read this!"), Row("cgtn", "bold words")]),
    Case("text given as an object without text, and as true: rejected",
         {"a.jsonl": jsonl_bytes([A, dict(B, text={"type": "photo"}), dict(C, text=False)])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "unexpected value in text: a JSON object without a 'text' field"),
                             Reject("a.jsonl", 3, "unexpected value in text: the value false")]),
    Case("text given as a number is its digits", {"a.jsonl": jsonl_bytes([dict(A, text=2024)])},
         [Row("tass", "2024")]),
    Case("an outlet given as an object is rejected", {"a.jsonl": jsonl_bytes([A, dict(B, outlet={"name": "x"})])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "unexpected value in outlet: a JSON object")]),
    Case("a number of 5,000 digits is invalid JSON on its line (Python's limit), not a crash",
         {"a.jsonl": jsonl_bytes([A, '{"outlet": "x", "published_at": "%s", "text": "t", "n": %s}' % (T0, "9" * 5000)])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "invalid JSON")]),
    Case("a line that is an array or a number is not a record",
         {"a.jsonl": jsonl_bytes([A, "[1, 2]", "42", '"text"'])}, [Row("tass", RU)],
         [Reject("a.jsonl", 2, "not a JSON object (a JSON array)"), Reject("a.jsonl", 3, "not a JSON object"),
          Reject("a.jsonl", 4, "not a JSON object")]),
    Case("a bare year is a year, as a number or as digits",
         {"a.jsonl": jsonl_bytes([dict(A, published_at=2024), dict(B, published_at="1999")])},
         [Row("tass", RU, "2024-01-01T00:00:00Z"), Row("cgtn", "中方表示", "1999-01-01T00:00:00Z")],
         notes=["give only a year"]),
    Case("epoch seconds and milliseconds stay epochs",
         {"a.jsonl": jsonl_bytes([dict(A, published_at=1709287200), dict(B, published_at=1709287200000)])},
         [Row("tass", RU, "2024-03-01T10:00:00Z"), Row("cgtn", "中方表示", "2024-03-01T10:00:00Z")]),
    Case("a time as MongoDB's extended JSON ({'$date': ...}, ISO or epoch milliseconds)",
         {"a.jsonl": jsonl_bytes([dict(A, published_at={"$date": T0}),
                                  dict(B, published_at={"$date": {"$numberLong": "1709287200000"}})])},
         [Row("tass", RU), Row("cgtn", "中方表示")]),
    Case("a time given as an object or a list is unparseable",
         {"a.jsonl": jsonl_bytes([A, dict(B, published_at={"when": 1}), dict(C, published_at=[2024])])},
         [Row("tass", RU)], [Reject("a.jsonl", 2, "unparseable time"), Reject("a.jsonl", 3, "unparseable time")]),
    Case("JSON Lines from standard input, one record, no name to go by", {}, [Row("tass", RU)],
         stdin=jsonl_bytes([A])),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_json_case(case, tmp_path):
    run_case(case, tmp_path)
