"""Helpers shared by tests and benchmarks (no test module imports another)."""

from pathlib import Path

# The checkout: tests move between folders, this does not.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
