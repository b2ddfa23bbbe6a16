"""benchmarks/semantic_judged.py: the semantic stage's hand-checked sample, on tiny synthetic links.

The committed verdicts are checked against the real corpus when the shared data
is present (skipped with a message when it is absent).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("semantic_judged", ROOT / "benchmarks" / "semantic_judged.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["semantic_judged"] = mod
    spec.loader.exec_module(mod)
    return mod


S = _load()
SHA_A, SHA_B = "0123456789ab", "ba9876543210"


def _verdict_rows(rows) -> pd.DataFrame:
    """rows of (source, target, verdict, reason, drawn_as), with a date and valid hashes."""
    return pd.DataFrame([(s, t, v, r, d, "2026-12-07", SHA_A, SHA_B) for s, t, v, r, d in rows],
                        columns=S.VERDICT_COLUMNS)


def _links(rows) -> pd.DataFrame:
    """rows of (source, target, kind, score, lang) as run_detector returns them."""
    df = pd.DataFrame(rows, columns=["source_id", "target_id", "kind", "score", "lang"])
    df["key"] = S.pair_key(df["source_id"], df["target_id"])
    df["band"] = S.score_band(df["score"].to_numpy())
    df["drawn_as"] = np.where(df["kind"] == "semantic", "semantic", "translation_false")
    return df


def test_score_bands_cover_every_link_score():
    got = S.score_band(np.array([50.0, 59.99, 60.0, 89.9, 90.0, 100.0]))
    assert got.tolist() == ["50-59", "50-59", "60-69", "80-89", "90-100", "90-100"]


def test_text_hash_changes_with_the_text():
    a, b, c = S.text_sha1(["Путин заявил", "Путин заявил", "Путин заявил."])
    assert a == b != c and len(a) == S.SHA_DIGITS


@pytest.mark.parametrize("row, col, message", [
    (dict(verdict="maybe"), "verdict", "not one of"),
    (dict(drawn_as="link"), "drawn_as", "not one of"),
    (dict(reason=" "), "reason", "is empty"),
    (dict(source_sha1="xyz"), "source_sha1", "hex digits"),
    (dict(judged_on="7/12/2026"), "judged_on", "not a date"),
])
def test_bad_verdicts_are_named_by_row_and_column(row, col, message):
    v = _verdict_rows([("d1", "d2", "echo", "restatement: x", "semantic"),
                       ("d3", "d4", "not", "template: y", "semantic")])
    for k, x in row.items():
        v.loc[1, k] = x
    with pytest.raises(S.JudgedError, match=rf"row 3, column {col}.*{message}|row 3, column {col} {message}"):
        S.check_verdicts(v, "verdicts.csv")


def test_one_pair_judged_twice_either_way_is_refused():
    v = _verdict_rows([("d1", "d2", "echo", "restatement: x", "semantic"),
                       ("d2", "d1", "not", "template: y", "semantic")])
    with pytest.raises(S.JudgedError, match=r"rows \[2, 3\] judge one pair twice"):
        S.check_verdicts(v, "verdicts.csv")


def test_draw_stratifies_by_language_then_score_band_and_takes_small_strata_whole():
    rng = np.random.default_rng(0)
    rows = [(f"a{i}", f"b{i}", "semantic", float(s), "en") for i, s in enumerate(rng.uniform(50, 100, 300))]
    rows += [(f"c{i}", f"d{i}", "semantic", 55.0 + i, "ru") for i in range(6)]
    rows += [(f"e{i}", f"f{i}", "translation", 70.0, "en-ru") for i in range(40)]
    links = _links(rows)
    got = S.draw_pairs(links, 30, 10, np.random.default_rng(1))
    assert (got["lang"] == "ru").sum() == 6  # the small language is taken whole, the rest goes to English
    assert (got["lang"] == "en").sum() == 24
    assert (got["drawn_as"] == "translation_false").sum() == 10
    assert not got["key"].duplicated().any()
    # every English band present in the pool is read at least once
    assert set(got.loc[got["lang"] == "en", "band"]) == set(links.loc[links["lang"] == "en", "band"])


def test_semantic_table_counts_precision_per_band_and_weights_bands_by_links():
    links = _links([("a1", "b1", "semantic", 55, "en"), ("a2", "b2", "semantic", 56, "en"),
                    ("a3", "b3", "semantic", 57, "en"), ("a4", "b4", "semantic", 85, "en"),
                    ("a5", "b5", "semantic", 86, "en")])
    v = S.check_verdicts(_verdict_rows([("b1", "a1", "not", "same event: x", "semantic"),
                                        ("a2", "b2", "unsure", "bare fact: x", "semantic"),
                                        ("a4", "b4", "echo", "restatement: x", "semantic")]), "v")
    table, est = S.semantic_table(links, v)
    low = table[(table["lang"] == "en") & (table["band"] == "50-59")].iloc[0]
    high = table[(table["lang"] == "en") & (table["band"] == "80-89")].iloc[0]
    assert (low["links"], low["judged"], low["echo"], low["not"], low["unsure"]) == (3, 2, 0, 1, 1)
    assert low["precision"] == 0.0 and high["precision"] == 1.0
    # band 50-59 (3 links, precision 0) and 80-89 (2 links, precision 1): 2 / 5
    assert est["en"] == (pytest.approx(0.4), 5)


def test_stale_verdicts_name_a_changed_text():
    posts = pd.DataFrame({"post_id": ["d1", "d2", "d3"], "sha1": [SHA_A, SHA_B, SHA_A]})
    v = S.check_verdicts(_verdict_rows([("d1", "d2", "echo", "restatement: x", "semantic"),
                                        ("d3", "d1", "not", "template: y", "semantic"),
                                        ("d1", "d9", "not", "template: y", "semantic")]), "v")
    stale = S.stale_verdicts(v, posts)
    # d3 -> d1: the target's text is not the one read (SHA_B expected); d9 is gone
    assert stale[["source_id", "target_id"]].values.tolist() == [["d3", "d1"], ["d1", "d9"]]


def test_append_keeps_only_the_verdict_columns_and_refuses_unjudged_rows(tmp_path):
    judged = _verdict_rows([("d1", "d2", "echo", "translation: x", "translation_false")])
    judged["source_text"] = "a text the licence keeps out"
    f = tmp_path / "new.csv"
    judged.to_csv(f, index=False)
    out = tmp_path / "verdicts.csv"
    assert S.append(f, out) == 1
    back = pd.read_csv(out, dtype=str)
    assert list(back.columns) == S.VERDICT_COLUMNS
    with pytest.raises(S.JudgedError, match="judge one pair twice"):
        S.append(f, out)
    judged.loc[0, ["source_id", "verdict"]] = ["d5", ""]
    judged.to_csv(f, index=False)
    with pytest.raises(S.JudgedError, match=r"1 row\(s\) without a verdict"):
        S.append(f, out)


def test_main_exits_2_with_a_message_on_a_missing_verdicts_file(tmp_path, capsys):
    assert S.main(["score", "--verdicts", str(tmp_path / "none.csv")]) == 2
    assert "no verdicts file" in capsys.readouterr().err


def test_committed_verdicts_are_valid_and_cover_the_drawn_sample():
    v = S.read_verdicts(S.VERDICTS)
    counts = v["drawn_as"].value_counts()
    assert counts["semantic"] >= 150 and counts["translation_false"] >= 50
    assert (v["pattern"] != "(no pattern)").all()


def test_committed_verdicts_name_the_corpus_posts_they_were_read_from():
    if not (S.bench.WMT.is_dir()):
        pytest.skip(f"WMT not found at {S.bench.WMT}")
    posts, _, _ = S.build()
    stale = S.stale_verdicts(S.read_verdicts(S.VERDICTS), posts)
    assert stale.empty, f"{len(stale)} verdicts name a post whose text changed: {stale.head(3).to_dict('records')}"


def test_semantic_knobs_set_without_the_stage_reach_the_detector(monkeypatch):
    """--set semantic_margin=0.2 must not be dropped because the settings it came in had the stage off."""
    seen = {}

    def fake_detect(posts, outlets, settings, **kw):
        seen["settings"] = settings
        return pd.DataFrame(columns=["source_id", "target_id", "kind", "score", "aligned"])

    monkeypatch.setattr(S, "detect", fake_detect)
    posts = pd.DataFrame({"post_id": ["d1"], "outlet": ["a"], "published_at": [pd.Timestamp("2022-03-01", tz="UTC")],
                          "text": ["x"], "true_lang": ["en"], "origin": ["uci"], "wmt_doc": [None], "sha1": [SHA_A]})
    monkeypatch.setattr(S.bench, "store_for", lambda p: None)
    truth = pd.DataFrame(columns=["source_id", "target_id"])
    S.run_detector(posts, None, truth, S.parse_settings(["semantic_margin=0.2"]))
    assert seen["settings"].semantic and seen["settings"].semantic_margin == 0.2
