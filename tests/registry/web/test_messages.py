"""A message shown on the web names no path of the server, and keeps everything else."""

from __future__ import annotations

from pathlib import Path

from registry.web.messages import shown


def test_a_server_path_is_cut_to_the_files_name(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "organisation.p12"
    key.parent.mkdir()
    key.write_bytes(b"x")
    assert shown(f"{key}: wrong passphrase") == "…/organisation.p12: wrong passphrase"
    missing = tmp_path / "fonts" / "missing.ttf"  # its folder is there, the file is not
    (tmp_path / "fonts").mkdir()
    assert shown(f"the font {missing} does not exist.") == "the font …/missing.ttf does not exist."
    assert shown(f"cannot create {tmp_path}/a/b: denied") == "cannot create …/b: denied"


def test_addresses_numbers_and_words_are_kept() -> None:
    for message in (
        "send the draft PDF as multipart 'file' to /api/v1/documents",
        "số 01-TB/ĐUK đã cấp; ngày 02/01/2026",
        "ask http://127.0.0.1:8000/pki/tsa later",
        "a/b and ~/x are relative",
    ):
        assert shown(message) == message
