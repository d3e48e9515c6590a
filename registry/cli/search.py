"""``sovanban search``: the register searched as the web's advanced search does."""

from __future__ import annotations

from datetime import datetime

import click

from ..models import DocumentStatus, Secrecy
from ..services.archive.search import SearchQuery, search_documents
from ..services.drafting.document_json import document_summary
from .book import KEEPER
from .context import CommandContext, echo_json, pass_app

__all__ = ["search_command"]


@click.command("search")
@click.argument("words", nargs=-1)
@click.option("--type", "type_code", default="", help="Type code, e.g. TB.")
@click.option("--status", type=click.Choice([s.value for s in DocumentStatus]), default=None)
@click.option("--secrecy", type=click.Choice([s.value for s in Secrecy]), default=None)
@click.option("--signer", default="", help="The signer's login.")
@click.option("--recipient", default="", help="Words of a recipient's name.")
@click.option("--from", "issued_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "issued_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--page", type=int, default=1)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def search_command(
    app: CommandContext,
    words: tuple[str, ...],
    type_code: str,
    status: str | None,
    secrecy: str | None,
    signer: str,
    recipient: str,
    issued_from: datetime | None,
    issued_to: datetime | None,
    page: int,
    as_json: bool,
) -> None:
    """Find documents by WORDS (diacritics and đ ignored: "ha tinh" finds Hà Tĩnh) or by a
    number ("17-CTr/ĐUK", "17 ctr duk"), with filters; best matches first."""
    query = SearchQuery(
        text=" ".join(words),
        type_code=type_code,
        status=DocumentStatus(status) if status else None,
        secrecy=Secrecy(secrecy) if secrecy else None,
        signer_login=signer,
        recipient=recipient,
        issued_from=issued_from.date() if issued_from else None,
        issued_to=issued_to.date() if issued_to else None,
        page=page,
    )
    with app.unit_of_work() as session:
        found = search_documents(session, query, KEEPER)
        rows = [document_summary(document) for document in found.documents]
    if as_json:
        echo_json(
            {
                "total": found.total,
                "total_is_exact": found.total_is_exact,
                "page": found.page,
                "documents": rows,
            }
        )
        return
    more = "" if found.total_is_exact else "more than "
    click.echo(f"{more}{found.total} document(s), page {found.page}/{found.pages}")
    for row in rows:
        click.echo(
            f"{row['number'] or '#' + str(row['id']):<16} {row['document_date'] or '':<11}"
            f" {row['status']:<9} {row['subject']}"
        )
