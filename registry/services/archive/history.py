"""A document's history in words: who did what and when, with what they wrote.

Built from the audit trail (every step the register records) and the comments kept with
the document, for the people who may see it: "Nguyễn Trọng Vân trả lại dự thảo: Sửa
đoạn 2". Each action's words are said here once, in Vietnamese and English.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import iso_vietnam

from ...audit import AuditAction
from ...models import AuditEvent, Comment, Document, User

__all__ = ["HistoryEntry", "action_words", "document_history"]

# What each action did, as a person says it (Vietnamese, English). ``{number}``,
# ``{changed}``, ``{reason}`` come from the event.
_WORDS: dict[str, tuple[str, str]] = {
    AuditAction.DOCUMENT_REGISTER: ("đăng ký dự thảo", "registered the draft"),
    AuditAction.DOCUMENT_REVISE: ("thay dự thảo ({changed})", "revised the draft ({changed})"),
    AuditAction.DOCUMENT_RETURN: ("trả lại dự thảo", "returned the draft"),
    AuditAction.DOCUMENT_COMMENT: ("ghi ý kiến", "commented"),
    AuditAction.DOCUMENT_PREPARE: ("chuẩn bị để ký", "prepared it for signing"),
    AuditAction.DOCUMENT_SIGN: ("ký duyệt", "signed it"),
    AuditAction.DOCUMENT_SIGN_FAILED: ("ký không thành: {reason}", "failed to sign: {reason}"),
    AuditAction.HANDOFF_SIGN: ("giao tệp để ký bằng USB token", "handed it out to sign on a token"),
    AuditAction.HANDOFF_ACCEPTED_SIGN: ("ký bằng USB token", "signed it on a token"),
    AuditAction.HANDOFF_ISSUE: (
        "giao tệp để ban hành bằng USB token, số {number}",
        "handed it out to issue on a token, number {number}",
    ),
    AuditAction.HANDOFF_ACCEPTED_ISSUE: ("ban hành bằng USB token", "issued it on a token"),
    AuditAction.HANDOFF_REFUSED: ("tệp ký ngoài bị từ chối", "a file signed elsewhere was refused"),
    AuditAction.DOCUMENT_ISSUE: ("ban hành, cấp số {number}", "issued it as {number}"),
    AuditAction.DOCUMENT_ISSUE_FAILED: (
        "ban hành không thành: {reason}",
        "failed to issue it: {reason}",
    ),
    AuditAction.ARCHIVE_EXTEND: ("lập bản lưu trữ dài hạn", "made its long-term archive copy"),
    AuditAction.ARCHIVE_EXTEND_FAILED: (
        "chưa lập được bản lưu trữ dài hạn",
        "could not make its long-term archive copy yet",
    ),
    AuditAction.DOCUMENT_WITHDRAW: ("thu hồi: {reason}", "withdrew it: {reason}"),
    AuditAction.DOCUMENT_SEND_NEW: ("gửi qua trục liên thông", "sent it as edXML"),
    AuditAction.DOCUMENT_SEND_RECALL: ("gửi lệnh thu hồi", "sent its recall"),
    AuditAction.DOCUMENT_SEND_REPLACE: ("gửi văn bản thay thế", "sent it as a replacement"),
    AuditAction.DOCUMENT_SEND_FAILED: ("gửi không thành: {reason}", "could not send it: {reason}"),
    AuditAction.DOCUMENT_DELIVERY_STATUS: (
        "nhận trạng thái gửi nhận",
        "received a delivery status",
    ),
    AuditAction.DOCUMENT_ATTACH: ("ký phụ lục", "signed an attachment"),
    AuditAction.DOCUMENT_VERIFY: ("kiểm tra chữ ký", "verified it"),
    AuditAction.DOCUMENT_IMPORT: ("nhập từ kho lưu trữ", "imported it"),
    AuditAction.DOCUMENT_IMPORT_REFUSED: ("từ chối nhập", "refused to import it"),
    # Events about the register as a whole, the accounts and the trail itself.
    AuditAction.ARCHIVE_CHECK: ("kiểm tra kho lưu trữ", "checked the archive"),
    AuditAction.ARCHIVE_CHECK_BLOBS: ("kiểm tra toàn vẹn các tệp", "re-hashed the stored files"),
    AuditAction.AUDIT_SEAL: ("niêm phong nhật ký", "sealed the audit trail"),
    AuditAction.AUDIT_WITNESS_FAILED: (
        "không gửi được dấu niêm phong cho bên chứng kiến",
        "could not send the seal to the witness",
    ),
    AuditAction.CONFIG_APPLY: ("áp dụng cấu hình", "applied the configuration"),
    AuditAction.ORGAN_SAVE: ("lưu cơ quan nhận {organ_id}", "saved the receiving body {organ_id}"),
    AuditAction.REGISTER_EXPORT: ("xuất sổ đăng ký văn bản đi", "exported the register book"),
    AuditAction.SERIES_CLOSE: ("đóng sổ số {key}", "closed the series {key}"),
    AuditAction.TOKEN_CREATE: ("tạo khóa API", "made an API token"),
    AuditAction.TOKEN_REVOKE: ("thu hồi khóa API", "revoked an API token"),
    AuditAction.USER_ACTIVATE: ("mở lại tài khoản {login}", "reactivated the account {login}"),
    AuditAction.USER_ADD: ("thêm tài khoản {login}", "added the account {login}"),
    AuditAction.USER_DEACTIVATE: ("khóa tài khoản {login}", "deactivated the account {login}"),
    AuditAction.USER_CERTIFICATE: (
        "ràng buộc chứng thư số của {login}",
        "bound {login}'s certificate",
    ),
    AuditAction.USER_LOGIN: ("đăng nhập", "logged in"),
    AuditAction.USER_LOGIN_FAILED: ("đăng nhập sai", "failed to log in"),
    AuditAction.USER_LOGIN_LOCKED: ("bị tạm khóa đăng nhập", "was locked out"),
    AuditAction.USER_LOGOUT: ("đăng xuất", "logged out"),
    AuditAction.USER_PASSWORD: ("đặt mật khẩu cho {login}", "set {login}'s password"),
    AuditAction.USER_PROFILE: ("sửa thông tin {login}", "edited {login}'s account"),
    AuditAction.USER_ROLES: ("đổi vai trò của {login}", "changed {login}'s roles"),
    AuditAction.USER_ROLES_APPROVED: ("duyệt vai trò của {login}", "approved {login}'s roles"),
    AuditAction.USER_ROLES_PENDING: (
        "giao vai trò cho {login}, chờ duyệt",
        "gave {login} roles awaiting approval",
    ),
}
_CHANGED: dict[str, tuple[str, str]] = {
    "file": ("tệp", "file"),
    "type": ("loại văn bản", "type"),
    "subject": ("trích yếu", "subject"),
    "recipients": ("nơi nhận", "recipients"),
    "urgency": ("độ khẩn", "urgency"),
    "secrecy": ("độ mật", "secrecy"),
    "authority": ("thẩm quyền ký", "signing authority"),
    "position": ("chức vụ", "position"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str  # the person's name (their login when the register has no name for it)
    what: str
    said: str = ""  # what they wrote: the reason for a return, a comment, a revision note

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "at": iso_vietnam(self.at)}


def action_words(action: str, details: dict[str, Any], lang: str = "vi") -> str:
    """What an event did, in words; the action's own name for one without words."""
    pair = _WORDS.get(action)
    if pair is None:
        return action
    index = 1 if lang == "en" else 0
    changed = ", ".join(
        _CHANGED.get(str(name), (str(name), str(name)))[index]
        for name in details.get("changed", [])
    )
    values = {
        "number": details.get("number", ""),
        "reason": details.get("reason", ""),
        "changed": changed,
        "login": details.get("login", details.get("user", "")),
        "key": details.get("series", details.get("key", "")),
        "organ_id": details.get("organ_id", ""),
    }
    return pair[index].format(**values)


def document_history(session: Session, document: Document, lang: str = "vi") -> list[HistoryEntry]:
    """Everything done to ``document`` and said about it, oldest first."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.document_id == document.id).order_by(AuditEvent.id)
    ).all()
    comments = {comment.id: comment for comment in document.comments}
    logins = {event.actor for event in events}
    names = dict(
        session.execute(select(User.login, User.full_name).where(User.login.in_(logins))).all()
    )
    entries = []
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        comment: Comment | None = comments.get(details.get("comment", -1))
        # Whose words a comment are (the command line acts for someone: --as) beats who ran it.
        who = comment.author_name if comment is not None else names.get(event.actor, event.actor)
        entries.append(
            HistoryEntry(
                at=event.occurred_at,
                who=who,
                what=action_words(event.action, details, lang),
                said=comment.body if comment is not None else "",
            )
        )
    return entries
