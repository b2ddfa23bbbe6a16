"""The house rules of the code, checked on the source itself (docs/architecture.md, "Layers").

* Imports run one way: a stage imports only from itself and the stages before it.
* The module-level import graph has no cycle (no bottom-of-file imports to dodge one).
* No module imports another module's private (``_underscore``) names.

Each rule is read from the code with :mod:`ast`, so a violation names the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "amplify"

#: Rank of each top-level part of the package: a module may import from its own rank or lower.
LAYER = {
    "schema": 0, "utc": 0, "io": 0, "progress": 0, "text": 0, "jit_cache": 0,
    "ingest": 1, "synth": 1,
    "workspace": 2,
    "detect": 3,
    "graph": 4,
    "analyze": 5,
    "render": 6,
    "cli": 7,
    "__init__": 8,
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _part(module: str) -> str:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else "__init__"


def _imports(module: str, path: Path, top_level_only: bool):
    """(imported module, imported names, line) of each ``amplify`` import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "amplify" or target.startswith("amplify."):
                names = [a.name for a in node.names]
                # `from amplify.x import y` may name a submodule y
                sub = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
                yield (sub[0] if sub and len(sub) == len(names) else target), names, node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "amplify" or a.name.startswith("amplify."):
                    yield a.name, [], node.lineno


def test_stages_import_only_earlier_stages():
    wrong = []
    for module, path in MODULES.items():
        rank = LAYER[_part(module)]
        for target, _, line in _imports(module, path, top_level_only=False):
            if target == "amplify":
                continue
            if LAYER[_part(target)] > rank:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "imports that run back up the stages:\n" + "\n".join(wrong)


def test_module_imports_have_no_cycle():
    g = nx.DiGraph()
    for module, path in MODULES.items():
        g.add_node(module)
        for target, _, _ in _imports(module, path, top_level_only=True):
            if target in MODULES and target != module:
                g.add_edge(module, target)
    # A package __init__ imports its submodules and a submodule may import a sibling through the
    # package: only cycles that pass through at least two non-__init__ modules are real.
    cycles = [c for c in nx.simple_cycles(g) if sum(1 for m in c if MODULES[m].name != "__init__.py") >= 2]
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_no_private_names_cross_modules():
    wrong = []
    for module, path in MODULES.items():
        for target, names, line in _imports(module, path, top_level_only=False):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and target != module:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {private} from {target}")
    assert not wrong, "private names imported across modules:\n" + "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    """No module over about 600 lines (docs/architecture.md): a longer one holds more than one concept."""
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 650, f"{MODULES[module]} has {lines} lines: split it by concept"


def test_the_command_line_starts_without_the_detector_or_networkx():
    # `amplify --help` and `amplify info` took 1.2 s, most of it loading numba's kernels and networkx that
    # they never use; the packages re-export on first use (docs/architecture.md, "Layers")
    import subprocess
    import sys

    code = ("import sys, amplify.cli; print(sorted(m for m in ('numba', 'networkx', 'amplify.detect.pipeline', "
            "'amplify.analyze', 'amplify.render.network') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("package", ["amplify", "amplify.detect", "amplify.render"])
def test_every_name_a_package_re_exports_on_first_use_resolves(package):
    import importlib

    import pkgutil
    import subprocess
    import sys

    # in a fresh interpreter: dir() lists every name and submodule before any is loaded (help(),
    # inspect.getmembers and completion read it), and a submodule is an attribute, as when the
    # package imported everything
    code = (f"import {package} as m, pkgutil; names = set(dir(m)); "
            "print(sorted((set(m.__all__) | {x.name for x in pkgutil.iter_modules(m.__path__)}) - names))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr
    mod = importlib.import_module(package)
    missing = [n for n in mod.__all__ if getattr(mod, n, None) is None]
    subs = [m.name for m in pkgutil.iter_modules(mod.__path__)]
    assert not missing and all(getattr(mod, n).__name__ == f"{package}.{n}" for n in subs)
