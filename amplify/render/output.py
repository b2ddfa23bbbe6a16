"""Writing pages and files: the page templates, and atomic files a user can read.

* :func:`template_env` -- the Jinja environment over ``templates/``, with
  autoescape on, so a template can only put data text into a page escaped;
* :func:`write_text` -- a page written atomically (temporary file beside it,
  then rename: a reader never sees half a page);
* :func:`user_permissions` -- the temporary file ``mkstemp`` makes is
  owner-only; an output should have the permissions of any file the user
  writes (``0o666`` minus the umask).
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

    A pipe or a device written to in place (see :func:`amplify.io.atomic_output`) keeps its own."""
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
        user_permissions(fh)
        fh.write(text)
    return Path(path)
