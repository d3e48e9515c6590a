"""Directory names compared without preparing the same strings again at every comparison.

asn1crypto compares two names as RFC 5280 §7.1 says: every value is first prepared (RFC
4518: mapping, NFKC, the prohibited and bidirectional checks, insignificant spaces), and the
result is kept only on the parsed value. A verification parses its certificates afresh, and
pyHanko compares issuer names to find the certificate of each signature, timestamp and CRL:
about 190 preparations for a two-signature notice, 6–8 ms of its 60. The preparation is a
pure function of the string, so :func:`install` keeps the results for the strings seen last.
A string the preparation refuses raises as before (refusals are not kept); long strings are
prepared every time, so a hostile certificate cannot fill the memory through this.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from asn1crypto import x509

__all__ = ["install", "prepared"]

_LONGEST_KEPT = 256
_library_prep: Callable[[object, str], str] = x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def _kept(string: str) -> str:
    return _library_prep(None, string)


def prepared(string: str) -> str:
    """``string`` prepared for comparison as asn1crypto prepares it (RFC 4518)."""
    if len(string) > _LONGEST_KEPT:
        return _library_prep(None, string)
    return _kept(string)


def _method(_value: object, string: str) -> str:
    return prepared(string)


def install() -> None:
    """Make asn1crypto's name values use :func:`prepared` (idempotent)."""
    x509.NameTypeAndValue._ldap_string_prep = _method
