"""The interface's language: Vietnamese first, English on request (``?lang=en``, remembered).

Templates call ``_("English text", name=value)`` and show a service's message with
``_(error.said)``; both are looked up in the catalogs of :mod:`basics.language`. Words a
template shows for a value (a status, a role, a verdict) are named here, by that value.
"""

from __future__ import annotations

from basics.language import Language, language_of
from basics.language import shown as shown_in
from basics.said import Said, said

from ..words import SECRECY_WORDS, STATUS_WORDS, URGENCY_WORDS

__all__ = [
    "NAMED",
    "current_language",
    "http_reason",
    "in_reader_language",
    "named",
    "template_words",
]

NAMED: dict[str, Said] = {
    **{status.value: words for status, words in STATUS_WORDS.items()},
    **{urgency.value: words for urgency, words in URGENCY_WORDS.items()},
    **{secrecy.value: words for secrecy, words in SECRECY_WORDS.items()},
    "TOTAL-PASSED": said("PASSED"),
    "TOTAL-FAILED": said("FAILED"),
    "INDETERMINATE": said("INDETERMINATE"),
    "registered": said("In the register"),
    "differs": said("Differs from the registered copy"),
    "not_registered": said("Not in the register"),
    "task_returned": said("Returned drafts to revise"),
    "task_signed": said("Signed, to be issued"),
    "notify_to_sign": said("A draft waits for your signature"),
    "notify_returned": said("A draft was returned"),
    "notify_to_issue": said("Signed, to be issued"),
    "notify_handoff_expired": said("A hand-off to sign on a token expired"),
    "notify_delivery_failed": said("A delivery failed"),
    "comment_return": said("returned"),
    "comment_revision": said("revision"),
    "comment_comment": said("comment"),
    "role_clerk": said("Clerk"),
    "role_signer": said("Signer"),
    "role_auditor": said("Auditor"),
    "role_admin": said("Administrator"),
    "status_01": said("Arrived"),
    "status_02": said("Rejected"),
    "status_03": said("Accepted"),
    "status_04": said("Arrived, awaiting assignment"),
    "status_05": said("Assigned, in progress"),
    "status_06": said("Done"),
    "status_13": said("Recalled"),
    "status_15": said("Recall accepted"),
    "status_16": said("Recall refused"),
    "job_audit.seal": said("Seal the audit trail"),
    "job_mail.deliver": said("Send notification mail"),
    "job_archive.check_blobs": said("Re-hash every stored file"),
    "job_audit.check_chain": said("Check the audit chain"),
    "job_archive.sweep": said("Nightly archive sweep"),
    "job_archive.check_document": said("Verify an issued document again"),
    "job_exchange.send": said("Send electronically (edXML)"),
    "job_book.export": said("Export the register book"),
    "job_queued": said("Waiting"),
    "job_running": said("Running"),
    "job_done": said("Done"),
    "job_failed": said("Failed"),
}


# What an error page says when the view gave no reason of its own.
_HTTP_REASONS: dict[int, Said] = {
    400: said("The request cannot be understood; go back and try again."),
    401: said("Log in to see this page."),
    403: said("Your account is not allowed to see this page."),
    404: said("No such page or document."),
    405: said("This page does not accept that kind of request."),
    408: said("The file came too slowly and was not received; send it again."),
    409: said("The document changed meanwhile; reload its page and try again."),
    410: said("This link has expired."),
    413: said("The file sent is too large: the limit is {mb} MB."),
    415: said("This kind of file is not accepted."),
    422: said("The file sent cannot be used."),
    429: said("Too many requests; please try again in a few minutes."),
    500: said("Something went wrong on the server; the error is logged for the administrator."),
    502: said("A service the server relies on did not answer; try again later."),
    503: said("The service is busy or stopping; try again in a minute."),
}


def http_reason(code: int, **values: object) -> Said:
    """The words for an HTTP error ``code`` (a server error's for one not listed)."""
    reason = _HTTP_REASONS.get(code) or _HTTP_REASONS[500 if code >= 500 else 400]
    return Said(reason.text, tuple(values.items())) if "{" in reason.text else reason


def current_language() -> Language:
    """``?lang=`` first, then the remembered choice, else Vietnamese. The API, read by
    programs, answers in English unless asked otherwise (``?lang=`` or Accept-Language)."""
    from flask import request

    chosen = request.args.get("lang")
    if request.path.startswith("/api/"):
        return language_of(chosen or request.accept_languages.best_match(["en", "vi"], "en"))
    return language_of(chosen or request.cookies.get("lang"))


def in_reader_language(message: str | Said) -> str:
    """``message`` in the visitor's language (plain text is shown as it is)."""
    if isinstance(message, str):
        return message
    return shown_in(message, current_language())


def template_words(message: str | Said, /, **values: object) -> str:
    """Templates' ``_``: English text to look up (a literal, so that it is extracted), or a
    service's message."""
    if isinstance(message, str):
        message = Said(message, tuple(values.items()))
    return in_reader_language(message)


def named(key: str) -> str:
    """The words for a value the interface shows (a status, a role…), in the visitor's language."""
    return in_reader_language(NAMED[key])


def result_count(total: int, exact: bool) -> str:
    """How many results, as a reader writes numbers ("1.000" in Vietnamese); a count that
    stopped at its limit says "more than"."""
    from babel.numbers import format_decimal

    language = current_language()
    figure = format_decimal(total, locale="vi_VN" if language == "vi" else "en_US")
    return figure if exact else shown_in(said("more than {count}", count=figure), language)
