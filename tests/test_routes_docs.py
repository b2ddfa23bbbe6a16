"""The runnable examples of the route modules (issue #11) run and print what they claim, and each public
function says what it does; the analysis modules cite the method they follow."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["amplify.analyze.ties", "amplify.analyze.cites", "amplify.analyze.relays", "amplify.analyze.coverage",
           "amplify.analyze.outlet_kinds", "amplify.render.relations", "amplify.cli.route_options", "amplify.graph",
           "amplify.analyze.paths", "amplify.analyze.volume"]
WITH_REFERENCES = {"ties", "cites", "relays", "coverage", "paths", "volume"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0 and res.attempted > 0, f"{res.failed} of {res.attempted} examples failed in {name}"


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_are_documented(name):
    mod = importlib.import_module(name)
    if name.rsplit(".", 1)[1] in WITH_REFERENCES:
        assert "References" in (mod.__doc__ or "")
    for fn in mod.__all__:
        obj = getattr(mod, fn)
        if callable(obj) and not isinstance(obj, type) and fn[0].islower() and not fn.endswith("_option") \
                and fn != "utc":
            assert obj.__doc__ and len(obj.__doc__) > 60, f"{name}.{fn} lacks documentation"
