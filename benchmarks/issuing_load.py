"""Many clients, several workers, one register: notices issued through the JSON API.

    python benchmarks/issuing_load.py [--documents 500] [--clients 16] [--workers 4]
                                      [--engines postgresql,sqlite]

For each engine: the demo instance behind gunicorn with --workers processes, --clients
threads each taking drafts through register → prepare → sign → issue with their bearer
tokens until --documents are issued. Then every number is checked (each once, none
missing), every issued PDF is sent back to POST /api/v1/verify and must be TOTAL-PASSED,
and the register's invariants are checked (tests/registry/invariants.py).

Reported: wall time, notices per second, p50/p95 of each step, and the raw library cost
of the same signatures (two plain pyHanko B-T signatures per notice, in this process)
as the floor: ratio = (wall × cores / notices) / raw.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import scratch_postgres
from benchmarks.served import ApiClient, Served, serve

__all__ = ["IssueRun", "issue_concurrently", "verify_all"]

STEPS = ("register", "prepare", "sign", "issue")


@dataclass
class IssueRun:
    numbers: dict[int, str] = field(default_factory=dict)  # document id → number
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _one_notice(
    served: Served, clerk: ApiClient, signer: ApiClient, index: int
) -> tuple[int, str, dict[str, float]]:
    """(document id, its number, seconds per step) of one draft taken to issued."""
    fields = {
        "type": "TB",
        "subject": f"Thông báo kết luận số {index} của Ban Thường vụ",
        "signer": "nguyentrongvan",
        "recipients": "- Các chi bộ trực thuộc,\n- Lưu Văn phòng.",
    }
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


def issue_concurrently(served: Served, documents: int, clients: int) -> IssueRun:
    """``clients`` threads issuing ``documents`` notices between them; errors collected."""
    run = IssueRun()
    counter = iter(range(documents))
    lock = threading.Lock()

    def client() -> None:
        clerk = ApiClient(served.base, served.clerk_token)
        signer = ApiClient(served.base, served.signer_token)
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


def verify_all(served: Served, document_ids: list[int], clients: int = 4) -> dict[int, str]:
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


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _raw_ms() -> float:
    from benchmarks.common import demo_pki, median_ms
    from benchmarks.signing import one_page_notice, plain_signature

    pki, _ = demo_pki()
    draft = one_page_notice()
    return 2 * median_ms(lambda: plain_signature(pki, draft), 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--engines", default="postgresql,sqlite")
    options = parser.parse_args()
    from tests.support.invariants import assert_register_sound

    raw = _raw_ms()
    cores = os.cpu_count() or 1
    print(f"raw: two plain pyHanko B-T signatures {raw:.0f} ms; {cores} cores")
    for engine in options.engines.split(","):
        with ExitStack() as stack:
            url = None if engine == "sqlite" else stack.enter_context(scratch_postgres("load"))
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sovanban-")))
            with serve(folder, url, workers=options.workers) as served:
                run = issue_concurrently(served, options.documents, options.clients)
                verdicts = verify_all(served, sorted(run.numbers))
            database = url or f"sqlite:///{served.instance / 'sovanban.sqlite3'}"
            assert_register_sound(database, served.instance / "blobs")
        numbers = sorted(int(rendered.split("-")[0]) for rendered in run.numbers.values())
        complete = numbers == list(range(2, len(numbers) + 2))  # 01 is the demo's notice
        passed = sum(1 for v in verdicts.values() if v == "TOTAL-PASSED")
        per_notice = run.seconds * cores / max(1, len(numbers)) * 1000
        print(
            f"\n{engine}: {options.workers} workers, {options.clients} clients: "
            f"{len(numbers)} issued in {run.seconds:.1f} s ({len(numbers) / run.seconds:.2f}/s), "
            f"{len(run.errors)} errors, numbers {'02… each once' if complete else 'WRONG'}, "
            f"{passed}/{len(verdicts)} verified TOTAL-PASSED"
        )
        for error in run.errors[:5]:
            print("  error:", error)
        print(f"  {'step':<9}{'p50 ms':>9}{'p95 ms':>9}")
        for step in STEPS:
            values = run.timings[step]
            print(f"  {step:<9}{_percentile(values, 0.5):>9.0f}{_percentile(values, 0.95):>9.0f}")
        print(
            f"  core-ms per notice {per_notice:.0f} vs raw {raw:.0f}: ratio {per_notice / raw:.1f}"
        )


if __name__ == "__main__":
    main()
