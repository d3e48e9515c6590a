"""Citations found in a notice's text."""

from __future__ import annotations

from datetime import date

from registry.references import Citation, find_citations

TYPES = ["Kế hoạch", "Chương trình", "Nghị quyết", "Quyết định"]


def test_the_seed_citations_are_found_with_their_dates() -> None:
    text = (
        "cấp ủy và ủy ban kiểm tra hai cấp; Kế hoạch số 49-KH/ĐUK, ngày 06/3/2023 về\n"
        "- Ban hành Chương trình số 17-CTr/ĐUK, ngày 27/02/2023 về công tác"
    )
    assert find_citations(text, TYPES) == (
        Citation("Kế hoạch", "49-KH/ĐUK", date(2023, 3, 6)),
        Citation("Chương trình", "17-CTr/ĐUK", date(2023, 2, 27)),
    )


def test_state_numbers_lower_case_names_repeats_and_bad_dates() -> None:
    text = (
        "theo quyết định số 05/QĐ-UBND ngày 31/02/2024; Quyết định số 05/QĐ-UBND; "
        "Nghị quyết số 12 - NQ/TU"
    )
    assert find_citations(text, TYPES) == (
        Citation("Quyết định", "05/QĐ-UBND", None),
        Citation("Nghị quyết", "12-NQ/TU", None),
    )


def test_no_types_no_citations() -> None:
    assert find_citations("Kế hoạch số 49-KH/ĐUK", []) == ()
