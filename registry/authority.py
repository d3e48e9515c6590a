"""The forms of signing authority (thẩm quyền ký) an authority line starts with.

For Party bodies (Hướng dẫn 36-HD/VPTW) T/M (on behalf of a collective), K/T (in place of
the head), T/L (by order), T/UQ (by delegation); for State bodies (NĐ 30/2020) TM., KT.,
TL., TUQ., Q. (acting). A head signing in his own right has none.
"""

from __future__ import annotations

from basics.said import said
from basics.text import nfc

from .errors import InputError

__all__ = ["AUTHORITY_FORMS", "signing_authority"]

AUTHORITY_FORMS = {
    "party": ("T/M", "K/T", "T/L", "T/UQ"),
    "state": ("TM.", "KT.", "TL.", "TUQ.", "Q."),
}


def signing_authority(scheme: str, authority: str) -> str:
    """``authority`` as the register keeps it (NFC, single spaces, the form of signing in
    capitals: "T/M Ban Chấp hành"); InputError in both languages when it does not start with
    a form of signing of ``scheme``'s documents."""
    line = nfc(" ".join(authority.split()))
    if not line:
        return ""
    forms = AUTHORITY_FORMS["state" if scheme == "state" else "party"]
    head, _, rest = line.partition(" ")
    head = head.upper()
    if head not in forms or not rest:
        known = ", ".join(forms)
        raise InputError(
            said(
                "The signing authority must start with one of {known} followed by the body or its "
                "head (for example {forms} BAN THƯỜNG VỤ): {authority!r}",
                known=known,
                forms=forms[0],
                authority=authority,
            )
        )
    return f"{head} {rest}"
