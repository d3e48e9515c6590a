"""``sovanban book``: the register book of a term or year as CSV, XLSX or printable PDF."""

from __future__ import annotations

import click

from ..audit import record_event
from ..errors import InputError
from ..services.archive.register_book import (
    book_cover,
    book_csv,
    book_pdf,
    book_periods,
    book_rows,
    book_xlsx,
)
from ..services.people.access import Viewer
from .context import AppContext, pass_app, write_file_atomically

__all__ = ["book_command"]

# The operator at the terminal keeps the register: he sees every row, secret ones included.
KEEPER = Viewer(user_id=0, login="cli", roles=frozenset({"clerk"}))


@click.command("book")
@click.argument("period", required=False)
@click.option("--format", "kind", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf")
@click.option("-o", "--output", required=True, help="File to write ('-' for stdout).")
@pass_app
def book_command(app: AppContext, period: str | None, kind: str, output: str) -> None:
    """Write the Sổ đăng ký văn bản đi of PERIOD (a term such as 2020-2025, or a year;
    default: the newest) in NĐ 30 Phụ lục IV columns; withdrawn numbers keep their note."""
    instance = app.instance()
    with app.unit_of_work() as session:
        periods = book_periods(session)
        chosen = period or (periods[0] if periods else "")
        if chosen not in periods:
            known = ", ".join(periods) or "none yet"
            raise InputError(f"no number was given in {chosen!r} (periods: {known})")
        rows = book_rows(session, chosen, KEEPER)
        cover = book_cover(session, instance.config, chosen)
        if kind == "csv":
            data = book_csv(rows)
        elif kind == "xlsx":
            data = book_xlsx(rows, cover)
        else:
            data = book_pdf(rows, cover, instance.config, instance.folder)
        record_event(
            session,
            actor=app.actor,
            action="register:export",
            details={"period": chosen, "format": kind, "rows": len(rows)},
        )
    write_file_atomically(output, data)
