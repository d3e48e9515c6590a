"""The verification corpus (tests/support/corpus) beside pyHanko's CLI and poppler's pdfsig:
per file, each verifier's answer against the case's stated expectation, its time and memory.

    python benchmarks/corpus.py [--only NAME ...] [--json FILE]

Every verifier runs as a process of its own, as a recipient runs it, on the same file and
the same trust (the demo roots, the issuing CA held, the CAs' CRLs published on loopback):
ours (``verify_pdf`` in a fresh interpreter), ``pyhanko sign validate`` (online revocation
checks against the same responder, retroactive revocation data) and ``pdfsig`` (an NSS
database trusting the roots; pdfsig checks no modifications). Wall time and peak RSS come
from GNU time. "agrees" means the verifier's valid/not-valid answer matches the expected
indication; ours is also checked exactly (indication and sub-indication).

Two cost files beyond the test corpus: a ten-page, 1 MB decree with six signatures (the
signer's, then five seals) and one with twenty-five (the seal on every page, round again).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.corpus import CASES, Case, build_corpus
from tests.support.corpus.cases import PASSED, page_seals, signer_certifies
from tests.support.pki import PASSPHRASE, start_pki, stop_pki

COST_CASES = (
    Case(
        "cost-six-signatures-1mb",
        "decree-large",
        page_seals(signer_certifies(10), 5, pages=10),
        PASSED,
        "a 1 MB decree: the signer's certification, then five seals",
    ),
    Case(
        "cost-25-signatures",
        "decree-large",
        page_seals(signer_certifies(10), 24, pages=10),
        PASSED,
        "the signer's certification, then 24 seals round the ten pages",
    ),
)
_OURS = """
import json, logging, sys, time
logging.disable(logging.CRITICAL)
from pathlib import Path
from asn1crypto import crl
from certs.trust import TrustStore
from signing.verify.engine import Roles, verify_pdf
setup = json.loads(sys.argv[1])
trust = TrustStore.from_paths(anchors=[Path(p) for p in setup["anchors"]],
                              intermediates=[Path(p) for p in setup["intermediates"]])
crls = [crl.CertificateList.load(Path(p).read_bytes()) for p in setup["crls"]]
started = time.perf_counter()
report = verify_pdf(Path(setup["file"]).read_bytes(), trust=trust, crls=crls,
                    roles=Roles(frozenset(setup["org"]), frozenset(setup["personal"])))
print(json.dumps({"verdict": report.verdict, "seconds": time.perf_counter() - started}))
"""


@dataclass(frozen=True)
class Run:
    valid: bool
    wall: float
    rss_mb: float
    detail: str = ""


def _timed(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    gnu_time = shutil.which("time") or "/usr/bin/time"
    with tempfile.TemporaryDirectory(prefix="sovanban-time-") as scratch:
        marker = Path(scratch) / "time.txt"  # never in the checkout
        done = subprocess.run(
            [gnu_time, "-f", "%e %M", "-o", str(marker), *command],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=600,
        )
        wall, rss = marker.read_text().split()[-2:]
    return done, float(wall), int(rss) / 1024


def _ours(
    case: Case, file: Path, setup: Mapping[str, object], work: Path
) -> tuple[Run, str, float]:
    own = dict(setup)
    own["file"] = str(file)
    if not case.intermediates:
        own["intermediates"] = []
    if not case.feed_crls:
        own["crls"] = []
    root = str(Path(__file__).resolve().parents[1])
    done, wall, rss = _timed([sys.executable, "-c", _OURS, json.dumps(own)], Path(root))
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    indication, sub = answer["verdict"]
    exact = indication == case.expect[0] and sub in case.expect[1]
    return (
        Run(indication == "TOTAL-PASSED", wall, rss, f"{indication} {sub or ''}"),
        ("yes" if exact else "NO"),
        answer["seconds"],
    )


def _pyhanko(case: Case, file: Path, trust: dict[str, list[str]], work: Path) -> Run:
    command = [str(Path(sys.executable).with_name("pyhanko")), "sign", "validate"]
    for anchor in trust["anchors"]:
        command += ["--trust", anchor]
    command += ["--trust-replace", "--retroactive-revinfo"]
    for other in trust["intermediates"] if case.intermediates else []:
        command += ["--other-certs", other]
    done, wall, rss = _timed([*command, str(file)], work)
    return Run(done.returncode == 0, wall, rss, (done.stdout or done.stderr).strip()[-120:])


def _pdfsig(file: Path, nss: Path, work: Path) -> Run:
    done, wall, rss = _timed(["pdfsig", "-nssdir", f"sql:{nss}", str(file)], work)
    out = done.stdout
    signatures = out.count("Signature #")
    good = (
        out.count("Signature is Valid.") == signatures
        and out.count("Certificate is Trusted.") == signatures
    )
    problems = sorted(
        {
            line.strip()
            for line in out.splitlines()
            if "Validation:" in line and "Valid." not in line and "Trusted." not in line
        }
    )
    detail = "; ".join(problems) or (done.stderr.strip().splitlines() or [""])[-1]
    return Run(done.returncode == 0 and signatures > 0 and good, wall, rss, detail[:160])


def _nss(folder: Path, anchors: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    for index, anchor in enumerate(anchors):
        name = f"root-{index}"
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{folder}", "-n", name, "-t", "CT,C,C", "-i", anchor],
            check=True,
        )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the PKI's request log
    work = Path(tempfile.mkdtemp(prefix="sovanban-corpus-"))
    running = start_pki(work / "pki")
    try:
        cases = [c for c in (*CASES, *COST_CASES) if not options.only or c.name in options.only]
        wanted = {c.source.removeprefix("case:") for c in cases if c.source.startswith("case:")}
        needed = [c for c in (*CASES, *COST_CASES) if c in cases or c.name in wanted]
        corpus = build_corpus(work / "files", running.pki, running.services, PASSPHRASE, needed)
        crl_files = []
        for index, crl in enumerate(corpus.keys.crls()):
            path = work / f"crl-{index}.der"
            path.write_bytes(crl.dump())
            crl_files.append(str(path))
        trust = {
            "anchors": [str(running.pki.folder / "root-ca.pem"), str(corpus.keys.ascii_root)],
            "intermediates": [str(running.pki.folder / "issuing-ca.pem")],
        }
        setup: dict[str, object] = {
            **trust,
            "crls": crl_files,
            "org": ["dukhoicaccoquantinh@hatinh.dcs.vn"],
            "personal": ["nguyentrongvan@hatinh.dcs.vn"],
        }
        nss = _nss(work / "nss-verify", trust["anchors"])
        rows = []
        header = (
            f"{'case':<40} {'expected':<14} {'ours':<38} ok  {'pyHanko':<7} {'pdfsig':<7} "
            f"{'in-proc s':>9} {'ours s':>7} {'MB':>5} {'pyH s':>6} {'MB':>5}"
        )
        print(header)
        for case in cases:
            file = corpus.files.get(case.name)
            if file is None:
                print(f"{case.name:<40} not made: {corpus.missing.get(case.name)}")
                continue
            ours, exact, inside = _ours(case, file, setup, work)
            pyhanko = _pyhanko(case, file, trust, work)
            pdfsig = _pdfsig(file, nss, work)
            expected_valid = case.expect[0] == "TOTAL-PASSED"
            row = {
                "case": case.name,
                "made": case.made,
                "why": case.why,
                "expected": case.expect[0],
                "ours": asdict(ours),
                "ours_exact": exact == "yes",
                "ours_seconds_in_process": inside,
                "pyhanko": asdict(pyhanko),
                "pdfsig": asdict(pdfsig),
                "agree": {
                    "ours": ours.valid == expected_valid,
                    "pyhanko": pyhanko.valid == expected_valid,
                    "pdfsig": pdfsig.valid == expected_valid,
                },
            }
            rows.append(row)

            def mark(valid: bool, expected: bool = expected_valid) -> str:
                return ("valid" if valid else "not") + ("" if valid == expected else "*")

            print(
                f"{case.name:<40} {case.expect[0]:<14} {ours.detail:<38} {exact:<3} "
                f"{mark(pyhanko.valid):<7} {mark(pdfsig.valid):<7} {inside:>9.2f} "
                f"{ours.wall:>7.2f} {ours.rss_mb:>5.0f} {pyhanko.wall:>6.2f} {pyhanko.rss_mb:>5.0f}"
            )
        total = len(rows)
        print("-" * len(header))
        for name in ("ours", "pyhanko", "pdfsig"):
            agreed = sum(row["agree"][name] for row in rows)  # type: ignore[index]
            print(f"{name:<8} agrees with the stated expectation on {agreed} of {total} files")
        exact_count = sum(bool(row["ours_exact"]) for row in rows)
        print(f"ours exactly (indication and sub-indication): {exact_count} of {total}")
        print("(* = disagrees with the expectation)")
        if options.json:
            options.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    finally:
        stop_pki(running)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
