"""The signing layer's errors: one base class with a human message."""

from __future__ import annotations

from basics.said import Explained

__all__ = ["FontError", "SigningError", "UnusablePdfError"]


class SigningError(Explained):
    """Base of every error the signing layer raises on purpose."""


class UnusablePdfError(SigningError):
    """The bytes are not a PDF we can work on (not a PDF, damaged, encrypted, empty)."""


class FontError(SigningError):
    """No font with full Vietnamese coverage could be found or prepared."""
