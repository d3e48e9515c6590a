"""``sovanban import FOLDER``: register an existing archive of signed PDFs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from ..services.archive.importing import (
    ImportOutcome,
    ImportStatus,
    import_file,
    outcomes_csv,
    tally,
)
from ..services.verification.verify import trust_material
from .context import CommandContext, echo_json, pass_app, write_file_atomically

__all__ = ["import_command"]


@click.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--report", "report_path", default=None, help="Write every file's outcome (CSV).")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def import_command(
    app: CommandContext, folder: str, report_path: str | None, as_json: bool
) -> None:
    """Register every signed PDF under FOLDER with what can be read from it: number and
    date from its text, signers and signing times from its signatures. Files already in the
    register are skipped, so running it again is harmless. Each file is its own transaction."""
    instance = app.instance()
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    if not files:
        raise InputError(f"{folder}: no .pdf file in it")
    material = trust_material(instance)
    outcomes: list[ImportOutcome] = []
    with click.progressbar(files, label="importing", file=sys.stderr) as bar:
        for path in bar:
            name = str(path.relative_to(folder))
            try:
                data = path.read_bytes()
            except OSError as exc:
                outcomes.append(ImportOutcome(name, ImportStatus.UNREADABLE, notes=(str(exc),)))
                continue
            with app.unit_of_work() as session:
                outcomes.append(
                    import_file(
                        session, instance, data, name=name, actor=app.actor, material=material
                    )
                )
    if report_path:
        write_file_atomically(report_path, outcomes_csv(outcomes))
    counts = tally(outcomes)
    if as_json:
        echo_json(
            {
                **{str(status): count for status, count in counts.items()},
                "files": [vars(o) | {"notes": list(o.notes)} for o in outcomes],
            }
        )
        return
    click.echo(
        f"{counts[ImportStatus.IMPORTED]} imported, {counts[ImportStatus.SKIPPED]} already "
        f"there, {counts[ImportStatus.UNREADABLE]} could not be read"
    )
    for outcome in outcomes:
        if outcome.status is not ImportStatus.SKIPPED and (
            outcome.notes or outcome.status is ImportStatus.UNREADABLE
        ):
            click.echo(f"  {outcome.file}: {outcome.status}; {'; '.join(outcome.notes)}")
