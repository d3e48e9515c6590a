"""Stamp images for tests: a red round seal and a blue handwritten signature (PNG, transparent)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

__all__ = ["SIGNATURE_ASPECT", "stamp_images"]

SIGNATURE_ASPECT = 360 / 140


def stamp_images(folder: Path) -> tuple[Path, Path]:
    """(signature, seal) written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    signature, seal = folder / "chu-ky.png", folder / "con-dau.png"
    picture = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    pen = ImageDraw.Draw(picture)
    pen.line(
        [(15, 100), (70, 25), (120, 110), (190, 35), (250, 105), (345, 40)],
        fill=(25, 45, 190, 255),
        width=7,
    )
    pen.line([(40, 125), (320, 112)], fill=(25, 45, 190, 255), width=4)
    picture.save(signature)
    ring = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    pen = ImageDraw.Draw(ring)
    pen.ellipse([4, 4, 396, 396], outline=(205, 20, 20, 255), width=14)
    pen.ellipse([46, 46, 354, 354], outline=(205, 20, 20, 255), width=5)
    pen.regular_polygon((200, 200, 60), 5, fill=(205, 20, 20, 255))
    ring.save(seal)
    return signature, seal
