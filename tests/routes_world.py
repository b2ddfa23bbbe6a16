"""Small seeded corpora for the route analyses (ties, cites, paths): text written from random words,
so nothing in them is typed in by hand and every expected figure is counted from the generator."""

from __future__ import annotations

import numpy as np
import pandas as pd


def world_workspace(path, world) -> str:
    """A workspace at ``path`` holding a world's posts and outlets, detected with the defaults; its path."""
    from amplify.detect.incremental import detect_workspace
    from amplify.workspace import Workspace

    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.add_posts(world["posts"])
        ws.set_outlets(world["outlets"])
        detect_workspace(ws)
    return str(path)


def vocabulary(rng: np.random.Generator, n: int = 3000) -> np.ndarray:
    """``n`` distinct made-up words of 4 to 9 letters."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = set()
    while len(words) < n:
        k = int(rng.integers(4, 10))
        words.add("".join(rng.choice(letters, k)))
    return np.array(sorted(words))


def sentence(rng: np.random.Generator, vocab: np.ndarray, lo: int = 10, hi: int = 15) -> str:
    words = rng.choice(vocab, int(rng.integers(lo, hi)), replace=False)
    return " ".join(words).capitalize()


def day_resolution_world(seed: int = 0, *, headlines: int = 60, reprinted: int = 40, co_published: int = 20,
                         unrelated: int = 200) -> dict:
    """Dates without times, as scraped news gives them.

    * ``agency`` publishes ``headlines`` headlines over 30 days;
    * ``reprinter`` reprints ``reprinted`` of them the same day, wrapped in a
      rubric, a dateline and its own name ("... | Reprinter.NET");
    * ``wire_a`` and ``wire_b`` carry ``co_published`` identical wire headlines
      the same day (no evidence of who was first);
    * four other outlets publish ``unrelated`` posts of their own.
    """
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    day0 = pd.Timestamp("2022-03-01", tz="UTC")
    rows = []
    heads = []
    for i in range(headlines):
        day = day0 + pd.Timedelta(days=int(rng.integers(0, 30)))
        text = sentence(rng, vocab)
        heads.append((f"ag{i}", day, text))
        rows.append((f"ag{i}", "agency", day, text))
    picked = rng.choice(headlines, reprinted, replace=False)
    for j, i in enumerate(sorted(picked)):
        pid, day, text = heads[i]
        rubric = " ".join(rng.choice(vocab, 2)).title()
        stamp = f"({day:%d.%m.%y} {int(rng.integers(8, 20)):02d}:{int(rng.integers(0, 60)):02d})"
        rows.append((f"re{j}", "reprinter", day, f"{rubric}: {text} {stamp} « World | Reprinter.NET"))
    wire = []
    for k in range(co_published):
        day = day0 + pd.Timedelta(days=int(rng.integers(0, 30)))
        text = sentence(rng, vocab)
        rows.append((f"wa{k}", "wire_a", day, text))
        rows.append((f"wb{k}", "wire_b", day, text))
        wire.append((f"wa{k}", f"wb{k}"))
    others = ["daily_one", "daily_two", "daily_three", "daily_four"]
    for u in range(unrelated):
        day = day0 + pd.Timedelta(days=int(rng.integers(0, 30)))
        rows.append((f"un{u}", others[u % 4], day, sentence(rng, vocab)))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["agency", "reprinter", "wire_a", "wire_b"] + others,
                            "group": ["UA", "UA", "INT", "INT", "X", "X", "Y", "Y"],
                            "kind": ["state_media", "independent", "state_media", "independent",
                                     "independent", "independent", "independent", "independent"]})
    reprints = [(heads[i][0], f"re{j}") for j, i in enumerate(sorted(picked))]
    return {"posts": posts, "outlets": outlets, "reprints": reprints, "wire": wire}


def relay_world(seed: int = 0, *, stories: int = 12, copies: int = 3) -> dict:
    """A states, B quotes A with a comment, C copies B (``copies`` posts per story, an hour apart).

    Every C post also matches A's statement (it holds it inside B's text): the
    direct ``A -> C`` link is an also-match, the route the content took is
    ``A -> B -> C``. Hostile outlet names test the terminal output.
    """
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    t0 = pd.Timestamp("2022-01-03 08:00", tz="UTC")
    rows = []
    for k in range(stories):
        t = t0 + pd.Timedelta(hours=int(k * 20))
        statement = sentence(rng, vocab, 16, 20)
        comment = sentence(rng, vocab, 12, 16)
        relay = f"{comment} {statement} {sentence(rng, vocab, 8, 10)}"
        rows.append((f"a{k}", "mfa", t, statement))
        rows.append((f"b{k}", "embassy", t + pd.Timedelta(hours=1), relay))
        for j in range(copies):
            rows.append((f"c{k}_{j}", "tass", t + pd.Timedelta(hours=2 + j), relay))
    for u in range(60):
        rows.append((f"n{u}", "other", t0 + pd.Timedelta(hours=int(rng.integers(0, 20 * stories))),
                     sentence(rng, vocab)))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["mfa", "embassy", "tass", "other"], "group": ["CN", "RU", "RU", "X"],
                            "kind": ["ministry", "diplomat", "state_media", "independent"],
                            "name": ["Ministry of Foreign Affairs", "Embassy in Beijing", "TASS", "Other Daily"]})
    return {"posts": posts, "outlets": outlets, "stories": stories, "copies": copies}


def citing_world(seed: int = 0, *, n: int = 30) -> dict:
    """Posts that name the foreign ministry (English, Russian, Chinese) without any post of it to match."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    t0 = pd.Timestamp("2022-01-03 08:00", tz="UTC")
    forms = [("tass", "The Chinese Foreign Ministry said {s}"), ("ria", "МИД КНР заявил: {s}"),
             ("cgtn", "据中国外交部消息{s}"), ("tass", "{s} (Chinese FM)")]
    rows, cites = [], []
    for i in range(n):
        outlet, form = forms[i % len(forms)]
        t = t0 + pd.Timedelta(hours=int(rng.integers(0, 500)))
        rows.append((f"c{i}", outlet, t, form.format(s=sentence(rng, vocab))))
        cites.append(f"c{i}")
    for i in range(n):       # near misses: a longer word, another ministry
        t = t0 + pd.Timedelta(hours=int(rng.integers(0, 500)))
        text = ["Chinese FMs archive {s}", "The Foreign Ministryhouse {s}", "МИД России: {s}"][i % 3]
        rows.append((f"x{i}", "tass", t, text.format(s=sentence(rng, vocab))))
    # a later ria post that copies a citing tass post: the route mfa ~> tass -> ria
    rows.append(("r0", "ria", rows[0][2] + pd.Timedelta(hours=3), rows[0][3] + " " + sentence(rng, vocab)))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": ["mfa_china", "mfa_russia", "tass", "ria", "cgtn"],
                            "group": ["CN", "RU", "RU", "RU", "CN"],
                            "kind": ["ministry", "ministry", "state_media", "state_media", "state_media"],
                            "name": ["Chinese Foreign Ministry", "Russian Foreign Ministry", "TASS", "RIA", "CGTN"],
                            "aliases": ["Chinese FM|МИД КНР|中国外交部", "МИД России", None, None, None]})
    return {"posts": posts, "outlets": outlets, "cites": cites}
