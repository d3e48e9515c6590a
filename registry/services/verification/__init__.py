"""Verifying a PDF against the instance's trust and register, in worker processes when served."""
