"""What a draft's text must agree with when it is registered: the signing authority line
and the secrecy mark (Hướng dẫn 36-HD/VPTW; NĐ 30/2020 Phụ lục I).

- The authority line starts with the form of signing: for Party bodies T/M (on behalf of a
  collective), K/T (in place of the head), T/L (by order), T/UQ (by delegation); for State
  bodies TM., KT., TL., TUQ., Q. (acting). A head signing in his own right has none. It is
  printed in capitals, like the position line under it (the register keeps them as typed:
  the edXML package and the register book show "T/M Ban Chấp hành").
- A secret document carries its mark (MẬT, TỐI MẬT, TUYỆT MẬT) on page 1, under the number.
"""

from __future__ import annotations

import re

from basics.said import Said, said
from basics.text import nfc

from ...authority import AUTHORITY_FORMS, signing_authority
from ...models import Secrecy

__all__ = [
    "AUTHORITY_FORMS",
    "MARKS",
    "marked_secrecy",
    "secrecy_disagreement",
    "signing_authority",
]

MARKS = {Secrecy.SECRET: "MẬT", Secrecy.TOP_SECRET: "TỐI MẬT", Secrecy.ABSOLUTE: "TUYỆT MẬT"}
_FIRST_LINES = 40  # the marks stand in the header of page 1


def marked_secrecy(text: str) -> Secrecy | None:
    """The secrecy mark printed in the header of the draft whose text is ``text`` (a line
    that is only the mark), or None when it shows none."""
    lines = [" ".join(line.split()).upper() for line in nfc(text).splitlines()[:_FIRST_LINES]]
    for secrecy, mark in sorted(MARKS.items(), key=lambda item: -len(item[1])):
        if any(re.fullmatch(rf"{mark}", line) for line in lines):
            return secrecy
    return None


def secrecy_disagreement(text: str, registered: Secrecy) -> tuple[Said, bool] | None:
    """What is wrong when the draft's mark and the registered secrecy disagree, and whether
    it must be refused (the draft is marked, the registration says otherwise) or only said
    (the registration is secret, the draft shows no mark: it will print without one)."""
    found = marked_secrecy(text)
    if found == registered or (found is None and registered == Secrecy.NONE):
        return None
    if found is not None:
        registered_as: Said | str = MARKS.get(registered) or said("not secret")
        return (
            said(
                "The draft is marked {mark} but is registered as {registered}: choose its secrecy",
                mark=MARKS[found],
                registered=registered_as,
            ),
            True,
        )
    if not text.strip():
        return None  # a scan without text: nothing to compare
    return (
        said(
            "The draft is registered as {mark} but does not print the mark under its number",
            mark=MARKS[registered],
        ),
        False,
    )
