"""The command group: every command found by its name, each module imported only when its
command runs (a one-shot ``sovanban verify`` does not load the web, fonts or migrations)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from registry.cli import COMMANDS, cli
from tests.support.cli import Sovanban


def test_every_command_is_found_under_its_name() -> None:
    context = click.Context(cli)
    assert cli.list_commands(context) == list(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
    assert cli.get_command(context, "no-such-command") is None


def test_help_lists_every_command(sovanban: Sovanban) -> None:
    shown = sovanban.ok("--help").out
    for name in COMMANDS:
        assert f"  {name} " in shown, name


def test_an_unknown_command_is_a_usage_error(sovanban: Sovanban) -> None:
    result = sovanban("no-such-command")
    assert result.code == 2 and "No such command" in result.err


_LISTING = """
import json, sys
from registry.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_verifying_one_file_loads_only_what_verification_needs(
    sovanban: Sovanban,
    issued: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LISTING, "--instance", str(sovanban.instance), "verify",
         str(issued), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0, done.stderr
    report = json.loads("\n".join(done.stdout.splitlines()[:-1]))
    assert report["registry"]["status"] == "registered"  # the register was still asked
    modules = set(result["modules"])
    assert "signing.verify.engine" in modules and "sqlite3" in modules
    # The register is read with the database driver alone (no ORM, no models), the catalog
    # without Babel, and lxml only for an ETSI report: together half of a one-file run.
    unneeded = ("alembic", "flask", "fontTools.subset", "reportlab", "registry.web", "sqlalchemy")
    for module in (*unneeded, "registry.models", "babel", "lxml.etree"):
        assert module not in modules, module
    assert not {m for m in modules if m.startswith("registry.cli.") and m not in _VERIFYING}


_VERIFYING = {"registry.cli.context", "registry.cli.language", "registry.cli.verify"}


@pytest.mark.parametrize("folder", [True, False], ids=["folder", "file"])
def test_the_collector_is_back_to_normal_after_a_verification(
    sovanban: Sovanban,
    issued: Path,
    folder: bool,
) -> None:
    """Objects are frozen out of the collector only while the files are verified."""
    import gc

    sovanban("verify", str(issued.parent if folder else issued), "--json")
    assert gc.get_freeze_count() == 0
