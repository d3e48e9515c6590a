"""Notices taken through the JSON API by many clients at once, and every issued PDF sent
back for verification: shared by the WSGI test and the issuing load benchmark."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from tests.support.served import ApiClient

__all__ = ["IssueRun", "LoadTarget", "issue_concurrently", "notice_fields", "verify_all"]


class LoadTarget(Protocol):
    """Where the notices go: a served instance, or one host of several."""

    @property
    def base(self) -> str: ...
    @property
    def clerk_token(self) -> str: ...
    @property
    def signer_token(self) -> str: ...
    @property
    def passphrase(self) -> str: ...
    @property
    def draft(self) -> bytes: ...


STEPS = ("register", "prepare", "sign", "issue")


@dataclass
class IssueRun:
    numbers: dict[int, str] = field(default_factory=dict)  # document id → number
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def notice_fields(subject: str) -> dict[str, str]:
    """The form of a notice registered through the API: its type, subject, signer, recipients."""
    return {
        "type": "TB",
        "subject": subject,
        "signer": "nguyentrongvan",
        "recipients": "- Các chi bộ trực thuộc,\n- Lưu Văn phòng.",
    }


def _one_notice(
    served: LoadTarget, clerk: ApiClient, signer: ApiClient, index: int
) -> tuple[int, str, dict[str, float]]:
    """(document id, its number, seconds per step) of one draft taken to issued."""
    fields = notice_fields(f"Thông báo kết luận số {index} của Ban Thường vụ")
    secret = {"secret": served.passphrase}
    started = time.perf_counter()
    document = clerk.register(served.draft, fields)["id"]
    steps = [
        ("prepare", clerk, f"/api/v1/documents/{document}/prepare", None),
        ("sign", signer, f"/api/v1/documents/{document}/sign", secret),
        ("issue", clerk, f"/api/v1/documents/{document}/issue", secret),
    ]
    lap = time.perf_counter()
    timings = {"register": lap - started}
    answer = None
    for name, client, path, body in steps:
        answer = client.json("POST", path, body)
        now = time.perf_counter()
        timings[name] = now - lap
        lap = now
    assert answer is not None
    return document, answer["number"]["rendered"], timings


def issue_concurrently(
    served: LoadTarget, documents: int, clients: int, bases: tuple[str, ...] = ()
) -> IssueRun:
    """``clients`` threads issuing ``documents`` notices between them; errors collected.
    With ``bases`` (several hosts), the clients are spread over them in turn."""
    run = IssueRun()
    counter = iter(range(documents))
    lock = threading.Lock()
    hosts = iter(bases * clients if bases else [served.base] * clients)

    def client() -> None:
        with lock:
            base = next(hosts)
        clerk = ApiClient(base, served.clerk_token)
        signer = ApiClient(base, served.signer_token)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                document, number, timings = _one_notice(served, clerk, signer, index)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none hidden
                with lock:
                    run.errors.append(f"notice {index}: {exc}")
                continue
            with lock:
                run.numbers[document] = number
                for step, seconds in timings.items():
                    run.timings[step].append(seconds)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def verify_all(served: LoadTarget, document_ids: list[int], clients: int = 4) -> dict[int, str]:
    """Each issued PDF downloaded and sent to the verification endpoint; its indication."""
    verdicts: dict[int, str] = {}
    pending = iter(document_ids)
    lock = threading.Lock()

    def worker() -> None:
        api = ApiClient(served.base, served.clerk_token)  # accounts are not rate-limited
        while True:
            with lock:
                document = next(pending, None)
            if document is None:
                return
            _, pdf = api.request("GET", f"/api/v1/documents/{document}/files/issued")
            _, body = api.request("POST", "/api/v1/verify", pdf, "application/pdf")
            verdicts[document] = json.loads(body)["indication"]

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return verdicts
