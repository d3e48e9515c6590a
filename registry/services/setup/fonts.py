"""The fonts the instance composes notices and draws stamps with ([composer])."""

from __future__ import annotations

from pathlib import Path

from signing.fonts import FontFaces, font_faces

from ...config import Config
from ...instance import resolve_path

__all__ = ["configured_fonts"]


def configured_fonts(config: Config, base: Path) -> FontFaces:
    def resolve(value: str) -> str:
        return str(resolve_path(base, value)) if value else ""

    composer = config.composer
    return font_faces(
        resolve(composer.font_regular),
        resolve(composer.font_bold),
        resolve(composer.font_italic),
        resolve(composer.font_bold_italic),
    )
