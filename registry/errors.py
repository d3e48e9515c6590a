"""The registry's errors: one base class whose message a clerk can read."""

from __future__ import annotations

from basics.said import Explained

__all__ = [
    "AuthenticationError",
    "ConfigError",
    "DuplicateNumberError",
    "InputError",
    "NotFoundError",
    "NotInitialisedError",
    "NumberingError",
    "RegistryError",
    "SeriesClosedError",
    "StorageError",
    "StorageIntegrityError",
    "StorageKeyError",
]


class RegistryError(Explained):
    """Base of every error the registry raises on purpose; ``message`` is for people."""


class ConfigError(RegistryError):
    """The configuration file is missing a value, has an unknown key or a wrong type."""


class NotInitialisedError(RegistryError):
    """The instance has no database yet, or an older schema."""


class InputError(RegistryError):
    """Something a user gave us (a file, an option, a form field) cannot be used."""


class AuthenticationError(RegistryError):
    """A login or token was refused (the message never says which part was wrong)."""


class NotFoundError(RegistryError):
    """No document, user or type matches what was asked for."""


class NumberingError(RegistryError):
    """A number cannot be given."""


class SeriesClosedError(NumberingError):
    """The series (or its period) has been closed and gives no more numbers."""


class DuplicateNumberError(NumberingError):
    """The number, notation and issuer are already registered."""


class StorageError(RegistryError):
    """The blob store cannot read or write."""


class StorageKeyError(StorageError):
    """A blob key is not a SHA-256 hex digest, or would lead outside the store."""


class StorageIntegrityError(StorageError):
    """A stored blob no longer matches its SHA-256: it was corrupted or altered."""
