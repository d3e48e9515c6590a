"""``sovanban archive check``: the integrity sweep over the whole archive."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import click

from ..services.archive.integrity import STRAY_GRACE
from ..services.archive.sweep import SweepReport, sweep_archive
from .context import CommandContext, echo_json, pass_app
from .signing import signing_tools_for

__all__ = ["archive_group"]


@click.group("archive")
def archive_group() -> None:
    """The archive of issued documents."""


@archive_group.command("check")
@click.option("--days", default=90, show_default=True, help="Warn of certificates expiring within.")
@click.option("--no-extend", is_flag=True, help="Report only; add no document timestamps.")
@click.option(
    "--remove-strays",
    is_flag=True,
    help="Delete stored files nothing refers to (left by interrupted or rolled-back work).",
)
@click.option(
    "--stray-minutes",
    default=int(STRAY_GRACE.total_seconds() // 60),
    show_default=True,
    help="Only files older than this count as strays (younger ones may be work in progress).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def archive_check(
    app: CommandContext,
    days: int,
    no_extend: bool,
    remove_strays: bool,
    stray_minutes: int,
    as_json: bool,
) -> None:
    """Re-hash every stored file, re-verify every issued document, list certificates close
    to expiry, and raise archive copies to B-LTA again where their last document timestamp's
    authority expires within --days (or they have none). Exit status 1 if anything is wrong.
    Files in the store that nothing refers to are listed (and removed with --remove-strays)."""
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[stage] = click.progressbar(length=total, label=f"{stage:<14}", file=sys.stderr)
        bars[stage].update(1)

    # No unit of work around it: the sweep reads without a lock and writes each renewal
    # in a short transaction of its own.
    report = sweep_archive(
        app.instance(),
        actor=app.actor,
        days=days,
        renew_with=None if no_extend else lambda: signing_tools_for(app),
        remove_strays=remove_strays,
        stray_grace=timedelta(minutes=stray_minutes),
        progress=progress,
    )
    for bar in bars.values():
        bar.render_finish()
    _report(report, days, as_json)
    if (
        report.file_problems
        or report.disagreements
        or report.failed
        or (report.not_extended and not no_extend)
    ):
        raise SystemExit(1)


def _report(report: SweepReport, days: int, as_json: bool) -> None:
    if as_json:
        data = asdict(report)
        data["strays"] = [
            {"file": s.file.name, "size": s.file.size, "reason": s.reason} for s in report.strays
        ]
        for cert in data["expiring"]:
            cert["not_after"] = cert["not_after"].isoformat()
        echo_json(data)
        return
    rows = [
        ("stored files re-hashed", report.files, len(report.file_problems)),
        ("revisions checked against the record", report.files, len(report.disagreements)),
        ("issued documents verified", report.documents, len(report.failed)),
        (f"certificates expiring within {days} days", len(report.expiring), ""),
        ("archive copies renewed (B-LTA)", len(report.extended), len(report.not_extended)),
        ("stray files (removed)", len(report.strays), report.strays_removed),
    ]
    click.echo(f"{'':<42}{'count':>8}{'problems':>10}")
    for name, count, problems in rows:
        click.echo(f"{name:<42}{count:>8}{problems!s:>10}")
    for problem in report.file_problems:
        click.echo(f"  file of #{problem.document_id} ({problem.revision}): {problem.problem}")
    for disagreement in report.disagreements:
        click.echo(f"  {disagreement.document}: {disagreement.problem}")
    for failure in report.failed:
        click.echo(f"  {failure.document}: {failure.reason}")
    for cert in report.expiring:
        click.echo(
            f"  {cert.role:<9} {cert.not_after.isoformat()[:10]}  {cert.subject} "
            f"({len(cert.documents)} document(s))"
        )
    for stray in report.strays:
        click.echo(f"  stray {stray.file.name} ({stray.file.size} bytes): {stray.reason}")
    if report.not_extended:
        click.echo(f"  not renewed: {', '.join(f'#{n}' for n in report.not_extended)}")
