"""Writing pages and files: the page templates, and atomic files a user can read.

* :func:`template_env` -- the Jinja environment over ``templates/``, with
  autoescape on, so a template can only put data text into a page escaped;
* :func:`write_text` -- a page written atomically (temporary file beside it,
  then rename: a reader never sees half a page);
* :func:`user_permissions` -- deprecated: :func:`amplify.io.atomic_output`
  gives every new output the permissions of any file the user writes
  (``0o666`` minus the umask) itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from amplify.io import atomic_output

__all__ = ["template_env", "write_text", "user_permissions", "TEMPLATES"]

#: The folder of the page templates.
TEMPLATES = Path(__file__).with_name("templates")


def template_env():
    """The Jinja environment of the page templates (autoescaped, trimmed blocks)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)


def user_permissions(fh) -> None:
    """Give an open output file the permissions of any file the user writes (``mkstemp`` makes it owner-only).

    Deprecated: :func:`amplify.io.atomic_output` does this for the new files it
    makes, and nothing it writes in place (``/dev/stdout``, a pipe, a device)
    should have its permissions changed. Kept for scripts that call it.
    """
    import warnings

    warnings.warn("amplify.render.output.user_permissions is deprecated: atomic_output sets the permissions "
                  "of the files it makes", DeprecationWarning, stacklevel=2)
    try:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fh.fileno(), 0o666 & ~mask)
    except (AttributeError, OSError):  # pragma: no cover - platforms without fchmod
        pass


def write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file beside it, then rename); returns the path."""
    with atomic_output(path, "w") as fh:
        fh.write(text)
    return Path(path)
