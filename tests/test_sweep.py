"""benchmarks/sweep.py: rule constants are swept on every value and always put back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from amplify.detect import classify

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import sweep  # noqa: E402


def _args():
    return argparse.Namespace(generated=False, posts=0)


def test_a_rule_constant_is_swept_over_its_values_and_restored(monkeypatch, capsys):
    constant, values = sweep.RULES["bare_fact_posts"]
    default = getattr(classify, constant)
    seen = []

    def figures(settings, verdicts, posts):
        seen.append(getattr(classify, constant))
        return {"precision": 0.5, "recall": 0.5, "judged_links": 1, "unjudged": 0, "republications": "0/0"}

    monkeypatch.setattr(sweep, "judged_figures", figures)
    sweep._sweep_rule("bare_fact_posts", None, {}, _args())
    assert seen == sorted(set(values) | {default})
    assert getattr(classify, constant) == default
    # the default's row is marked
    rows = [r for r in capsys.readouterr().out.splitlines() if r.strip()]
    assert sum(r.split()[1].endswith("*") for r in rows) == 1


def test_a_failing_run_still_restores_the_constant(monkeypatch):
    constant, _ = sweep.RULES["restated"]
    default = getattr(classify, constant)

    def figures(settings, verdicts, posts):
        raise RuntimeError("data went away")

    monkeypatch.setattr(sweep, "judged_figures", figures)
    with pytest.raises(RuntimeError):
        sweep._sweep_rule("restated", None, {}, _args())
    assert getattr(classify, constant) == default
