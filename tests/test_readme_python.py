"""The README's Python section and the walk-through notebook run as written.

The README's code follows its first command (``amplify demo --out demo-out``):
here a smaller generated corpus is written where the demo puts its corpus, and
every ``python`` block of the section runs, in order, in one namespace, from
that folder. The notebook's code cells run the same way (in-process, without
a Jupyter kernel: ``IPython.display.HTML`` is stood in for when IPython is not
installed, and what the cells display is checked).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import types
from pathlib import Path

import pytest

from amplify.synth import generate, write_corpus

REPO = Path(__file__).resolve().parents[1]


def _python_blocks(section: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end if end > 0 else None], re.S)


def test_readme_python_section_runs_as_written(tmp_path, monkeypatch, capsys):
    blocks = _python_blocks("Python API")
    assert len(blocks) >= 2
    write_corpus(generate(n_posts=800, seed=0), tmp_path / "demo-out" / "corpus")
    monkeypatch.chdir(tmp_path)
    ns: dict = {"__name__": "__readme__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), ns)
    out = capsys.readouterr().out
    assert "link set" in out and "full run" in out
    assert len(ns["links"]) > 0 and ns["g"].number_of_edges() > 0  # ws.links() after detection: stored links
    assert "<mark" in ns["fragment"]
    assert {"source", "target", "significant"} <= set(ns["report"].pairs.columns)


class _HTML:
    """What ``IPython.display.HTML`` is for these tests: it keeps the markup."""

    def __init__(self, data):
        self.data = data

    def _repr_html_(self):
        return self.data


@pytest.fixture
def ipython_display(monkeypatch):
    try:
        from IPython.display import HTML  # noqa: F401  - the real one when installed
    except ImportError:
        ipy = types.ModuleType("IPython")
        disp = types.ModuleType("IPython.display")
        disp.HTML = _HTML
        ipy.display = disp
        monkeypatch.setitem(sys.modules, "IPython", ipy)
        monkeypatch.setitem(sys.modules, "IPython.display", disp)


def test_walkthrough_notebook_runs(ipython_display, tmp_path, monkeypatch):
    # the notebook makes its own folder with tempfile.mkdtemp (a reader keeps it to look at);
    # here it goes under pytest's tmp_path, so a test run leaves nothing in /tmp
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    nb = json.loads((REPO / "examples" / "walkthrough.ipynb").read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4 and nb["cells"]
    ns: dict = {"__name__": "__notebook__"}
    shown = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert not cell["outputs"], "the notebook is stored without outputs"
        src = "".join(cell["source"])
        # like Jupyter: run the cell, and keep the value of its last line (what the notebook shows)
        *body, last = src.rstrip().split("\n")
        exec(compile("\n".join(body), f"notebook cell {i}", "exec"), ns)
        shown.append(eval(compile(last, f"notebook cell {i}", "eval"), ns))
    html = [s._repr_html_() for s in shown if hasattr(s, "_repr_html_")]
    assert any("<mark" in h and "amp-explain" in h for h in html)  # the link, passages marked
    assert any(h.startswith("<iframe") and "sandbox=" in h for h in html)  # the network page inline
    assert len(shown[-2]) > 0  # the synergy table has rows
