"""``paths`` over a workspace answers as over the tables (issue #11, speed at 1M posts).

Over a workspace the search is cut to the posts reachable from X or from a post naming X (the names are
read from the workspace's store), the link index is kept on the Frame between queries, and the hops' texts
are read by position. None of it may change an answer: every query here is asked of the tables (texts read
from the posts table: no cut) and of the workspace, on one frame reused across queries.
"""

from __future__ import annotations

import pandas as pd
import pytest

from amplify.analyze import Frame, load
from amplify.analyze.paths import amplification_paths
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace

from routes_world import citing_world, relay_world

QUERIES = [dict(source="mfa_china", target="ria"), dict(source="mfa_china", target="tass"),
           dict(source="mfa_china", target="ria", max_hops=1), dict(source="mfa_china", target="ria", also_matches=False),
           dict(source="mfa_china", target="ria", cites=False), dict(source="tass", target="ria"),
           dict(source="mfa", target="tass"), dict(source="mfa", target="RU"), dict(source="CN", target="tass",
           max_hops=1), dict(source="mfa", target="tass", parents_only=False), dict(source="embassy", target="tass")]


@pytest.fixture(scope="module", params=["citing", "relay"])
def world(request, tmp_path_factory):
    w = citing_world() if request.param == "citing" else relay_world(2)
    ws = Workspace.open(tmp_path_factory.mktemp("pathsws") / "ws", create=True)
    with ws.writer():
        ws.add_posts(w["posts"])
        ws.set_outlets(w["outlets"])
        detect_workspace(ws)
    L, P, O = load(ws)
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    return ws, L, P, O, posts


def _outlets_in(O, q):
    names = set(O["outlet"]) | set(O["group"])
    return q["source"] in names and q["target"] in names


def test_workspace_answers_as_the_tables(world):
    ws, L, P, O, posts = world
    frame = Frame.build(L, P, O)
    asked = 0
    for q in [q for q in QUERIES if _outlets_in(O, q)]:
        for _ in range(2):         # the second query reuses what the first kept on the frame
            got = amplification_paths(L, P, O, frame=frame, texts=ws, **q)
            want = amplification_paths(L, posts, O, texts=posts, **q)
            pd.testing.assert_frame_equal(got.paths, want.paths)
            pd.testing.assert_frame_equal(got.hops, want.hops)
            pd.testing.assert_frame_equal(got.post_paths, want.post_paths)
        asked += 1
    assert asked >= 4


def test_the_answer_has_texts_and_routes(world):
    """The comparison above is not of two empty answers."""
    ws, L, P, O, _ = world
    routes = 0
    for q in QUERIES:
        if not _outlets_in(O, q):
            continue
        rep = amplification_paths(L, P, O, texts=ws, **q)
        routes += len(rep.paths)
        if len(rep.hops):
            assert rep.hops["target_text"].notna().any()
    assert routes > 0


def test_forward_reach_counts_hops_and_stops_at_the_ends():
    """The cut keeps every post a route of at most ``hops`` links can pass, and no more."""
    import numpy as np

    from amplify.analyze.paths_index import forward_reach

    # 0 -> 1 -> 2 -> 3 -> 4, and 5 -> 6 where 5 is an end (a post of Y): nothing passes on from it
    src, tgt = np.array([0, 1, 2, 3, 5]), np.array([1, 2, 3, 4, 6])
    seeds = np.zeros(7, dtype=bool)
    seeds[0] = True
    through = np.ones(7, dtype=bool)
    through[[0, 5]] = False
    assert np.flatnonzero(forward_reach(7, src, tgt, seeds, through=through, hops=2)).tolist() == [0, 1, 2]
    assert np.flatnonzero(forward_reach(7, src, tgt, seeds, through=through, hops=4)).tolist() == [0, 1, 2, 3, 4]
    seeds[5] = True       # a seed passes on even when it is an end (a post of Y that names X)
    assert np.flatnonzero(forward_reach(7, src, tgt, seeds, through=through, hops=1)).tolist() == [0, 1, 5, 6]
    through[2] = False    # an end reached on the way is not passed through
    assert np.flatnonzero(forward_reach(7, src, tgt, seeds, through=through, hops=4)).tolist() == [0, 1, 2, 5, 6]
