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

import pkgutil  # noqa: E402

import lazy_loader  # noqa: E402

# imported on first use (lazy_loader): `amplify --help`, `amplify info` and the other commands that
# need no detection start without loading numba and the detector. Every submodule is an attribute,
# as when `import amplify` loaded them all (`amplify.text`, `amplify.render` ...).
__getattr__, _lazy_dir, _ = lazy_loader.attach(__name__, submodules=[m.name for m in pkgutil.iter_modules(__path__)],
                                               submod_attrs={"detect": ["DetectSettings"]})
__all__ = ["__version__", "schema", "detect", "DetectSettings"]


def __dir__():
    return sorted(set(globals()) | set(_lazy_dir()))
