"""The S3 blob store against a real S3-compatible server (SeaweedFS): the same content
addressing, integrity checks and refusals as the local folder."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry.errors import ConfigError, StorageError, StorageIntegrityError, StorageKeyError
from registry.instance import open_blob_store
from registry.object_storage import S3BlobStore, S3Settings
from registry.storage import BlobStore, LocalBlobStore
from tests.support.configs import make_config
from tests.support.object_store import S3Server
from tests.support.pki import free_port

PDF = b"%PDF-1.7\n% a tiny stand-in revision\n%%EOF\n"


@pytest.fixture
def store(s3_server: S3Server) -> S3BlobStore:
    return s3_server.store()


def _raw(store: S3BlobStore) -> Any:
    return store.client


def _keys(store: S3BlobStore, prefix: str | None = None) -> list[str]:
    listed = _raw(store).list_objects_v2(
        Bucket=store.settings.bucket,
        Prefix=store.settings.prefix if prefix is None else prefix,
    )
    return [entry["Key"] for entry in listed.get("Contents", ())]


def test_the_s3_store_implements_the_protocol(store: S3BlobStore) -> None:
    assert isinstance(store, BlobStore)


def test_put_then_get_returns_the_same_bytes_under_their_sha256(store: S3BlobStore) -> None:
    ref = store.put(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (ref.sha256, ref.size) == (digest, len(PDF))
    assert store.get(digest) == PDF and store.exists(digest) and store.verify(digest)
    assert _keys(store) == [f"{store.settings.prefix}{digest[:2]}/{digest[2:4]}/{digest}"]
    assert store.put(PDF) == ref  # idempotent: still one object
    assert len(_keys(store)) == 1


def test_a_replaced_object_is_detected_on_read_and_repaired_by_storing_it_again(
    store: S3BlobStore,
) -> None:
    ref = store.put(PDF)
    _raw(store).put_object(
        Bucket=store.settings.bucket,
        Key=store.key_for(ref.sha256),
        Body=PDF.replace(b"tiny", b"tidy"),  # same size, other bytes
    )
    with pytest.raises(StorageIntegrityError, match="corrupted"):
        store.get(ref.sha256)
    assert store.verify(ref.sha256) is False
    store.put(PDF)
    assert store.get(ref.sha256) == PDF


def test_the_server_refuses_an_upload_whose_bytes_changed_on_the_way(store: S3BlobStore) -> None:
    """The upload names its SHA-256; bytes altered after it was computed are not kept."""

    def alter(request: Any, **_: Any) -> None:
        request.body = request.body.replace(b"tiny", b"tidy")

    _raw(store).meta.events.register("before-sign.s3.PutObject", alter)
    with pytest.raises(StorageError, match="cannot store blob"):
        store.put(PDF)
    _raw(store).meta.events.unregister("before-sign.s3.PutObject", alter)
    assert store.exists(hashlib.sha256(PDF).hexdigest()) is False


def test_a_missing_blob_is_a_clear_error(store: S3BlobStore) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert store.exists(missing) is False and store.verify(missing) is False
    with pytest.raises(StorageError, match="missing from the store"):
        store.get(missing)


@pytest.mark.parametrize("key", ["../" * 3 + "etc/passwd", "", "A" * 64, "0" * 63, "g" * 64])
def test_keys_that_are_not_digests_are_refused(store: S3BlobStore, key: str) -> None:
    with pytest.raises(StorageKeyError):
        store.get(key)
    with pytest.raises(StorageKeyError):
        store.exists(key)


def test_files_lists_blobs_and_other_objects_and_discard_stays_under_the_prefix(
    s3_server: S3Server, store: S3BlobStore
) -> None:
    ref = store.put(b"a revision")
    bucket, folder = store.settings.bucket, store.settings.prefix
    raw = _raw(store)
    raw.put_object(Bucket=bucket, Key=f"{folder}ab/cd/not-a-digest", Body=b"junk")
    raw.put_object(Bucket=bucket, Key=f"{folder}00/00/{ref.sha256}", Body=b"misplaced")
    elsewhere = f"{s3_server.new_prefix()}keep"
    raw.put_object(Bucket=bucket, Key=elsewhere, Body=b"not ours")
    found = {file.name: file for file in store.files()}
    blob = f"{ref.sha256[:2]}/{ref.sha256[2:4]}/{ref.sha256}"
    assert set(found) == {blob, "ab/cd/not-a-digest", f"00/00/{ref.sha256}"}
    assert found[blob].sha256 == ref.sha256 and found[blob].size == len(b"a revision")
    assert found["ab/cd/not-a-digest"].sha256 is None
    assert found[f"00/00/{ref.sha256}"].sha256 is None  # not where its digest puts it
    assert abs(found[blob].modified - datetime.now(UTC)) < timedelta(minutes=5)
    for name in (f"../{elsewhere}", f"/{elsewhere}", f"ab/../../{elsewhere}", ""):
        with pytest.raises(StorageKeyError):
            store.discard(name)
    store.discard("ab/cd/not-a-digest")
    assert {file.name for file in store.files()} == {blob, f"00/00/{ref.sha256}"}
    assert raw.get_object(Bucket=bucket, Key=elsewhere)["Body"].read() == b"not ours"


def test_the_store_says_when_it_cannot_be_reached(s3_server: S3Server, store: S3BlobStore) -> None:
    assert store.unreachable() == ""
    no_bucket = S3BlobStore(s3_server.settings("no-such-bucket-here"))
    assert "404" in no_bucket.unreachable()
    wrong = S3BlobStore(
        S3Settings(
            bucket=store.settings.bucket,
            endpoint=s3_server.endpoint,
            region="us-east-1",
            access_key="sovanban-test",
            secret_key="not-the-secret",
        )
    )
    assert "403" in wrong.unreachable()
    with pytest.raises(StorageError, match="cannot"):
        wrong.put(PDF)
    closed = S3BlobStore(
        S3Settings(
            bucket="x-bucket",
            endpoint=f"http://127.0.0.1:{free_port()}",
            access_key="a",
            secret_key="b",
        )
    )
    assert closed.unreachable() != ""
    with pytest.raises(StorageError, match="cannot"):
        closed.get(hashlib.sha256(PDF).hexdigest())


def test_the_configuration_selects_the_store(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = make_config()
    assert isinstance(open_blob_store(tmp_path, local.storage), LocalBlobStore)
    monkeypatch.setenv("OFFICE_S3_KEY", "sovanban-test")
    monkeypatch.setenv("OFFICE_S3_SECRET", "sovanban-test-secret")
    folder = s3_server.new_prefix()
    storage = {
        "backend": "s3",
        "endpoint": s3_server.endpoint,
        "bucket": s3_server.bucket,
        "region": "us-east-1",
        "prefix": f"/{folder}",
        "access_key_env": "OFFICE_S3_KEY",
        "secret_key_env": "OFFICE_S3_SECRET",
    }
    configured = open_blob_store(tmp_path, make_config(storage=storage).storage)
    assert isinstance(configured, S3BlobStore)
    ref = configured.put(PDF)
    name = f"{ref.sha256[:2]}/{ref.sha256[2:4]}/{ref.sha256}"
    assert _keys(configured, folder) == [f"{folder}{name}"]
    with pytest.raises(ConfigError, match=r"'storage\.bucket' must be set"):
        make_config(storage={"backend": "s3"})
    with pytest.raises(ConfigError, match=r"'storage\.backend' must be one of"):
        make_config(storage={"backend": "ftp"})


def test_init_makes_the_bucket_once(s3_server: S3Server) -> None:
    store = S3BlobStore(s3_server.settings(bucket=f"made-{s3_server.new_prefix()[2:12]}"))
    assert "404" in store.unreachable()
    assert store.ensure_bucket() is True
    assert store.unreachable() == "" and store.ensure_bucket() is False
    store.put(PDF)
    assert store.get(hashlib.sha256(PDF).hexdigest()) == PDF
