"""Graph views on a hand-made links table (values computed by hand in the comments)."""

import pandas as pd
import pytest

from amplify.graph import group_edges, outlet_edges, outlet_graph, outlet_nodes, post_graph


@pytest.fixture()
def tables():
    posts = pd.DataFrame({
        "post_id": ["p1", "p2", "p3", "p4", "p5"],
        "outlet": ["mfa", "tass", "tass", "cgtn", "bbc"],
        "published_at": pd.to_datetime(["2022-01-01 00:00", "2022-01-01 01:00", "2022-01-02 00:00",
                                        "2022-01-02 03:00", "2022-01-03 00:00"], utc=True),
        "text": ["a", "b", "c", "d", "e"],
    })
    outlets = pd.DataFrame({"outlet": ["mfa", "tass", "cgtn"], "group": ["CN", "RU", "CN"]})
    links = pd.DataFrame({
        "source_id": ["p1", "p1", "p2", "p3"], "target_id": ["p2", "p3", "p3", "p4"],
        "kind": ["quote", "verbatim", "paraphrase", "quote"], "score": [90.0, 100.0, 60.0, 95.0],
        "source_start": 0, "source_end": 1, "target_start": 0, "target_end": 1,
        "lag_s": [3600.0, 86400.0, 82800.0, 10800.0], "attributed": [True, False, False, False],
        "is_parent": [True, True, False, True], "tie": False,
    })
    return links, posts, outlets


def test_outlet_edges_aggregate_parent_links(tables):
    links, posts, outlets = tables
    e = outlet_edges(links, posts, outlets).set_index(["source", "target"])
    # parents: p1->p2 (mfa->tass, 1 h), p1->p3 (mfa->tass, 24 h), p3->p4 (tass->cgtn, 3 h)
    assert e.loc[("mfa", "tass"), "count"] == 2
    assert e.loc[("mfa", "tass"), "lag_s_median"] == (3600 + 86400) / 2
    assert e.loc[("mfa", "tass"), "score"] == 95.0
    assert e.loc[("mfa", "tass"), "n_quote"] == 1 and e.loc[("mfa", "tass"), "n_verbatim"] == 1
    assert e.loc[("mfa", "tass"), "attributed"] == 1
    assert e.loc[("tass", "cgtn"), "count"] == 1
    all_links = outlet_edges(links, posts, outlets, parents_only=False).set_index(["source", "target"])
    assert all_links.loc[("tass", "tass"), "count"] == 1  # p2->p3, an also-match


def test_group_edges_and_unknown_group(tables):
    links, posts, outlets = tables
    g = group_edges(links, posts, outlets).set_index(["source", "target"])["count"].to_dict()
    assert g == {("CN", "RU"): 2, ("RU", "CN"): 1}
    nodes = outlet_nodes(links, posts, outlets).set_index("outlet")
    assert nodes.loc["bbc", "group"] == "unknown"
    assert nodes.loc["tass", "echoes_given"] == 1 and nodes.loc["tass", "echoes_received"] == 2


def test_time_filter_and_empty_selection(tables):
    links, posts, outlets = tables
    late = outlet_edges(links, posts, outlets, since="2022-01-02")
    assert late[["source", "target", "count"]].values.tolist() == [["mfa", "tass", 1], ["tass", "cgtn", 1]]
    assert outlet_edges(links, posts, outlets, since="2023-01-01").empty
    assert outlet_graph(links, posts, outlets, since="2023-01-01").number_of_edges() == 0


def test_graph_objects_carry_evidence(tables):
    links, posts, outlets = tables
    g = outlet_graph(links, posts, outlets)
    assert g.nodes["tass"]["group"] == "RU" and g.edges["mfa", "tass"]["count"] == 2
    assert g.edges["mfa", "tass"]["first"].endswith("Z")
    pg = post_graph(links, posts, outlets)
    assert pg.number_of_edges() == 4 and pg.edges["p1", "p3"]["kind"] == "verbatim"
    assert pg.nodes["p4"]["group"] == "CN"
