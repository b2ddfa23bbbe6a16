"""``trace --text`` with a short phrase finds every post holding it, best match first."""

from __future__ import annotations

import numpy as np
import pandas as pd
from click.testing import CliRunner

from amplify.analyze import find_text
from amplify.cli import cli


def _posts(seed=0):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(400)]
    phrase = "the unilateral hegemony in Kharkiv"
    rows = []
    for i in range(60):
        words = list(rng.choice(vocab, 40))
        if i % 3 == 0:  # 20 posts hold the phrase somewhere inside 40 other words
            at = int(rng.integers(0, 40))
            words[at:at] = phrase.split()
        rows.append({"post_id": f"p{i:02d}", "outlet": f"o{i % 7}", "text": " ".join(words),
                     "published_at": pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=i)})
    rows.append({"post_id": "near", "outlet": "o1", "text": "unilateral hegemony in Kharkiv " + " ".join(vocab[:30]),
                 "published_at": pd.Timestamp("2023-12-01", tz="UTC")})  # lacks "the": not the phrase
    return pd.DataFrame(rows), phrase


def test_short_phrase_inside_long_posts_is_found():
    posts, phrase = _posts()
    m = find_text(phrase, posts)
    expected = {f"p{i:02d}" for i in range(0, 60, 3)}
    assert set(m["post_id"]) == expected
    assert (m["score"] == 100).all() and m["time"].is_monotonic_increasing
    assert all("unilateral hegemony" in t.lower() for t in m["text"])


def test_trace_text_cli_traces_from_the_best_match(tmp_path):
    from amplify.detect.incremental import detect_workspace
    from amplify.workspace import Workspace

    posts, phrase = _posts()
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(posts)
        detect_workspace(ws)
    r = CliRunner().invoke(cli, ["trace", "-w", str(ws.path), "--text", phrase, "-q"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("20 post(s) carry the text, best match first") and "p00" in r.output.splitlines()[0]


def test_each_match_shows_the_phrase_within_the_first_characters_of_its_text():
    # the text began 60 characters before the phrase, so a table showing 60 characters never showed it
    posts, phrase = _posts()
    m = find_text(phrase, posts)
    for text, post in zip(m["text"], m["post_id"]):
        whole = posts.set_index("post_id").at[post, "text"]
        at = text.lower().find(phrase.lower())
        assert 0 <= at <= 20 and (text.startswith("…") or whole.startswith(text[:at + len(phrase)])), text
