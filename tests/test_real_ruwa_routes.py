"""Real data: RUWA gives dates without times; Censor.net reprints Ukrinform's headlines the same day.

With ties counted (issue #11, item 4) the republication is the strongest directed relation of the corpus,
and the report says why (containment plus a name). Skips when the shared data is absent."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from amplify.analyze.ties import orient_ties
from amplify.detect import detect
from amplify.graph import outlet_edges
from amplify.ingest import read_posts
from amplify.render.report import build_report


def shared_data() -> Path:
    env = os.environ.get("AMPLIFY_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def ruwa():
    path = shared_data() / "ruwa" / "RUWA_01.08.23.csv.zip"
    if not path.exists():
        pytest.skip(f"real RUWA data not found at {path} (set AMPLIFY_SHARED_DATA to the shared data folder)")
    posts = read_posts(path, mapping={"outlet": "Site", "published_at": "Date", "text": ["title", "desc"]}).posts
    return posts, detect(posts)


def test_censor_reprinting_ukrinform_is_the_strongest_directed_relation(ruwa):
    posts, links = ruwa
    assert links["tie"].mean() > 0.5                      # most links join posts of one day
    before = outlet_edges(links, posts, ties=False)
    before = before[before["source"] != before["target"]]
    top_before = tuple(before.iloc[0][["source", "target"]])
    assert top_before != ("ukrinform.net", "censor.net")  # the failure: ties erased the republication
    oriented, summary = orient_ties(links, posts)
    edges = outlet_edges(oriented, posts)
    edges = edges[edges["source"] != edges["target"]]
    top = edges.iloc[0]
    assert (top["source"], top["target"]) == ("ukrinform.net", "censor.net")
    assert top["count"] >= 3 * edges.iloc[1]["count"]     # far ahead of the next relation
    assert top["oriented_ties"] >= 0.8 * top["count"] and summary.oriented["containment"] >= top["oriented_ties"]
    assert "censor.net" in summary.day_only and "ukrinform.net" in summary.day_only
    # no relation points the other way on the same evidence
    back = edges[(edges["source"] == "censor.net") & (edges["target"] == "ukrinform.net")]
    assert back.empty or back["oriented_ties"].iloc[0] == 0


def test_the_report_says_why(ruwa):
    posts, links = ruwa
    page = build_report(links=links, posts=posts, outlets=None, analyses=False)
    section = page.split('id="strongest"', 1)[1].split("</section>", 1)[0]
    first_row = re.search(r"<tbody><tr>(.*?)</tr>", section, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", first_row, re.S)
    assert cells[:2] == ["ukrinform.net", "censor.net"]
    assert "by containment" in cells[-1] and "names an outlet" in cells[-1]
    assert "join posts with the same timestamp" in page and "dates without times" in page
