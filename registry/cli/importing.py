"""``sovanban import FOLDER``: register an existing archive of signed PDFs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from basics.said import said

from ..errors import InputError
from ..models import Secrecy
from ..services.archive.importing import (
    ImportOutcome,
    ImportStatus,
    archive_files,
    import_file,
    import_gaps,
    link_refused,
    outcomes_csv,
    tally,
)
from ..services.verification.pool import pool_for
from ..services.workers import pdf_workers
from .context import CommandContext, echo_json, pass_app, write_file_atomically

__all__ = ["import_command"]


@click.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--secrecy",
    type=click.Choice([s.value for s in Secrecy]),
    default=Secrecy.NONE.value,
    show_default=True,
    help="The least secrecy the imported documents get (a higher mark in a text wins).",
)
@click.option("--report", "report_path", default=None, help="Write every file's outcome (CSV).")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def import_command(
    app: CommandContext, folder: str, secrecy: str, report_path: str | None, as_json: bool
) -> None:
    """Register every signed PDF under FOLDER with what can be read from it: number and
    date from its text, signers and signing times from its signatures. Files already in the
    register are skipped, so running it again is harmless. Each file is its own transaction.
    Links are not followed; files whose signature fails are refused."""
    instance = app.instance()
    root = Path(folder)
    found = archive_files(root)
    if not found.pdfs and not found.links:
        raise InputError(said("{folder}: no .pdf file in it", folder=folder))
    verification, workers = pool_for(instance), pdf_workers(instance)
    outcomes = [link_refused(str(link.relative_to(root))) for link in found.links]
    with click.progressbar(found.pdfs, label="importing", file=sys.stderr) as bar:
        for path in bar:
            name = str(path.relative_to(root))
            try:
                data = path.read_bytes()
            except OSError as exc:
                outcomes.append(ImportOutcome(name, ImportStatus.UNREADABLE, notes=(str(exc),)))
                continue
            with app.unit_of_work() as session:
                outcomes.append(
                    import_file(
                        session,
                        instance,
                        data,
                        name=name,
                        actor=app.actor,
                        secrecy=Secrecy(secrecy),
                        verify=lambda pdf: verification.report(pdf, 30.0),
                        inspect=workers.inspect,
                    )
                )
    with app.unit_of_work() as session:
        gaps = import_gaps(session, outcomes)
    if report_path:
        write_file_atomically(report_path, outcomes_csv(outcomes))
    _report(outcomes, gaps, as_json)


def _report(
    outcomes: list[ImportOutcome], gaps: list[tuple[str, list[int]]], as_json: bool
) -> None:
    counts = tally(outcomes)
    if as_json:
        echo_json(
            {
                **{str(status): count for status, count in counts.items()},
                "files": [vars(o) | {"notes": list(o.notes)} for o in outcomes],
                "gaps": [{"series": series, "missing": missing} for series, missing in gaps],
            }
        )
        return
    click.echo(
        f"{counts[ImportStatus.IMPORTED]} imported, {counts[ImportStatus.SKIPPED]} already "
        f"there, {counts[ImportStatus.UNREADABLE]} could not be read, "
        f"{counts[ImportStatus.REFUSED]} refused"
    )
    for outcome in outcomes:
        if outcome.status is not ImportStatus.SKIPPED and (
            outcome.notes or outcome.status is not ImportStatus.IMPORTED
        ):
            click.echo(f"  {outcome.file}: {outcome.status}; {'; '.join(outcome.notes)}")
    for series, missing in gaps:
        shown = ", ".join(f"{n:02d}" for n in missing[:20]) + (" …" if len(missing) > 20 else "")
        click.echo(f"  not in the register: {series}: {shown}")
