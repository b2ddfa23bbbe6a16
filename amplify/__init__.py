"""amplify: find cross-source amplification.

One outlet quoting, copying or closely paraphrasing another becomes a *link*;
links become graphs; graphs answer who amplifies whom, how fast and through
which bridges. Data flows one way::

    ingest -> detect -> graph -> analyze -> render / query

The public API is re-exported here: :mod:`amplify.schema`, the package
:mod:`amplify.detect` (whose function is ``amplify.detect.detect``) and
:class:`~amplify.detect.DetectSettings`.
"""

__version__ = "0.1.0"

from amplify import jit_cache  # noqa: E402  (first: numba's cache folder is settled before numba loads)

jit_cache.configure()

from amplify import detect, schema  # noqa: E402
from amplify.detect import DetectSettings  # noqa: E402

__all__ = ["__version__", "schema", "detect", "DetectSettings"]
