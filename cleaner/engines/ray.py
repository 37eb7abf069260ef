"""The Ray engine: the driver's ordered map on Ray actors, on a local Ray instance or a cluster.

Like the local engine it supplies only `cleaner.engines.driver`'s ordered map: ``jobs`` actors (one CPU each)
are started once per pass and each calls the pass's set-up once (rules, lexicons, the model), then cleans the
batches it is handed; results come back in input order with a bounded number in flight, so the outputs, the
change logs, the checkpoints and resuming are the local engine's, byte for byte.  ``.txt`` pages are read and
written by the workers (on a cluster the input and output directories must be on a shared filesystem); record
shards are read and written by the driver, which hands the workers runs of records.  Inside a Ray Data pipeline,
use `cleaner.integrations.ray` instead.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def start(address: str | None, jobs: int) -> int:
    """Connect to ``address`` or start a local Ray instance with ``jobs`` CPUs; the number of workers to use."""
    import warnings

    import ray

    if not ray.is_initialized():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="ray")
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "ignore_reinit_error": True,
                                  "logging_level": logging.ERROR}
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=jobs, **kwargs)
    logging.getLogger("ray").setLevel(logging.ERROR)
    return jobs if not address else max(1, int(ray.cluster_resources().get("CPU", jobs)))


class RayEngine:
    """``jobs`` Ray actors per pass (on a cluster: as many as it has CPUs)."""

    def __init__(self, address: str | None = None, jobs: int = 1) -> None:
        self.jobs = start(address, jobs)

    def pool(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> ActorPool:
        return ActorPool(init, init_args, self.jobs)


class _Worker:
    """One actor: set up once, then applies the functions it is handed (module-level, so they pickle by name)."""

    def __init__(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        init(*init_args)

    def run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)


class ActorPool:
    """Ordered map on ``jobs`` actors, round robin, at most ``4 * jobs`` items in flight."""

    def __init__(self, init: Callable[..., None], init_args: tuple[Any, ...], jobs: int) -> None:
        self.init, self.init_args, self.jobs = init, init_args, jobs
        self.actors: list[Any] = []

    def __enter__(self) -> ActorPool:
        import ray

        worker = ray.remote(num_cpus=1)(_Worker)
        init_args = ray.put(self.init_args)  # once in the object store, not once per actor
        self.actors = [worker.remote(self.init, init_args) for _ in range(self.jobs)]
        return self

    def __exit__(self, *exc: object) -> None:
        import ray

        for actor in self.actors:
            ray.kill(actor)
        self.actors = []

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        import ray

        window: deque[Any] = deque()
        limit = 4 * self.jobs
        for n, item in enumerate(items):
            window.append(self.actors[n % len(self.actors)].run.remote(fn, item))
            if len(window) >= limit:
                yield ray.get(window.popleft())
        while window:
            yield ray.get(window.popleft())
