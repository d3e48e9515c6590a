"""The certificate layer's errors: one base class with a human message."""

from __future__ import annotations

from basics.said import Explained

__all__ = ["CertsError"]


class CertsError(Explained):
    """Base of every error the certificate layer raises on purpose."""
