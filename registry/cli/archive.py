"""``sovanban archive check``: the integrity sweep over the whole archive."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record_event
from ..instance import Instance
from ..models import Document, DocumentFile, DocumentStatus, FileKind
from ..services.archive.integrity import STRAY_GRACE, check_blobs, stray_files
from ..services.archive.sweep import CertificateSeen, document_state
from ..services.drafting.documents import read_revision
from ..services.issuing.steps import extend_document
from ..services.verification.verify import verify_for_instance
from .context import AppContext, echo_json, pass_app
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
    app: AppContext,
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
    instance = app.instance()
    horizon = datetime.now(UTC) + timedelta(days=days)
    summary: dict[str, Any] = {
        "files": 0,
        "file_problems": [],
        "documents": 0,
        "failed": [],
        "expiring": {},
        "extended": [],
        "not_extended": [],
        "strays": [],
        "strays_removed": 0,
    }
    needs_archive: list[int] = []
    with app.unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(DocumentFile)) or 0
        with click.progressbar(length=total, label="files    ", file=sys.stderr) as bar:
            for summary["files"], problem in check_blobs(session, instance.blobs):
                bar.update(1)
                if problem is not None:
                    summary["file_problems"].append(vars(problem))
        documents = session.scalars(
            select(Document).where(Document.status == DocumentStatus.ISSUED).order_by(Document.id)
        ).all()
        with click.progressbar(documents, label="documents", file=sys.stderr) as bar:
            for document in bar:
                summary["documents"] += 1
                _check_document(session, instance, document, horizon, summary, needs_archive)
        if needs_archive and not no_extend:
            tools = signing_tools_for(app)
            with click.progressbar(needs_archive, label="B-LTA    ", file=sys.stderr) as bar:
                for document_id in bar:
                    found = session.get(Document, document_id)
                    assert found is not None
                    done = extend_document(session, instance.blobs, found, tools, actor=app.actor)
                    summary["extended" if done else "not_extended"].append(document_id)
        elif needs_archive:
            summary["not_extended"] = needs_archive
        strays = stray_files(session, instance.blobs, grace=timedelta(minutes=stray_minutes))
        summary["strays"] = [
            {"file": stray.file.name, "size": stray.file.size, "reason": stray.reason}
            for stray in strays
        ]
        if remove_strays:
            for stray in strays:
                instance.blobs.discard(stray.file.name)
            summary["strays_removed"] = len(strays)
        record_event(session, actor=app.actor, action="archive:check", details=_counts(summary))
    _report(summary, days, as_json)
    if summary["file_problems"] or summary["failed"] or (summary["not_extended"] and not no_extend):
        raise SystemExit(1)


def _check_document(
    session: Session,
    instance: Instance,
    document: Document,
    horizon: datetime,
    summary: dict[str, Any],
    needs_archive: list[int],
) -> None:
    label = document.number.rendered if document.number else f"#{document.id}"
    try:
        stored, data = read_revision(document, instance.blobs)
        report = verify_for_instance(session, instance, data)
        state = document_state(data)
    except Exception as exc:  # noqa: BLE001 - the sweep reports every failure and goes on
        summary["failed"].append({"document": label, "reason": getattr(exc, "message", str(exc))})
        return
    indication, sub_indication = report.verdict
    if indication != "TOTAL-PASSED":
        reason = f"{indication} ({sub_indication})" if sub_indication else indication
        summary["failed"].append({"document": label, "reason": reason})
    for cert in state.certificates:
        if cert.not_after <= horizon:
            _expiring(summary, cert, label)
    last = state.last_archive_timestamp_expires
    if stored.kind != FileKind.ARCHIVE or last is None or last <= horizon:
        needs_archive.append(document.id)


def _expiring(summary: dict[str, Any], cert: CertificateSeen, label: str) -> None:
    entry = summary["expiring"].setdefault(
        cert.sha256,
        {
            "role": cert.role,
            "subject": cert.subject,
            "not_after": cert.not_after.isoformat(),
            "documents": [],
        },
    )
    entry["documents"].append(label)


def _counts(summary: dict[str, Any]) -> dict[str, int]:
    return {key: value if isinstance(value, int) else len(value) for key, value in summary.items()}


def _report(summary: dict[str, Any], days: int, as_json: bool) -> None:
    if as_json:
        echo_json({**summary, "expiring": list(summary["expiring"].values())})
        return
    rows = [
        ("stored files re-hashed", summary["files"], len(summary["file_problems"])),
        ("issued documents verified", summary["documents"], len(summary["failed"])),
        (f"certificates expiring within {days} days", len(summary["expiring"]), ""),
        ("archive copies renewed (B-LTA)", len(summary["extended"]), len(summary["not_extended"])),
        ("stray files (removed)", len(summary["strays"]), summary["strays_removed"]),
    ]
    click.echo(f"{'':<42}{'count':>8}{'problems':>10}")
    for name, count, problems in rows:
        click.echo(f"{name:<42}{count:>8}{problems!s:>10}")
    for problem in summary["file_problems"]:
        click.echo(
            f"  file of #{problem['document_id']} ({problem['revision']}): {problem['problem']}"
        )
    for failure in summary["failed"]:
        click.echo(f"  {failure['document']}: {failure['reason']}")
    for cert in summary["expiring"].values():
        click.echo(
            f"  {cert['role']:<9} {cert['not_after'][:10]}  {cert['subject']} "
            f"({len(cert['documents'])} document(s))"
        )
    for stray in summary["strays"]:
        click.echo(f"  stray {stray['file']} ({stray['size']} bytes): {stray['reason']}")
    if summary["not_extended"]:
        click.echo(f"  not renewed: {', '.join(f'#{n}' for n in summary['not_extended'])}")
