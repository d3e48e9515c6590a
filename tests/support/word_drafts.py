"""Drafts as offices make them: written in a word processor and exported to PDF by
LibreOffice (Writer, headless), not by our composer.

Each draft is an ODF text document (flat XML) built here and converted by ``soffice``:
header and foot in borderless tables as Word templates have them, blanks typed as runs of
spaces or dots, Liberation Serif (the metric twin of Times New Roman) at 14 pt.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from tests.support.components import require

__all__ = ["WORD_DRAFTS", "WordDraft", "export_drafts"]

# A paragraph: (style, text). Styles: c (centred), cb (centred bold), cbu (centred bold
# underlined), ci (centred italic), j (justified body), nn (Nơi nhận title), l (left, 11 pt),
# rb (right-aligned bold), e (empty line).
Paragraph = tuple[str, str]
BODY = (
    "Thực hiện chương trình công tác năm, Ban Thường vụ yêu cầu các cấp ủy, tổ chức đảng "
    "trực thuộc tập trung lãnh đạo, chỉ đạo thực hiện tốt các nhiệm vụ trọng tâm, bảo đảm "
    "tiến độ và chất lượng; định kỳ báo cáo kết quả về Văn phòng theo quy định."
)


@dataclass(frozen=True)
class WordDraft:
    """A draft as a clerk types it: what the test expects of its signature block."""

    name: str
    header_left: tuple[Paragraph, ...]
    header_right: tuple[Paragraph, ...]
    title: tuple[Paragraph, ...]
    body_paragraphs: int
    recipients: tuple[str, ...]
    block: tuple[Paragraph, ...]  # authority and position lines, blanks, the name
    signer: str
    margins_cm: tuple[float, float, float, float] = (2.0, 2.0, 3.0, 1.5)  # top bottom left right
    foot_in_table: bool = True
    block_column_cm: float = 8.0
    printed: tuple[str, ...] = ()  # the block's lines above the gap as they print, if wrapped
    notes: tuple[str, ...] = field(default=())

    @property
    def block_lines(self) -> list[str]:
        """The block's printed lines above the gap (authority, position)."""
        if self.printed:
            return list(self.printed)
        lines = []
        for style, text in self.block:
            if style == "e":
                break
            lines.append(text)
        return lines


_PARTY_HEADER = (
    ("c", "ĐẢNG BỘ TỈNH HÀ TĨNH"),
    ("cb", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN"),
    ("cb", "VÀ DOANH NGHIỆP TỈNH"),
    ("c", "*"),
    ("c", "Số          -TB/ĐUK"),
)
_PARTY_MOTTO = (
    ("cbu", "ĐẢNG CỘNG SẢN VIỆT NAM"),
    ("e", ""),
    ("ci", "Hà Tĩnh, ngày      tháng      năm 2024"),
)

WORD_DRAFTS = (
    WordDraft(
        name="party-table",
        header_left=_PARTY_HEADER,
        header_right=_PARTY_MOTTO,
        title=(("cb", "THÔNG BÁO"), ("cb", "Kết luận của Ban Thường vụ về công tác quý III")),
        body_paragraphs=3,
        recipients=(
            "- Thường trực Tỉnh ủy,",
            "- Các đảng ủy cơ sở,",
            "- Lưu Văn phòng Đảng ủy Khối.",
        ),
        block=(
            ("cb", "T/M BAN THƯỜNG VỤ"),
            ("cb", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("cb", "Nguyễn Trọng Vân"),
        ),
        signer="Nguyễn Trọng Vân",
    ),
    WordDraft(
        name="state-two-line-position-low",
        header_left=(
            ("cb", "ỦY BAN NHÂN DÂN"),
            ("cb", "TỈNH HÀ TĨNH"),
            ("e", ""),
            ("c", "Số: ......../QĐ-UBND"),
        ),
        header_right=(
            ("cb", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("cbu", "Độc lập - Tự do - Hạnh phúc"),
            ("ci", "Hà Tĩnh, ngày ...... tháng ...... năm 2024"),
        ),
        title=(("cb", "QUYẾT ĐỊNH"), ("cb", "Về việc ban hành Quy chế làm việc")),
        body_paragraphs=5,
        recipients=("- Như Điều 3;", "- Lưu: VT, TH."),
        block=(
            ("cb", "KT. CHỦ TỊCH"),
            ("cb", "PHÓ CHỦ TỊCH THƯỜNG TRỰC ỦY BAN NHÂN DÂN TỈNH"),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("cb", "Trần Văn An"),
        ),
        signer="Trần Văn An",
        block_column_cm=8.5,
        printed=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC ỦY", "BAN NHÂN DÂN TỈNH"),
        notes=("the block ends near the foot of the page", "the position wraps over two lines"),
    ),
    WordDraft(
        name="party-right-edge",
        header_left=_PARTY_HEADER,
        header_right=_PARTY_MOTTO,
        title=(("cb", "CÔNG VĂN"),),
        body_paragraphs=2,
        recipients=("- Như trên,", "- Lưu VP."),
        block=(
            ("rb", "T/M BAN CHẤP HÀNH"),
            ("rb", "BÍ THƯ"),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("rb", "Lê Văn Minh"),
        ),
        signer="Lê Văn Minh",
        margins_cm=(2.0, 2.0, 2.5, 0.8),
        foot_in_table=False,
        notes=("the block is set flush against the right margin, outside any table",),
    ),
)


def _spans(text: str) -> str:
    """ODF collapses spaces: runs of them are written as <text:s text:c="n"/>."""
    out, run = [], 0
    for ch in text:
        if ch == " ":
            run += 1
            continue
        if run:
            out.append(" " if run == 1 else f'<text:s text:c="{run}"/>')
            run = 0
        out.append(escape(ch))
    if run:
        out.append(f'<text:s text:c="{run}"/>')
    return "".join(out)


def _paragraph(style: str, text: str) -> str:
    return f'<text:p text:style-name="{style}">{_spans(text)}</text:p>'


def _table(name: str, widths_cm: tuple[float, float], cells: tuple[str, str]) -> str:
    columns = "".join(
        f'<table:table-column table:style-name="{name}.{i}"/>' for i in range(len(widths_cm))
    )
    row = "".join(f"<table:table-cell>{cell}</table:table-cell>" for cell in cells)
    return (
        f'<table:table table:name="{name}" table:style-name="{name}">{columns}'
        f"<table:table-row>{row}</table:table-row></table:table>"
    )


def _table_style(name: str, widths: tuple[float, float]) -> str:
    total = sum(widths)
    styles = [
        f'<style:style style:name="{name}" style:family="table">'
        f'<style:table-properties style:width="{total}cm" table:align="left"/></style:style>'
    ]
    styles.extend(
        f'<style:style style:name="{name}.{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w}cm"/></style:style>'
        for i, w in enumerate(widths)
    )
    return "".join(styles)


# Paragraph styles: name → (paragraph properties, text properties), as ODF attributes.
_STYLES = {
    "c": ('fo:text-align="center"', 'fo:font-size="13pt"'),
    "cb": ('fo:text-align="center"', 'fo:font-size="13pt" fo:font-weight="bold"'),
    "cbu": (
        'fo:text-align="center"',
        'fo:font-size="13pt" fo:font-weight="bold" style:text-underline-style="solid" '
        'style:text-underline-width="auto" style:text-underline-color="font-color"',
    ),
    "ci": ('fo:text-align="center" fo:margin-top="0.2cm"', 'fo:font-style="italic"'),
    "j": ('fo:text-align="justify" fo:text-indent="1cm" fo:margin-top="0.15cm"', ""),
    "nn": (
        'fo:margin-top="0.3cm"',
        'fo:font-size="12pt" fo:font-weight="bold" fo:font-style="italic"',
    ),
    "l": ("", 'fo:font-size="11pt"'),
    "rb": ('fo:text-align="end"', 'fo:font-weight="bold"'),
    "e": ("", ""),
}


def _paragraph_style(name: str, paragraph: str, text: str) -> str:
    return (
        f'<style:style style:name="{name}" style:family="paragraph">'
        f"<style:paragraph-properties {paragraph}/><style:text-properties {text}/></style:style>"
    )


_NAMESPACES = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"'
    for prefix, name in (
        ("office", "office"),
        ("style", "style"),
        ("text", "text"),
        ("table", "table"),
        ("fo", "xsl-fo-compatible"),
        ("svg", "svg-compatible"),
    )
)


def _fodt(draft: WordDraft) -> str:
    top, bottom, left, right = draft.margins_cm
    text_width = 21.0 - left - right
    header_widths = (text_width * 0.45, text_width * 0.55)
    foot_widths = (text_width - draft.block_column_cm, draft.block_column_cm)
    header = _table(
        "Header",
        header_widths,
        (
            "".join(_paragraph(*p) for p in draft.header_left),
            "".join(_paragraph(*p) for p in draft.header_right),
        ),
    )
    title = "".join(_paragraph(*p) for p in draft.title)
    body = "".join(_paragraph("j", BODY) for _ in range(draft.body_paragraphs))
    recipients = _paragraph("nn", "Nơi nhận:") + "".join(
        _paragraph("l", line) for line in draft.recipients
    )
    block = "".join(_paragraph(*p) for p in draft.block)
    if draft.foot_in_table:
        foot = _table("Foot", foot_widths, (recipients, block))
    else:
        foot = block + recipients
    page = (
        f'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="{top}cm" '
        f'fo:margin-bottom="{bottom}cm" fo:margin-left="{left}cm" fo:margin-right="{right}cm"'
    )
    styles = "".join(_paragraph_style(name, *props) for name, props in _STYLES.items())
    gap = '<text:p text:style-name="e"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document {_NAMESPACES} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.text">'
        '<office:font-face-decls><style:font-face style:name="Liberation Serif" '
        'svg:font-family="\'Liberation Serif\'" style:font-family-generic="roman"/>'
        "</office:font-face-decls>"
        '<office:styles><style:default-style style:family="paragraph">'
        '<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm"/>'
        '<style:text-properties style:font-name="Liberation Serif" fo:font-size="14pt" '
        'fo:language="vi" fo:country="VN"/></style:default-style></office:styles>'
        f'<office:automatic-styles><style:page-layout style:name="Page">'
        f"<style:page-layout-properties {page}/></style:page-layout>"
        f"{_table_style('Header', header_widths)}{_table_style('Foot', foot_widths)}{styles}"
        "</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Standard" '
        'style:page-layout-name="Page"/></office:master-styles>'
        f"<office:body><office:text>{header}{gap}{title}{gap}{body}{gap}{foot}"
        "</office:text></office:body></office:document>"
    )


def export_drafts(folder: Path, drafts: tuple[WordDraft, ...] = WORD_DRAFTS) -> dict[str, bytes]:
    """Each draft exported to PDF by LibreOffice, by name (skips, or fails under CI,
    without ``soffice``)."""
    soffice = shutil.which("soffice")
    require("LibreOffice", soffice is not None, "soffice (libreoffice-writer) is not on PATH")
    assert soffice is not None
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for draft in drafts:
        source = folder / f"{draft.name}.fodt"
        source.write_text(_fodt(draft), "utf-8")
        sources.append(str(source))
    profile = (folder / "profile").resolve().as_uri()  # its own: workers run side by side
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {draft.name: (folder / f"{draft.name}.pdf").read_bytes() for draft in drafts}
