"""Every route of the web service with the roles it lets in: the role matrix, and the pages
the language walk reads."""

from __future__ import annotations

from tests.support.web import ROLES

__all__ = ["EVERYONE", "ROUTES", "STAFF"]

EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"anonymous"}

# endpoint: (method, url, the roles allowed in). Requests by allowed roles are harmless
# (document 1 is issued; forms are empty), so the matrix changes nothing.
ROUTES: dict[str, tuple[str, str, frozenset[str]]] = {
    "public.index": ("GET", "/", EVERYONE),
    "public.search": ("GET", "/tra-cuu?q=01-TB/ĐUK", EVERYONE),
    "public.document_page": ("GET", "/van-ban/1", EVERYONE),
    "public.download": ("GET", "/van-ban/1/issued.pdf", EVERYONE),
    "public.first_page": ("GET", "/van-ban/1/trang-1.png", EVERYONE),
    "public.verify_page": ("GET", "/kiem-tra", EVERYONE),
    "public.upload_script": ("GET", "/tai-len.js", EVERYONE),
    "health.alive": ("GET", "/healthz", EVERYONE),
    "health.ready": ("GET", "/readyz", EVERYONE),
    "metrics.exposition": ("GET", "/metrics", EVERYONE),  # on this host, or with the token
    "auth.login": ("GET", "/dang-nhap", EVERYONE),
    "auth.logout": ("POST", "/dang-xuat", EVERYONE),
    "auth.account": ("GET", "/tai-khoan", STAFF),
    "workspace.document_page": ("GET", "/ho-so/1", STAFF),
    "workspace.download": ("GET", "/ho-so/1/signed.pdf", STAFF),
    "workspace.page_image": ("GET", "/ho-so/1/trang-1.png", STAFF),
    "workspace.search": ("GET", "/ho-so/tim-kiem?q=hoi+nghi", STAFF),
    "clerk.documents": ("GET", "/van-thu/", frozenset({"clerk"})),
    "clerk.register": ("GET", "/van-thu/dang-ky", frozenset({"clerk"})),
    "clerk.prepare": ("POST", "/van-thu/1/chuan-bi", frozenset({"clerk"})),
    "clerk.issue": ("POST", "/van-thu/1/ban-hanh", frozenset({"clerk"})),
    "clerk.withdraw": ("POST", "/van-thu/1/thu-hoi", frozenset({"clerk"})),
    "clerk.register_book": ("GET", "/van-thu/so-van-ban", frozenset({"clerk", "auditor"})),
    "clerk.book_export": (
        "GET",
        "/van-thu/so-van-ban/xuat/999999",
        frozenset({"clerk", "auditor"}),
    ),  # none such
    "clerk.book_export_file": (
        "GET",
        "/van-thu/so-van-ban/xuat/999999/tai",
        frozenset({"clerk", "auditor"}),
    ),
    "signer.inbox": ("GET", "/ky/", frozenset({"signer"})),
    "tasks.waiting": ("GET", "/viec-can-lam/", STAFF),
    "exchange.send": ("POST", "/van-thu/999999/gui", frozenset({"clerk"})),  # sends nothing
    "exchange.receive_package": ("GET", "/van-thu/nhan-goi-tin", frozenset({"clerk"})),
    "exchange.attach": ("POST", "/van-thu/1/phu-luc", frozenset({"clerk"})),
    "workspace.attachment": ("GET", "/ho-so/1/phu-luc/1.pdf", STAFF),
    "tasks.seen": ("POST", "/viec-can-lam/da-xem", STAFF),
    "drafts.revise": ("GET", "/van-thu/1/sua", frozenset({"clerk"})),
    "drafts.return_": ("POST", "/ky/1/tra-lai", frozenset({"signer"})),
    "drafts.comment": ("POST", "/ho-so/1/y-kien", frozenset({"clerk", "signer"})),
    "signer.sign": ("POST", "/ky/1", frozenset({"signer"})),
    "auditor.dashboard": ("GET", "/kiem-soat/", frozenset({"auditor"})),
    "auditor.audit_trail": ("GET", "/kiem-soat/nhat-ky", frozenset({"auditor", "admin"})),
    "auditor.integrity": ("GET", "/kiem-soat/toan-ven", frozenset({"auditor"})),
    "auditor.check_chain": ("POST", "/kiem-soat/nhat-ky/kiem-tra", frozenset({"auditor"})),
    "auditor.job_run": ("GET", "/kiem-soat/viec/1", frozenset({"auditor", "admin"})),
    "admin.users": ("GET", "/quan-tri/", frozenset({"admin"})),
    "admin.add": ("POST", "/quan-tri/nguoi-dung", frozenset({"admin"})),
    "admin.account": ("GET", "/quan-tri/nguoi-dung/vanthu", frozenset({"admin"})),
    "admin.change": ("POST", "/quan-tri/nguoi-dung/vanthu", frozenset({"admin"})),
    "handoff.open_handoff": ("POST", "/ho-so/1/ban-giao", frozenset({"signer", "clerk"})),
    "handoff.plugin_script": ("GET", "/ban-giao/goi-plugin.js", EVERYONE),
    "handoff.download": ("GET", "/ban-giao/khong-co/tai-ve", EVERYONE),
    "handoff.upload": ("POST", "/ban-giao/khong-co/tai-len", EVERYONE),
    "api.openapi": ("GET", "/api/v1/openapi.json", EVERYONE),
    "api.verify": ("POST", "/api/v1/verify", EVERYONE),
    "api.search": ("GET", "/api/v1/documents?q=hoi+nghi", EVERYONE),
    "api.document": ("GET", "/api/v1/documents/1", EVERYONE),
    "api.download": ("GET", "/api/v1/documents/1/files/issued", EVERYONE),
    "api.register": ("POST", "/api/v1/documents", frozenset({"clerk"})),
    "api.prepare": ("POST", "/api/v1/documents/1/prepare", frozenset({"clerk"})),
    "api.sign": ("POST", "/api/v1/documents/1/sign", frozenset({"signer"})),
    "api.issue": ("POST", "/api/v1/documents/1/issue", frozenset({"clerk"})),
    "api.withdraw": ("POST", "/api/v1/documents/1/withdraw", frozenset({"clerk"})),
    "api.return_": ("POST", "/api/v1/documents/1/return", frozenset({"signer"})),
    "api.revise": ("POST", "/api/v1/documents/1/revise", frozenset({"clerk"})),
    "api.comment": ("POST", "/api/v1/documents/1/comments", frozenset({"clerk", "signer"})),
    "api.history": (
        "GET",
        "/api/v1/documents/1/history",
        frozenset({"clerk", "signer", "auditor"}),
    ),
}
