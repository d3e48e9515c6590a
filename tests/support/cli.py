"""Running the real ``sovanban`` entry point in-process, with its exit status and streams."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Sovanban:
    def __init__(self, instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.instance = instance
        self.capsys = capsys

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()
        try:
            main(["--instance", str(self.instance), *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, result.err
        return result


def register_seed_draft(demo: Sovanban, folder: Path, subject: str, *options: str) -> str:
    """The reference notice composed as a draft and registered; its id."""
    from registry.services.drafting.compose import seed_notice_path

    draft = folder / "draft.pdf"
    demo.ok("compose", str(seed_notice_path()), "-o", str(draft))
    arguments = ("--type", "TB", "--subject", subject, "--signer", "nguyentrongvan", *options)
    return demo.ok("register", str(draft), *arguments).out.strip()
