"""A time limit for one whole verification.

The limit interrupts the work with :class:`VerificationTimeout`, a ``BaseException``: the
libraries underneath catch ``Exception`` broadly, and a timeout caught there would read as
one broken signature. The engine turns it into one INDETERMINATE verdict for the file.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["Deadline", "VerificationTimeout", "deadline"]


class VerificationTimeout(BaseException):
    """The verification ran past its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"verification took longer than {seconds:g} s")
        self.seconds = seconds


@dataclass
class Deadline:
    seconds: float | None
    expired: bool = False

    def check(self) -> None:
        """Raise when the limit fired while a library swallowed the interruption."""
        if self.expired and self.seconds is not None:
            raise VerificationTimeout(self.seconds)


@contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline]:
    """Interrupt the work after ``seconds`` (main thread on Unix; elsewhere no limit)."""
    state = Deadline(seconds)
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield state
        return
    assert seconds is not None

    def expire(_signum: int, _frame: object) -> None:
        state.expired = True
        raise VerificationTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, float(seconds))
        yield state
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
