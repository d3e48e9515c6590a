"""Tests that need an outside component skip without it, except under CI, where they fail."""

from __future__ import annotations

import os

import pytest

__all__ = ["require", "under_ci"]


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(component: str, available: bool, reason: str) -> None:
    """Skip the test when ``component`` is missing; under CI a missing component is a failure."""
    if available:
        return
    message = f"{component} is not available: {reason}"
    if under_ci():
        pytest.fail(f"{message} (CI must exercise every real component)")
    pytest.skip(message)
