"""Verification of signed PDFs: pyHanko's validation, with stricter checks of our own around it."""
