"""The served application under load from wrk, against the raw library cost, in one run.

    python benchmarks/web_load.py [--seconds 60] [--connections 16] [--workers 4] [--rounds 3]
                                  [--engines postgresql,sqlite] [--targets verify,lookup,document]

For each engine: the demo instance behind gunicorn with --workers processes, then wrk
(Debian's package) for --seconds against each of

* verify — POST /api/v1/verify with the issued notice as the body (a machine client with
  a token: anonymous callers are rate-limited to 30 a minute per address);
* lookup — GET /tra-cuu?q=01-TB/ĐUK, the public number lookup (answers with a redirect to
  the document's page);
* document — GET /van-ban/1, the public page with both signatures' verdicts.

Each target is first warmed (every worker's verification processes started), then timed.
Reported: requests per second, latency p50/p90/p99 and errors as wrk counts them (socket
errors, answers other than 2xx/3xx). The references, in the same run:

* verify — the served floor: benchmarks/floor_verify_app.py, pyHanko validating every
  signature in the web process itself (no worker process, no database, no report), under
  the same gunicorn and the same wrk load, once as pyHanko ships and once with our two
  fixes of its internals installed; ours and the two floors take turns (--rounds), so the
  machine's drift falls on all three alike. The ratio is CPU per request (cores / requests
  per second) over the floor's. Also printed: pyHanko's validation timed in a warm loop in
  this process (the "raw ms" column), which no served process reaches.
* lookup, document — the floor of the server itself, a WSGI application answering "ok"
  under the same gunicorn and the same wrk load (benchmarks/floor_app.py), compared by p50.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import library_as_shipped, median_ms, scratch_postgres
from tests.support.served import ApiClient, Served, gunicorn, serve

__all__ = ["WrkResult", "run_wrk"]

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


class WrkResult:
    def __init__(self, output: str) -> None:
        self.output = output
        rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
        self.per_second = float(rate.group(1)) if rate else 0.0
        self.percentiles = {
            int(share): float(value) * _UNITS[unit]
            for share, value, unit in re.findall(
                r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\b", output, re.M
            )
        }
        total = re.search(r"(\d+) requests in", output)
        self.requests = int(total.group(1)) if total else 0
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        sockets = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
        )
        self.errors = (int(bad.group(1)) if bad else 0) + (
            sum(int(n) for n in sockets.groups()) if sockets else 0
        )

    @classmethod
    def combined(cls, results: list[WrkResult], seconds: float) -> WrkResult:
        combined = cls("")
        combined.requests = sum(result.requests for result in results)
        combined.per_second = combined.requests / seconds
        combined.errors = sum(result.errors for result in results)
        combined.percentiles = {
            share: statistics.median(result.percentiles.get(share, 0) for result in results)
            for share in results[0].percentiles
        }
        return combined


def run_wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return WrkResult(done.stdout)


def _verify_script(folder: Path, pdf: Path, token: str) -> Path:
    script = folder / "verify.lua"
    script.write_text(
        f"""
local file = io.open("{pdf}", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/pdf"
wrk.headers["Authorization"] = "Bearer {token}"
""",
        "utf-8",
    )
    return script


def _raw_verify_ms(served: Served, pdf: bytes) -> tuple[float, float]:
    """pyHanko's validation of the notice's signatures in a warm loop, with our two fixes of
    the libraries' internals installed, and as pyHanko ships."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    from certs.trust import TrustStore

    trust = TrustStore.from_paths(anchors=[served.instance / "pki" / "root-ca.pem"])
    context = trust.validation_context()

    def raw() -> None:
        for signature in PdfFileReader(io.BytesIO(pdf)).embedded_signatures:
            validate_pdf_signature(signature, context)

    faster = median_ms(raw, 20)
    with library_as_shipped():
        shipped = median_ms(raw, 20)
    return faster, shipped


def _floor_p50_ms(workers: int, seconds: int, connections: int) -> float:
    """wrk against benchmarks/floor_app.py under gunicorn with ``workers`` processes."""
    with (
        tempfile.TemporaryDirectory(prefix="sovanban-") as folder,
        gunicorn("benchmarks.floor_app:app", Path(folder) / "log", workers=workers) as base,
    ):
        return run_wrk(base + "/", seconds, connections).percentiles.get(50, 0)


@contextmanager
def _served_floor(workers: int, root: Path, library: str) -> Iterator[str]:
    """benchmarks/floor_verify_app.py (pyHanko validating in the web process) under the
    same gunicorn as ours; its URL."""
    env = {**os.environ, "FLOOR_TRUST_ROOT": str(root), "FLOOR_LIBRARY": library}
    with (
        tempfile.TemporaryDirectory(prefix="sovanban-") as folder,
        gunicorn(
            "benchmarks.floor_verify_app:app", Path(folder) / "log", workers=workers, env=env
        ) as base,
    ):
        yield base + "/"


def _rounds(
    urls: dict[str, str], seconds: int, rounds: int, connections: int, script: Path
) -> dict[str, WrkResult]:
    """wrk on each URL in turn, ``rounds`` times, ``seconds`` in all for each: the machine's
    drift (other work, the host) falls on all of them alike. Requests and errors add up;
    latencies are the median round's."""
    runs: dict[str, list[WrkResult]] = {label: [] for label in urls}
    share = max(1, seconds // rounds)
    for _ in range(rounds):
        for label, url in urls.items():
            runs[label].append(run_wrk(url, share, connections, script))
    return {label: WrkResult.combined(found, share * rounds) for label, found in runs.items()}


def _core_ms(result: WrkResult) -> float:
    """CPU time per request when wrk kept every core busy: cores / requests per second."""
    cores = os.cpu_count() or 1
    return cores * 1000 / result.per_second if result.per_second else 0.0


def _warm(url: str, connections: int, script: Path | None) -> None:
    run_wrk(url, 5, connections, script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--targets", default="verify,lookup,document")
    parser.add_argument("--rounds", type=int, default=3, help="verify: turns taken with the floors")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    print(
        f"wrk -t2 -c{options.connections} -d{options.seconds}s --latency; "
        f"gunicorn -w {options.workers}; {os.cpu_count()} cores"
    )
    for engine in options.engines.split(","):
        with ExitStack() as stack:
            url = None if engine == "sqlite" else stack.enter_context(scratch_postgres("web"))
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="sovanban-"))
            with serve(Path(folder), url, workers=options.workers) as served:
                api = ApiClient(served.base, served.clerk_token)
                _, pdf = api.request("GET", "/api/v1/documents/1/files/issued")
                (Path(folder) / "issued.pdf").write_bytes(pdf)
                script = _verify_script(
                    Path(folder), Path(folder) / "issued.pdf", served.clerk_token
                )
                targets = {
                    "verify": (served.base + "/api/v1/verify", script),
                    "lookup": (served.base + "/tra-cuu?q=01-TB%2F%C4%90UK", None),
                    "document": (served.base + "/van-ban/1", None),
                }
                results = {}
                raw: dict[str, float] = {}
                chosen = {name: targets[name] for name in options.targets.split(",")}
                for label, (target, lua) in chosen.items():
                    if label == "verify":
                        continue
                    _warm(target, options.connections, lua)
                    results[label] = run_wrk(target, options.seconds, options.connections, lua)
                floors: dict[str, WrkResult] = {}
                if "verify" in chosen:
                    root = served.instance / "pki" / "root-ca.pem"
                    urls = {"verify": served.base + "/api/v1/verify"}
                    for library in ("shipped", "patched"):
                        urls[library] = stack.enter_context(
                            _served_floor(options.workers, root, library)
                        )
                    for url in urls.values():
                        _warm(url, options.connections, script)
                    measured = _rounds(
                        urls, options.seconds, options.rounds, options.connections, script
                    )
                    results["verify"] = measured.pop("verify")
                    floors = measured
                    raw["verify"], shipped = _raw_verify_ms(served, pdf)
                log = served.log.read_text("utf-8", "replace")
        if {"lookup", "document"} & set(results):
            raw["lookup"] = raw["document"] = _floor_p50_ms(
                options.workers, options.seconds, options.connections
            )
        print(f"\n{engine}:")
        heads = ("req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "core-ms", "floor", "ratio")
        print(f"  {'target':<9}" + "".join(f"{head:>9}" for head in heads))
        raw_loop = raw.get("verify", 0.0)
        if "patched" in floors:  # the strictest served floor: pyHanko with our fixes
            raw["verify"] = _core_ms(floors["patched"])
        for label, result in results.items():
            p = result.percentiles
            ours = _core_ms(result) if label == "verify" else p.get(50, 0)
            cells = (
                f"{result.per_second:.1f}",
                f"{p.get(50, 0):.1f}",
                f"{p.get(90, 0):.1f}",
                f"{p.get(99, 0):.1f}",
                str(result.errors),
                f"{_core_ms(result):.0f}",
                f"{raw[label]:.2f}",
                f"{ours / raw[label]:.2f}",
            )
            print(f"  {label:<9}" + "".join(f"{cell:>9}" for cell in cells))
        for library, result in floors.items():
            print(
                f"  served floor, pyHanko {library} in the web process: {result.per_second:.1f} "
                f"req/s, {_core_ms(result):.0f} core-ms, {result.errors} errors; "
                f"ours / floor {_core_ms(results['verify']) / _core_ms(result):.2f}"
            )
        if floors:
            print(
                f"  pyHanko's validation in a warm loop in this process: {raw_loop:.1f} ms with "
                f"our hex-string reader, {shipped:.1f} ms as it ships; ours / loop "
                f"{_core_ms(results['verify']) / raw_loop:.2f}"
            )
        if "Traceback" in log:
            print("  the server logged a traceback:\n" + log[-3000:])


if __name__ == "__main__":
    main()
