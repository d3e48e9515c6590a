"""PDF work in worker processes, each with a memory ceiling (``RLIMIT_AS``) and a time
limit: a hostile upload (a page the size of a city, a stream that inflates a thousandfold)
costs one worker, never the web process, its memory or its database lock. Every task first
checks the file against the configured limits (signing/limits.py), then does its work.

A worker that runs past its time, dies or runs out of memory is killed with its pool,
which is started again for the next task; the caller gets :class:`UnusablePdfError`.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from basics.collector import tidy_after
from basics.said import said
from signing.errors import UnusablePdfError
from signing.inspect import PdfFacts, inspect_within
from signing.limits import PdfLimits, check_limits
from signing.placement import Prepared, PrepareSpec, place_and_prepare
from signing.prepare import Placement
from signing.preview import render_page

from ..config import Config
from ..instance import Instance

__all__ = ["PdfWorkers", "WorkerPool", "close_pools", "keep", "pdf_workers"]

Result = TypeVar("Result")


def _start_worker(memory_mb: int, setup: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    ceiling = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    if setup is not None:
        setup(*args)
    # What the worker loaded to do its work lives as long as the worker: kept out of the
    # collector's full passes, which each file's many short-lived objects trigger.
    gc.freeze()


def _guarded(function: Callable[..., Result], args: tuple[Any, ...]) -> Result:
    try:
        return function(*args)
    except MemoryError:
        raise UnusablePdfError(
            said("working on this file needs more memory than the limit")
        ) from None
    finally:
        tidy_after(function.__qualname__)


class WorkerPool:
    """Processes started by a forkserver (no copy of the web process's state), each set up
    by ``setup(*setup_args)`` under a ``memory_mb`` ceiling."""

    def __init__(
        self,
        *,
        workers: int,
        memory_mb: int,
        setup: Callable[..., None] | None = None,
        setup_args: tuple[Any, ...] = (),
    ) -> None:
        self._workers = workers
        self._start = (memory_mb, setup, setup_args)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self._workers,
                    mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_start_worker,
                    initargs=self._start,
                )
            return self._executor

    def run(self, function: Callable[..., Result], *args: Any, seconds: float) -> Result:
        """``function(*args)`` in a worker; :class:`UnusablePdfError` past ``seconds`` or
        when the worker dies on the file."""
        pool = self._pool()
        future: Future[Result] = pool.submit(_guarded, function, args)
        try:
            return future.result(timeout=seconds)
        except FutureTimeout:
            self._restart(pool)
            raise UnusablePdfError(
                said("working on this file took longer than {seconds:g} s", seconds=seconds)
            ) from None
        except BrokenProcessPool:
            self._restart(pool)
            raise UnusablePdfError(
                said("the worker stopped on this file (out of memory, or the file crashed it)")
            ) from None

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self, grace: float = 5.0) -> None:
        """Stop the workers: waiting tasks are cancelled, a running one has ``grace``
        seconds to finish before its worker is killed."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)


_pools: list[WorkerPool] = []
_pools_lock = threading.Lock()


def keep(pool: WorkerPool) -> WorkerPool:
    """Remember ``pool`` so that :func:`close_pools` stops it."""
    with _pools_lock:
        _pools.append(pool)
    return pool


def close_pools() -> None:
    """Stop every pool of this process (a server calls it when it stops; at exit too)."""
    with _pools_lock:
        pools = list(_pools)
    for pool in pools:
        pool.close()


atexit.register(close_pools)


def _render(data: bytes, index: int, limits: PdfLimits, outline: bool = True) -> bytes:
    check_limits(data, limits)
    return render_page(data, index, outline=outline)


class PdfWorkers:
    """The tasks of registering, preparing and showing a PDF, each in a worker."""

    def __init__(self, config: Config, workers: int = 2) -> None:
        limits = config.limits
        self.limits = limits.pdf()
        self.seconds = float(limits.worker_seconds)
        self.pool = keep(WorkerPool(workers=workers, memory_mb=limits.worker_memory_mb))

    def inspect(self, data: bytes) -> PdfFacts:
        return self.pool.run(inspect_within, data, self.limits, seconds=self.seconds)

    def prepare(
        self, draft: bytes, signer_name: str, fallback: Placement | None, spec: PrepareSpec | None
    ) -> Prepared:
        return self.pool.run(
            place_and_prepare,
            draft,
            signer_name,
            fallback,
            spec,
            self.limits,
            seconds=self.seconds,
        )

    def render(self, data: bytes, index: int, *, outline: bool = True) -> bytes:
        return self.pool.run(_render, data, index, self.limits, outline, seconds=self.seconds)


_workers: dict[Config, PdfWorkers] = {}
_workers_lock = threading.Lock()


def pdf_workers(instance: Instance) -> PdfWorkers:
    """The process's PDF workers for ``instance``'s configuration."""
    with _workers_lock:
        found = _workers.get(instance.config)
        if found is None:
            found = _workers[instance.config] = PdfWorkers(instance.config)
        return found
