"""Tasks a worker process can import by name: what a hostile file makes a worker do."""

from __future__ import annotations

import os
import time


def allocate(megabytes: int) -> int:
    """Hold ``megabytes`` at once (as a renderer's bitmap for a huge page would)."""
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def die() -> None:
    os._exit(9)  # as a crash inside C code ends a process


def pid() -> int:
    return os.getpid()
