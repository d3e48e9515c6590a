"""The signature page as printed (NĐ 30 Phụ lục I, 36-HD/VPTW), on the composed notice and on
drafts exported by LibreOffice: each is prepared, signed and issued, drawn at 200 dpi, and
checked by tests/support/signature_page.py, which finds the seal, the signature and the
stamps' texts on the picture and knows nothing of how they were laid out."""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from basics.said import Said
from certs.trust import TrustStore
from signing.appearance import Appearance
from signing.field_plans import stamp_plan_of
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.placement import default_prepare_spec, find_placement, place_and_prepare
from signing.prepare import ORGANISATION_FIELD
from signing.verify.engine import verify_pdf
from tests.support import PROJECT_ROOT
from tests.support.components import require
from tests.support.flow import ORG_EMAIL, SIGNER_EMAIL
from tests.support.pki import PASSPHRASE, RunningPki, start_pki, stop_pki
from tests.support.signature_page import block_picture, marks_on, rule_breaches
from tests.support.stamp_images import SIGNATURE_ASPECT, stamp_images
from tests.support.verify import ROLES, crls, pdfsig_report
from tests.support.word_drafts import WORD_DRAFTS, WordDraft, export_drafts

SEED = WordDraft(
    name="composed",
    header_left=(),
    header_right=(),
    title=(),
    body_paragraphs=0,
    recipients=(),
    block=(),
    signer="Nguyễn Trọng Vân",
    printed=("T/M BAN CHẤP HÀNH", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
)
# Drafts with room between the position line and the name for the seal at its real size.
ROOMY = {"composed", "party-table", "state-two-line-position-low"}
WITHOUT_IMAGE = {"party-right-edge"}
# Each block as printed, for a person to look at: test-output/signature-page/.
OUTPUT = (
    Path(os.environ.get("SOVANBAN_TEST_OUTPUT", PROJECT_ROOT / "test-output")) / "signature-page"
)
NUMBER_LINES = {"state-two-line-position-low": "Số: 07/QĐ-UBND"}
DATE_LINE = "Hà Tĩnh, ngày 20 tháng 4 năm 2024"


@dataclass(frozen=True)
class Issued:
    draft: WordDraft
    source: bytes
    pdf: bytes
    page: int
    notes: tuple[Said, ...]
    root: Path
    key: str


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory, seed_pdf: bytes) -> dict[str, bytes]:
    return {"composed": seed_pdf, **export_drafts(tmp_path_factory.mktemp("word"))}


@pytest.fixture(scope="module")
def ecdsa_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPki]:
    running = start_pki(tmp_path_factory.mktemp("ecdsa") / "pki", key_type="ecdsa")
    yield running
    stop_pki(running)


def _issue(draft: WordDraft, source: bytes, pki: RunningPki, images: Path, key: str) -> Issued:
    signature, seal = stamp_images(images)
    spec = default_prepare_spec()
    with_image = draft.name not in WITHOUT_IMAGE
    qr = key.endswith("-qr")  # an office that publishes its documents' pages
    spec = replace(
        spec,
        stamps=replace(
            spec.stamps,
            signer_lines=(SIGNER_EMAIL, "2026-04-20T11:10:29+07:00"),
            organisation_lines=(ORG_EMAIL, "2026-04-20T14:34:09+07:00"),
            signature_aspect=SIGNATURE_ASPECT if with_image else None,
            qr=qr,
        ),
    )
    placement = find_placement(source, signer_name=draft.signer, spec=spec)
    assert placement.block is not None
    prepared = place_and_prepare(source, draft.signer, None, spec=spec)
    assert prepared.notes == placement.block.notes
    prepared_pdf = prepared.pdf
    signing = NoticeSigning(
        Appearance(
            spec.fonts,
            signature_image=signature if with_image else None,
            seal_image=seal,
            qr_code=qr,
        )
    )
    signed = signing.sign(
        prepared_pdf,
        load_pkcs12_signer(pki.pki.key_path("signer"), PASSPHRASE),
        None,
        email=SIGNER_EMAIL,
    )
    issued = signing.issue(
        signed,
        load_pkcs12_signer(pki.pki.key_path("organisation"), PASSPHRASE),
        None,
        number_text="07",
        number_line=NUMBER_LINES.get(draft.name, "Số 07-TB/ĐUK"),
        date_text=DATE_LINE,
        email=ORG_EMAIL,
        url="https://vanban.example.vn/van-ban/7" if qr else "",
    )
    return Issued(
        draft,
        source,
        issued,
        placement.signer.page,
        placement.block.notes,
        pki.pki.folder / "root-ca.pem",
        key,
    )


CASES = [(d.name, "rsa") for d in (SEED, *WORD_DRAFTS)] + [
    ("composed", "ecdsa"),
    ("party-table", "ecdsa"),
    ("composed", "rsa-qr"),
]


@pytest.fixture(scope="module", params=CASES, ids=[f"{name}-{key}" for name, key in CASES])
def issued(
    request: pytest.FixtureRequest,
    drafts: dict[str, bytes],
    running_pki: RunningPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> Issued:
    name, key = request.param
    pki = running_pki if key.startswith("rsa") else request.getfixturevalue("ecdsa_pki")
    draft = next(d for d in (SEED, *WORD_DRAFTS) if d.name == name)
    return _issue(draft, drafts[name], pki, tmp_path_factory.mktemp("images"), key)


def test_the_signature_block_prints_by_the_rules(issued: Issued) -> None:
    marks = marks_on(issued.pdf, issued.page)
    roomy = issued.draft.name in ROOMY
    breaches = rule_breaches(
        marks,
        block_lines=issued.draft.block_lines,
        name=issued.draft.signer,
        with_signature=issued.draft.name not in WITHOUT_IMAGE,
        seal_size=98.0 if roomy else None,  # the ring of the test seal: 98 % of its image
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    picture = block_picture(issued.pdf, issued.page, marks, issued.draft.signer)
    picture.save(OUTPUT / f"{issued.draft.name}-{issued.key}.png")
    assert breaches == []
    if issued.key.endswith("-qr"):  # the code whole (27 pt of modules) beside the office's text
        assert any(t.height >= 26 and t.width >= 26 + 60 for t in marks.stamp_texts)
        field = _field(issued.pdf, ORGANISATION_FIELD)
        plan = stamp_plan_of(field)
        assert plan is not None and plan.text.qr is not None
        x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
        qr = plan.text.qr
        assert qr.x0 >= 0 and qr.x1 <= x1 - x0 and qr.y0 >= 0 and qr.y1 <= y1 - y0  # not clipped
    # A block without room prints the seal smaller and says why; one with room says nothing.
    assert bool(issued.notes) is not roomy
    if not roomy:
        assert "leave more room" in str(issued.notes[0])


def test_the_text_reads_the_number_and_date_lines_once_as_printed(issued: Issued) -> None:
    require("pdftotext (poppler-utils)", _has("pdftotext"), "not on PATH")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=issued.pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    words = " ".join(text.split())
    number_line = NUMBER_LINES.get(issued.draft.name, "Số 07-TB/ĐUK")
    assert words.count(number_line) == 1
    assert words.count(DATE_LINE) == 1
    assert "tháng năm" not in words and "tháng ...... năm" not in words  # the draft's blanks
    assert words.count(SIGNER_EMAIL) == 1 and words.count(ORG_EMAIL) == 1


def test_other_verifiers_accept_what_was_printed(
    issued: Issued, running_pki: RunningPki, tmp_path: Path
) -> None:
    report = verify_pdf(
        issued.pdf,
        trust=TrustStore.from_paths(anchors=[issued.root]),
        roles=ROLES,
        crls=crls(running_pki) if issued.root == running_pki.pki.folder / "root-ca.pem" else [],
    )
    assert [s.intact and s.valid and s.trusted for s in report.signatures] == [True, True]
    assert [s.modifications for s in report.signatures] == ["form_filling", "none"]
    pdfsig = pdfsig_report(issued.pdf, issued.root, tmp_path)
    assert pdfsig.count("Signature Validation: Signature is Valid.") == 2, pdfsig


def _field(pdf: bytes, name: str) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    return next(
        f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == name
    )


def _has(command: str) -> bool:
    import shutil

    return shutil.which(command) is not None


def _words(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """Each word pdftotext reads on ``page`` (0-based), with its box (x0, top, x1, bottom;
    top-left origin)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    return [(text, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in found]


@pytest.mark.parametrize(
    "number", ["25-TB/ĐUK", "1234-QĐ/TU-VPTU-BTCTU-UBKTTU-BTGTU-BDVTU-ĐUKCCQT-HĐND"]
)
def test_an_attachments_stamp_reads_number_and_time_top_right_within_its_box(
    running_pki: RunningPki, signing: NoticeSigning, number: str
) -> None:
    from basics.text import iso_vietnam
    from signing.timestamps import LocalTimeStamper
    from tests.support.flow import MOMENT
    from tests.support.pdfs import blank_pdf

    require("pdftotext (poppler-utils)", _has("pdftotext"), "not on PATH")
    organisation = load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE)
    signed = signing.sign_attachment(
        blank_pdf(),
        organisation,
        LocalTimeStamper(running_pki.services.tsa),
        number=number,
        at=MOMENT,
    )
    words = _words(signed)
    assert " ".join(word[0] for word in words) == f"{number}; {iso_vietnam(MOMENT)}"
    # The field: 270 x 25 points, 30 from the right edge and 25 from the top of an A4 page.
    left, top, right, bottom = 595 - 300, 25.0, 595 - 30, 50.0
    assert all(left <= x0 and x1 <= right + 0.5 for _, x0, _, x1, _ in words)
    assert all(top <= y0 and y1 <= bottom for _, _, y0, _, y1 in words)
    assert words[-1][3] > right - 3  # flush right
    heights = {round(y1 - y0, 1) for _, _, y0, _, y1 in words}
    assert len(heights) == 1  # one line, one size


def test_fields_prepared_without_a_plan_print_their_text_and_verify(
    running_pki: RunningPki, signing: NoticeSigning, seed_pdf: bytes, tmp_path: Path
) -> None:
    """Configured boxes (no line or stamp plans): pyHanko's text boxes, in the stamp fonts."""
    from pypdf import PdfReader

    from basics.text import iso_vietnam
    from signing.prepare import prepare_pdf
    from signing.timestamps import LocalTimeStamper
    from tests.support.flow import MOMENT

    require("pdftotext (poppler-utils)", _has("pdftotext"), "not on PATH")
    placement = find_placement(seed_pdf, signer_name="Nguyễn Trọng Vân")
    boxes = replace(placement, number_line=None, date_line=None, block=None)
    stamper = LocalTimeStamper(running_pki.services.tsa)
    signed = signing.sign(
        prepare_pdf(seed_pdf, boxes),
        load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE),
        stamper,
        email=SIGNER_EMAIL,
        at=MOMENT,
    )
    issued = signing.issue(
        signed,
        load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE),
        stamper,
        number_text="25",
        date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2026",
        email=ORG_EMAIL,
        at=MOMENT,
    )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=issued, capture_output=True, check=True
    ).stdout.decode()
    for printed in ("Hà Tĩnh, ngày 20 tháng 4 năm 2026", SIGNER_EMAIL, ORG_EMAIL):
        assert printed in text
    assert re.search(r"Số\s+25", text)
    assert text.count(iso_vietnam(MOMENT)) == 2  # both stamps' times
    report = verify_pdf(
        issued,
        trust=TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"]),
        roles=ROLES,
        crls=crls(running_pki),
    )
    assert [s.intact and s.valid and s.trusted for s in report.signatures] == [True, True]
    assert [s.modifications for s in report.signatures] == ["form_filling", "none"]
    pdfsig = pdfsig_report(issued, running_pki.pki.folder / "root-ca.pem", tmp_path)
    assert pdfsig.count("Signature Validation: Signature is Valid.") == 2, pdfsig
    # The seal's box is narrower than the office's e-mail at 7 pt: the text shrinks into it.
    seal = boxes.organisation
    height = float(PdfReader(io.BytesIO(issued)).pages[seal.page].mediabox.top)
    (email,) = (w for w in _words(issued, seal.page) if w[0] == ORG_EMAIL)
    _, x0, top, x1, bottom = email
    assert seal.x1 - 0.5 <= x0 and x1 <= seal.x2 + 0.5
    assert height - seal.y2 - 0.5 <= top and bottom <= height - seal.y1 + 0.5
