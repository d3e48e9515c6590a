"""Many clients, several workers, one register: notices issued through the JSON API.

    python benchmarks/issuing_load.py [--documents 500] [--clients 16] [--workers 4]
                                      [--engines postgresql,sqlite]
    python benchmarks/issuing_load.py --hosts 2 [--documents 500] [--clients 16]

For each engine: the demo instance behind gunicorn with --workers processes, --clients
threads each taking drafts through register → prepare → sign → issue with their bearer
tokens until --documents are issued. Then every number is checked (each once, none
missing), every issued PDF is sent back to POST /api/v1/verify and must be TOTAL-PASSED,
and the register's invariants are checked (tests/support/invariants.py).

With --hosts 2: the deployment beyond one host instead (tests/support/hosts.py): two web
hosts (gunicorn, 2 workers each) and a procrastinate worker as separate processes sharing
PostgreSQL, an S3 server (SeaweedFS) and Redis; the clients are spread over the hosts.

Reported: wall time, notices per second, p50/p95 of each step, and the raw library cost
of the same signatures (two plain pyHanko B-T signatures per notice, in this process)
as the floor: ratio = (wall × cores / notices) / raw.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import dataclass

from benchmarks.common import scratch_postgres
from tests.support.load import STEPS, IssueRun, issue_concurrently, verify_all
from tests.support.served import serve


@dataclass(frozen=True)
class _Host:
    base: str
    clerk_token: str
    signer_token: str
    passphrase: str
    draft: bytes


def _across_hosts(documents: int, clients: int) -> tuple[IssueRun, dict[int, str]]:
    """The notices issued through two hosts; the run and the verdicts."""
    from tests.support.hosts import deployment
    from tests.support.invariants import assert_register_sound
    from tests.support.object_store import ACCESS_KEY, SECRET_KEY, seaweedfs
    from tests.support.redis_server import shared_redis

    os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = ACCESS_KEY, SECRET_KEY
    with ExitStack() as stack:
        url = stack.enter_context(scratch_postgres("hosts"))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sovanban-")))
        s3 = stack.enter_context(seaweedfs(folder / "seaweedfs"))
        hosts = ("host-a", "host-b")
        deployed = stack.enter_context(deployment(folder / "hosts", url, s3, shared_redis(), hosts))
        target = _Host(
            deployed.base(hosts[0]),
            deployed.clerk_token,
            deployed.signer_token,
            deployed.passphrase,
            deployed.draft,
        )
        bases = tuple(deployed.base(host) for host in hosts)
        run = issue_concurrently(target, documents, clients, bases)
        verdicts = verify_all(target, sorted(run.numbers))
        from registry.config import load_config
        from registry.instance import open_blob_store

        storage = load_config(deployed.instance(hosts[0]) / "config.toml").storage
        assert_register_sound(url, open_blob_store(deployed.instance(hosts[0]), storage))
    return run, verdicts


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
    parser.add_argument("--hosts", type=int, choices=(1, 2), default=1)
    options = parser.parse_args()
    from tests.support.invariants import assert_register_sound

    raw = _raw_ms()
    cores = os.cpu_count() or 1
    print(f"raw: two plain pyHanko B-T signatures {raw:.0f} ms; {cores} cores")
    if options.hosts == 2:
        run, verdicts = _across_hosts(options.documents, options.clients)
        _report("two hosts (PostgreSQL, S3, Redis, procrastinate)", run, verdicts, raw, cores)
        return
    for engine in options.engines.split(","):
        with ExitStack() as stack:
            url = None if engine == "sqlite" else stack.enter_context(scratch_postgres("load"))
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sovanban-")))
            with serve(folder, url, workers=options.workers) as served:
                run = issue_concurrently(served, options.documents, options.clients)
                verdicts = verify_all(served, sorted(run.numbers))
            database = url or f"sqlite:///{served.instance / 'sovanban.sqlite3'}"
            assert_register_sound(database, served.instance / "blobs")
        _report(f"{engine}: {options.workers} workers", run, verdicts, raw, cores)


def _report(label: str, run: IssueRun, verdicts: dict[int, str], raw: float, cores: int) -> None:
    numbers = sorted(int(rendered.split("-")[0]) for rendered in run.numbers.values())
    complete = numbers == list(range(2, len(numbers) + 2))  # 01 is the demo's notice
    passed = sum(1 for v in verdicts.values() if v == "TOTAL-PASSED")
    per_notice = run.seconds * cores / max(1, len(numbers)) * 1000
    print(
        f"\n{label}: "
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
    print(f"  core-ms per notice {per_notice:.0f} vs raw {raw:.0f}: ratio {per_notice / raw:.1f}")


if __name__ == "__main__":
    main()
