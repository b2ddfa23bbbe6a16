"""Tests for amplify.ingest: every format, real-world shapes, and bad input."""

from __future__ import annotations

import gzip
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from amplify import schema
from amplify.ingest import IngestError, complete_outlets, parse_times, read_outlets, read_posts, suggest_outlets
from amplify.ingest import delimited, tabular
from amplify.ingest.report import reason_category

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def shared_data() -> Path:
    env = os.environ.get("AMPLIFY_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def assert_balanced(res):
    """Every row read is accepted, rejected, collapsed or skipped -- computed, not trusted."""
    for f in res.files:
        rejected = int((res.rejects["file"] == f.path).sum())
        accepted = int(res.posts["origin"].str.startswith(f.path + ":").sum())
        assert f.rejected == rejected
        assert f.accepted == accepted
        assert f.rows_read == accepted + rejected + f.duplicates_collapsed + f.skipped, f
        assert f.balanced
        assert sum(f.rejected_by_reason.values()) == rejected


def origin_rows(res, path) -> list[int]:
    o = res.posts["origin"]
    mine = o[o.str.startswith(str(path) + ":")]
    return [int(x.rsplit(":", 1)[1]) for x in mine]


def copy(name, tmp_path) -> Path:
    dst = tmp_path / name
    shutil.copy(FIX / name, dst)
    return dst


# --------------------------------------------------------------------------- CSV shapes


def test_excel_export_bom_semicolon_crlf():
    res = read_posts(FIX / "excel_export.csv")
    f = res.files[0]
    assert (f.format, f.separator, f.encoding) == ("csv", ";", "utf-8-sig")
    assert f.column_mapping == {"post_id": "Post ID", "text": "Content", "published_at": "Published",
                                "outlet": "Author"}
    p = res.posts.set_index("post_id")
    assert list(p.index) == ["A-1", "A-2", "A-3", "A-4"]
    assert p.loc["A-2", "text"] == "Quoted; with a semicolon"
    assert p.loc["A-3", "text"] == "Two lines:\r\nsecond line"          # kept exactly, CRLF and all
    assert p.loc["A-4", "text"] == "Ä ö ü — unicode survives"
    assert p.loc["A-1", "Shares"] == "1,5"                               # extra column kept as text
    assert str(p.loc["A-1", "published_at"]) == "2022-03-01 10:00:00+00:00"   # dd.mm.yyyy layout
    assert f.naive_times == 4
    assert origin_rows(res, FIX / "excel_export.csv") == [2, 3, 4, 6]    # A-3 spans lines 4-5
    assert "Post ID" not in res.posts.columns and "\ufeffPost ID" not in res.posts.columns
    assert_balanced(res)


def test_bad_row_in_the_middle_keeps_the_rest():
    res = read_posts(FIX / "bad_row_middle.csv")
    assert list(res.posts["post_id"]) == ["1", "2", "4", "5"]
    assert origin_rows(res, FIX / "bad_row_middle.csv") == [2, 3, 5, 6]
    rej = res.rejects
    assert len(rej) == 1
    assert rej.loc[0, "row"] == 4
    assert rej.loc[0, "reason"].startswith("malformed row: expected 4 fields, found 5")
    assert "Third has" in rej.loc[0, "value"]
    assert res.posts.set_index("post_id").loc["4", "text"] == "Fourth, quoted"
    assert_balanced(res)


def test_fast_and_strict_csv_readers_agree():
    """The pyarrow path and the csv-module path give the same rows, line numbers and rejects."""
    fast = tabular.read_table(FIX / "clean_quotes.csv")
    slow = tabular.read_table(FIX / "clean_quotes.csv", force_slow=True)
    assert fast.frame.equals(slow.frame)
    assert list(fast.rows) == list(slow.rows) == [2, 4, 8, 10, 11]
    assert fast.rejects == slow.rejects
    assert [r["row"] for r in fast.rejects] == [7, 9]
    assert fast.frame["text"].iloc[0] == 'He said "no", twice'
    assert fast.frame["text"].iloc[1] == "line one\nline two\nline three"


def test_fast_path_is_taken_for_clean_files(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("slow reader used for a clean file")

    monkeypatch.setattr(delimited, "read_strict", boom)
    for name, n in (("clean_quotes.csv", 7), ("bad_row_middle.csv", 5), ("excel_export.csv", 4)):
        assert read_posts(FIX / name).files[0].rows_read == n


def test_excel_sep_line_tsv_gzip_zip_utf16_cp1252(tmp_path):
    base = ["outlet\tpublished_at\ttext", "tass\t2022-03-01T10:00:00Z\tfirst", "rt\t2022-03-01T11:00:00Z\tsecond"]

    def rows(tag):  # each file its own texts: identical rows in two files would be the same posts
        return [base[0]] + [r + " " + tag for r in base[1:]]

    (tmp_path / "a.tsv").write_text("\n".join(rows("a")) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(b"sep=;\r\n" + "\r\n".join(r.replace("\t", ";") for r in rows("b")).encode())
    with gzip.open(tmp_path / "c.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(r.replace("\t", ",") for r in rows("c")) + "\n")
    with zipfile.ZipFile(tmp_path / "d.csv.zip", "w") as z:
        z.writestr("d.csv", "\n".join(r.replace("\t", ",") for r in rows("d")) + "\n")
        z.writestr("__MACOSX/._d.csv", b"\x00\x05\x16\x07junk")
    (tmp_path / "e.txt").write_bytes("\r\n".join(rows("e")).encode("utf-16"))          # Excel "Unicode text"
    (tmp_path / "f.csv").write_bytes("\n".join(r.replace("\t", ",") for r in rows("f"))
                                     .replace("first", "café – naïve").encode("cp1252"))
    paths = [tmp_path / n for n in ("a.tsv", "b.csv", "c.csv.gz", "d.csv.zip", "e.txt", "f.csv")]
    res = read_posts(paths)
    assert [f.rows_read for f in res.files] == [2] * 6
    assert [f.accepted for f in res.files] == [2] * 6
    assert res.files[0].separator == "\t" and res.files[1].separator == ";"
    assert origin_rows(res, paths[1]) == [3, 4]                   # the sep= line counts as line 1
    assert res.files[5].encoding == "cp1252" and any("cp1252" in n for n in res.files[5].notes)
    assert "café – naïve f" in set(res.posts["text"])
    # no id column: ids made from the content, the same whatever the file
    assert res.posts["post_id"].str.fullmatch(r"c-[0-9a-f]{20}").all() and res.posts["post_id"].is_unique
    assert_balanced(res)


def test_identical_rows_in_files_of_every_format_are_the_same_posts(tmp_path):
    rows = ["outlet\tpublished_at\ttext", "tass\t2022-03-01T10:00:00Z\tfirst", "rt\t2022-03-01T11:00:00Z\tsecond"]
    (tmp_path / "a.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "c.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(r.replace("\t", ",") for r in rows) + "\n")
    (tmp_path / "e.txt").write_bytes("\r\n".join(rows).encode("utf-16"))
    paths = [tmp_path / n for n in ("a.tsv", "c.csv.gz", "e.txt")]
    res = read_posts(paths)
    assert [f.accepted for f in res.files] == [2, 0, 0]
    assert [f.duplicates_collapsed for f in res.files] == [0, 2, 2]
    assert_balanced(res)


# --------------------------------------------------------------------------- malformed input


def test_malformed_input_every_row_accounted_for(tmp_path):
    path = copy("malformed.csv", tmp_path)
    big = "x" * (1 << 20)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(f"13,rt,2022-03-01T10:11:00Z,{big}\n")               # line 17: 1 MB of text
    res = read_posts(path)
    rej = res.rejects.set_index("row")
    expect = {
        3: "malformed row", 4: "unparseable time", 5: "empty text", 6: "empty text", 7: "NUL byte in text",
        8: "conflicting duplicate id", 10: "missing outlet", 11: "missing id", 13: "malformed row",
        14: "malformed row", 16: "missing time",
    }
    assert {r: reason_category(x) for r, x in rej["reason"].items()} == expect
    assert "malformed.csv:2" in rej.loc[8, "reason"]                  # names the kept row
    assert rej.loc[4, "value"] == "not a date"
    assert rej.loc[7, "value"] == "Text with a NUL \\x00 inside"
    assert rej.loc[7, "column"] == "text"
    assert "lines 15-17 read again" in rej.loc[14, "reason"]      # then read again, one by one
    assert origin_rows(res, path) == [2, 12, 15, 17]                 # line 9 collapsed into line 2
    f = res.files[0]
    read_lines = 16                                                  # data lines 2..17
    assert f.rows_read == read_lines
    assert f.accepted + f.rejected + f.duplicates_collapsed == read_lines
    assert (f.accepted, f.rejected, f.duplicates_collapsed) == (4, 11, 1)
    assert f.rejected_by_reason["malformed row"] == 3
    # text is kept exactly: no HTML or whitespace stripping; 1 MB accepted as is
    p = res.posts.set_index("post_id")
    assert p.loc["8", "text"] == "  <p>HTML &amp; spaces kept</p>  "
    assert p.loc["13", "text"] == big
    assert p.loc["1", "text"] == "Fine first row"
    assert f.naive_times == 1
    assert any("longer than 100,000" in n for n in f.notes)
    assert all(rej["value"].str.len() <= 200)
    assert_balanced(res)
    # the summary says it in words
    s = res.summary()
    assert "16 read, 4 accepted, 11 rejected, 1 duplicates collapsed" in s
    assert "malformed row 3" in s and "1 identical duplicate(s) collapsed" in s


def test_conflicting_duplicates_across_files(tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.jsonl"
    a.write_text("id,outlet,published_at,text\nX1,tass,2022-03-01T10:00:00Z,same\nX2,tass,2022-03-01T10:00:00Z,one\n")
    b.write_text('{"id": "X1", "outlet": "tass", "published_at": "2022-03-01T10:00:00+00:00", "text": "same"}\n'
                 '{"id": "X2", "outlet": "rt", "published_at": "2022-03-01T10:00:00Z", "text": "one"}\n')
    res = read_posts([a, b])
    assert list(res.posts["post_id"]) == ["X1", "X2"]
    assert res.files[1].duplicates_collapsed == 1
    (reason,) = res.rejects["reason"]
    assert reason.startswith("conflicting duplicate id") and f"{a}:3" in reason and "outlet" in reason
    assert res.rejects.loc[0, "file"] == str(b) and res.rejects.loc[0, "row"] == 2
    assert_balanced(res)


def test_nothing_usable_raises_with_result(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("id,outlet,published_at,text\n1,tass,2022-03-01,\n2,,2022-03-01,x\n")
    with pytest.raises(IngestError) as ei:
        read_posts(p)
    assert "nothing usable" in str(ei.value)
    assert len(ei.value.result.rejects) == 2


# --------------------------------------------------------------------------- mapping


def test_mapping_override_wins(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("text,body,outlet,author,date\nauto text,mapped body,auto_outlet,mapped_author,2022-03-01\n")
    auto = read_posts(p)
    assert (auto.posts.loc[0, "text"], auto.posts.loc[0, "outlet"]) == ("auto text", "auto_outlet")
    res = read_posts(p, mapping={"text": "body", "outlet": "Author"})   # case-insensitive column match
    assert (res.posts.loc[0, "text"], res.posts.loc[0, "outlet"]) == ("mapped body", "mapped_author")
    assert res.files[0].column_mapping["text"] == "body"
    assert res.files[0].column_mapping["outlet"] == "author"
    # the unmapped source columns stay, renamed when they clash with canonical names
    assert res.posts.loc[0, "extra_text"] == "auto text"
    assert res.posts.loc[0, "extra_outlet"] == "auto_outlet"


def test_missing_required_column_names_file_columns_and_flag(tmp_path):
    p = tmp_path / "nocol.csv"
    p.write_text("id,words,when,outlet\n1,hello,2022-03-01,tass\n")
    with pytest.raises(IngestError) as ei:
        read_posts(p)
    msg = str(ei.value)
    assert str(p) in msg
    assert "found columns: id, words, when, outlet" in msg
    assert "'text'" in msg and 'mapping={"text": "COLUMN"}' in msg  # Python users are not told a CLI flag
    assert "--map" not in msg
    assert isinstance(ei.value, ValueError)
    assert ei.value.missing == "text" and ei.value.found == ["id", "words", "when", "outlet"]
    with pytest.raises(IngestError, match="no column 'nope'"):
        read_posts(p, mapping={"text": "nope"})
    res = read_posts(p, mapping={"text": "words", "published_at": "when"})
    assert res.posts.loc[0, "text"] == "hello"


# --------------------------------------------------------------------------- ids and times


def test_derived_ids_are_stable(tmp_path):
    p = tmp_path / "noid.csv"
    p.write_text("outlet,published_at,text\ntass,2022-03-01T10:00:00Z,a\n\nrt,2022-03-01T10:01:00Z,b\n")
    r1, r2 = read_posts(p), read_posts(p)
    assert list(r1.posts["post_id"]) == list(r2.posts["post_id"])
    assert r1.posts["post_id"].str.fullmatch(r"c-[0-9a-f]{20}").all() and r1.posts["post_id"].is_unique
    assert r1.files[0].derived_ids and "no id column" in r1.summary()
    # the same file in another folder, under another name: the same posts
    (tmp_path / "x").mkdir()
    q = tmp_path / "x" / "other.csv"
    shutil.copy(p, q)
    r3 = read_posts([p, q])
    assert len(r3.posts) == 2 and r3.files[1].duplicates_collapsed == 2
    # two different files of one name: different posts, no collision
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "noid.csv").write_text("outlet,published_at,text\ntass,2022-03-01T10:00:00Z,c\n")
    r4 = read_posts([p, tmp_path / "y" / "noid.csv"])
    assert len(r4.posts) == 3 and r4.posts["post_id"].is_unique


def test_naive_times_counted(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,outlet,published_at,text\n"
                 "1,a,2022-03-01T10:00:00,naive\n2,a,2022-03-01T10:00:00+02:00,aware\n"
                 "3,a,2022-03-01 10:00,naive too\n4,a,2022-03-01T10:00:00Z,zulu\n")
    res = read_posts(p)
    assert res.files[0].naive_times == 2
    t = res.posts.set_index("post_id")["published_at"]
    assert str(t["1"]) == "2022-03-01 10:00:00+00:00" and str(t["2"]) == "2022-03-01 08:00:00+00:00"
    assert "2 time(s) without a zone assumed UTC" in res.summary()


def test_epoch_seconds_vs_milliseconds():
    utc, naive, bad = parse_times(pd.Series([1646128800, 1646128800123, 1646128800.5]))
    assert [str(t) for t in utc] == ["2022-03-01 10:00:00+00:00", "2022-03-01 10:00:00.123000+00:00",
                                     "2022-03-01 10:00:00.500000+00:00"]
    assert naive == 0 and not bad.any()
    utc, naive, bad = parse_times(pd.Series(["1646128800", "1646128800123", None, "soon"]))
    assert [str(t) for t in utc[:2]] == ["2022-03-01 10:00:00+00:00", "2022-03-01 10:00:00.123000+00:00"]
    assert bad.tolist() == [False, False, True, True]
    assert str(utc.dtype) == "datetime64[ns, UTC]"


def test_time_layouts_and_format():
    vals = ["Wed Oct 10 20:19:24 +0000 2018", "2022-03-01T13:00:00+03:00", "Tue, 01 Mar 2022 10:00:00 GMT",
            "2022-03-01 10:00:00 UTC", "3000-01-01T00:00:00Z"]
    utc, naive, bad = parse_times(pd.Series(vals))
    assert str(utc[0]) == "2018-10-10 20:19:24+00:00"
    assert all(str(t) == "2022-03-01 10:00:00+00:00" for t in utc[1:4])
    assert naive == 0 and bad.tolist() == [False, False, False, False, True]
    utc, naive, bad = parse_times(pd.Series(["Published: Mar 01, 2022 10:05 PM", "junk"]),
                                  time_format="Published: %b %d, %Y %I:%M %p")
    assert str(utc[0]) == "2022-03-01 22:05:00+00:00" and naive == 1 and bad.tolist() == [False, True]
    # day-first is chosen when a value proves it
    utc, _, _ = parse_times(pd.Series(["02/03/2022", "13/03/2022"]))
    assert [str(t.date()) for t in utc] == ["2022-03-02", "2022-03-13"]


def test_a_given_format_is_the_layout_of_every_column_it_reads():
    from amplify.ingest.times import parse_times_detail

    # a month-first column read with a day-first format: the values the format does not read
    # (day 13 and later) are rejected, not read month-first beside the others read day-first
    dates = pd.Series([f"{m:02d}/{d:02d}/2022" for m in (1, 2) for d in (5, 13, 20)] + ["2022-03-01T10:00:00Z", ""])
    r = parse_times_detail(dates, "%d/%m/%Y")
    assert r.formats == {"%d/%m/%Y": 2, "ISO 8601": 1}
    assert r.bad.tolist() == [False, True, True, False, True, True, False, True]
    assert r.missing.tolist() == [False] * 7 + [True]
    assert [n for n in r.notes if "do not match --time-format '%d/%m/%Y'" in n] == [
        "4 time(s) like '01/13/2022' do not match --time-format '%d/%m/%Y', which reads the other times of the "
        "column: rejected (one column holds one layout; every time of the column reads as '%m/%d/%Y': is that the "
        "layout?)"]
    r = parse_times_detail(pd.Series(["05.01.2022", "2022/01/06"]), "%d.%m.%Y")
    assert r.bad.tolist() == [False, True] and r.notes[-1].endswith("(one column holds one layout; check the format)")
    # a column (or a block of a big file) the format reads nothing of is never read in the other day/month
    # order: the next block of the same file, holding a day 13, would be read the format's way
    r = parse_times_detail(pd.Series(["01/13/2022", "01/14/2022"]), "%d/%m/%Y")
    assert r.bad.all() and "(under a format the other day/month order is not guessed)" in r.notes[-1]
    # a column the format reads nothing of (another file of the batch) is read as without it
    r = parse_times_detail(pd.Series(["01/13/2022", "02/20/2022"]), "%d.%m.%Y")
    assert r.formats == {"%m/%d/%Y": 2} and not r.bad.any()


def test_ingest_rejects_what_the_given_format_does_not_read(tmp_path):
    from amplify.ingest import read_posts

    f = tmp_path / "posts.csv"
    f.write_text("id,outlet,date,text\n1,a,01/05/2022,one\n2,b,01/20/2022,two\n3,c,02/03/2022,three\n")
    res = read_posts([str(f)], time_format="%d/%m/%Y")
    assert res.posts["post_id"].tolist() == ["1", "3"]
    assert [str(t.date()) for t in res.posts["published_at"]] == ["2022-05-01", "2022-03-02"]
    assert res.rejects[["row", "column", "reason", "value"]].values.tolist() == [
        [3, "date", "unparseable time", "01/20/2022"]]


def test_parse_times_is_vectorised_fast():
    import time

    s = pd.Series(pd.date_range("2020-01-01", periods=300_000, freq="min", tz="UTC")
                  .strftime("%Y-%m-%dT%H:%M:%SZ")).astype("string")
    t0 = time.perf_counter()
    utc, naive, bad = parse_times(s)
    assert time.perf_counter() - t0 < 3.0
    assert not bad.any() and naive == 0 and utc.iloc[-1] == pd.Timestamp("2020-07-27 07:59:00Z")


# --------------------------------------------------------------------------- JSON Lines, Parquet


def test_jsonl_epochs_big_ids_and_bad_lines():
    res = read_posts(FIX / "posts.jsonl")
    p = res.posts.set_index("post_id")
    assert "12345678901234567890" in p.index                     # not rounded through float
    assert str(p.loc["1", "published_at"]) == "2022-03-01 10:00:00+00:00"
    assert str(p.loc["2", "published_at"]) == "2022-03-01 10:00:00.123000+00:00"
    assert p.loc["5", "lang"] == "zh"
    assert res.files[0].naive_times == 1
    assert res.rejects["row"].tolist() == [4, 5]                  # line numbers
    assert origin_rows(res, FIX / "posts.jsonl") == [1, 2, 3, 7]
    assert_balanced(res)


def test_parquet(tmp_path):
    df = pd.DataFrame({
        "tweet_id": np.array([1498712345678901001, 1498712345678901002], dtype="int64"),
        "screen_name": ["a", "b"],
        "created_at": pd.to_datetime(["2022-03-01T10:00:00Z", "2022-03-01T11:00:00Z"], utc=True),
        "full_text": ["one", "  two  "],
    })
    df.to_parquet(tmp_path / "p.parquet")
    res = read_posts(tmp_path / "p.parquet")
    assert list(res.posts["post_id"]) == ["1498712345678901001", "1498712345678901002"]
    assert res.posts["text"].tolist() == ["one", "  two  "]
    assert res.files[0].naive_times == 0 and res.files[0].format == "parquet"
    assert origin_rows(res, tmp_path / "p.parquet") == [1, 2]


# --------------------------------------------------------------------------- platforms


def test_twitter_v2_page_with_includes():
    res = read_posts(FIX / "twitter_v2_page.json")
    f = res.files[0]
    assert f.format == "twitter"
    p = res.posts.set_index("post_id")
    orig, rt, quote, reply, long = (f"149871234567890100{i}" for i in range(1, 6))
    assert p.loc[orig, "outlet"] == "mfa_russia"
    assert p.loc[rt, "outlet"] == "RT_com" and p.loc[rt, "reposted_id"] == orig
    assert p.loc[quote, "quoted_id"] == orig and p.loc[quote, "lang"] == "zh"
    assert p.loc[reply, "replied_id"] == orig and pd.isna(p.loc[reply, "reposted_id"])
    assert p.loc[long, "text"].endswith("in note_tweet.")
    assert p.loc[rt, "url"] == f"https://x.com/RT_com/status/{rt}"
    assert str(p.loc[orig, "published_at"]) == "2022-03-01 10:00:00+00:00"
    # 5 data tweets + 2 included: one repeats data (collapsed), one lacks its author (skipped)
    assert (f.rows_read, f.accepted, f.duplicates_collapsed, f.skipped, f.rejected) == (7, 5, 1, 1, 0)
    assert_balanced(res)


def test_twitter_pages_jsonl_and_missing_author():
    res = read_posts(FIX / "twitter_v2_pages.jsonl")
    assert res.files[0].format == "twitter"
    assert list(res.posts["outlet"]) == ["tass_agency", "tass_agency"]   # users from page one
    (reason,) = res.rejects["reason"]
    assert reason.startswith("missing outlet") and "author_id 77" in reason
    assert_balanced(res)


def test_telegram_export():
    res = read_posts(FIX / "telegram_result.json")
    f = res.files[0]
    assert f.format == "telegram"
    p = res.posts.set_index("post_id")
    assert list(p.index) == ["Rybar/2", "Rybar/3", "Rybar/4", "Rybar/6", "Rybar/7"]
    assert set(p["outlet"]) == {"Rybar"}
    assert p.loc["Rybar/3", "text"] == "Read the full review: https://t.me/rybar/2 and share it!"
    assert p.loc["Rybar/4", "forwarded_from"] == "Intel Slava Z" and pd.isna(p.loc["Rybar/4", "reposted_id"]) \
        if "reposted_id" in p.columns else p.loc["Rybar/4", "forwarded_from"] == "Intel Slava Z"
    assert p.loc["Rybar/6", "replied_id"] == "Rybar/2"
    # date_unixtime wins over the local 'date' (13:00 Moscow = 10:00 UTC)
    assert str(p.loc["Rybar/2", "published_at"]) == "2022-03-01 10:00:00+00:00"
    assert f.naive_times == 1                                    # message 7 has only 'date'
    assert f.skipped_by_reason == {"service message": 1}
    (reason,) = res.rejects["reason"]
    assert reason == "empty text: media without caption (photo)" and res.rejects.loc[0, "row"] == 5
    assert (f.rows_read, f.accepted, f.rejected, f.skipped) == (7, 5, 1, 1)
    assert "1 skipped" in res.summary() and "service message 1" in res.summary()
    assert_balanced(res)


def test_twitter_v1_jsonl_with_embedded_retweet(tmp_path):
    import json

    orig = {"id": 111, "id_str": "111", "created_at": "Tue Mar 01 10:00:00 +0000 2022", "full_text": "Original",
            "lang": "en", "user": {"id_str": "1", "screen_name": "mfa_russia"}}
    rt = {"id": 222, "id_str": "222", "created_at": "Tue Mar 01 10:05:00 +0000 2022",
          "full_text": "RT @mfa_russia: Original", "user": {"id_str": "2", "screen_name": "RT_com"},
          "retweeted_status": orig}
    reply = {"id_str": "333", "created_at": "Tue Mar 01 10:06:00 +0000 2022", "text": "@mfa_russia ok",
             "in_reply_to_status_id_str": "111", "user": {"screen_name": "reader"},
             "extended_tweet": {"full_text": "@mfa_russia ok, the whole text"}}
    p = tmp_path / "v1.jsonl"
    p.write_text("\n".join(json.dumps(t) for t in (rt, orig, reply)) + "\n")
    res = read_posts(p)
    f = res.files[0]
    assert f.format == "twitter"
    posts = res.posts.set_index("post_id")
    assert posts.loc["222", "reposted_id"] == "111" and posts.loc["222", "outlet"] == "RT_com"
    assert posts.loc["333", "replied_id"] == "111" and posts.loc["333", "text"] == "@mfa_russia ok, the whole text"
    assert str(posts.loc["111", "published_at"]) == "2022-03-01 10:00:00+00:00"
    assert (f.rows_read, f.accepted, f.duplicates_collapsed) == (4, 3, 1)   # embedded original = line 2
    assert_balanced(res)


def test_telegram_account_export_with_a_group(tmp_path):
    import json

    chats = {"chats": {"list": [
        {"name": "News channel", "type": "public_channel", "id": 1, "messages": [
            {"id": 1, "type": "message", "date": "2022-03-01T10:00:00", "date_unixtime": "1646128800",
             "from": "News channel", "text": "Channel post"}]},
        {"name": "Chat", "type": "private_supergroup", "id": 2, "messages": [
            {"id": 1, "type": "message", "date": "2022-03-01T10:00:00", "date_unixtime": "1646128800",
             "from": "Alice", "text": "Group message"},
            {"id": 2, "type": "service", "date": "2022-03-01T10:01:00", "actor": "Bob", "action": "join_group_by_link",
             "text": ""}]},
    ]}}
    p = tmp_path / "result.json"
    p.write_text(json.dumps(chats))
    res = read_posts(p)
    assert list(res.posts["post_id"]) == ["News channel/1", "Chat/1"]
    assert list(res.posts["outlet"]) == ["News channel", "Alice"]
    assert res.files[0].skipped == 1 and res.files[0].naive_times == 0
    assert_balanced(res)


def test_mixed_formats_in_one_call(tmp_path, capsys):
    res = read_posts([FIX / "excel_export.csv", FIX / "posts.jsonl", FIX / "twitter_v2_page.json",
                      FIX / "telegram_result.json"], progress=True)
    assert capsys.readouterr().err == ""                           # small input: no progress bar
    assert [f.format for f in res.files] == ["csv", "jsonl", "twitter", "telegram"]
    schema.validate_posts(res.posts)
    assert res.posts["post_id"].is_unique
    assert res.totals["balanced"]
    assert set(res.rejects.columns) == {"file", "row", "column", "reason", "value"}
    d = res.to_dict()
    assert d["totals"]["accepted"] == len(res.posts) and len(d["files"]) == 4
    assert_balanced(res)


def test_fmt_override(tmp_path):
    p = tmp_path / "export.data"
    p.write_text((FIX / "posts.jsonl").read_text())
    assert read_posts(p).files[0].format == "jsonl"               # sniffed from the content
    q = tmp_path / "weird.json"
    q.write_text("outlet,published_at,text\ntass,2022-03-01,hello\n")
    assert read_posts(q, fmt="csv").posts.loc[0, "text"] == "hello"
    with pytest.raises(IngestError, match="unknown format"):
        read_posts(q, fmt="xlsx")


# --------------------------------------------------------------------------- outlets


def test_read_outlets_excel_style():
    out = read_outlets(FIX / "outlets.csv")
    assert list(out.columns[:4]) == ["outlet", "group", "kind", "name"]
    assert list(out["outlet"]) == ["tass", "rt_com", "cgtn", "mfa_russia"]
    assert out.set_index("outlet").loc["cgtn", "group"] == "CN"
    assert out.set_index("outlet").loc["mfa_russia", "kind"] == "ministry"
    assert out.attrs["column_mapping"] == {"outlet": "handle", "group": "camp", "kind": "type", "name": "Name"}
    assert any("collapsed" in n for n in out.attrs["ingest_notes"])
    schema.validate_outlets(out)


def test_read_outlets_conflict_and_missing_group(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("account,group\ntass,RU\ntass,CN\n")
    with pytest.raises(IngestError, match="listed twice"):
        read_outlets(p)
    q = tmp_path / "o2.csv"
    q.write_text("account,notes\ntass,x\n")
    with pytest.raises(IngestError, match=r'mapping=\{"group": "COLUMN"\}'):
        read_outlets(q)


def test_complete_outlets_and_suggestions():
    res = read_posts(FIX / "excel_export.csv")
    outlets = read_outlets(FIX / "outlets.csv")
    full, missing = complete_outlets(res.posts, outlets)
    assert missing == []
    posts = res.posts.copy()
    posts.loc[0, "outlet"] = "TASS "
    full, missing = complete_outlets(posts, outlets)
    assert missing == ["TASS "]
    assert full.set_index("outlet").loc["TASS ", "group"] == schema.UNKNOWN_GROUP
    assert suggest_outlets(missing, outlets) == {"TASS ": "tass"}


# --------------------------------------------------------------------------- real data


def test_real_ruwa_headlines():
    path = shared_data() / "ruwa" / "RUWA_01.08.23.csv.zip"
    if not path.exists():
        pytest.skip(f"real RUWA data not found at {path} (set AMPLIFY_SHARED_DATA to the shared data folder)")
    res = read_posts(path, mapping={"outlet": "Site", "published_at": "Date", "text": "title"})
    f = res.files[0]
    assert f.rows_read > 16000
    assert f.accepted + f.rejected + f.duplicates_collapsed == f.rows_read
    assert f.derived_ids
    assert f.time_formats == {"%m/%d/%Y": f.rows_read}           # MM/DD/YYYY dates, no zone
    assert f.naive_times == f.accepted
    assert f.rejected > 0 and set(f.rejected_by_reason) <= {"empty text", "malformed row", "unparseable time"}
    assert "empty text" in res.summary()
    assert set(res.posts["outlet"]) >= {"tass.com", "reuters.com", "bbc.co.uk"}
    # a quirk of this data set: rt.com rows have no title, only a sub-heading (desc)
    assert "rt.com" not in set(res.posts["outlet"])
    both = read_posts(path, mapping={"outlet": "Site", "published_at": "Date", "text": ["title", "desc"]})
    g = both.files[0]
    assert g.column_mapping["text"] == "title|desc"
    assert "rt.com" in set(both.posts["outlet"]) and g.accepted > f.accepted
    assert g.accepted + g.rejected + g.duplicates_collapsed == g.rows_read
    span = res.posts["published_at"]
    assert pd.Timestamp("2021-01-01", tz="UTC") <= span.min() <= span.max() < pd.Timestamp("2024-01-01", tz="UTC")
    assert_balanced(res)


def test_cli_offers_every_format():
    """``amplify ingest --input-format`` lists the formats the reader knows (kept apart for a fast CLI start)."""
    from amplify.cli.ingest_cmd import command
    from amplify.ingest import FORMATS

    choice = next(p for p in command.params if p.name == "fmt").type
    assert tuple(choice.choices) == FORMATS


@pytest.mark.parametrize("bad_byte", [False, True])
def test_a_column_named_twice_is_noted_not_silently_renamed(tmp_path, bad_byte):
    # two 'text' columns: the first is read, the second kept as 'text.1' -- and the user is told.
    # (A bad byte elsewhere sends the file down the reader that rejects rows by line: noted there too.)
    p = tmp_path / "two.csv"
    p.write_bytes("id,outlet,created_at,text,text\n1,a,2024-01-01T00:00:00Z,first café,second\n".encode()
                  + (b"2,b,2024-01-01T00:00:00Z,bad \xff byte,x\n" if bad_byte else b""))
    res = read_posts([str(p)])
    assert res.posts["text"].tolist() == ["first café"] and res.posts["text.1"].tolist() == ["second"]
    assert len(res.rejects) == int(bad_byte)
    assert any("column 'text' is named 2 times" in n and "'text.1'" in n for n in res.files[0].notes)


def test_a_parquet_column_named_twice_is_read_and_noted(tmp_path):
    # pq.read_table refused the file ("Multiple matches for FieldRef.Name(text)") and the message
    # asked whether the file was complete; a CSV of the same table was read
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table([pa.array(["1"]), pa.array(["a"]), pa.array(["2024-01-01T00:00:00Z"]), pa.array(["first"]),
                      pa.array(["second"])], names=["id", "outlet", "created_at", "text", "text"])
    p = tmp_path / "two.parquet"
    pq.write_table(table, p)
    res = read_posts([str(p)])
    assert res.posts["text"].tolist() == ["first"] and res.posts["text.1"].tolist() == ["second"]
    assert any("column 'text' is named 2 times" in n for n in res.files[0].notes)


def test_rows_rejected_for_an_empty_text_are_told_which_column_holds_their_text(tmp_path):
    from amplify.ingest import read_posts

    f = tmp_path / "ruwa.csv"
    f.write_text("Site,Date,title,desc,ref\n"
                 "a,2022-01-01,Headline one,Lead one,r1\n"
                 "b,2022-01-02,,Lead two only,r2\n"
                 "c,2022-01-03,,Lead three only,r3\n"
                 "d,2022-01-04,,,r4\n")
    res = read_posts([str(f)], mapping={"outlet": "Site", "published_at": "Date", "text": "title"})
    assert res.rejects["reason"].tolist() == ["empty text"] * 3
    notes = [n for n in res.files[0].notes if "empty 'title'" in n]
    # desc is named (2 of the 3 rows), ref is not (it is no text column), and nothing is read from it
    assert notes == ["2 of the 3 row(s) with an empty 'title' have 'desc' filled: mapping={'text': ('title', "
                     "'desc')} reads 'desc' where 'title' is empty"]
    res = read_posts([str(f)], mapping={"outlet": "Site", "published_at": "Date", "text": ("title", "desc")})
    assert len(res.posts) == 3 and not [n for n in res.files[0].notes if "filled:" in n]
    from click.testing import CliRunner

    from amplify.cli import cli
    r = CliRunner().invoke(cli, ["ingest", str(f), "--map", "outlet=Site", "--map", "published_at=Date", "--map",
                                 "text=title", "-w", str(tmp_path / "ws")])
    assert r.exit_code == 0 and "--map 'text=title|desc' reads 'desc' where 'title' is empty" in r.output
