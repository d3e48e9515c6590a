"""What the register's values are called when a person reads them: a document's step, its
urgency and secrecy. The web lists them and the services' messages name them."""

from __future__ import annotations

from basics.said import Said, said

from .models import DocumentStatus, Secrecy, Urgency

__all__ = ["SECRECY_WORDS", "STATUS_WORDS", "URGENCY_WORDS"]

STATUS_WORDS: dict[DocumentStatus, Said] = {
    DocumentStatus.DRAFT: said("Draft"),
    DocumentStatus.PREPARED: said("Awaiting signature"),
    DocumentStatus.SIGNED: said("Signed, awaiting issue"),
    DocumentStatus.ISSUED: said("Issued"),
    DocumentStatus.WITHDRAWN: said("Withdrawn"),
    DocumentStatus.RETURNED: said("Returned"),
}

URGENCY_WORDS: dict[Urgency, Said] = {
    Urgency.NORMAL: said("Normal"),
    Urgency.URGENT: said("Urgent"),
    Urgency.VERY_URGENT: said("Very urgent"),
    Urgency.FLASH: said("Flash"),
}

SECRECY_WORDS: dict[Secrecy, Said] = {
    Secrecy.NONE: said("None"),
    Secrecy.SECRET: said("Secret"),
    Secrecy.TOP_SECRET: said("Top secret"),
    Secrecy.ABSOLUTE: said("Absolutely secret"),
}
