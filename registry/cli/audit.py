"""``sovanban audit verify | seal``: the audit trail's hash chain and its timestamp seals."""

from __future__ import annotations

import click

from ..services.archive.audit_chain import check_instance_chain, seal_instance_head
from ..services.setup.trust import instance_trust_store
from .context import CommandContext, echo_json, pass_app
from .signing import signing_tools_for

__all__ = ["audit_group"]


@click.group("audit")
def audit_group() -> None:
    """The audit trail: check its hash chain, seal its head with a timestamp."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def audit_verify(app: CommandContext, as_json: bool) -> None:
    """Check every event against its hash and the one before, the head and every seal;
    say where the chain breaks. Exit status 1 when it does."""
    instance = app.instance()
    trust = instance_trust_store(instance)
    with app.unit_of_work() as session:
        report = check_instance_chain(
            session, instance, context=lambda: trust.validation_context(allow_empty=True)
        )
    if as_json:
        echo_json(
            {
                "intact": report.intact,
                "events": report.events,
                "last_seq": report.last_seq,
                "seals": report.seals,
                "problems": [vars(problem) for problem in report.problems],
            }
        )
    else:
        click.echo(
            f"{report.events} events, last #{report.last_seq}, {report.seals} seal(s): "
            + ("intact" if report.intact else f"{len(report.problems)} problem(s)")
        )
        for problem in report.problems:
            click.echo(f"  #{problem.seq}: {problem.message}")
    if not report.intact:
        raise SystemExit(1)


@audit_group.command("seal")
@pass_app
def audit_seal(app: CommandContext) -> None:
    """Timestamp the chain's head (run it from cron or a timer; serve does it hourly)."""
    tools = signing_tools_for(app)
    with app.unit_of_work() as session:
        seal = seal_instance_head(session, app.instance(), tools.timestamper, actor=app.actor)
        click.echo(f"sealed #{seal.seq} {seal.hash}")
