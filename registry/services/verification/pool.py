"""Verification in worker processes, so that a hostile file cannot hold a web thread.

Each worker opens the instance once and verifies in its own main thread, where the
per-file time limit (SIGALRM) works; a worker stuck past the limit anyway (inside C code)
is killed with its pool, and the pool is started again.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signing.errors import UnusablePdfError

from ...config import Config
from ...instance import Instance, instance_with_config
from ..people.access import Viewer

__all__ = ["VerificationPool", "Verified", "close_pools", "pool_for"]

_worker_instance: Instance | None = None


def _open_instance(folder: Path, config: Config) -> None:
    global _worker_instance
    _worker_instance = instance_with_config(folder, config)


def _verify(data: bytes, lang: str, time_limit: float, pages: bool, viewer: Viewer) -> Verified:
    from signing.preview import pages_to_show, render_page

    from .verify import verify_for_instance

    assert _worker_instance is not None, "the worker opens its instance first"
    with _worker_instance.sessions() as session:
        report = verify_for_instance(
            session, _worker_instance, data, time_limit=time_limit, viewer=viewer
        )
    images: list[tuple[int, bytes]] = []
    if pages:
        over = {overlay.field for overlay in report.overlays}
        also = [overlay.page - 1 for overlay in report.overlays]
        try:
            images = [
                (index + 1, render_page(data, index, over_signed=over))
                for index in pages_to_show(data, also=also)
            ]
        except UnusablePdfError:
            images = []  # the verdict stands; only the picture is missing
    return Verified(report.as_dict(lang), tuple(images))


@dataclass(frozen=True)
class Verified:
    """The report (DESIGN §5, as a dict) and, when asked, pages as PNG (1-based number)."""

    report: dict[str, Any]
    pages: tuple[tuple[int, bytes], ...] = ()


class VerificationPool:
    def __init__(self, folder: Path, config: Config, workers: int = 2) -> None:
        self._args = (folder, config)
        self._workers = workers
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self._workers,
                    mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_open_instance,
                    initargs=self._args,
                )
            return self._executor

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def verify(
        self, data: bytes, lang: str, time_limit: float, viewer: Viewer, *, pages: bool = False
    ) -> Verified:
        """The report, the register's part as ``viewer`` may see it; :class:`UnusablePdfError`
        for unusable or runaway files."""
        pool = self._pool()
        future = pool.submit(_verify, data, lang, time_limit, pages, viewer)
        try:
            return future.result(timeout=time_limit + 15)
        except FutureTimeout:
            self._restart(pool)
            raise UnusablePdfError(
                f"verification took longer than {time_limit:g} s: refused"
            ) from None
        except BrokenProcessPool:
            self._restart(pool)
            raise UnusablePdfError(
                "the verification worker stopped on this file: refused"
            ) from None

    def close(self, grace: float = 5.0) -> None:
        """Stop the workers: waiting verifications are cancelled, a running one has
        ``grace`` seconds to finish before its worker is killed."""
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


_pools: dict[tuple[Path, Config], VerificationPool] = {}
_pools_lock = threading.Lock()


def pool_for(instance: Instance, workers: int = 2) -> VerificationPool:
    """The process's pool for ``instance`` (one per instance, closed at exit)."""
    key = (instance.folder, instance.config)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = VerificationPool(instance.folder, instance.config, workers)
        return pool


def close_pools() -> None:
    """Stop every pool of this process (a server calls it when it stops; at exit too)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.close()


atexit.register(close_pools)
