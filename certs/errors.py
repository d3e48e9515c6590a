"""The certificate layer's errors: one base class with a human message."""

from __future__ import annotations

__all__ = ["CertsError"]


class CertsError(Exception):
    """Base of every error the certificate layer raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
