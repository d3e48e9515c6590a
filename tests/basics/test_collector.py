"""Between files, a task's garbage in reference cycles is freed at once."""

from __future__ import annotations

import gc
import uuid
import weakref
from collections.abc import Iterator

import pytest

from basics.collector import tidy_after


class _Node:
    def __init__(self) -> None:
        self.itself = self  # freed by the collector, never by reference counts


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # this test process is not a worker: give back what the test froze


@pytest.mark.usefixtures("unfrozen")
def test_the_cycles_a_task_left_are_freed_and_the_first_task_of_a_kind_freezes() -> None:
    kind = f"task-{uuid.uuid4().hex}"
    gc.disable()  # no pass of the collector's own in between
    try:
        node = _Node()
        left = weakref.ref(node)
        del node
        assert left() is not None
        frozen = gc.get_freeze_count()
        tidy_after(kind)
        assert left() is None
        after_first = gc.get_freeze_count()
        assert after_first > frozen
        tidy_after(kind)
        assert gc.get_freeze_count() == after_first
    finally:
        gc.enable()
