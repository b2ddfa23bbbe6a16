"""The outlets each post names, found once per workspace and kept (#11: paths searched every text per query).

``paths`` took 2.5 s of its 4.2 s at 1M posts scanning texts for citations on every query. The names
are now found once per posts part (:mod:`amplify.analyze.cites_store`) and read back by ``paths``,
the report and the network page. These tests check that the stored names give exactly what a scan
gives, that a part is scanned once, that an append scans only the new part, and that changing an
outlet's names scans again.
"""

from __future__ import annotations

import pandas as pd
import pytest

from amplify.analyze.cites import find_cites
from amplify.analyze.paths import amplification_paths
from amplify.analyze.ties import orient_ties
from amplify.detect.incremental import detect_workspace
from amplify.workspace import Workspace
from amplify.analyze.cites_store import CitesStore, workspace_cites

MFA = "The United States must stop interfering in the internal affairs of Kazakhstan at once, Beijing says"


def _posts(prefix: str, day: str) -> pd.DataFrame:
    t = pd.Timestamp(day, tz="UTC")
    rows = [(f"{prefix}a", "mfa_china", t, MFA),
            (f"{prefix}b", "rusemb", t + pd.Timedelta(hours=1), "Embassy: " + MFA + " We agree."),
            (f"{prefix}c", "tass", t + pd.Timedelta(hours=2), "Chinese FM: the West should respect sovereignty"),
            (f"{prefix}d", "sputnik", t + pd.Timedelta(hours=3), "TASS: Chinese FM said the West should respect it"),
            (f"{prefix}e", "cgtn", t + pd.Timedelta(hours=4), "据中国外交部消息，美国必须停止干涉"),
            (f"{prefix}f", "tass", t + pd.Timedelta(hours=5), "Weather in Moscow: snow, and TASS reports it")]
    return pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])


OUTLETS = pd.DataFrame({"outlet": ["mfa_china", "rusemb", "tass", "sputnik", "cgtn"],
                        "group": ["CN", "RU", "RU", "RU", "CN"],
                        "name": ["Chinese Foreign Ministry", "Russian Embassy", "TASS", "Sputnik", "CGTN"],
                        "aliases": ["Chinese FM|中国外交部", None, "ТАСС", None, None]})


@pytest.fixture()
def ws(tmp_path):
    w = Workspace.open(tmp_path / "ws", create=True)
    with w.writer():
        w.add_posts(_posts("p", "2022-01-05"))
        w.set_outlets(OUTLETS)
        detect_workspace(w)
    return w


def _scan_count(monkeypatch):
    calls = []
    real = CitesStore._scan

    def counting(self, part, workers):
        calls.append(int(part["seq"]))
        return real(self, part, workers)

    monkeypatch.setattr(CitesStore, "_scan", counting)
    return calls


def test_stored_names_give_what_a_scan_gives(ws):
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    links, _ = orient_ties(ws.links(), posts, ws.outlets())
    want = find_cites(posts, ws.outlets(), links)
    assert len(want) >= 3 and set(want["cited_outlet"]) >= {"mfa_china", "tass"}
    got = workspace_cites(ws, ws.outlets(), links)
    pd.testing.assert_frame_equal(want.reset_index(drop=True), got, check_dtype=False)


def test_a_part_is_scanned_once_and_an_append_scans_only_the_new_part(ws, monkeypatch):
    calls = _scan_count(monkeypatch)
    workspace_cites(ws)
    workspace_cites(ws)
    assert calls == [1]
    with ws.writer():
        ws.add_posts(_posts("q", "2022-01-09"))
    workspace_cites(Workspace.open(ws.path))
    assert calls == [1, 2]
    assert set(workspace_cites(Workspace.open(ws.path))["post_id"]) >= {"qc", "qe"}


def test_changing_an_outlets_names_scans_again(ws, monkeypatch):
    calls = _scan_count(monkeypatch)
    before = workspace_cites(ws)
    assert "pd" not in set(before.loc[before["cited_outlet"] == "sputnik", "post_id"])
    with ws.writer():
        ws.set_outlets(pd.DataFrame({"outlet": ["sputnik"], "aliases": ["Weather in Moscow"]}))
    after = workspace_cites(Workspace.open(ws.path))
    assert calls == [1, 1]                        # the old names answer another table: scanned again
    assert "pf" in set(after.loc[after["cited_outlet"] == "sputnik", "post_id"])
    assert [d.name for d in (ws.path / "cites").iterdir()] == [CitesStore(Workspace.open(ws.path)).key]


def test_paths_read_the_stored_names_and_find_the_same_routes(ws, monkeypatch):
    posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    links, outlets = ws.links(), ws.outlets()
    scanned = amplification_paths(links, posts, outlets, source="mfa_china", target="RU")
    stored = amplification_paths(links, posts.drop(columns="text"), outlets, source="mfa_china", target="RU",
                                 texts=ws)
    assert "cites" in set(scanned.paths["via"])
    for a, b in ((scanned.paths, stored.paths), (scanned.hops, stored.hops)):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    calls = _scan_count(monkeypatch)           # stored now: the next query scans nothing
    amplification_paths(links, posts.drop(columns="text"), outlets, source="mfa_china", target="RU", texts=ws)
    assert calls == []


def test_the_report_reads_the_stored_names(ws, monkeypatch):
    from amplify.render.report import build_report

    import amplify.render.relations as relations

    build_report(ws, network_href=None)
    calls = _scan_count(monkeypatch)

    def no_scan(*a, **k):
        raise AssertionError("the report scanned the texts again")

    monkeypatch.setattr(relations, "find_cites", no_scan)
    page = build_report(ws, network_href=None)
    assert calls == [] and "Co-publications and citations" in page
    assert "mfa_china" in page[page.index("Co-publications and citations"):]


def test_a_read_only_workspace_still_answers(ws, monkeypatch):
    """Where the store cannot be written (a read-only copy of a workspace) the names are found and used."""
    import amplify.analyze.cites_store as store

    def refuse(*a, **k):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(store, "atomic_write_bytes", refuse)
    got = workspace_cites(ws)
    assert len(got) >= 3 and CitesStore(ws).scanned_parts() == []
