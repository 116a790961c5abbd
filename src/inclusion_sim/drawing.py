"""Where a command's figures are drawn: in this process, or in one child process started early.

Importing matplotlib takes a third of a second, about as long as drawing a run's figures, and a
small run spends most of its time importing the model. A thread cannot overlap the two: the
import and the simulation both hold the GIL (measured: a background thread left the wall time
of a small run unchanged). So the command line forks one child once NumPy and pandas are loaded
and before it imports the model (`Drawing.forked()`); the child imports matplotlib on another
core while this process imports the model and simulates, then draws while this process writes
its tables. Elsewhere (library calls, tests, notebooks) figures are drawn here (`Drawing()`).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .files import write_atomically


def write_figure(plot: Callable, path: Path, data: Any, *args: Any) -> Path:
    """`plot(data, path, *args)` (a function of `plots`) written atomically into `path`."""
    return write_atomically(path, lambda p: plot(data, p, *args))


class Drawing:
    """Figures to write: each `write` draws one here, or hands it to the child; `wait` returns
    once every figure is written (raising a child's error here)."""

    def __init__(self, pool: ProcessPoolExecutor | None = None):
        self._pool = pool
        self._pending: list[Future] = []

    @classmethod
    def forked(cls) -> Drawing:
        """Figures drawn by a child forked now, from a fresh command-line process: on Linux,
        with one Python thread, before the model is imported (so no library has started work;
        the threads NumPy and pandas start at import, OpenBLAS's pool and jemalloc's background
        thread, pause around a fork). Otherwise (a test, a notebook) figures are drawn here."""
        fresh = "inclusion_sim.model" not in sys.modules and threading.active_count() == 1
        if sys.platform != "linux" or not fresh:
            return cls()
        pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=_prepare_child
        )
        pool.submit(int)  # forks now, while this process is single-threaded
        return cls(pool)

    def write(self, plot: Callable, path: Path, data: Any, *args: Any) -> None:
        if self._pool is None:
            write_figure(plot, path, data, *args)
        else:
            self._pending.append(self._pool.submit(write_figure, plot, path, data, *args))

    def wait(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        """Stop the child (figures not yet drawn are dropped: call `wait` first)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _prepare_child() -> None:
    """In the child: Ctrl-C is the parent's to handle; load matplotlib before any figure."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    from . import plots  # noqa: F401
