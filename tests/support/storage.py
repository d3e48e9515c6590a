"""The blob store behind an instance, as the files on disk that tests damage or count."""

from __future__ import annotations

from registry.instance import Instance
from registry.storage import LocalBlobStore


def local_blobs(instance: Instance) -> LocalBlobStore:
    store = instance.blobs
    assert isinstance(store, LocalBlobStore), "the tests' instances keep their blobs on disk"
    return store
