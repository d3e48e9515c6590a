"""Numbering rules on both databases: series, periods, rendering, closing, duplicates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from registry.config import Config
from registry.errors import DuplicateNumberError, NumberingError, SeriesClosedError
from registry.models import NumberEntry, SeriesPeriod
from registry.number_text import DocumentNumber
from registry.numbering import (
    allocate_number,
    close_series,
    record_number,
    series_gaps,
    series_key_for,
)
from registry.services.drafting.documents import get_type
from tests.support.database import Database, issuer_of, seed_issuer


def allocate(
    database: Database, issuer_id: int, code: str, on: date, *, secret: bool = False
) -> str:
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        entry = allocate_number(
            session, issuer=issuer, doc_type=get_type(session, issuer, code), on=on, secret=secret
        )
        return entry.rendered


@pytest.mark.parametrize(
    ("scheme", "number", "notation", "rendered", "so_line"),
    [
        ("party", 17, "CTr/ĐUK", "17-CTr/ĐUK", "Số 17-CTr/ĐUK"),
        ("party", 5, "TB/ĐUK", "05-TB/ĐUK", "Số 05-TB/ĐUK"),
        ("state", 5, "QĐ-UBND", "05/QĐ-UBND", "Số: 05/QĐ-UBND"),
        ("state", 123, "UBND-VP", "123/UBND-VP", "Số: 123/UBND-VP"),
    ],
)
def test_numbers_are_written_the_party_and_the_state_way(
    scheme: str, number: int, notation: str, rendered: str, so_line: str
) -> None:
    value = DocumentNumber(scheme, number, notation)  # type: ignore[arg-type]
    assert value.rendered == rendered
    assert value.so_line == so_line


def test_party_series_is_per_type_per_term_and_runs_across_new_year(
    database: Database, party_config: Config
) -> None:
    issuer_id = seed_issuer(database, party_config)
    assert allocate(database, issuer_id, "TB", date(2023, 12, 30)) == "01-TB/ĐUK"
    assert allocate(database, issuer_id, "TB", date(2023, 12, 31)) == "02-TB/ĐUK"
    assert allocate(database, issuer_id, "TB", date(2024, 1, 1)) == "03-TB/ĐUK"
    assert allocate(database, issuer_id, "KH", date(2024, 1, 2)) == "01-KH/ĐUK"
    # A secret Thông báo continues the Thông báo series (36-HD/VPTW).
    assert allocate(database, issuer_id, "TB", date(2024, 1, 3), secret=True) == "04-TB/ĐUK"
    # The new term (from 2025-07-01 in the example) starts again at 01.
    assert allocate(database, issuer_id, "TB", date(2025, 6, 30)) == "05-TB/ĐUK"
    assert allocate(database, issuer_id, "TB", date(2025, 7, 1)) == "01-TB/ĐUK"
    with database.sessions() as session:
        periods = session.scalars(
            select(NumberEntry.period_key).where(NumberEntry.number == 1).order_by(NumberEntry.id)
        ).all()
    assert periods == ["2020-2025", "2020-2025", "2025-2030"]


def test_state_series_restarts_on_first_of_january_and_keeps_secrets_apart(
    database: Database, state_config: Config
) -> None:
    issuer_id = seed_issuer(database, state_config)
    assert allocate(database, issuer_id, "QĐ", date(2024, 12, 30)) == "01/QĐ-UBND"
    # One shared book: the next Thông báo follows the Quyết định.
    assert allocate(database, issuer_id, "TB", date(2024, 12, 31)) == "02/TB-UBND"
    assert allocate(database, issuer_id, "QĐ", date(2024, 12, 31), secret=True) == "01/QĐ-UBND"
    assert allocate(database, issuer_id, "QĐ", date(2025, 1, 1)) == "01/QĐ-UBND"
    assert allocate(database, issuer_id, "CV", date(2025, 1, 2)) == "02/UBND"


def test_state_per_type_books(database: Database) -> None:
    from tests.support.configs import STATE_CONFIG, make_config

    numbering = {**STATE_CONFIG["numbering"], "register_book": "per_type"}
    issuer_id = seed_issuer(
        database, make_config(issuer=STATE_CONFIG["issuer"], numbering=numbering)
    )
    assert allocate(database, issuer_id, "QĐ", date(2024, 3, 1)) == "01/QĐ-UBND"
    assert allocate(database, issuer_id, "TB", date(2024, 3, 1)) == "01/TB-UBND"


def test_a_rolled_back_allocation_gives_its_number_back(
    database: Database, party_config: Config
) -> None:
    issuer_id = seed_issuer(database, party_config)
    with database.sessions() as session:
        issuer = issuer_of(session, issuer_id)
        entry = allocate_number(
            session, issuer=issuer, doc_type=get_type(session, issuer, "TB"), on=date(2024, 5, 1)
        )
        assert entry.number == 1
        session.rollback()  # the issue failed after allocation: nothing is kept
    assert allocate(database, issuer_id, "TB", date(2024, 5, 1)) == "01-TB/ĐUK"


def test_a_closed_series_or_period_refuses(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    allocate(database, issuer_id, "TB", date(2024, 5, 1))
    allocate(database, issuer_id, "KH", date(2024, 5, 1))
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        close_series(session, issuer=issuer, key="TB", reason="cơ quan sáp nhập 2025", actor="t")
        close_series(
            session,
            issuer=issuer,
            key="KH",
            reason="hết nhiệm kỳ",
            period_key="2020-2025",
            actor="t",
        )
    with pytest.raises(SeriesClosedError, match="cơ quan sáp nhập 2025"):
        allocate(database, issuer_id, "TB", date(2024, 5, 2))
    with pytest.raises(SeriesClosedError, match="2020-2025 is closed"):
        allocate(database, issuer_id, "KH", date(2024, 5, 2))
    # Only that period of KH is closed: the next term numbers again.
    assert allocate(database, issuer_id, "KH", date(2025, 8, 1)) == "01-KH/ĐUK"
    with database.sessions() as session:
        tb_last = session.scalars(
            select(SeriesPeriod.last_number).where(SeriesPeriod.period_key == "2020-2025")
        ).all()
    assert sorted(tb_last) == [1, 1]


def test_closing_an_unknown_series_is_a_clear_error(
    database: Database, party_config: Config
) -> None:
    issuer_id = seed_issuer(database, party_config)
    with database.sessions.begin() as session, pytest.raises(NumberingError, match="no series"):
        close_series(session, issuer=issuer_of(session, issuer_id), key="XX", reason="x", actor="t")


def test_a_date_outside_every_term_is_refused(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    with pytest.raises(NumberingError, match=r"no committee term .* covers 01/01/2031"):
        allocate(database, issuer_id, "TB", date(2031, 1, 1))


def test_recording_a_duplicate_number_is_refused(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        doc_type = get_type(session, issuer, "CTr")
        entry = record_number(
            session, issuer=issuer, doc_type=doc_type, on=date(2023, 2, 27), number=17
        )
        assert entry.rendered == "17-CTr/ĐUK"
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        doc_type = get_type(session, issuer, "CTr")
        with pytest.raises(DuplicateNumberError, match=r"số 17-CTr/ĐUK \(2020-2025\) is already"):
            record_number(session, issuer=issuer, doc_type=doc_type, on=date(2023, 3, 1), number=17)
    # The counter moved past the recorded number: allocation continues after it.
    assert allocate(database, issuer_id, "CTr", date(2023, 3, 2)) == "18-CTr/ĐUK"
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NumberEntry)) == 2


def _record(database: Database, issuer_id: int, code: str, on: date, number: int) -> str:
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        doc_type = get_type(session, issuer, code)
        return record_number(
            session, issuer=issuer, doc_type=doc_type, on=on, number=number
        ).rendered


def test_a_live_series_never_moves_for_a_recorded_number(
    database: Database, party_config: Config
) -> None:
    """Once the register has given a number in a series, an archived number ahead of it is
    refused: adopting it would skip every number between (13–76 for a 77)."""
    issuer_id = seed_issuer(database, party_config)
    for day in range(1, 13):
        allocate(database, issuer_id, "TB", date(2024, 1, day))
    with pytest.raises(NumberingError, match=r"77 is ahead of the live series TB .*given 12"):
        _record(database, issuer_id, "TB", date(2024, 2, 1), 77)
    with pytest.raises(DuplicateNumberError, match="12-TB/ĐUK"):
        _record(database, issuer_id, "TB", date(2024, 2, 1), 12)
    assert allocate(database, issuer_id, "TB", date(2024, 2, 2)) == "13-TB/ĐUK"


def test_gaps_below_a_recorded_series_are_listed(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    assert _record(database, issuer_id, "KH", date(2024, 3, 1), 5) == "05-KH/ĐUK"
    assert _record(database, issuer_id, "KH", date(2024, 3, 9), 9) == "09-KH/ĐUK"
    with database.sessions() as session:
        periods = {entry.series_period_id for entry in session.scalars(select(NumberEntry))}
        assert series_gaps(session, periods) == [("KH 2020-2025", [1, 2, 3, 4, 6, 7, 8])]
    assert allocate(database, issuer_id, "KH", date(2024, 3, 10)) == "10-KH/ĐUK"
    with database.sessions() as session:
        assert series_gaps(session, periods) == [("KH 2020-2025", [1, 2, 3, 4, 6, 7, 8])]


def test_the_database_itself_refuses_a_duplicate(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    allocate(database, issuer_id, "TB", date(2024, 1, 1))
    with database.sessions.begin() as session:
        # Someone rewinds the counter by hand; the unique constraint still holds.
        session.execute(update(SeriesPeriod).values(last_number=0))
    with pytest.raises(DuplicateNumberError, match="01-TB/ĐUK"):
        allocate(database, issuer_id, "TB", date(2024, 1, 2))


def test_a_number_below_one_is_refused(database: Database, party_config: Config) -> None:
    issuer_id = seed_issuer(database, party_config)
    with database.sessions.begin() as session:
        issuer = issuer_of(session, issuer_id)
        with pytest.raises(NumberingError, match="starts at 01"):
            record_number(
                session,
                issuer=issuer,
                doc_type=get_type(session, issuer, "TB"),
                on=date(2024, 1, 1),
                number=0,
            )


def test_series_keys_follow_the_configured_type_table(database: Database) -> None:
    from tests.support.configs import make_config

    config = make_config(numbering={"types": [{"code": "QĐi", "name": "Quy định", "series": "QĐ"}]})
    issuer_id = seed_issuer(database, config)
    with database.sessions() as session:
        issuer = issuer_of(session, issuer_id)
        assert series_key_for(issuer, get_type(session, issuer, "QĐi"), False) == "QĐ"
    assert allocate(database, issuer_id, "QĐ", date(2024, 1, 1)) == "01-QĐ/ĐUK"
    assert allocate(database, issuer_id, "QĐi", date(2024, 1, 2)) == "02-QĐi/ĐUK"
