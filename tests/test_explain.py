"""``amplify explain`` and :func:`amplify.analyze.explain.explain_link`: both texts whole, passages marked, escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.errors import AnalysisError
from amplify.analyze.explain import explain_link, highlight_segments, link_spans
from amplify.cli import cli
from amplify.detect.incremental import detect_workspace
from amplify.render.explain import explain_html, explain_record
from amplify.workspace import Workspace

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>&amp; \x1b[31m\u202e"
STATEMENT = ("The spokesperson said the talks in Geneva on regional security went well and that both sides "
             "agreed to meet again next week to discuss the remaining questions of the border treaty")
LONG_TAIL = " Пекин 北京 tehran " * 6000  # about 100 kB of mixed scripts after the quoted statement


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "ws"
    ws = Workspace.open(path, create=True)
    posts = pd.DataFrame({
        "post_id": ["s1", "t1", "t2", "x9"],
        "outlet": ["mfa", "tass", "rt", "bbc"],
        "published_at": ["2024-03-01T08:00:00Z", "2024-03-01T11:12:00Z", "2024-03-01T12:00:00Z",
                         "2024-03-01T13:00:00Z"],
        "text": [HOSTILE + " " + STATEMENT,
                 "TASS reports: " + STATEMENT + " " + HOSTILE + LONG_TAIL,
                 "RT: " + STATEMENT,
                 "Weather in London: rain all week, says the forecast office of the city council today"],
    })
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(pd.DataFrame({"outlet": ["mfa", "tass", "rt", "bbc"], "group": ["CN", "RU", "RU", "W"],
                                     "name": ["Ministry <b>of</b> Foreign Affairs", "TASS", "RT", "BBC"]}))
        detect_workspace(ws)
    return ws


def test_explain_link_has_both_texts_whole_and_every_passage(ws):
    ex = explain_link(ws, "s1", "t1")
    assert ex.link["kind"] in ("quote", "verbatim", "reuse", "paraphrase")
    for side in ("source", "target"):
        pieces = ex.segments(side)
        assert "".join(p for p, _ in pieces) == getattr(ex, side)["text"]  # the whole text, nothing cut
        marked = "".join(p for p, c in pieces if c)
        assert "talks in Geneva" in marked
    assert ex.target["group"] == "RU" and ex.source["name"] == "Ministry <b>of</b> Foreign Affairs"
    assert ex.passages == link_spans(ex.link)
    # t1's other earlier sources are listed, and the parent is named
    assert ex.parent is not None
    assert all(a["source_id"] != "s1" for a in ex.also)


def test_highlight_segments_join_back_and_clip():
    text = "abcdef"
    pieces = highlight_segments(text, [(4, 99), (-3, 2)])
    assert "".join(p for p, _ in pieces) == text
    assert pieces[0] == ("ab", (2,)) and pieces[-1] == ("ef", (1,))
    assert highlight_segments("", []) == [("", ())]


def test_unlinked_and_unknown_posts_are_user_errors(ws):
    with pytest.raises(AnalysisError, match="other way"):
        explain_link(ws, "t1", "s1")
    with pytest.raises(AnalysisError, match="no post 'nope'"):
        explain_link(ws, "nope", "t1")
    with pytest.raises(AnalysisError, match="did not link"):
        explain_link(ws, "s1", "x9")
    r = CliRunner().invoke(cli, ["explain", "t1", "s1", "-w", str(ws.path)])
    assert r.exit_code == 1 and "amplify explain s1 t1" in r.output


def test_cli_text_lag_in_words_and_control_characters_escaped(ws):
    r = CliRunner().invoke(cli, ["explain", "s1", "t1", "-w", str(ws.path)])
    assert r.exit_code == 0, r.output
    assert "lag          3 h 12 min" in r.output and "11520" not in r.output
    assert "\x1b" not in r.output and "\\x1b[31m" in r.output and "\\u202e" in r.output
    assert "SOURCE (earlier): mfa, camp CN" in r.output and "TARGET (later): tass, camp RU" in r.output
    assert "[1›" in r.output and "‹1]" in r.output
    assert r.output.count("Пекин") == 6000  # the 100 kB target is shown whole


def test_cli_json_highlights_point_at_the_passages(ws):
    r = CliRunner().invoke(cli, ["explain", "s1", "t1", "-w", str(ws.path), "--format", "json"])
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output)
    assert rec["lag"] == "3 h 12 min" and rec["link"]["lag_s"] == 11520.0
    for side, k in (("source", 0), ("target", 2)):
        text = rec[side]["text"]
        assert text.startswith(HOSTILE) if side == "source" else text.startswith("TASS reports")
        spans = {(p[k], p[k + 1]) for p in rec["passages"]}
        for h in rec[side]["highlights"]:
            assert any(a <= h["start"] and h["end"] <= b for a, b in spans)
            assert text[h["start"]:h["end"]].strip()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_fragment_escapes_hostile_text(ws, tmp_path):
    out = tmp_path / "link.html"
    r = CliRunner().invoke(cli, ["explain", "s1", "t1", "-w", str(ws.path), "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    p = _Tags()
    p.feed(page)
    tags = {t for t, _ in p.tags}
    assert tags <= {"style", "section", "h3", "h4", "dl", "dt", "dd", "div", "b", "code", "mark", "span", "ul", "li",
                    "p"}, tags
    assert not any(k.startswith("on") or k == "src" for _, a in p.tags for k in a)
    shown = "".join(p.text)
    assert "<script>alert('x')</script>" in shown  # shown as text, not run
    assert "Ministry <b>of</b> Foreign Affairs" in shown
    assert "\x1b" not in page and "\u202e" not in page
    assert sum(1 for t, _ in p.tags if t == "mark") >= 2  # the passage marked in both texts
    assert "3 h 12 min" in shown


def test_record_and_fragment_without_passages():
    from amplify.analyze.explain import Explanation

    ex = Explanation(link={"kind": "repost", "score": None, "lag_s": 45.0, "attributed": False, "is_parent": True,
                           "tie": False, "source_start": None, "source_end": None, "target_start": None,
                           "target_end": None},
                     source={"post_id": "a", "outlet": "x", "text": "hello"},
                     target={"post_id": "b", "outlet": "y", "text": ""})
    assert explain_record(ex)["source"]["highlights"] == []
    assert "none (a platform link)" in explain_html(ex)


def test_report_shows_evidence_side_by_side_escaped(ws):
    from amplify.render.report import build_report

    page = build_report(ws, analyses=False, network_href=None)
    assert 'id="evidence"' in page and "Evidence, side by side" in page
    section = page[page.index('id="evidence"'):]
    assert "<details" in section and "<mark" in section
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)" in page
    assert "\x1b" not in page
