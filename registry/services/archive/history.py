"""A document's history in words: who did what and when, with what they wrote.

Built from the audit trail (every step the register records) and the comments kept with
the document, for the people who may see it: "Nguyễn Trọng Vân trả lại dự thảo: Sửa
đoạn 2". Each action's words are said here once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.language import language_of, translator
from basics.said import Said, said
from basics.text import iso_vietnam

from ...audit import AuditAction
from ...models import AuditEvent, Comment, Document, User

__all__ = ["HistoryEntry", "action_words", "document_history"]

# What each action did, as a person says it (translated by the catalogs). ``{number}``,
# ``{changed}``, ``{reason}`` come from the event.
_WORDS: dict[str, Said] = {
    AuditAction.DOCUMENT_REGISTER: said("registered the draft"),
    AuditAction.DOCUMENT_REVISE: said("revised the draft ({changed})"),
    AuditAction.DOCUMENT_RETURN: said("returned the draft"),
    AuditAction.DOCUMENT_COMMENT: said("commented"),
    AuditAction.DOCUMENT_PREPARE: said("prepared it for signing"),
    AuditAction.DOCUMENT_SIGN: said("signed it"),
    AuditAction.DOCUMENT_SIGN_FAILED: said("failed to sign: {reason}"),
    AuditAction.HANDOFF_SIGN: said("handed it out to sign on a token"),
    AuditAction.HANDOFF_ACCEPTED_SIGN: said("signed it on a token"),
    AuditAction.HANDOFF_ISSUE: said("handed it out to issue on a token, number {number}"),
    AuditAction.HANDOFF_ACCEPTED_ISSUE: said("issued it on a token"),
    AuditAction.HANDOFF_REFUSED: said("a file signed elsewhere was refused"),
    AuditAction.DOCUMENT_ISSUE: said("issued it as {number}"),
    AuditAction.DOCUMENT_ISSUE_FAILED: said("failed to issue it: {reason}"),
    AuditAction.ARCHIVE_EXTEND: said("made its long-term archive copy"),
    AuditAction.ARCHIVE_EXTEND_FAILED: said("could not make its long-term archive copy yet"),
    AuditAction.DOCUMENT_WITHDRAW: said("withdrew it: {reason}"),
    AuditAction.DOCUMENT_SEND_NEW: said("sent it as edXML"),
    AuditAction.DOCUMENT_SEND_RECALL: said("sent its recall"),
    AuditAction.DOCUMENT_SEND_REPLACE: said("sent it as a replacement"),
    AuditAction.DOCUMENT_SEND_FAILED: said("could not send it: {reason}"),
    AuditAction.DOCUMENT_DELIVERY_STATUS: said("received a delivery status"),
    AuditAction.DOCUMENT_ATTACH: said("signed an attachment"),
    AuditAction.DOCUMENT_VERIFY: said("verified it"),
    AuditAction.DOCUMENT_IMPORT: said("imported it"),
    AuditAction.DOCUMENT_IMPORT_REFUSED: said("refused to import it"),
    # Events about the register as a whole, the accounts and the trail itself.
    AuditAction.ARCHIVE_CHECK: said("checked the archive"),
    AuditAction.ARCHIVE_CHECK_BLOBS: said("re-hashed the stored files"),
    AuditAction.AUDIT_SEAL: said("sealed the audit trail"),
    AuditAction.AUDIT_WITNESS_FAILED: said("could not send the seal to the witness"),
    AuditAction.CONFIG_APPLY: said("applied the configuration"),
    AuditAction.ORGAN_SAVE: said("saved the receiving body {organ_id}"),
    AuditAction.REGISTER_EXPORT: said("exported the register book"),
    AuditAction.SERIES_CLOSE: said("closed the series {key}"),
    AuditAction.TOKEN_CREATE: said("made an API token"),
    AuditAction.TOKEN_REVOKE: said("revoked an API token"),
    AuditAction.USER_ACTIVATE: said("reactivated the account {login}"),
    AuditAction.USER_ADD: said("added the account {login}"),
    AuditAction.USER_DEACTIVATE: said("deactivated the account {login}"),
    AuditAction.USER_CERTIFICATE: said("bound {login}'s certificate"),
    AuditAction.USER_LOGIN: said("logged in"),
    AuditAction.USER_LOGIN_FAILED: said("failed to log in"),
    AuditAction.USER_LOGIN_LOCKED: said("was locked out"),
    AuditAction.USER_LOGOUT: said("logged out"),
    AuditAction.USER_PASSWORD: said("set {login}'s password"),
    AuditAction.USER_PROFILE: said("edited {login}'s account"),
    AuditAction.USER_ROLES: said("changed {login}'s roles"),
    AuditAction.USER_ROLES_APPROVED: said("approved {login}'s roles"),
    AuditAction.USER_ROLES_PENDING: said("gave {login} roles awaiting approval"),
}
_CHANGED: dict[str, Said] = {
    "file": said("file"),
    "type": said("type"),
    "subject": said("subject"),
    "recipients": said("recipients"),
    "urgency": said("urgency"),
    "secrecy": said("secrecy"),
    "authority": said("signing authority"),
    "position": said("position"),
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
    words = _WORDS.get(action)
    if words is None:
        return action
    translate = translator(language_of(lang))
    changed = ", ".join(
        _CHANGED[str(name)].shown(translate) if str(name) in _CHANGED else str(name)
        for name in details.get("changed", [])
    )
    values = {
        "number": details.get("number", ""),
        "reason": Said.from_record(details.get("reason", "")).shown(translate),
        "changed": changed,
        "login": details.get("login", details.get("user", "")),
        "key": details.get("series", details.get("key", "")),
        "organ_id": details.get("organ_id", ""),
    }
    return translate(words.text).format(**values)


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
