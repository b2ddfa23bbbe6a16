"""Echo detection: find each later post that quotes, copies or paraphrases an earlier one.

:func:`detect` runs four stages over the canonical posts table:

1. **tokenise** (:mod:`amplify.text`, :mod:`amplify.detect.shingles`): NFKC,
   lower-case, URLs and @handles removed, words (characters for
   Chinese/Japanese/Thai), stable hashes, and the shingles posts share;
2. **block** (:mod:`amplify.detect.candidates`): shared rare n-gram shingles
   inside the time window; never all pairs;
3. **verify** (:mod:`amplify.detect.verify`, :mod:`amplify.detect.classify`):
   align, measure (rapidfuzz's word-level ``fuzz.ratio``, computed in the
   compiled loop, :mod:`amplify.detect.similarity`), classify into
   ``verbatim`` / ``quote`` / ``paraphrase``;
4. **orient** (:mod:`amplify.detect.parents`): earlier -> later, ties flagged,
   attribution noted (:mod:`amplify.detect.attribution`), one parent per target.

Platform-native relations (``reposted_id``, ``quoted_id``) become ``repost``
and ``quote_post`` links as they are, without text matching
(:mod:`amplify.detect.native`). :mod:`amplify.detect.pipeline` holds the
steps; :mod:`amplify.detect.incremental` runs them over a workspace, matching
only what is new.

Call it as ``amplify.detect.detect(posts, outlets, window="3D")`` or
``from amplify.detect import detect, DetectSettings``. Calling the package
itself, ``amplify.detect(posts, ...)``, still works for old scripts but is
deprecated.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import warnings

from amplify.detect.settings import DetectSettings, SettingsError

__all__ = ["detect", "DetectSettings", "DetectStats", "SettingsError"]


_SUBMODULES = frozenset(m.name for m in pkgutil.iter_modules(__path__))


def __getattr__(name):
    # the detector and its numba kernels load on first use: a command that only reads settings
    # (`amplify --help`, `amplify info`) starts without them; so do the submodules
    if name in ("detect", "DetectStats"):
        from amplify.detect import pipeline

        globals()[name] = value = getattr(pipeline, name)
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"detect", "DetectStats"} | _SUBMODULES)


class _CallablePackage(types.ModuleType):
    """This package, callable as ``amplify.detect(...)`` was when it was bound
    to the function (scripts written for the README did that): deprecated."""

    def __call__(self, *args, **kwargs):
        warnings.warn("calling the package amplify.detect is deprecated: call amplify.detect.detect(...) "
                      "(or `from amplify.detect import detect`)", DeprecationWarning, stacklevel=2)
        from amplify.detect.pipeline import detect

        return detect(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
