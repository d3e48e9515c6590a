"""The corpus: how each file is made, with tools we did not write, and the verdict it must get.

A case starts from a base document (``text``: one page from a text layout program;
``decree``: six pages with images, a structure tree and object streams, as word
processors export) or from another case's file, and applies its steps in order. The
expected verdict follows from the rules (ETSI EN 319 102-1, our modification policy in
docs/verification-policy.md), never from what the verifier happens to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["CASES", "Case", "Step", "case_named", "page_seals", "signer_certifies"]

PASSED = ("TOTAL-PASSED", frozenset({None}))


def _failed(*subs: str) -> tuple[str, frozenset[str | None]]:
    return "TOTAL-FAILED", frozenset(subs)


def _indeterminate(*subs: str) -> tuple[str, frozenset[str | None]]:
    return "INDETERMINATE", frozenset(subs)


@dataclass(frozen=True)
class Step:
    tool: str  # itext | pdfbox | signpdf | endesive | pyhanko | pdfsig | qpdf | python
    options: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.tool}({shown})"


def _s(tool: str, **options: str) -> Step:
    return Step(tool, options)


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # a base document, or "case:<name>"
    steps: tuple[Step, ...]
    expect: tuple[str, frozenset[str | None]]
    why: str
    intermediates: bool = True  # the verifier holds the issuing CA's certificate
    feed_crls: bool = True  # the verifier holds the CAs' published CRLs
    says: str = ""  # a phrase the English report must contain
    overlays: int = 0  # later appearances over signed content, reported

    @property
    def tools(self) -> frozenset[str]:
        own = {step.tool for step in self.steps}
        if self.source.startswith(("decree", "linearized")):
            own.add("qpdf")
        if self.source.startswith("encrypted"):
            own.add("qpdf")
        return frozenset(own)

    @property
    def made(self) -> str:
        return " → ".join([self.source, *(step.describe() for step in self.steps)])


_SEAL = "480,770,560,830"  # top right margin of an A4 page, where no text is
_OVER_TEXT = "80,700,300,780"  # over the first lines of the decree's text
_BLOCK = "330,60,560,140"  # the signature block, low on the page


def page_seals(first: Step, count: int, pages: int | None = None) -> tuple[Step, ...]:
    """``first``, then ``count`` seal signatures by the office, one page after another (on
    ``pages`` pages, round again when there are more seals than pages)."""
    seals = tuple(
        _s(
            "itext",
            key="organisation",
            field=f"dau_trang_{index}",
            page=str((index - 1) % (pages or count) + 1),
            rect=_SEAL,
            image="seal",
            tsa="yes",
            chain="leaf",
        )
        for index in range(1, count + 1)
    )
    return (first, *seals)


def signer_certifies(page: int) -> Step:
    """The signer's certification (P=2) with a visible stamp at the block on ``page``."""
    return _s(
        "itext",
        key="signer",
        field="chu_ky_nguoi_ky",
        page=str(page),
        rect=_BLOCK,
        certify="2",
        tsa="yes",
        chain="leaf",
    )


CASES: tuple[Case, ...] = (
    # --- pyHanko's command line -------------------------------------------------------
    Case(
        "pyhanko-approval-bt",
        "text",
        (_s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),),
        PASSED,
        "one approval PAdES B-T signature by a trusted signer, nothing after it",
    ),
    Case(
        "pyhanko-certified-then-visible-seal",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes", certify="yes"),
            _s("pyhanko", command="addsig", key="organisation", field=f"1/{_BLOCK}/dau", tsa="yes"),
        ),
        PASSED,
        "a certification allowing form filling and signing (P=2), then a new visible "
        "signature: signing is what P=2 allows (pyHanko's default policy refuses new visible "
        "fields, Acrobat and iText accept them)",
    ),
    Case(
        "pyhanko-three-signatures",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="ky_1", tsa="yes"),
            _s("pyhanko", command="addsig", key="organisation", field="ky_2", tsa="yes"),
            _s("pyhanko", command="addsig", key="signer", field="ky_3"),
        ),
        PASSED,
        "three approval signatures in a row, each a valid further signature",
    ),
    Case(
        "pyhanko-lt-own-dss",
        "text",
        (_s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes", lt="yes"),),
        PASSED,
        "PAdES B-LT: the file's DSS holds the revocation data, nothing else is fed",
        feed_crls=False,
    ),
    Case(
        "pyhanko-dss-after-document-timestamp",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes", lt="yes"),
            _s("pyhanko", command="timestamp"),
            _s("pyhanko", command="ltvfix", field="chu_ky"),
        ),
        PASSED,
        "B-LTA then a DSS update after the document timestamp: maintenance of long-term "
        "validation data, allowed after a document timestamp",
        feed_crls=False,
    ),
    Case(
        "pyhanko-document-timestamp-only",
        "text",
        (_s("pyhanko", command="timestamp"),),
        PASSED,
        "a lone document timestamp by a trusted TSA",
    ),
    Case(
        "pyhanko-linearized-object-streams",
        "linearized-objstm",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),
            _s("pyhanko", command="addsig", key="organisation", field="dau", tsa="yes"),
        ),
        PASSED,
        "a linearized file with xref streams (its main section's trailer has no /Root) "
        "signed twice",
    ),
    Case(
        "pyhanko-encrypted-aes256",
        "encrypted-aes256",
        (_s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),),
        PASSED,
        "AES-256 encryption with an empty user password, then signed",
    ),
    # --- poppler's pdfsig (NSS) ---------------------------------------------------------
    Case(
        "pdfsig-pkcs7",
        "text",
        (_s("pdfsig", key="signer", field="chu_ky"),),
        PASSED,
        "an adbe.pkcs7.detached signature made by NSS",
    ),
    Case(
        "pdfsig-after-pyhanko",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),
            _s("pdfsig", key="organisation", field="dau"),
        ),
        PASSED,
        "pdfsig's signature after a pyHanko PAdES one",
    ),
    Case(
        "pdfsig-twice",
        "text",
        (
            _s("pdfsig", key="signer", field="chu_ky"),
            _s("pdfsig", key="organisation", field="dau"),
        ),
        PASSED,
        "two NSS signatures in a row",
    ),
    # --- endesive -------------------------------------------------------------------------
    Case(
        "endesive-pkcs7-bt",
        "text",
        (_s("endesive", key="organisation", field="dau", rect=_BLOCK, tsa="yes"),),
        PASSED,
        "endesive's visible adbe.pkcs7.detached signature with a timestamp",
    ),
    Case(
        "endesive-sha1",
        "text",
        (_s("endesive", key="signer", field="chu_ky", digest="sha1"),),
        _indeterminate("CRYPTO_CONSTRAINTS_FAILURE"),
        "a SHA-1 PKCS#7 detached signature: the digest is no longer acceptable",
        says="SHA-1",
    ),
    Case(
        "endesive-self-signed",
        "text",
        (_s("endesive", key="stranger", field="chu_ky"),),
        _indeterminate("NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_CONSTRAINTS_FAILURE"),
        "a self-signed certificate nobody trusts: no conclusion, not a failure",
    ),
    Case(
        "endesive-ecdsa-labelled-rsa",
        "text",
        (_s("endesive", key="stranger-ec", field="chu_ky"),),
        _failed("SIG_CRYPTO_FAILURE"),
        "endesive names rsaEncryption as the algorithm of an ECDSA signature: the signature "
        "cannot be what it says it is",
        says="does not fit the signer's key",
    ),
    # --- @signpdf (node-forge) ------------------------------------------------------------
    Case(
        "signpdf-ascii-names",
        "text",
        (_s("signpdf", key="ascii"),),
        PASSED,
        "node-signpdf's PKCS#7 by a certificate whose issuer has an ASCII name",
    ),
    Case(
        "signpdf-vietnamese-issuer",
        "text",
        (_s("signpdf", key="signer"),),
        _indeterminate("NO_SIGNING_CERTIFICATE_FOUND"),
        "node-forge re-encodes the issuer's UTF-8 name as Latin-1, so the SignerIdentifier "
        "names no certificate of the signature (a defect of the tool, seen with every "
        "Vietnamese CA name)",
        says="does not identify its signer's certificate",
    ),
    Case(
        "eol-outside-the-signed-range",
        "case:signpdf-ascii-names",
        (_s("python", do="append", data="crlf"),),
        PASSED,
        "the ByteRange ends right after %%EOF and the end-of-line follows outside it: the "
        "end-of-line belongs to either side",
    ),
    # --- iText 5 (the library behind the Vietnamese signing plugins) -----------------------
    Case(
        "itext-leaf-only-chain",
        "text",
        (_s("itext", key="signer", field="chu_ky", tsa="yes", chain="leaf"),),
        PASSED,
        "the CMS carries only the signer's certificate; the held intermediate completes it",
    ),
    Case(
        "itext-leaf-only-no-timestamp",
        "text",
        (_s("itext", key="signer", field="chu_ky", chain="leaf"),),
        PASSED,
        "leaf only and no timestamp (whose token would carry the CA certificates itself)",
    ),
    Case(
        "itext-leaf-only-without-intermediate",
        "case:itext-leaf-only-no-timestamp",
        (),
        _indeterminate("NO_CERTIFICATE_CHAIN_FOUND"),
        "the same file, verified without the issuing CA's certificate: no chain",
        intermediates=False,
        says="carries only the signer's certificate",
    ),
    Case(
        "itext-crl-in-the-signature",
        "text",
        (_s("itext", key="signer", field="chu_ky", tsa="yes", crl="embed"),),
        PASSED,
        "the CRL travels in the signature (Adobe's revocationInfoArchival attribute); nothing "
        "is fed",
        feed_crls=False,
    ),
    Case(
        "itext-no-revocation-data",
        "case:itext-leaf-only-no-timestamp",
        (),
        _indeterminate("TRY_LATER"),
        "no revocation data in the file and none held: the verdict waits, saying where to ask",
        feed_crls=False,
        says="would ask http",
    ),
    Case(
        "itext-page-seals-certified",
        "decree",
        page_seals(signer_certifies(6), 6),
        PASSED,
        "the Government's publishing workflow: the signer certifies (P=2), then the office "
        "adds its seal signature on every page, each a new visible field in its own update "
        "(iText frees an unused object number in each)",
    ),
    Case(
        "itext-page-seals-approval",
        "decree",
        page_seals(
            _s(
                "itext",
                key="signer",
                field="chu_ky_nguoi_ky",
                page="6",
                rect=_BLOCK,
                tsa="yes",
                chain="leaf",
            ),
            3,
        ),
        PASSED,
        "the same workflow after an approval signature",
    ),
    Case(
        "itext-seal-over-signed-text",
        "decree",
        (
            _s("itext", key="signer", field="chu_ky_nguoi_ky", page="6", rect=_BLOCK, tsa="yes"),
            _s(
                "itext",
                key="organisation",
                field="dau_de_chu",
                page="1",
                rect=_OVER_TEXT,
                image="seal",
                tsa="yes",
            ),
        ),
        PASSED,
        "a later seal signature whose image lies over text the signer signed: allowed, and "
        "reported with its page",
        overlays=1,
        says="lies over content signed by chu_ky_nguoi_ky on page 1",
    ),
    Case(
        "itext-local-time-quirk",
        "text",
        (_s("itext", key="signer", field="chu_ky", tsa="yes", shift_hours="7"),),
        PASSED,
        "signingTime 7 h ahead of the timestamp (local time written as UTC): explained, the "
        "timestamp's time shown",
        says="local time (UTC+7)",
    ),
    Case(
        "itext-linearized",
        "linearized",
        (
            _s("itext", key="signer", field="chu_ky", tsa="yes"),
            _s("itext", key="organisation", field="dau", page="1", rect=_SEAL, image="seal"),
        ),
        PASSED,
        "a linearized file (first-page section, main trailer without /Root) signed twice",
    ),
    Case(
        "itext-hybrid-reference",
        "hybrid",
        (
            _s("itext", key="signer", field="chu_ky", tsa="yes"),
            _s("itext", key="organisation", field="dau", page="1", rect=_SEAL, image="seal"),
        ),
        PASSED,
        "a hybrid-reference file (an xref table, and an xref stream named by /XRefStm for the "
        "objects in an object stream) signed twice",
    ),
    Case(
        "itext-encrypted-aes128",
        "encrypted-aes128",
        (_s("itext", key="signer", field="chu_ky", tsa="yes", owner_password="yes"),),
        PASSED,
        "AES-128 encryption with an empty user password, signed by iText",
    ),
    Case(
        "itext-revoked-signer",
        "text",
        (_s("itext", key="revoked", field="chu_ky"), _s("python", do="revoke", key="revoked")),
        _failed("REVOKED"),
        "signed without a timestamp by a certificate that is now revoked",
    ),
    Case(
        "itext-revoked-after-timestamp",
        "text",
        (
            _s("itext", key="revoked-later", field="chu_ky", tsa="yes"),
            _s("python", do="revoke", key="revoked-later"),
        ),
        PASSED,
        "revoked after a trusted timestamp proved the signature older than the revocation",
    ),
    # --- PDFBox 2 with Bouncy Castle (as DSS-based services sign) ---------------------------
    Case(
        "pdfbox-cades-then-pkcs7",
        "text",
        (
            _s("pdfbox", key="signer", subfilter="cades"),
            _s("pdfbox", key="organisation", subfilter="pkcs7"),
        ),
        PASSED,
        "a PAdES signature without signingTime (the time is in /M) and a PKCS#7 one, both "
        "invisible",
    ),
    Case(
        "pdfbox-after-itext-certification",
        "text",
        (
            _s("itext", key="signer", field="chu_ky", tsa="yes", certify="2"),
            _s("pdfbox", key="organisation", subfilter="cades"),
        ),
        PASSED,
        "PDFBox adds an invisible signature to an iText certification (P=2)",
    ),
    # --- saves and rewrites between signatures ---------------------------------------------
    Case(
        "adobe-style-resave",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),
            _s("python", do="resave"),
            _s("pyhanko", command="addsig", key="organisation", field="dau", tsa="yes"),
        ),
        PASSED,
        "an update between signatures that only rewrites the document information and XMP "
        "metadata (what a viewer's save does)",
    ),
    Case(
        "qpdf-rewritten-then-resigned",
        "text",
        (
            _s("pyhanko", command="addsig", key="signer", field="chu_ky", tsa="yes"),
            _s("qpdf", do="rewrite"),
            _s("pyhanko", command="addsig", key="organisation", field="dau", tsa="yes"),
        ),
        _failed("HASH_FAILURE", "FORMAT_FAILURE"),
        "qpdf rewrote the whole file: the first signature's signed bytes are gone",
    ),
    # --- manipulations ---------------------------------------------------------------------
    Case(
        "attack-content-after-signature",
        "case:pdfsig-pkcs7",
        (_s("python", do="add-content"),),
        _failed("FORMAT_FAILURE"),
        "page content added in an update after the signature",
    ),
    Case(
        "attack-annotation-after-certification",
        "case:pdfbox-after-itext-certification",
        (_s("python", do="add-annotation"),),
        _failed("FORMAT_FAILURE"),
        "a text annotation added after the certification and the second signature",
    ),
    Case(
        "attack-white-box-over-text",
        "case:itext-leaf-only-chain",
        (_s("python", do="cover-text"),),
        _failed("FORMAT_FAILURE"),
        "a square annotation painted white over signed text (a shadow 'hide' attack)",
    ),
    Case(
        "attack-copied-timestamp",
        "case:pyhanko-three-signatures",
        (_s("python", do="copy-timestamp", source="ky_1", target="ky_2"),),
        _failed("HASH_FAILURE"),
        "the second signature's timestamp token replaced by the first's",
        says="was not made for this signature",
    ),
    Case(
        "broken-zeroed-contents",
        "case:pyhanko-three-signatures",
        (_s("python", do="zero-contents", target="ky_3"),),
        _failed("FORMAT_FAILURE"),
        "the last signature's /Contents overwritten with zeros",
        says="is empty or all zeros",
    ),
    Case(
        "broken-contents-removed",
        "case:pyhanko-approval-bt",
        (_s("python", do="override", target="chu_ky", remove="/Contents"),),
        _failed("FORMAT_FAILURE"),
        "an update redefines the signature dictionary without /Contents",
        says="(/Contents) is missing",
    ),
    Case(
        "broken-byterange-removed",
        "case:pyhanko-approval-bt",
        (_s("python", do="override", target="chu_ky", remove="/ByteRange"),),
        _failed("FORMAT_FAILURE"),
        "an update redefines the signature dictionary without /ByteRange",
        says="(/ByteRange) is missing",
    ),
    Case(
        "broken-empty-contents",
        "case:pyhanko-approval-bt",
        (_s("python", do="override", target="chu_ky", empty="/Contents"),),
        _failed("FORMAT_FAILURE"),
        "an update redefines the signature dictionary with an empty /Contents",
        says="is broken",
    ),
    Case(
        "nul-padding-after-eof",
        "case:pyhanko-approval-bt",
        (_s("python", do="append", data="nul:5000"),),
        PASSED,
        "5000 NUL bytes after %%EOF (block-padded storage): padding, not content",
        says="padding",
    ),
    Case(
        "garbage-after-eof",
        "case:pyhanko-approval-bt",
        (_s("python", do="append", data="garbage"),),
        _failed("FORMAT_FAILURE"),
        "bytes after the last %%EOF that are not padding",
    ),
)


def case_named(name: str) -> Case:
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(name)
