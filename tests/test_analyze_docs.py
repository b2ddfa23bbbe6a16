"""The runnable examples in the analysis modules' docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["amplify.analyze", "amplify.analyze.synergy", "amplify.analyze.bridging", "amplify.analyze.paths",
           "amplify.analyze.trace", "amplify.analyze.volume", "amplify.analyze.summary"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0, f"{res.failed} of {res.attempted} examples failed in {name}"
    if name != "amplify.analyze":
        assert res.attempted > 0, f"{name} has no examples"


@pytest.mark.parametrize("name", MODULES[1:])
def test_public_functions_document_references_and_examples(name):
    mod = importlib.import_module(name)
    assert "References" in (mod.__doc__ or "") or name.endswith("summary")
    for fn in mod.__all__:
        obj = getattr(mod, fn)
        if callable(obj) and not isinstance(obj, type) and fn[0].islower():
            assert obj.__doc__ and len(obj.__doc__) > 80, f"{name}.{fn} lacks documentation"
