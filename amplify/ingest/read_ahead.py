"""Reading the next blocks of a file while the last one is stored: ingest on two cores.

:class:`~amplify.ingest.block_reading.BlockReading` reads, parses and checks
each block; :func:`amplify.workspace.append.ingest_files` compares it with the
workspace and writes it as a Parquet part. The two took about as long as each
other, one after the other, on one core. :class:`ReadAhead` runs the reading in
a background thread, at most ``depth`` blocks ahead of the storing, so that
while block k is written block k+1 is parsed. Threads suffice because most of
either side runs without the interpreter lock (pyarrow's Parquet writing and
compute kernels, the compiled scans of :mod:`~amplify.ingest.csv_fast`,
:mod:`~amplify.ingest.oversize` and :mod:`~amplify.ingest.seen_ids`), and
they share the reading's state (ids seen, row numbers, reports) without
copying it between processes.

Every block still goes through the same steps in file order -- the reading is
one generator consumed in one thread -- so the result is the serial one:
only *when* a step runs changes. An error in the reading (a bad file,
:class:`~amplify.ingest.chunked.ReadWhole`) is raised in the storing thread
at the block where it happened, after the blocks before it were handed on,
as the serial reading raises it.
"""

from __future__ import annotations

import queue
import threading

__all__ = ["DEFAULT_WORKERS", "ReadAhead"]

#: Threads of a block-wise ingest by default: the reading, and the storing (1: one after the other).
DEFAULT_WORKERS = 2

_ITEM, _DONE, _ERROR = 0, 1, 2


class ReadAhead:
    """The items of ``gen``, made in a background thread at most ``depth`` items ahead of their use.

    Iterate it like ``gen``; :meth:`close` (also when the consumer stops early or
    fails) stops the thread at its next item, closes ``gen`` there (its
    ``finally`` clauses run: temporary files go) and waits for it.

    Examples
    --------
    >>> ahead = ReadAhead(iter(range(5)))
    >>> list(ahead)
    [0, 1, 2, 3, 4]
    >>> ahead.close()
    """

    def __init__(self, gen, depth: int = 1, name: str = "amplify-read-ahead"):
        self._gen = gen
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _put(self, msg) -> bool:
        """Hand ``msg`` on, waiting for room; False when told to stop meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(msg, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in self._gen:
                if not self._put((_ITEM, item)):
                    return
                del item   # the consumer holds it now: do not keep it alive here for a block longer
            self._put((_DONE, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            self._put((_ERROR, exc))
        finally:
            close = getattr(self._gen, "close", None)
            if close is not None:
                close()   # in this thread, which ran the generator (a generator is closed where it runs)

    def __iter__(self):
        while not self._finished:
            kind, value = self._queue.get()
            if kind == _ITEM:
                yield value
                del value
            elif kind == _DONE:
                self._finished = True
            else:
                self._finished = True
                raise value

    def close(self) -> None:
        """Stop the reading thread (at its next item) and wait until it has cleaned up."""
        self._stop.set()
        while self._thread.is_alive():
            try:   # free room, so that a thread waiting to hand on an item sees the stop
                self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)
        self._finished = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
