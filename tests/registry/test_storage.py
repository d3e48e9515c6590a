"""The blob store: content addressing, atomic writes, corruption and key checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from registry.errors import StorageError, StorageIntegrityError, StorageKeyError
from registry.storage import BlobStore, LocalBlobStore

PDF = b"%PDF-1.7\n% a tiny stand-in revision\n%%EOF\n"


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def test_local_store_implements_the_protocol(store: LocalBlobStore) -> None:
    assert isinstance(store, BlobStore)


def test_put_then_get_returns_the_same_bytes_under_their_sha256(store: LocalBlobStore) -> None:
    ref = store.put(PDF)
    assert ref.sha256 == hashlib.sha256(PDF).hexdigest()
    assert ref.size == len(PDF)
    assert store.get(ref.sha256) == PDF
    path = store.path_for(ref.sha256)
    assert path.relative_to(store.root).parts == (ref.sha256[:2], ref.sha256[2:4], ref.sha256)
    assert store.put(PDF) == ref  # idempotent
    assert [p.name for p in path.parent.iterdir()] == [ref.sha256]  # no temporary file left


def test_a_corrupted_blob_is_detected_on_read(store: LocalBlobStore) -> None:
    ref = store.put(PDF)
    path = store.path_for(ref.sha256)
    path.write_bytes(PDF.replace(b"tiny", b"tidy"))
    with pytest.raises(StorageIntegrityError, match="corrupted"):
        store.get(ref.sha256)
    assert store.verify(ref.sha256) is False
    # Storing the right bytes again repairs it.
    store.put(PDF)
    assert store.get(ref.sha256) == PDF


def test_a_missing_blob_is_a_clear_error(store: LocalBlobStore) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert store.exists(missing) is False
    with pytest.raises(StorageError, match="missing"):
        store.get(missing)


@pytest.mark.parametrize(
    "key",
    [
        "../" * 5 + "etc/passwd",
        "/etc/passwd",
        "ab/../../cd",
        "..",
        "",
        "A" * 64,  # upper case is not what we write
        "0" * 63,
        "0" * 65,
        "0" * 62 + "/x",
        "g" * 64,
    ],
)
def test_keys_that_are_not_digests_are_refused(store: LocalBlobStore, key: str) -> None:
    with pytest.raises(StorageKeyError):
        store.path_for(key)
    with pytest.raises(StorageKeyError):
        store.get(key)


def test_a_symlinked_folder_cannot_lead_outside_the_store(
    store: LocalBlobStore, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    digest = hashlib.sha256(PDF).hexdigest()
    store.root.mkdir(parents=True)
    (store.root / digest[:2]).symlink_to(outside, target_is_directory=True)
    with pytest.raises(StorageKeyError, match="outside the store"):
        store.put(PDF)
    assert list(outside.iterdir()) == []


def test_an_unwritable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blobs"
    blocker.write_text("a file where the store's folder should be")
    with pytest.raises(StorageError, match="cannot store blob"):
        LocalBlobStore(blocker).put(PDF)


def test_files_lists_blobs_and_leftovers_and_discard_stays_inside(
    store: LocalBlobStore, tmp_path: Path
) -> None:
    ref = store.put(b"a revision")
    leftover = store.path_for(ref.sha256).parent / f".{ref.sha256}.x1y2"
    leftover.write_bytes(b"half")
    found = {file.name: file for file in store.files()}
    blob_name = f"{ref.sha256[:2]}/{ref.sha256[2:4]}/{ref.sha256}"
    assert found[blob_name].sha256 == ref.sha256 and found[blob_name].size == len(b"a revision")
    leftover_name = leftover.relative_to(store.root).as_posix()
    assert found[leftover_name].sha256 is None
    outside = tmp_path / "keep.txt"
    outside.write_text("mine")
    for name in ("../keep.txt", "../../keep.txt", "ab/../../keep.txt", "/etc/passwd"):
        with pytest.raises(StorageKeyError):
            store.discard(name)
    assert outside.read_text() == "mine"
    store.discard(leftover_name)
    assert [file.name for file in store.files()] == [blob_name]


def test_the_store_says_when_it_cannot_be_reached(tmp_path: Path) -> None:
    assert LocalBlobStore(tmp_path).unreachable() == ""
    assert LocalBlobStore(tmp_path / "made-at-first-write").unreachable() == ""
    assert LocalBlobStore(tmp_path / "unmounted" / "blobs").unreachable() == (
        "the blob folder is missing"
    )
