"""Progress reporting: one bar over a pipeline's stages, on stderr (tqdm)."""

from __future__ import annotations

import sys
import time

from tqdm.auto import tqdm

__all__ = ["Stages", "bar"]


def bar(iterable=None, *, total=None, desc="", enabled=True, unit="it"):
    """A tqdm bar on stderr, or a silent pass-through when not ``enabled``."""
    return tqdm(iterable, total=total, desc=desc, disable=not enabled, unit=unit,
                file=sys.stderr, dynamic_ncols=True, leave=False)


class Stages:
    """Shows which stage of a pipeline runs, with its size, and the elapsed time.

    Parameters
    ----------
    names : sequence of str
        The stages, in the order they run.
    enabled : bool
        Draw the bar (else every call does nothing visible).
    """

    def __init__(self, names, enabled=True):
        self.names = list(names)
        self.enabled = enabled
        self._bar = bar(total=len(self.names), desc="", enabled=enabled, unit="stage")
        self._t0 = time.perf_counter()
        self._started = 0

    def start(self, name: str, detail: str = "") -> None:
        """Stage ``name`` begins (the previous one, if any, is done); ``detail`` says how big it is."""
        if self._started:
            self._bar.update(1)
        self._started += 1
        self._bar.set_description(f"{name} ({detail})" if detail else name)

    def close(self) -> None:
        """The last stage is done: remove the bar."""
        if self._started:
            self._bar.update(1)
        self._bar.close()
