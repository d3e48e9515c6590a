"""The garbage collector between the files a long-lived process works through.

A PDF's objects refer back to their reader, so a file leaves thousands of objects in
reference cycles. The collector's young passes during the next files promoted them, and a
full pass every ten files or so walked ten files' worth at once (20-80 ms in the middle of
one verification). Freed when each file is done, with the long-lived objects frozen, they
cost about 1 ms.
"""

from __future__ import annotations

import gc

__all__ = ["tidy_after"]

_settled: set[str] = set()


def tidy_after(kind: str) -> None:
    """Free the garbage of the task just done; after the first task of ``kind``, freeze what
    it loaded (modules imported on first use, caches), so that full passes skip it too."""
    gc.collect()
    if kind not in _settled:
        _settled.add(kind)
        gc.freeze()
