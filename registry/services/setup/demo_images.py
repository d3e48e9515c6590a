"""Images for the demo office: a red seal and a blue handwritten signature, drawn with Pillow.

Real offices configure scans of their own ([signing] seal_image, signature_image); these only
let the demo notice look like the reference one: the seal over the left third of the signature.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from signing.fonts import FontFaces

__all__ = ["draw_seal", "draw_signature"]

RED = (200, 16, 16, 255)
BLUE = (20, 40, 170, 255)


def draw_seal(target: Path, faces: FontFaces, *, top: str, bottom: str, size: int = 420) -> None:
    """A round seal: two rings, a star, the body's name above and the place below it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse([6, 6, size - 6, size - 6], outline=RED, width=12)
    pen.ellipse([40, 40, size - 40, size - 40], outline=RED, width=4)
    centre = size / 2
    star = []
    for index in range(10):
        radius = 52 if index % 2 == 0 else 21
        angle = math.pi / 2 + index * math.pi / 5
        star.append((centre + radius * math.cos(angle), centre - radius * math.sin(angle)))
    pen.polygon(star, fill=RED)
    font = ImageFont.truetype(str(faces.bold), 30)
    for text, y in ((top, centre - 120), (bottom, centre + 80)):
        width = pen.textlength(text, font=font)
        pen.text((centre - width / 2, y), text, font=font, fill=RED)
    image.save(target)


def draw_signature(target: Path) -> None:
    """A flowing blue stroke on a transparent ground."""
    image = Image.new("RGBA", (480, 180), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    points = [
        (20, 120),
        (70, 40),
        (110, 140),
        (150, 60),
        (200, 130),
        (260, 50),
        (300, 120),
        (360, 70),
        (420, 110),
        (460, 60),
    ]
    pen.line(points, fill=BLUE, width=7, joint="curve")
    pen.line([(60, 150), (420, 135)], fill=BLUE, width=4)
    image.save(target)
