"""The runnable examples in the analysis modules' docstrings run and print what they claim,
and the public names keep the import paths scripts use."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["amplify.analyze", "amplify.analyze.synergy", "amplify.analyze.nulls", "amplify.analyze.synergy_report",
           "amplify.analyze.bridging", "amplify.analyze.betweenness", "amplify.analyze.brokerage",
           "amplify.analyze.participation", "amplify.analyze.structural_holes", "amplify.analyze.csr",
           "amplify.analyze.paths", "amplify.analyze.trace", "amplify.analyze.volume", "amplify.analyze.summary",
           "amplify.analyze.frame", "amplify.analyze.tables", "amplify.analyze.text_families",
           "amplify.analyze.errors", "amplify.analyze.centrality", "amplify.analyze.communities",
           "amplify.analyze.explain", "amplify.analyze.volume_source"]

#: Modules with no method to cite: the summary and the shared machinery.
WITHOUT_REFERENCES = {"summary", "frame", "tables", "errors", "explain", "volume_source"}


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
    assert "References" in (mod.__doc__ or "") or name.rsplit(".", 1)[1] in WITHOUT_REFERENCES
    for fn in mod.__all__:
        obj = getattr(mod, fn)
        if callable(obj) and not isinstance(obj, type) and fn[0].islower():
            assert obj.__doc__ and len(obj.__doc__) > 80, f"{name}.{fn} lacks documentation"


#: Names importable from these modules before the measures, nulls and frame moved to their own modules.
OLD_PATHS = {
    "amplify.analyze": ["Frame", "load", "resolve", "families", "post_texts", "matched_text", "AnalysisError",
                        "camp_synergy", "SynergyReport", "bridges", "brokerage_roles", "participation_coefficient",
                        "burt_constraint", "weighted_betweenness", "amplification_paths", "trace_post",
                        "trace_text", "find_text", "term_volume", "compare_volume", "surges", "mentions",
                        "summarize", "to_ns", "from_ns"],
    "amplify.analyze.bridging": ["bridges", "BridgeReport", "ROLES", "brokerage_roles", "weighted_betweenness",
                                 "participation_coefficient", "burt_constraint"],
    "amplify.analyze.synergy": ["camp_synergy", "SynergyReport", "label_permutation_null", "time_shift_null",
                                "poisson_interval", "to_seconds"],
}


@pytest.mark.parametrize("name", sorted(OLD_PATHS))
def test_public_names_keep_their_import_paths(name):
    mod = importlib.import_module(name)
    missing = [n for n in OLD_PATHS[name] if not hasattr(mod, n)]
    assert not missing, f"{name} lost {missing}"


def test_analyze_to_ns_stays_the_scalar_form():
    """amplify.analyze.to_ns has always read one time (amplify.utc.to_ns reads a column)."""
    import pandas as pd

    from amplify.analyze import from_ns, to_ns

    assert to_ns("2022-01-05T01:00:00+01:00") == to_ns(pd.Timestamp("2022-01-05")) == 1641340800000000000
    assert from_ns(1641340800000000000) == pd.Timestamp("2022-01-05", tz="UTC")
