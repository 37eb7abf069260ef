"""The default engine: this process for one job, else a pool of worker processes on this machine.

It supplies only the ordered map of `cleaner.engines.driver` (which holds the passes themselves): results come
back in input order, so the outputs and the manifest are the same whatever ``jobs`` is.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


class LocalEngine:
    """``jobs`` worker processes (none for one job: the work runs in this process)."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, jobs)

    def pool(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> ProcessPool:
        return ProcessPool(init, init_args, self.jobs)


def _worker_init(init: Callable[..., None], *args: Any) -> None:
    """Ctrl-C reaches the whole process group: the main process stops the run and saves what is done, so a
    worker ignores it (else one waiting for work dies with a traceback) and finishes its batch."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    init(*args)


class ProcessPool:
    """Ordered map over an iterator with a bounded number of items in flight (memory stays flat).

    In-process for one job; else a process pool whose workers are initialised once.
    """

    def __init__(self, init: Callable[..., None], init_args: tuple[Any, ...], jobs: int) -> None:
        self.init, self.init_args, self.jobs = init, init_args, jobs
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessPool:
        if self.jobs <= 1:
            self.init(*self.init_args)
        else:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init,
                                            initargs=(self.init, *self.init_args))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        if self.pool is None:
            for item in items:
                yield fn(item)
            return
        window: deque[Future[Any]] = deque()
        limit = 4 * self.jobs
        for item in items:
            window.append(self.pool.submit(fn, item))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
