"""What prepare writes into our fields for the appearances drawn later, and reads back.

A signature field carries where its image, text and QR code go (block_layout.py); a text
field that prints a whole line (the number line, the date line) carries its baseline, size,
face and alignment. The entries are private keys of the field dictionaries: other readers
ignore them, and a file prepared without them is signed the way it always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

from .block_layout import Align, Rect, StampLayout, TextBlock

__all__ = [
    "LINE_KEY",
    "STAMP_KEY",
    "LinePlan",
    "line_plan_of",
    "stamp_plan_of",
    "write_line_plan",
    "write_stamp_plan",
]

LINE_KEY = "/SovanbanLine"
STAMP_KEY = "/SovanbanStamp"


@dataclass(frozen=True)
class LinePlan:
    """How a field prints its line, in the field's coordinates: ``anchor`` is the line's
    centre (``centre``) or start (``left``)."""

    baseline: float
    size: float
    italic: bool
    anchor: float
    align: Align


def _numbers(*values: float) -> generic.ArrayObject:
    return generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in values)


def _rect_array(rect: Rect, origin: tuple[float, float]) -> generic.ArrayObject:
    moved = rect.moved(-origin[0], -origin[1])
    return _numbers(moved.x0, moved.y0, moved.x1, moved.y1)


def write_stamp_plan(
    field: generic.DictionaryObject, *, layout: StampLayout, origin: tuple[float, float]
) -> None:
    """Record ``layout`` (page coordinates) in the signature ``field`` whose lower-left
    corner is ``origin``, relative to it."""
    text = layout.text
    plan = generic.DictionaryObject(
        {
            pdf_name("/Text"): _rect_array(text.rect, origin),
            pdf_name("/Size"): generic.FloatObject(text.size),
            pdf_name("/Align"): pdf_name("/" + text.align),
        }
    )
    if layout.image is not None:
        plan[pdf_name("/Image")] = _rect_array(layout.image, origin)
    if text.qr is not None:
        plan[pdf_name("/QR")] = _rect_array(text.qr, origin)
    field[pdf_name(STAMP_KEY)] = plan


def write_line_plan(field: generic.DictionaryObject, plan: LinePlan) -> None:
    field[pdf_name(LINE_KEY)] = generic.DictionaryObject(
        {
            pdf_name("/Baseline"): generic.FloatObject(round(plan.baseline, 2)),
            pdf_name("/Size"): generic.FloatObject(round(plan.size, 2)),
            pdf_name("/Italic"): generic.BooleanObject(plan.italic),
            pdf_name("/Anchor"): generic.FloatObject(round(plan.anchor, 2)),
            pdf_name("/Align"): pdf_name("/" + plan.align),
        }
    )


def _rect(value: Any) -> Rect | None:
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return Rect(x0, y0, x1, y1)


def _align(value: Any) -> Align:
    return "centre" if str(value) == "/centre" else "left"


def stamp_plan_of(field: Any) -> StampLayout | None:
    """The layout recorded in a signature field (field coordinates), or None."""
    try:
        plan = field.get(STAMP_KEY)
        if plan is None:
            return None
        plan = plan.get_object()
        text = TextBlock(
            _rect(plan["/Text"]) or Rect(0, 0, 0, 0),
            float(plan["/Size"]),
            _align(plan.get("/Align")),
            qr=_rect(plan.get("/QR")),
        )
        return StampLayout(_rect(plan.get("/Image")), text)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not ours, or damaged: the field is drawn the plain way


def line_plan_of(field: Any) -> LinePlan | None:
    """The line plan recorded in a text field, or None."""
    try:
        plan = field.get(LINE_KEY)
        if plan is None:
            return None
        plan = plan.get_object()
        return LinePlan(
            baseline=float(plan["/Baseline"]),
            size=float(plan["/Size"]),
            italic=bool(plan.get("/Italic", False)),
            anchor=float(plan["/Anchor"]),
            align=_align(plan.get("/Align")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
