"""Tasks a worker process can import by name: what a hostile file makes a worker do."""

from __future__ import annotations

import gc
import os
import time
import weakref


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


class _Node:
    """An object that refers to itself: freed by the collector, never by reference counts."""

    def __init__(self) -> None:
        self.itself = self


_left_behind: list[weakref.ref[_Node]] = []


def leave_a_cycle() -> int:
    """Leave garbage that only the collector frees (as a PDF's objects and their reader);
    the frozen objects' count, as the task ends."""
    node = _Node()
    _left_behind.append(weakref.ref(node))
    return gc.get_freeze_count()


def cycles_left() -> tuple[int, int]:
    """How many of the cycles earlier tasks left are still in memory; the frozen count."""
    return sum(1 for ref in _left_behind if ref() is not None), gc.get_freeze_count()
