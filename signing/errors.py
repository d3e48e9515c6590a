"""The signing layer's errors: one base class with a human message."""

from __future__ import annotations

__all__ = ["FontError", "SigningError", "UnusablePdfError"]


class SigningError(Exception):
    """Base of every error the signing layer raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnusablePdfError(SigningError):
    """The bytes are not a PDF we can work on (not a PDF, damaged, encrypted, empty)."""


class FontError(SigningError):
    """No font with full Vietnamese coverage could be found or prepared."""
