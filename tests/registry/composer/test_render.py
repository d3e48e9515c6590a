"""The composed seed notice: every word extracts as written, Vietnamese intact, fonts embedded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from pypdf import PdfReader

from basics.text import vietnamese_date_line
from registry.composer import Notice, render_notice
from registry.composer.render import PARTY_HEADER
from registry.config import load_config
from registry.recipients import render_distribution
from registry.services.drafting.compose import load_configured_notice, seed_notice_path
from signing.fonts import default_font_faces
from tests.support import PROJECT_ROOT
from tests.support.components import require


@pytest.fixture(scope="module")
def seed() -> Notice:
    return load_configured_notice(load_config(None), seed_notice_path())


@pytest.fixture(scope="module")
def seed_pdf(seed: Notice) -> bytes:
    return render_notice(seed, default_font_faces())


def collapse(text: str) -> str:
    return " ".join(text.split())


def expected_blocks(notice: Notice) -> list[str]:
    """Everything the notice says, in reading order."""
    return [
        notice.superior_body,
        notice.issuer_header,
        "*",
        notice.number_line,
        PARTY_HEADER,
        vietnamese_date_line(notice.place, notice.date),
        notice.title,
        notice.subject,
        *(paragraph.text for paragraph in notice.body),
        *render_distribution(notice.recipients, notice.scheme).splitlines(),
        notice.signature.authority,
        notice.signature.position,
        notice.signature.name,
    ]


def assert_extracts_exactly(extracted: str, notice: Notice) -> None:
    remaining = collapse(extracted)
    for block in expected_blocks(notice):
        wanted = collapse(block)
        position = remaining.find(wanted)
        assert position >= 0, f"not found in order: {wanted[:80]!r}"
        assert remaining[:position].strip() == "", f"unexpected text before {wanted[:40]!r}"
        remaining = remaining[position + len(wanted) :]
    assert remaining.strip() == ""


def test_the_seed_notice_extracts_exactly_with_pypdf(seed: Notice, seed_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(seed_pdf))
    assert_extracts_exactly("\n".join(page.extract_text() for page in reader.pages), seed)


def test_the_seed_notice_extracts_exactly_with_pdftotext(seed: Notice, seed_pdf: bytes) -> None:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "not on PATH")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=seed_pdf, capture_output=True, check=True
    )
    text = result.stdout.decode("utf-8")
    for must in ("Nguyễn Trọng Vân", "PHÓ BÍ THƯ THƯỜNG TRỰC", "T/M BAN CHẤP HÀNH"):
        assert must in text
    for line in render_distribution(seed.recipients).splitlines():
        assert line in text
    assert_extracts_exactly(text, seed)


def test_every_font_is_embedded(seed_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(seed_pdf))
    fonts = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts, "no fonts at all"
    for name, font in fonts.items():
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        assert re.match(r"/[A-Z]{6}\+NotoSerif", name), f"{name} is not a subset of Noto Serif"


def test_composing_is_deterministic(seed: Notice, seed_pdf: bytes) -> None:
    assert render_notice(seed, default_font_faces()) == seed_pdf


def test_the_seed_body_is_the_real_notice_text(seed: Notice) -> None:
    """The packaged notice holds the reference document's words, none lost or added."""
    original = PROJECT_ROOT.parent / "shared" / "seed" / "thong-bao-ket-luan-2023-04-11.txt"
    if not original.is_file():  # project data, not a component: CI lays it beside the clone
        pytest.skip(f"{original} is not beside the checkout")
    body = original.read_text("utf-8").split("Nơi nhận:")[0]
    assert collapse(" ".join(p.text for p in seed.body)) == collapse(body)
