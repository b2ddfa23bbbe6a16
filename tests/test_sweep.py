"""benchmarks/sweep.py: each setting is swept over its values, around the defaults or the precise profile."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from amplify.detect import DetectSettings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import sweep  # noqa: E402


@pytest.fixture
def recorded(monkeypatch):
    """The settings each sweep row was computed with (no data read: the figures are stubbed)."""
    seen, read = [], []

    def figures(settings, verdicts, posts):
        seen.append(settings)
        return {"precision": 0.5, "recall": 0.5, "judged_links": 1, "unjudged": 0, "republications": "0/0"}

    monkeypatch.setattr(sweep, "judged_figures", figures)
    monkeypatch.setattr(sweep.judged, "read_verdicts", lambda paths: read.append(paths))
    monkeypatch.setattr(sweep.judged, "LOADERS", {"uci": lambda: "posts"})
    monkeypatch.setattr(sweep.judged, "_find_shared_data", lambda: None)
    return seen, read


@pytest.mark.parametrize("name", ["bare_fact_posts", "restated"])
def test_a_rule_is_swept_over_its_values_as_a_setting(recorded, capsys, name):
    seen, read = recorded
    sweep.main(["--only", name])
    default = getattr(DetectSettings(), name)
    assert [getattr(s, name) for s in seen] == sorted(set(sweep.GRID[name]) | {default})
    # only the setting moves
    assert all(s == DetectSettings(**{name: getattr(s, name)}) for s in seen)
    rows = [r for r in capsys.readouterr().out.splitlines()[1:] if r.strip()]
    assert [r.split()[1].endswith("*") for r in rows].count(True) == 1
    assert read == [[sweep.judged.VERDICTS]]


def test_precise_moves_each_setting_around_the_precise_profile(recorded, capsys):
    seen, read = recorded
    sweep.main(["--precise", "--only", "bare_fact_posts"])
    precise = DetectSettings.precise()
    assert seen and all(s == DetectSettings.precise(bare_fact_posts=s.bare_fact_posts) for s in seen)
    marked = [r for r in capsys.readouterr().out.splitlines()[1:] if r.split() and r.split()[1].endswith("*")]
    assert len(marked) == 1 and marked[0].split()[1] == f"{precise.bare_fact_posts}*"
    # its links read apart count for it
    assert read == [[sweep.judged.VERDICTS, sweep.judged.PRECISE_VERDICTS]]
