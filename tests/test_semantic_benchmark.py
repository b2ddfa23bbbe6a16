"""The WMT echo benchmark's bookkeeping: which WMT meaning each stretch of a post is, and when an
unplanted translation link joins two WMT sentences of one statement (judged by WMT's English)."""

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import semantic as bench  # noqa: E402


def _meanings():
    return pd.DataFrame({"en": ["China closed the US consulate in Chengdu on Friday.", "The weather is fine.",
                                "Tap the More icon at the bottom of the screen."],
                         "ru": ["Китай закрыл консульство США в Чэнду в пятницу.", "Погода хорошая.", None],
                         "zh": ["中国周五关闭了美国驻成都领事馆。", "天气很好。", "点击屏幕底部的“更多”图标。"]})


def test_joined_records_each_sentence_span_and_its_english():
    m = _meanings()
    text, seg = bench.joined(m, "ru", [[1], [0, 1]])
    assert text == "Погода хорошая.\n\nКитай закрыл консульство США в Чэнду в пятницу. Погода хорошая."
    assert [text[a:b] for a, b, _ in seg] == ["Погода хорошая.", m.at[0, "ru"], "Погода хорошая."]
    assert [e for _, _, e in seg] == [m.at[1, "en"], m.at[0, "en"], m.at[1, "en"]]
    text, seg = bench.joined(m, "zh", [[0, 2]])
    assert text == m.at[0, "zh"] + m.at[2, "zh"] and seg[1][0] == len(m.at[0, "zh"])


def test_same_statement_reads_the_english_under_the_aligned_spans():
    a = [(0, 20, "Tap the More icon at the bottom of the screen."), (21, 40, "The weather is fine.")]
    b = [(0, 15, "Tap the More icon (three lines) at the bottom of the screen."), (16, 30, "Dogs bark.")]
    one = json.dumps([[0, 20, 0, 15, 70]])
    other = json.dumps([[21, 40, 16, 30, 70]])
    assert bench.same_statement(a, b, one)
    assert not bench.same_statement(a, b, other)          # the aligned sentences are two statements
    assert not bench.same_statement(a, [], one)           # a side with no WMT sentence is never set apart
    assert not bench.same_statement(a, b, "")
    # the threshold is on the share of content words: one topic is not one statement
    topic = [(0, 15, "Artificial latex is elastic and flexible but harder than the natural material.")]
    latex = [(0, 20, "Natural latex is characterized as a thick, elastic, breathable material.")]
    assert not bench.same_statement(latex, topic, one)


def test_encoder_probe_separation_scores_partners_against_every_other_sentence():
    import numpy as np

    import encoder_probe as probe

    rng = np.random.default_rng(3)
    unit = (lambda v: v / np.linalg.norm(v, axis=1, keepdims=True))
    a = unit(rng.normal(size=(200, 32)))
    # partners that are the same meaning plus a little noise: found first and above every non-partner
    p1, rec = probe.separation(a, unit(a + 0.1 * rng.normal(size=a.shape)))
    assert p1 == 1.0 and rec == 1.0
    # unrelated "partners": nearly none is nearest, and no margin threshold reaches precision 0.95
    p1, rec = probe.separation(a, unit(rng.normal(size=a.shape)))
    assert p1 < 0.1 and rec < 0.1
    # half of the partners replaced by noise: only the true half can be found
    b = unit(a + 0.1 * rng.normal(size=a.shape))
    b[100:] = unit(rng.normal(size=(100, 32)))
    p1, rec = probe.separation(a, b)
    assert 0.45 <= p1 <= 0.55 and 0.45 <= rec <= 0.55


def test_encoder_probe_reads_the_two_layouts_of_the_wmt_files():
    import encoder_probe as probe

    assert probe.columns(pd.DataFrame(columns=["id", "xx", "en"]), "ru", "en") == ("xx", "en")
    assert probe.columns(pd.DataFrame(columns=["id", "zh", "ru", "en"]), "zh", "ru") == ("zh", "ru")


def test_encoder_probe_refuses_too_few_pairs_in_one_line(capsys):
    import pytest

    import encoder_probe as probe

    with pytest.raises(SystemExit) as e:
        probe.main(["--pairs", "0"])
    assert e.value.code == 2 and "--pairs must be 10 or more" in capsys.readouterr().err
