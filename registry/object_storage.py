"""Blobs in an S3-compatible object store (``[storage] backend = "s3"``).

The same content addressing as the local folder: the object ``<prefix>ab/cd/abcd…`` holds
the bytes whose SHA-256 is ``abcd…``. An upload carries its SHA-256, which the server
checks before it keeps the object; a read checks it again, so a corrupted or replaced
object is reported instead of served. S3 writes whole objects, so there are no
half-written leftovers; what the stray sweep finds here are objects no revision names.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from basics.said import said

from .errors import ConfigError, StorageError, StorageKeyError
from .storage import BlobRef, StoredFile, blob_name, checked_key, intact, sha256_hex

if TYPE_CHECKING:
    from .config import StorageConfig

__all__ = ["S3BlobStore", "S3Settings"]

_BLOB_NAME = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
_MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint: str = ""  # "" for AWS itself
    region: str = ""
    prefix: str = ""  # "" or a folder ending in "/"
    access_key: str = ""  # "" lets boto3 find credentials (its environment, a role)
    secret_key: str = ""

    @classmethod
    def from_config(cls, storage: StorageConfig) -> S3Settings:
        prefix = storage.prefix.strip("/")
        return cls(
            bucket=storage.bucket,
            endpoint=storage.endpoint,
            region=storage.region,
            prefix=f"{prefix}/" if prefix else "",
            access_key=os.environ.get(storage.access_key_env, ""),
            secret_key=os.environ.get(storage.secret_key_env, ""),
        )


class S3BlobStore:
    """The blob store protocol over one bucket (boto3 client, made at first use)."""

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self._client: Any = None
        self._pid = 0

    def __repr__(self) -> str:
        where = self.settings.endpoint or "AWS"
        return f"S3BlobStore({where}, bucket={self.settings.bucket!r})"

    @property
    def client(self) -> Any:
        # boto3 clients are not safe across fork: a forked worker makes its own.
        if self._client is None or self._pid != os.getpid():
            try:
                import boto3
                from botocore.config import Config as BotoConfig
            except ImportError as exc:
                raise ConfigError(
                    said("the s3 storage backend needs boto3: pip install 'sovanban[s3]'")
                ) from exc
            settings = self.settings
            self._client = boto3.client(
                "s3",
                endpoint_url=settings.endpoint or None,
                region_name=settings.region or None,
                aws_access_key_id=settings.access_key or None,
                aws_secret_access_key=settings.secret_key or None,
                config=BotoConfig(
                    connect_timeout=5,
                    read_timeout=60,
                    retries={"max_attempts": 3, "mode": "standard"},
                    s3={"addressing_style": "path"},  # endpoints without bucket subdomains
                ),
            )
            self._pid = os.getpid()
        return self._client

    def key_for(self, sha256: str) -> str:
        return self.settings.prefix + blob_name(checked_key(sha256))

    def unreachable(self) -> str:
        try:
            self.client.head_bucket(Bucket=self.settings.bucket)
        except Exception as exc:  # noqa: BLE001 -- any failure means "not ready", said why
            return _why(exc)
        return ""

    def ensure_bucket(self) -> bool:
        """Make the bucket if the server has none of that name (``sovanban init``); True
        if it was made."""
        if _code_of(lambda: self.client.head_bucket(Bucket=self.settings.bucket)) not in _MISSING:
            return False
        options: dict[str, Any] = {"Bucket": self.settings.bucket}
        region = self.settings.region
        if region and region != "us-east-1":  # AWS's own default takes no constraint
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**options)
        except Exception as exc:
            raise StorageError(
                said(
                    "cannot make the bucket {bucket}: {value}",
                    bucket=self.settings.bucket,
                    value=_why(exc),
                )
            ) from exc
        return True

    def put(self, data: bytes) -> BlobRef:
        digest = sha256_hex(data)
        ref = BlobRef(digest, len(data))
        key = self.key_for(digest)
        if self._size_of(key) == len(data) and self.verify(digest):
            return ref
        try:
            # The server recomputes the SHA-256 and refuses the object if a byte changed.
            self.client.put_object(
                Bucket=self.settings.bucket,
                Key=key,
                Body=data,
                ChecksumSHA256=base64.b64encode(binascii.unhexlify(digest)).decode("ascii"),
                ContentType="application/octet-stream",
            )
        except Exception as exc:
            raise StorageError(
                said("cannot store blob {digest}: {value}", digest=digest, value=_why(exc))
            ) from exc
        return ref

    def get(self, sha256: str) -> bytes:
        key = self.key_for(sha256)
        try:
            answer = self.client.get_object(Bucket=self.settings.bucket, Key=key)
            data: bytes = answer["Body"].read()
        except Exception as exc:
            if _code(exc) in _MISSING:
                raise StorageError(
                    said("blob {sha256} is missing from the store", sha256=sha256)
                ) from exc
            raise StorageError(
                said("cannot read blob {sha256}: {value}", sha256=sha256, value=_why(exc))
            ) from exc
        return intact(sha256, data)

    def exists(self, sha256: str) -> bool:
        return self._size_of(self.key_for(sha256)) is not None

    def verify(self, sha256: str) -> bool:
        try:
            self.get(sha256)
        except StorageError:  # missing, unreadable or corrupted
            return False
        return True

    def files(self) -> Iterator[StoredFile]:
        """Every object under the prefix, a listing page (1,000) at a time."""
        prefix = self.settings.prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.settings.bucket, Prefix=prefix
        )
        try:
            for page in pages:
                for entry in page.get("Contents", ()):
                    name = entry["Key"][len(prefix) :]
                    shape = _BLOB_NAME.fullmatch(name)
                    is_blob = shape is not None and shape[3][:4] == shape[1] + shape[2]
                    yield StoredFile(
                        name,
                        shape[3] if shape is not None and is_blob else None,
                        int(entry["Size"]),
                        entry["LastModified"].astimezone(UTC),
                    )
        except Exception as exc:
            raise StorageError(
                said("cannot list the blob store: {value}", value=_why(exc))
            ) from exc

    def discard(self, name: str) -> None:
        """Remove an object ``files`` found; anything but a name under the prefix is refused."""
        if not name or name.startswith("/") or ".." in name.split("/") or "//" in name:
            raise StorageKeyError(said("not a file of the store: {name!r:.80}", name=name))
        try:
            self.client.delete_object(Bucket=self.settings.bucket, Key=self.settings.prefix + name)
        except Exception as exc:
            raise StorageError(
                said("cannot remove {name}: {value}", name=name, value=_why(exc))
            ) from exc

    def _size_of(self, key: str) -> int | None:
        try:
            answer = self.client.head_object(Bucket=self.settings.bucket, Key=key)
        except Exception as exc:
            if _code(exc) in _MISSING:
                return None
            raise StorageError(
                said("cannot reach the blob store: {value}", value=_why(exc))
            ) from exc
        return int(answer["ContentLength"])


def _code_of(call: Any) -> str:
    """The error code ``call`` fails with, or "" when it succeeds."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 -- the code is the answer
        return _code(exc) or _why(exc)
    return ""


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _why(exc: BaseException) -> str:
    """A short reason: the server's error code and message, or the connection's failure."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        named = {"403": "access denied", "404": "bucket or object not found"}
        return f"{code} {message or named.get(str(code), '')}".strip()
    return str(exc) or type(exc).__name__
