"""A plain ``amplify detect`` makes its link set the default again, even when it finds it up to date.

The analyses read the latest link set by default (``amplify info``: "latest,
used by default"). After ``detect --cross-group-only``, a plain ``detect``
that finds the default settings' set up to date used to write nothing, so the
cross-group set stayed the one every analysis read.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.cli import cli
from amplify.workspace import Workspace, WorkspaceError, make_default

STATEMENT = ("The spokesperson said the talks in Geneva on regional security went well and that both sides "
             "agreed to meet again next week to discuss the remaining questions of the border treaty")


def _posts(prefix: str, day: str) -> pd.DataFrame:
    """An original, a same-camp echo and a cross-camp echo of it (and a post echoing nothing)."""
    return pd.DataFrame({
        "post_id": [f"{prefix}1", f"{prefix}2", f"{prefix}3", f"{prefix}4"],
        "outlet": ["tass", "rt", "cgtn", "bbc"],
        "published_at": [f"{day}T08:00:00Z", f"{day}T09:00:00Z", f"{day}T10:00:00Z", f"{day}T11:00:00Z"],
        "text": [f"{prefix}: {STATEMENT}", f"RT reports: {prefix}: {STATEMENT}", f"CGTN: {prefix}: {STATEMENT}",
                 "Weather in London: rain all week, says the forecast office of the city council today"],
    })


def _cli(*args) -> str:
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r.output


def _latest(path) -> str:
    return next(ls["id"] for ls in Workspace.open(path).linksets() if ls["latest"])


def _info_default(path) -> str:
    """The link set ``amplify info`` calls the default (its text, not the API: the two must agree)."""
    lines = [ln for ln in _cli("info", "-w", path).splitlines() if "used by default" in ln]
    assert len(lines) == 1, lines
    return lines[0].split()[2]


@pytest.fixture()
def ws(tmp_path):
    path = tmp_path / "ws"
    w = Workspace.open(path, create=True)
    with w.writer():
        w.add_posts(_posts("a", "2024-03-01"))
        w.set_outlets(pd.DataFrame({"outlet": ["tass", "rt", "cgtn", "bbc"], "group": ["RU", "RU", "CN", "W"]}))
    return path


def test_up_to_date_detect_makes_its_set_the_default_again(ws):
    plain = json.loads(_cli("detect", "-w", ws, "-q", "--format", "json"))
    cross = json.loads(_cli("detect", "-w", ws, "-q", "--cross-group-only", "--format", "json"))
    assert plain["linkset"] != cross["linkset"] and cross["links"] < plain["links"]
    assert _latest(ws) == _info_default(ws) == cross["linkset"]
    generation = Workspace.open(ws).generation

    out = _cli("detect", "-w", ws, "-q")
    assert f"link set {plain['linkset']}: up to date ({plain['links']:,} links)" in out
    assert f"now the default link set (was {cross['linkset']})" in out
    w = Workspace.open(ws)
    assert _latest(ws) == _info_default(ws) == plain["linkset"]
    assert len(w.links()) == plain["links"]                       # what the analyses read by default
    assert {ls["id"] for ls in w.linksets()} == {plain["linkset"], cross["linkset"]}  # the other set kept
    assert len(w.links(cross["linkset"])) == cross["links"]
    assert w.generation == generation + 1                          # one commit: the manifest's new order
    summary = json.loads(_cli("summary", "-w", ws, "-q", "--format", "json"))  # the user's symptom
    assert summary["corpus"]["links_detected"] == plain["links"]

    # already the default: nothing to say, nothing written
    again = json.loads(_cli("detect", "-w", ws, "-q", "--format", "json"))
    assert again["mode"] == "up to date" and again["made_default"] is False
    assert Workspace.open(ws).generation == generation + 1
    assert "now the default" not in _cli("detect", "-w", ws, "-q")


def test_incremental_and_up_to_date_paths_agree_with_info(ws, tmp_path):
    plain = json.loads(_cli("detect", "-w", ws, "-q", "--format", "json"))["linkset"]
    cross = json.loads(_cli("detect", "-w", ws, "-q", "--cross-group-only", "--format", "json"))["linkset"]
    _posts("b", "2024-03-05").to_csv(tmp_path / "more.csv", index=False)
    _cli("ingest", tmp_path / "more.csv", "-w", ws, "-q")
    # new posts: each detect runs incrementally, writes its set and so makes it the default
    run = json.loads(_cli("detect", "-w", ws, "-q", "--format", "json"))
    assert run["mode"] == "incremental" and run["made_default"] is True      # the cross set was the default
    assert _latest(ws) == _info_default(ws) == plain
    run = json.loads(_cli("detect", "-w", ws, "-q", "--cross-group-only", "--format", "json"))
    assert run["mode"] == "incremental"
    assert _latest(ws) == _info_default(ws) == cross
    # and back, up to date this time
    run = json.loads(_cli("detect", "-w", ws, "-q", "--format", "json"))
    assert run["mode"] == "up to date" and run["made_default"] is True
    assert _latest(ws) == _info_default(ws) == plain
    w = Workspace.open(ws)
    assert len(w.links()) == run["links"] and w.links()["target_id"].str.startswith("b").any()


def test_make_default_writes_only_under_the_lock(ws):
    _cli("detect", "-w", ws, "-q")
    cross = json.loads(_cli("detect", "-w", ws, "-q", "--cross-group-only", "--format", "json"))["linkset"]
    w = Workspace.open(ws)
    first = w.linksets()[0]["id"]
    with pytest.raises(WorkspaceError, match="writer"):
        make_default(w, first)
    assert _latest(ws) == cross
    with w.writer():
        assert make_default(w, first[:6]) is True           # a unique prefix, as --linkset takes
        assert w.linksets()[-1]["id"] == first              # this object reads the new commit at once
    assert _latest(ws) == first
    with w.writer(), pytest.raises(WorkspaceError, match="unknown"):
        make_default(w, "ffffffffffff")


def test_the_python_api_makes_an_up_to_date_set_the_default_as_the_command_does(tmp_path):
    from amplify.detect import DetectSettings
    from amplify.detect.incremental import detect_workspace

    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(_posts("a", "2024-03-01").assign(published_at=lambda d: pd.to_datetime(d["published_at"])))
        plain = detect_workspace(ws)
        cross = detect_workspace(ws, DetectSettings(cross_group_only=True))
        assert ws.linksets()[-1]["id"] == cross.linkset != plain.linkset
        again = detect_workspace(ws)
        assert again.mode == "up to date" and again.was_default == cross.linkset
        assert ws.linksets()[-1]["id"] == plain.linkset
        assert str(again).endswith(f"; now the default link set (was {cross.linkset})")
        once_more = detect_workspace(ws)
        assert once_more.was_default is None and "now the default" not in str(once_more)


def test_an_unknown_or_ambiguous_link_set_is_named_with_ids_and_sizes_only(tmp_path):
    from amplify.workspace.linksets import find_linkset

    records = [{"id": "abc123000000", "n_links": 1200, "settings": {"window": "7D", "x": 1}},
               {"id": "abd999000000", "n_links": 5, "settings": {"window": "3D", "x": 2}}]
    with pytest.raises(WorkspaceError) as unknown:
        find_linkset(tmp_path, records, "zzz")
    assert str(unknown.value) == (f"link set 'zzz' is unknown; available: abc123000000 (1,200 links), "
                                  f"abd999000000 (5 links, latest) (`amplify info --workspace {tmp_path}` says how "
                                  f"each was detected)")
    with pytest.raises(WorkspaceError, match=r"'ab' is ambiguous: it starts 2 ids; they are: abc123000000") as amb:
        find_linkset(tmp_path, records, "ab")
    assert "window" not in str(amb.value) and find_linkset(tmp_path, records, "abd")["n_links"] == 5
