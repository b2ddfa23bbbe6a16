"""amplify: find cross-source amplification.

One outlet quoting, copying or closely paraphrasing another becomes a *link*;
links become graphs; graphs answer who amplifies whom, how fast and through
which bridges. Data flows one way::

    ingest -> detect -> graph -> analyze -> render / query

The public API is re-exported here.
"""

__version__ = "0.1.0"

from amplify import schema  # noqa: E402

__all__ = ["__version__", "schema"]

from amplify.detect import DetectSettings, detect  # noqa: E402

__all__ += ["detect", "DetectSettings"]
