"""The notice composer: a structured notice (TOML) rendered in the Party layout."""

from .notice import Notice, Paragraph, SignatureBlock, load_notice, notice_from_toml
from .render import render_notice

__all__ = [
    "Notice",
    "Paragraph",
    "SignatureBlock",
    "load_notice",
    "notice_from_toml",
    "render_notice",
]
