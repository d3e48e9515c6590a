"""The interface's words, Vietnamese first, English on request (?lang=en)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["WORDS", "translator"]

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Sổ văn bản đi", "Outgoing-document register"),
    "search": ("Tra cứu văn bản", "Find a document"),
    "search_hint": ("Số văn bản, ví dụ 25-TB/ĐUK", "Document number, e.g. 25-TB/ĐUK"),
    "go": ("Tìm", "Search"),
    "recent": ("Văn bản mới ban hành", "Recently issued"),
    "verify": ("Kiểm tra văn bản điện tử", "Verify an electronic document"),
    "verify_hint": (
        "Chọn tệp PDF đã ký số để kiểm tra chữ ký và đối chiếu với sổ văn bản.",
        "Choose a signed PDF to check its signatures against the register.",
    ),
    "check": ("Kiểm tra", "Verify"),
    "number": ("Số, ký hiệu", "Number"),
    "date": ("Ngày ban hành", "Date"),
    "type": ("Loại văn bản", "Type"),
    "subject": ("Trích yếu", "Subject"),
    "signer": ("Người ký", "Signer"),
    "recipients": ("Nơi nhận", "Recipients"),
    "download": ("Tải về", "Download"),
    "issued_copy": ("Bản phát hành", "Issued copy"),
    "archive_copy": ("Bản lưu trữ (PAdES B-LTA)", "Archive copy (PAdES B-LTA)"),
    "not_found": ("Không tìm thấy văn bản", "No such document"),
    "verdict": ("Kết luận", "Verdict"),
    "TOTAL-PASSED": ("HỢP LỆ", "PASSED"),
    "TOTAL-FAILED": ("KHÔNG HỢP LỆ", "FAILED"),
    "INDETERMINATE": ("CHƯA KẾT LUẬN ĐƯỢC", "INDETERMINATE"),
    "registered": ("Có trong sổ văn bản", "In the register"),
    "differs": ("Khác bản trong sổ (có thêm nội dung)", "Differs from the registered copy"),
    "not_registered": ("Không có trong sổ văn bản", "Not in the register"),
    "signatures": ("Chữ ký", "Signatures"),
    "language": ("English", "Tiếng Việt"),
}


def translator(lang: str) -> Callable[[str], str]:
    index = 1 if lang == "en" else 0

    def translate(key: str) -> str:
        words = WORDS.get(key)
        return words[index] if words else key

    return translate
