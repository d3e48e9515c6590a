"""``sovanban certs``: the demo PKI, issuing and revoking, the trust store, the PKI services."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Literal

import click

from basics.said import said
from certs.demo import REVOCATION_REASONS, Holder
from certs.errors import CertsError
from certs.http import PkiApplication

from ..errors import InputError
from ..services.setup.pki import create_demo_pki, open_demo_pki, pki_services
from ..services.setup.trust import add_trusted, add_vn_profile, list_trusted
from .context import CommandContext, echo_json, pass_app, read_secret
from .stopping import stopped_by_sigterm

__all__ = ["certs_group"]

DEMO_SIGNER = Holder("Nguyễn Trọng Vân", "nguyentrongvan@hatinh.dcs.vn")


def _passphrase(app: CommandContext, *, confirm: bool = False) -> bytes:
    variable = app.instance(require_schema=False).config.pki.passphrase_env
    return read_secret(variable, "PKI passphrase", confirm=confirm).encode()


def _folder(option: str | None) -> Path | None:
    return Path(option) if option else None


@click.group("certs")
def certs_group() -> None:
    """Certificates: the demo PKI, revocation, trust anchors, timestamp/OCSP/CRL services."""


@certs_group.command("demo")
@click.option(
    "--out", default=None, help="Folder for the PKI (default: the instance's [pki] path)."
)
@click.option(
    "--key-type",
    type=click.Choice(["rsa", "ecdsa"]),
    default="rsa",
    show_default=True,
    help="RSA-2048 or ECDSA P-256.",
)
@click.option("--signer-name", default=DEMO_SIGNER.name, show_default=True)
@click.option("--signer-email", default=DEMO_SIGNER.email, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def certs_demo(
    app: CommandContext,
    out: str | None,
    key_type: str,
    signer_name: str,
    signer_email: str,
    as_json: bool,
) -> None:
    """Create a demo PKI: root and issuing CA, the signer's and the office's certificates,
    a TSA and an OCSP responder; the root becomes a trust anchor of the instance."""
    instance = app.instance(require_schema=False)
    pki = create_demo_pki(
        instance,
        passphrase=_passphrase(app, confirm=True),
        signer=Holder(signer_name, signer_email),
        key_type="ecdsa" if key_type == "ecdsa" else "rsa",
        folder=_folder(out),
    )
    certificates = {entry["label"]: serial for serial, entry in pki.state["issued"].items()}
    variable = instance.config.pki.passphrase_env
    if as_json:
        echo_json(
            {
                "folder": str(pki.folder),
                "services": pki.urls.base,
                "passphrase_variable": variable,
                "certificates": certificates,
            }
        )
        return
    click.echo(f"demo PKI in {pki.folder} (services at {pki.urls.base})")
    for label, serial in certificates.items():
        click.echo(f"  {label:<13} serial {serial}  {pki.folder / (label + '.p12')}")
    click.echo(f"  the PKCS#12 files are protected by the passphrase in ${variable}")


@certs_group.command("issue")
@click.option("--name", required=True, help="The holder's name (CN), as printed.")
@click.option("--email", required=True, help="The holder's e-mail (SAN): how its role is found.")
@click.option("--role", type=click.Choice(["personal", "organisation"]), required=True)
@click.option("--label", default=None, help="File name of the new .p12 (default: from the e-mail).")
@click.option("--days", type=click.IntRange(1, 3650), default=730, show_default=True)
@click.option("--pki", "folder", default=None, help="The PKI folder (default: the instance's).")
@pass_app
def certs_issue(
    app: CommandContext,
    name: str,
    email: str,
    role: str,
    label: str | None,
    days: int,
    folder: str | None,
) -> None:
    """Issue a signing certificate from the demo PKI; prints its serial."""
    pki = open_demo_pki(app.instance(require_schema=False), _folder(folder))
    organisation = app.instance(require_schema=False).config.issuer.name
    chosen = label or email.split("@")[0].replace(".", "-")
    if (pki.folder / f"{chosen}.p12").exists():
        raise InputError(
            said("{value} exists; choose another --label", value=pki.folder / (chosen + ".p12"))
        )
    try:
        cert = pki.issue(
            chosen,
            "personal" if role == "personal" else "organisation",
            Holder(name, email, organisation),
            passphrase=_passphrase(app),
            days=days,
        )
    except CertsError as exc:
        raise InputError(exc.said) from exc
    click.echo(f"{cert.serial_number:x}")


@certs_group.command("revoke")
@click.argument("serial")
@click.option(
    "--reason", type=click.Choice(REVOCATION_REASONS), default="unspecified", show_default=True
)
@click.option("--pki", "folder", default=None, help="The PKI folder (default: the instance's).")
@pass_app
def certs_revoke(app: CommandContext, serial: str, reason: str, folder: str | None) -> None:
    """Revoke a certificate of the demo PKI: OCSP says so at once, the next CRL lists it."""
    pki = open_demo_pki(app.instance(require_schema=False), _folder(folder))
    try:
        pki.revoke(serial, reason)
    except CertsError as exc:
        raise InputError(exc.said) from exc


@certs_group.command("list")
@click.option("--pki", "folder", default=None, help="The PKI folder (default: the instance's).")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def certs_list(app: CommandContext, folder: str | None, as_json: bool) -> None:
    """The certificates the demo PKI issued, with their revocation status."""
    pki = open_demo_pki(app.instance(require_schema=False), _folder(folder))
    rows = [
        {
            "serial": serial,
            "label": entry["label"],
            "profile": entry["profile"],
            "subject": entry["subject"],
            "status": pki.status(int(serial, 16)).status,
        }
        for serial, entry in pki.state["issued"].items()
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['serial']:<42} {row['status']:<8} {row['label']:<14} {row['subject']}")


@certs_group.group("trust")
def trust_group() -> None:
    """Trust anchors and intermediates of this instance."""


@trust_group.command("add")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--profile",
    type=click.Choice(["vn"]),
    default=None,
    help="vn: the public Vietnamese anchors (VGCA G2, National Root CA, VNPT-CA).",
)
@click.option(
    "--anchor",
    "kind",
    flag_value="anchor",
    default=None,
    help="Trust FILE as an anchor even if it is not self-signed.",
)
@click.option(
    "--intermediate",
    "kind",
    flag_value="intermediate",
    help="Hold FILE as an intermediate even if it is self-signed.",
)
@pass_app
def trust_add(app: CommandContext, file: str | None, profile: str | None, kind: str | None) -> None:
    """Add the certificates of FILE (PEM or DER), or a profile, to the trust store."""
    instance = app.instance(require_schema=False)
    if (file is None) == (profile is None):
        raise InputError(said("give either a certificate FILE or --profile vn"))
    if profile:
        added = add_vn_profile(instance)
    else:
        chosen: Literal["anchor", "intermediate"] | None = (
            "anchor" if kind == "anchor" else "intermediate" if kind else None
        )
        added = add_trusted(instance, Path(str(file)), kind=chosen)
    for path in added:
        click.echo(str(path))


@trust_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def trust_list(app: CommandContext, as_json: bool) -> None:
    """Every anchor and intermediate the verifier uses."""
    entries = list_trusted(app.instance(require_schema=False))
    if as_json:
        echo_json([asdict(entry) for entry in entries])
        return
    for entry in entries:
        click.echo(
            f"{entry.kind:<12} {entry.valid_until}  {entry.subject}\n{'':<12} {entry.fingerprint}"
        )


@certs_group.command("serve")
@click.option("--host", default=None, help="Address (default: [web] bind).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port).")
@click.option("--pki", "folder", default=None, help="The PKI folder (default: the instance's).")
@pass_app
def certs_serve(
    app: CommandContext, host: str | None, port: int | None, folder: str | None
) -> None:
    """Serve the demo PKI's timestamp, OCSP and CRL endpoints until interrupted."""
    from werkzeug.serving import run_simple

    instance = app.instance(require_schema=False)
    services = pki_services(instance, _passphrase(app), _folder(folder))
    web = instance.config.web
    click.echo(f"serving {services.pki.urls.base} (Ctrl-C stops)", err=True)
    with stopped_by_sigterm():
        run_simple(host or web.bind, port or web.port, PkiApplication(services), threaded=True)
