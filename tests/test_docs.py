"""Every docstring example in the package runs and says what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import amplify

# the analysis modules have their own docs test (tests/test_analyze_docs.py)
def _has_examples(name):
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    return any(t.examples for t in tests)


MODULES = sorted(m.name for m in pkgutil.walk_packages(amplify.__path__, "amplify.")
                 if not m.name.startswith("amplify.analyze") and _has_examples(m.name))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0
    assert res.failed == 0, f"{res.failed} failing example(s) in {name}"
