"""Where numba keeps amplify's compiled code: its usual places, else a temporary folder, else nowhere.

amplify's kernels are compiled by numba with ``cache=True``, so that later
runs load them instead of compiling again. Numba looks for a writable folder
-- ``$NUMBA_CACHE_DIR``, the ``__pycache__`` beside each module, then the
user's cache folder (``~/.cache/numba``) -- and when it finds none it raises
at import: a package installed read-only for all users, run by an account
whose home is not writable (a container, a shared server), could not run a
single command. :func:`configure` runs once, from ``amplify/__init__.py``,
before numba is imported, and settles it:

1. ``NUMBA_CACHE_DIR`` set and writable: kept;
2. numba's own places writable: nothing to do;
3. else a folder in the system's temporary directory
   (``amplify-numba-<user id>``): ``NUMBA_CACHE_DIR`` points there;
4. else no cache at all: each run compiles again (slower to start, same
   results).

In cases 3 and 4 one line on standard error says so (set ``NUMBA_CACHE_DIR``
to a writable folder to choose the place).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

__all__ = ["configure", "writable", "PACKAGES_WITH_KERNELS", "STATE", "cold_packages", "COMPILING_NOTE"]

#: What a command says before it compiles the kernels (so the first minute is not silent).
COMPILING_NOTE = ("first run on this machine: compiling amplify's kernels with numba (about a minute, once; later "
                  "runs load them in seconds)")

#: The packages of amplify whose modules hold compiled kernels (numba caches beside each module).
PACKAGES_WITH_KERNELS = ("text", "ingest", "detect", "analyze")

#: What :func:`configure` decided: ``{"where": "numba" | "user" | "temporary" | "none", "folder": ...}``.
STATE: dict = {}


def writable(folder: Path) -> bool:
    """Can files be created in ``folder`` (made if missing)? As numba tries it: make it, create a file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
        return True
    except OSError:
        return False


def _user_cache() -> Path:
    """Numba's user-wide cache folder (``appdirs``' rule, without importing numba)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "numba"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "numba" / "numba" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")) / "numba"


def _numba_places_work(package: Path) -> bool:
    in_tree = all(writable(package / sub / "__pycache__") for sub in PACKAGES_WITH_KERNELS)
    if in_tree:
        return True
    try:
        return writable(_user_cache())
    except RuntimeError:  # no home folder at all
        return False


def _no_cache() -> None:
    """Turn numba's ``cache=True`` off (its dispatcher then keeps compiled code in memory only)."""
    try:
        from numba.core import dispatcher
    except ImportError:  # pragma: no cover - numba missing: the import error will say so
        return
    dispatcher.Dispatcher.enable_caching = lambda self: None


def _say(message: str) -> None:
    try:
        sys.stderr.write(f"amplify: note: {message}\n")
    except (OSError, ValueError):  # no usable stderr: the note is only a note
        pass


def configure(package: Path | None = None) -> dict:
    """Settle numba's cache folder once (see the module's docstring); returns :data:`STATE`."""
    if STATE:
        return STATE
    package = package or Path(__file__).resolve().parent
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given and writable(Path(given)):
        STATE.update(where="given", folder=given)
        return STATE
    if not given and _numba_places_work(package):
        STATE.update(where="numba", folder=None)
        return STATE
    uid = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    temp = Path(tempfile.gettempdir()) / f"amplify-numba-{uid}"
    why = (f"NUMBA_CACHE_DIR ({given}) is not writable" if given
           else "numba's cache folders (beside amplify's modules, and in your home) are not writable")
    if writable(temp):
        os.environ["NUMBA_CACHE_DIR"] = str(temp)
        if "numba" in sys.modules:  # numba already imported: tell its configuration too
            from numba.core import config
            config.CACHE_DIR = str(temp)
        STATE.update(where="temporary", folder=str(temp))
        _say(f"{why}; compiled code is cached in {temp} (set NUMBA_CACHE_DIR to choose the folder)")
        return STATE
    os.environ.pop("NUMBA_CACHE_DIR", None)
    _no_cache()
    STATE.update(where="none", folder=None)
    _say(f"{why}, nor is the temporary folder {temp.parent}; compiled code is not cached: each run compiles "
         f"again (slower to start, same results). Set NUMBA_CACHE_DIR to a writable folder to cache it")
    return STATE


def cold_packages(package: Path | None = None) -> list[str]:
    """The packages of :data:`PACKAGES_WITH_KERNELS` with no compiled kernel cached yet (all of them on a first run).

    Looks where :func:`configure` told numba to cache: beside the modules
    (``__pycache__/*.nbi``), or under ``NUMBA_CACHE_DIR`` / numba's user folder,
    where numba mirrors the package's path. With no cache at all every run
    compiles, so every package is cold.

    >>> isinstance(cold_packages(), list)
    True
    """
    package = package or Path(__file__).resolve().parent
    state = configure(package)
    if state.get("where") == "none":
        return list(PACKAGES_WITH_KERNELS)
    given = os.environ.get("NUMBA_CACHE_DIR")
    cold = []
    for sub in PACKAGES_WITH_KERNELS:
        folder = package / sub
        if given:  # numba caches only there: <NUMBA_CACHE_DIR>/<folder name>_<sha1 of the folder's path>
            places = [Path(given) / _numba_subpath(folder)]
        else:  # beside the module when it can write there, else numba's user folder
            places = [folder / "__pycache__"]
            try:
                places.append(_user_cache() / _numba_subpath(folder))
            except RuntimeError:  # no home folder
                pass
        if not any(any(p.glob("*.nbi")) for p in places if p.is_dir()):
            cold.append(sub)
    return cold


def _numba_subpath(folder: Path) -> str:
    """The folder numba caches a module of ``folder`` in, under a cache root (numba's own rule)."""
    path = os.path.abspath(folder)
    return f"{os.path.basename(path)}_{hashlib.sha1(path.encode()).hexdigest()}"
