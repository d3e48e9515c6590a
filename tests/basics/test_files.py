"""A file is replaced whole or not at all, and a failed write leaves nothing behind."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from basics.files import write_atomically


def test_a_file_is_replaced_whole_with_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    target.write_bytes(b"old")
    write_atomically(target, "mới".encode(), mode=0o600)
    assert target.read_bytes() == "mới".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_a_write_that_cannot_finish_keeps_what_was_there_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "book"
    target.mkdir()  # a folder where the file should go: the final rename fails
    (target / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert (target / "inside").read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book"]
