"""pyHanko wrappers for sovanban: bytes in, bytes out; no database, no web framework."""
