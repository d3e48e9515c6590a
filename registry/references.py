"""Citations of other documents in a notice's text: "Kế hoạch số 49-KH/ĐUK, ngày 06/3/2023"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from basics.text import nfc

__all__ = ["Citation", "find_citations"]


@dataclass(frozen=True)
class Citation:
    type_name: str
    number_text: str
    cited_date: date | None


def find_citations(text: str, type_names: Iterable[str]) -> tuple[Citation, ...]:
    """Each distinct ``<Type> số <n>-<TYPE>/<ISSUER>[, ngày dd/mm/yyyy]`` in ``text``."""
    names = sorted({nfc(name) for name in type_names if name}, key=len, reverse=True)
    if not names:
        return ()
    pattern = re.compile(
        r"(?P<type>" + "|".join(re.escape(name) for name in names) + r")\s+số\s+"
        r"(?P<number>\d{1,4}\s*[-/]\s*[\wĐđ]+(?:[/-][\wĐđ]+)+)"
        r"(?:\s*,?\s*ngày\s+(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4}))?",
        re.IGNORECASE,
    )
    found: dict[str, Citation] = {}
    for match in pattern.finditer(nfc(" ".join(text.split()))):
        number = re.sub(r"\s+", "", match["number"])
        cited: date | None = None
        if match["year"]:
            try:
                cited = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                cited = None  # "ngày 31/02/2023" is a typo in the text, not a date
        name = match["type"][0].upper() + match["type"][1:]
        found.setdefault(number, Citation(name, number, cited))
    return tuple(found.values())
