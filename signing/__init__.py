"""pyHanko wrappers for sovanban: bytes in, bytes out; no database, no web framework."""

import certs  # noqa: F401  (its library-warning filters apply before any pyHanko import)
