"""The messages of the source, extracted, and the Vietnamese catalog kept in step with them.

Every message is English text in a literal: ``said("…")`` in Python, ``_("…")`` in the
templates. ``python -m tests.support.catalog`` adds the new ones to ``basics/locale/vi.po``
(untranslated, for a translator to fill in), drops the ones no longer said, and prints what
waits for a translation; the test suite fails while anything does.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment
from jinja2.ext import extract_from_ast

from basics.language import catalog_path
from basics.text import nfc

__all__ = ["Extracted", "extract", "placeholders", "update_catalog"]

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("basics", "certs", "signing", "registry")
TEMPLATES = ROOT / "registry" / "web" / "templates"
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}(?!\})")


@dataclass
class Extracted:
    messages: dict[str, list[str]] = field(default_factory=dict)  # text → where it is said
    problems: list[str] = field(default_factory=list)  # a message the extraction cannot read

    def add(self, text: str, where: str) -> None:
        self.messages.setdefault(nfc(text), []).append(where)


def placeholders(text: str) -> set[str]:
    """The names of ``text``'s ``{name}`` places (``{{`` and ``}}`` are braces)."""
    return set(_PLACEHOLDER.findall(text))


def _python_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _said_calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "said":
                yield node


def extract() -> Extracted:
    found = Extracted()
    for path in _python_files():
        where = path.relative_to(ROOT).as_posix()
        for call in _said_calls(ast.parse(path.read_text("utf-8"))):
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value, f"{where}:{call.lineno}")
            elif where != "basics/said.py":  # said() itself passes its argument on
                found.problems.append(f"{where}:{call.lineno}: said() without a literal text")
    environment = Environment(autoescape=True)
    for path in sorted(TEMPLATES.rglob("*.html")):
        where = path.relative_to(ROOT).as_posix()
        tree = environment.parse(path.read_text("utf-8"))
        # Without Babel's style a call gives the tuple of its literal arguments: the text,
        # or nothing for a message passed on (``_(error.said)``).
        for line, _function, literals in extract_from_ast(tree, ("_",), babel_style=False):
            if literals:
                found.add(str(literals[0]), f"{where}:{line}")
    return found


def read_catalog(path: Path | None = None) -> Catalog:
    with (path or catalog_path("vi")).open("rb") as po:
        return read_po(po, locale="vi")


def update_catalog(path: Path | None = None) -> list[str]:
    """Bring the catalog in step with the source; the texts still waiting for a translation."""
    target = path or catalog_path("vi")
    old = read_catalog(target) if target.exists() else Catalog(locale="vi")
    new = Catalog(
        locale="vi",
        project="sovanban",
        version="1",
        charset="utf-8",
        header_comment="# sovanban in Vietnamese; python -m tests.support.catalog updates it",
        creation_date=old.creation_date,
        revision_date=old.revision_date,
        last_translator="sovanban",
        language_team="sovanban",
        msgid_bugs_address="",
        fuzzy=False,
    )
    extracted = extract()
    for text, places in sorted(extracted.messages.items(), key=lambda item: item[1][0]):
        before = old.get(text)
        translation = before.string if before is not None else ""
        new.add(
            text,
            translation,
            locations=[tuple(place.rsplit(":", 1)) for place in places],  # type: ignore[misc]
            flags=("python-brace-format",) if placeholders(text) else (),
        )
    with target.open("wb") as po:
        write_po(po, new, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return [text for text in extracted.messages if not getattr(new.get(text), "string", "")]


if __name__ == "__main__":
    waiting = update_catalog()
    for text in waiting:
        print(f"untranslated: {text}")
    sys.exit(1 if waiting else 0)
