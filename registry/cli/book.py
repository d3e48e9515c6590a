"""``sovanban book``: the register book of a term or year as CSV, XLSX or printable PDF."""

from __future__ import annotations

import click

from ..services.archive.register_book import BOOK_FORMATS, export_book
from ..services.people.access import Viewer
from .context import CommandContext, pass_app, write_file_atomically

__all__ = ["book_command"]

# The operator at the terminal keeps the register: he sees every row, secret ones included.
KEEPER = Viewer(user_id=0, login="cli", roles=frozenset({"clerk"}))


@click.command("book")
@click.argument("period", required=False)
@click.option("--format", "kind", type=click.Choice(sorted(BOOK_FORMATS)), default="pdf")
@click.option("-o", "--output", required=True, help="File to write ('-' for stdout).")
@pass_app
def book_command(app: CommandContext, period: str | None, kind: str, output: str) -> None:
    """Write the Sổ đăng ký văn bản đi of PERIOD (a term such as 2020-2025, or a year;
    default: the newest) in NĐ 30 Phụ lục IV columns; withdrawn numbers keep their note."""
    with app.unit_of_work() as session:
        book = export_book(session, app.instance(), period, kind, KEEPER, actor=app.actor)
    write_file_atomically(output, book.data)
