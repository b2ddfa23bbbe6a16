"""The report page: headline numbers, tables, cascades, timeline; escaped, printable, extensible."""

from __future__ import annotations

import re
import sys

import pandas as pd
import pytest

from amplify import schema
from amplify.render.report import Section, build_report, largest_cascades, table_html, timeline_svg, write_report

EVIL = '<script>window.__pwned=1</script>'
HOSTILE = '</td></table><img src=x onerror="window.__pwned=2"><a href="javascript:alert(1)">x</a> &amp; {{7*7}}'


def tables():
    """mfa_china's p1 is echoed by tass (p2), then rt echoes tass (p3) and EVIL echoes tass (p4):
    one cascade of 3 echoes; tass's p5 is echoed by globaltimes (p6); 'quiet' never echoes."""
    t0 = pd.Timestamp("2022-01-05T10:00:00Z")
    h = pd.Timedelta(hours=1)
    rows = [("p1", "mfa_china", t0, "Stop interfering in Kazakhstan. " + HOSTILE),
            ("p2", "tass", t0 + h, "China: stop interfering in Kazakhstan."),
            ("p3", "rt", t0 + 2 * h, "China: stop interfering in Kazakhstan."),
            ("p4", EVIL, t0 + 4 * h, HOSTILE + " China: stop interfering in Kazakhstan."),
            ("p5", "tass", t0 + 48 * h, "New deal signed."),
            ("p6", "globaltimes", t0 + 50 * h, "New deal signed."),
            ("p7", "quiet", t0 + 72 * h, "Nothing.")]
    posts = schema.validate_posts(pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"]))
    outlets = schema.validate_outlets(pd.DataFrame({
        "outlet": ["mfa_china", "tass", "rt", EVIL, "globaltimes"], "group": ["CN", "RU", "RU", "RU", "CN"],
        "kind": ["ministry", "state_media", "state_media", "troll", "state_media"],
        "name": ["MFA", "TASS", "RT", HOSTILE, "Global Times"]}))
    tt = posts.set_index("post_id")["published_at"]
    tx = posts.set_index("post_id")["text"]

    def link(s, t, kind, score, parent=True):
        return dict(source_id=s, target_id=t, kind=kind, score=score, source_start=0, source_end=len(tx[s]),
                    target_start=0, target_end=len(tx[t]), lag_s=(tt[t] - tt[s]).total_seconds(),
                    attributed=kind == "quote", is_parent=parent, tie=False)

    links = schema.validate_links(pd.DataFrame([
        link("p1", "p2", "quote", 90.0), link("p2", "p3", "verbatim", 100.0), link("p2", "p4", "verbatim", 98.0),
        link("p5", "p6", "repost", 100.0), link("p1", "p3", "quote", 90.0, parent=False)]))
    return links, posts, outlets


@pytest.fixture(scope="module")
def report():
    links, posts, outlets = tables()
    return build_report(links=links, posts=posts, outlets=outlets, analyses=False)


def test_headline_and_sections(report):
    for title in ("Headline numbers", "Links per kind", "Camp to camp", "Top outlets", "Largest cascades",
                  "Volume over time"):
        assert f"<h2>{title}</h2>" in report
    heads = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", report))
    assert heads["Posts"] == "7" and heads["Outlets"] == "6" and heads["Links found"] == "5"
    assert heads["Echoes (each counted once)"] == "4"
    assert heads["Cross-camp echoes"] == "2 (50%)"  # CN->RU (p1->p2) and RU->CN (p5->p6)
    assert heads["Camps"] == "CN, RU, unknown"  # 'quiet' is not in the outlets table


def test_kinds_camps_and_outlets_tables(report):
    kinds = re.search(r'id="links-per-kind">(.*?)</section>', report, re.S).group(1)
    assert re.search(r"<td>verbatim</td><td class=\"num\">2</td><td class=\"num\">2</td>", kinds)
    assert re.search(r"<td>quote</td><td class=\"num\">2</td><td class=\"num\">1</td>", kinds)
    camps = re.search(r'id="camps">(.*?)</section>', report, re.S).group(1)
    matrix = re.search(r'<table class="matrix">(.*?)</table>', camps, re.S).group(1)
    row_ru = re.search(r"<tr><th>RU</th>(.*?)</tr>", matrix).group(1)
    assert re.findall(r">(\d+)</td>", row_ru) == ["1", "2", "0"]  # RU echoed by CN 1, RU 2, unknown 0
    assert "<td>CN</td><td>RU</td><td class=\"num\">1</td>" in camps
    outlets = re.search(r'id="outlets">(.*?)</section>', report, re.S).group(1)
    first_row = re.search(r"<tbody><tr><td>(.*?)</td>", outlets).group(1)
    assert first_row == "tass"  # echoed by others the most (3)


def test_cascades_with_evidence(report):
    casc = re.search(r'id="cascades">(.*?)</section>', report, re.S).group(1)
    # the root counted as trace and the summary count it, and the echoes apart
    assert "1. mfa_china (CN), 2022-01-05 10:00 UTC — 4 posts by 4 outlets: the root and 3 echoes by 3 outlets, " \
           "over 4 h" in casc
    assert "2. tass (RU), 2022-01-07 10:00 UTC — 2 posts by 2 outlets: the root and 1 echo by 1 outlet, " in casc
    assert casc.index("1. mfa_china") < casc.index("2. tass")
    ev = re.search(r'<table class="data evidence">(.*?)</table>', casc, re.S).group(1)
    outlets = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", ev)
    assert outlets == ["tass", "rt", "&lt;script&gt;window.__pwned=1&lt;/script&gt;"]  # time order


def test_largest_cascades_function():
    c = largest_cascades(*tables(), n=5)
    assert [x["root"]["post_id"] for x in c] == ["p1", "p5"] and [x["size"] for x in c] == [3, 1]
    assert c[0]["camps"] == {"RU": 3} and c[0]["span_s"] == 4 * 3600
    assert [e["post_id"] for e in c[0]["echoes"]] == ["p2", "p3", "p4"]


def test_everything_from_the_data_is_escaped(report):
    assert "<script" not in report  # the report has no script at all
    for raw in ("<img src=x", 'href="javascript:', "</td></table><img"):
        assert raw not in report
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in report
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in report
    assert "{{7*7}}" in report and "&amp;amp;" in report


def test_timeline_svg(report):
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", report, re.S)
    assert len(svgs) == 2
    assert svgs[0].count("<polyline") == 3  # CN, RU, unknown
    assert "Posts per day, by camp" in svgs[0] and "Echoes per day" in svgs[1]
    svg = timeline_svg(pd.DataFrame({EVIL: [1, 2, 3]}, index=pd.date_range("2022-01-01", periods=3)))
    assert "<script" not in svg and "&lt;script" in svg


def test_network_link_print_css_and_no_fetches(report):
    assert '<a class="netlink" id="network-link" href="network.html">' in report
    assert "@media print" in report
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", report)
    links, posts, outlets = tables()
    no_link = build_report(links=links, posts=posts, outlets=outlets, network_href=None, analyses=False)
    assert "network-link" not in no_link
    with pytest.raises(ValueError):
        build_report(links=links, posts=posts, outlets=outlets, network_href="javascript:alert(1)", analyses=False)


def test_extra_sections():
    links, posts, outlets = tables()
    extra = [Section("Synergy (from elsewhere)", table=pd.DataFrame({"pair": [EVIL], "z": [3.25]}), note="n1"),
             ("A tuple section", pd.DataFrame({"x": [1234567]})), ("Plain text", HOSTILE)]
    html = build_report(links=links, posts=posts, outlets=outlets, sections=extra, analyses=False)
    assert "<h2>Synergy (from elsewhere)</h2>" in html and "<td class=\"num\">3.25</td>" in html
    assert "<td class=\"num\">1,234,567</td>" in html and "<h2>A tuple section</h2>" in html
    assert "<img src=x" not in html and 'href="#plain-text"' in html
    with pytest.raises(TypeError):
        build_report(links=links, posts=posts, outlets=outlets, sections=[42], analyses=False)


def test_without_amplify_analyze(monkeypatch):
    monkeypatch.setitem(sys.modules, "amplify.analyze", None)  # import fails
    links, posts, outlets = tables()
    html = build_report(links=links, posts=posts, outlets=outlets, analyses=True)
    assert "Synergy between camps" not in html and "Largest cascades" in html


def test_filters_and_empty_links():
    links, posts, outlets = tables()
    html = build_report(links=links, posts=posts, outlets=outlets, kinds=["repost"], analyses=False)
    heads = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    assert heads["Echoes (each counted once)"] == "1" and "Filtered: kinds: repost." in html
    empty = build_report(links=schema.empty_links(), posts=posts, outlets=outlets, analyses=False)
    assert "No cascades." in empty


def test_table_html_escapes_headers_and_cells():
    t = table_html(pd.DataFrame({"<b>h</b>": ["<i>x</i>", None], "n": [1.5, float("nan")]}))
    assert "<b>" not in t and "<i>" not in t and "&lt;b&gt;h&lt;/b&gt;" in t
    assert table_html(pd.DataFrame()) == '<p class="empty">No rows.</p>'


def test_write_report_from_a_workspace(tmp_path):
    from amplify.workspace import Workspace

    links, posts, outlets = tables()
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
        ws.save_links(links, {"hand": True}, covered_through=ws.last_seq)
    out = write_report(tmp_path / "ws", tmp_path / "report.html", analyses=False, title="My <report>")
    html = out.read_text(encoding="utf-8")
    assert "<h1>My &lt;report&gt;</h1>" in html and "link set <code>" in html
    assert "1 outlets are not in the outlets table" in html or "outlets are not in the outlets table" in html


def test_links_per_kind_describe_the_echoes():
    # score, lag and "name the source" were taken over every link, also-matches too: a kind's echoes
    # were 29.5 % attributed where the table said 18 %
    links, posts, outlets = tables()
    also = links.assign(is_parent=False, attributed=~links["attributed"], score=50.0, lag_s=links["lag_s"] * 10)
    page = build_report(links=pd.concat([links, also], ignore_index=True), posts=posts, outlets=outlets,
                        analyses=False)
    section = page[page.index("<h2>Links per kind</h2>"):page.index("<h2>", page.index("<h2>Links per kind</h2>") + 5)]
    rows = {re.sub("<[^>]+>", "", r.split("</td>")[0]): [re.sub("<[^>]+>", "", c) for c in r.split("</td>")]
            for r in section.split("<tr>")[2:]}
    echoes = links[links["is_parent"]]
    for kind, g in echoes.groupby("kind"):
        cells = rows[kind]
        assert cells[4] == f"{g['score'].mean():.2f}" and cells[6] == f"{100 * g['attributed'].mean():.0f}%", cells
