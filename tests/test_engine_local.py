"""The local engine's workers: started lean, and accounted to the run."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from cleaner.engines import local


def _worker_rss_mb(_: object) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _burn_cpu(seconds: float) -> float:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds


def _noop(*_: object) -> None:
    return None


def test_a_worker_does_not_carry_the_main_process_heap() -> None:
    """What the main process holds after the scan (statistics, the heap its merging left) is not copied into
    every worker: workers fork from a server that has only imported the engine."""
    ballast = bytearray(200 * 1024 * 1024)  # touched: 200 MB resident in this process
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])
    with local._Pool(_noop, (), 2) as pool:
        sizes = list(pool.map(_worker_rss_mb, range(4)))
    assert max(sizes) < 150, sizes
    del ballast


def test_the_workers_cpu_time_is_counted_among_the_runs_children() -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with local._Pool(_noop, (), 2) as pool:
        assert list(pool.map(_burn_cpu, [0.4, 0.4])) == [0.4, 0.4]
    local._stop_fork_server()  # what exiting does (atexit)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime >= 0.6
