"""Analyses over detected links: synergy, bridging, paths, trace, volume, summary.

Each analysis is a plain function over the canonical tables (``links``,
``posts``, ``outlets``; see :mod:`amplify.schema`) with keyword options, and
returns DataFrames (or a small dataclass of DataFrames):

===================================================  ===========================================================
:func:`~amplify.analyze.synergy.camp_synergy`        do two camps echo each other more than chance?
:func:`~amplify.analyze.bridging.bridges`            who carries one camp's content into another?
:func:`~amplify.analyze.paths.amplification_paths`   how did content travel from X to Y, hop by hop?
:func:`~amplify.analyze.trace.trace_post`            where did this post's text first appear, and where did it go?
:func:`~amplify.analyze.trace.trace_text`            the same for a free text
:func:`~amplify.analyze.explain.explain_link`        one link with both texts whole and its passages
:func:`~amplify.analyze.volume.term_volume`          how often does a set of outlets mention a term?
:func:`~amplify.analyze.volume.compare_volume`       this term this week against that term last month
:func:`~amplify.analyze.summary.summarize`           the headline numbers of a corpus
:func:`~amplify.analyze.coordination.coordination`   who posts the same content within seconds, again and again?
===================================================  ===========================================================

The command line (:mod:`amplify.cli.analyze_cmds`) has one command per
question: ``synergy``, ``bridges``, ``paths``, ``trace``, ``volume`` and
``summary``, each with ``--workspace WS`` and ``--format table|json|csv``.

One module per concept:

* the analyses: :mod:`~amplify.analyze.synergy` (with its null models in
  :mod:`~amplify.analyze.nulls` and its report in
  :mod:`~amplify.analyze.synergy_report`), :mod:`~amplify.analyze.bridging`,
  :mod:`~amplify.analyze.paths`, :mod:`~amplify.analyze.trace`,
  :mod:`~amplify.analyze.volume`, :mod:`~amplify.analyze.summary`;
* the graph measures, networkx-style (a function over a graph, and its array
  form): :mod:`~amplify.analyze.betweenness`,
  :mod:`~amplify.analyze.brokerage`, :mod:`~amplify.analyze.participation`,
  :mod:`~amplify.analyze.structural_holes`, on the arrays of
  :mod:`~amplify.analyze.csr`;
* the shared machinery: :class:`~amplify.analyze.frame.Frame` (the tables as
  integer-coded arrays, built once per analysis) and
  :func:`~amplify.analyze.frame.resolve` (an outlet or camp name),
  :func:`~amplify.analyze.tables.load` and
  :func:`~amplify.analyze.tables.post_texts` (reading a workspace),
  :func:`~amplify.analyze.text_families.families` (the posts that carry one text),
  and :class:`~amplify.analyze.errors.AnalysisError`, what every analysis
  raises on a user error.

This package only re-exports those names.

Examples
--------
>>> from amplify.analyze import bridges, camp_synergy
>>> camp_synergy.__module__, bridges.__module__
('amplify.analyze.synergy', 'amplify.analyze.bridging')
"""

from __future__ import annotations

from amplify.analyze.betweenness import weighted_betweenness
from amplify.analyze.bridging import bridges
from amplify.analyze.brokerage import brokerage_roles
from amplify.analyze.errors import AnalysisError
from amplify.analyze.frame import Frame, resolve
from amplify.analyze.participation import participation_coefficient
from amplify.analyze.paths import amplification_paths
from amplify.analyze.structural_holes import burt_constraint
from amplify.analyze.summary import summarize
from amplify.analyze.synergy import camp_synergy
from amplify.analyze.synergy_report import SynergyReport
from amplify.analyze.tables import load, matched_text, post_texts
from amplify.analyze.text_families import families
from amplify.analyze.trace import find_text, trace_post, trace_text
from amplify.analyze.explain import explain_link, explain_pair
from amplify.analyze.volume import compare_volume, mentions, surges, term_volume
# ``to_ns`` here has always been the scalar form (one time -> int); amplify.utc.to_ns is the column form.
from amplify.analyze.centrality import node_measure, pagerank
from amplify.analyze.coordination import coordination
from amplify.analyze.communities import louvain_partition
from amplify.utc import from_ns
from amplify.utc import timestamp_ns as to_ns

__all__ = [
    "Frame",
    "load",
    "resolve",
    "families",
    "post_texts",
    "matched_text",
    "AnalysisError",
    # the analyses
    "camp_synergy",
    "SynergyReport",
    "bridges",
    "amplification_paths",
    "trace_post",
    "trace_text",
    "explain_link",
    "explain_pair",
    "find_text",
    "term_volume",
    "compare_volume",
    "surges",
    "mentions",
    "summarize",
    "coordination",
    # the graph measures
    "brokerage_roles",
    "participation_coefficient",
    "burt_constraint",
    "weighted_betweenness",
    "pagerank",
    "node_measure",
    "louvain_partition",
]
