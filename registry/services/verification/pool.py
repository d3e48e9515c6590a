"""Verification in worker processes (services/workers.py), so that a hostile file cannot
hold a web thread or the web process's memory.

Each worker opens the instance once and verifies in its own main thread, where the
per-file time limit (SIGALRM) works; a worker stuck past the limit anyway (inside C code)
is killed with its pool, and the pool is started again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signing.errors import UnusablePdfError
from signing.limits import PdfLimits, check_limits
from signing.verify.report import DocumentReport

from ...config import Config
from ...instance import Instance, instance_with_config
from ..people.access import Viewer
from ..workers import WorkerPool, keep

__all__ = ["VerificationPool", "Verified", "pool_for"]

_worker_instance: Instance | None = None


def _open_instance(folder: Path, config: Config) -> None:
    global _worker_instance
    _worker_instance = instance_with_config(folder, config)


def _verify(
    data: bytes, lang: str, time_limit: float, pages: bool, viewer: Viewer, limits: PdfLimits
) -> Verified:
    from signing.preview import pages_to_show, render_page

    from .verify import verify_for_instance

    assert _worker_instance is not None, "the worker opens its instance first"
    with _worker_instance.reading_sessions() as session:
        report = verify_for_instance(
            session, _worker_instance, data, time_limit=time_limit, viewer=viewer
        )
    images: list[tuple[int, bytes]] = []
    if pages:
        over = {overlay.field for overlay in report.overlays}
        also = [overlay.page - 1 for overlay in report.overlays]
        try:
            check_limits(data, limits)  # pictures are drawn only of a file within the limits
            images = [
                (index + 1, render_page(data, index, over_signed=over))
                for index in pages_to_show(data, also=also)
            ]
        except (UnusablePdfError, MemoryError):
            images = []  # the verdict stands; only the picture is missing
    return Verified(report.as_dict(lang), tuple(images))


def _report(data: bytes, time_limit: float) -> DocumentReport:
    from .verify import verify_for_instance

    assert _worker_instance is not None, "the worker opens its instance first"
    with _worker_instance.reading_sessions() as session:
        return verify_for_instance(session, _worker_instance, data, time_limit=time_limit)


@dataclass(frozen=True)
class Verified:
    """The report (DESIGN §5, as a dict) and, when asked, pages as PNG (1-based number)."""

    report: dict[str, Any]
    pages: tuple[tuple[int, bytes], ...] = ()


class VerificationPool:
    """Verification workers: each opens the instance once, under the memory ceiling."""

    def __init__(self, folder: Path, config: Config, workers: int = 2) -> None:
        self._pool = keep(
            WorkerPool(
                workers=workers,
                memory_mb=config.limits.worker_memory_mb,
                setup=_open_instance,
                setup_args=(folder, config),
            )
        )
        self._limits = config.limits.pdf()

    def verify(
        self, data: bytes, lang: str, time_limit: float, viewer: Viewer, *, pages: bool = False
    ) -> Verified:
        """The report, the register's part as ``viewer`` may see it; :class:`UnusablePdfError`
        for unusable or runaway files."""
        return self._pool.run(
            _verify, data, lang, time_limit, pages, viewer, self._limits, seconds=time_limit + 15
        )

    def report(self, data: bytes, time_limit: float) -> DocumentReport:
        """The report itself, as the operator sees it (for imports)."""
        return self._pool.run(_report, data, time_limit, seconds=time_limit + 15)

    def close(self) -> None:
        self._pool.close()


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
