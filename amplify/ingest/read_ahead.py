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

    Iterate it like ``gen``. The thread asks ``gen`` for the next item only when
    fewer than ``depth`` items are made and not yet taken, so at most ``depth``
    blocks are held beyond the serial reading's. :meth:`close` (also when the
    consumer stops early or fails) stops the thread at its next item, closes
    ``gen`` there (its ``finally`` clauses run: temporary files go) and waits
    for it.

    Examples
    --------
    >>> ahead = ReadAhead(iter(range(5)))
    >>> list(ahead)
    [0, 1, 2, 3, 4]
    >>> ahead.close()
    """

    def __init__(self, gen, depth: int = 1, name: str = "amplify-read-ahead"):
        self._gen = iter(gen)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._room = threading.Semaphore(max(1, depth))   # items the thread may make before one is taken
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _wait_for_room(self) -> bool:
        """Wait until the consumer has taken enough items to make another; False when told to stop."""
        while not self._stop.is_set():
            if self._room.acquire(timeout=0.05):
                return not self._stop.is_set()
        return False

    def _run(self) -> None:
        try:
            while self._wait_for_room():
                try:
                    item = next(self._gen)
                except StopIteration:
                    self._queue.put((_DONE, None))
                    return
                self._queue.put((_ITEM, item))
                del item   # the consumer holds it now: do not keep it alive here for a block longer
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            self._queue.put((_ERROR, exc))
        finally:
            close = getattr(self._gen, "close", None)
            if close is not None:
                close()   # in this thread, which ran the generator (a generator is closed where it runs)

    def __iter__(self):
        while not self._finished:
            kind, value = self._queue.get()
            if kind == _ITEM:
                self._room.release()   # taken: the thread may make the next one while this one is used
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
        self._thread.join()
        self._finished = True
        while not self._queue.empty():   # items made but never taken: let them go now
            self._queue.get_nowait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
