"""One-shot verification from the command line, against pyHanko's own command, in one run.

    python benchmarks/verify_cli.py [--runs 10] [--files 100]

A demo instance (``sovanban demo --no-serve``, SQLite) and its issued reference notice:

* one file — the wall time of the whole process ``sovanban verify issued.pdf`` (every check:
  structure, signatures with the published CRLs, roles, the register) against
  ``pyhanko sign validate --trust root-ca.pem --trust-replace --no-revocation-check`` on the
  same file (pyHanko's validation of both signatures with its diff analysis, no register);
  medians of --runs runs each, the two commands run in turn, after one warm-up run of each
  (the page cache warm);
* a folder — ``sovanban verify FOLDER`` over --files copies of the notice, the whole
  process's wall time per file (median of three runs), against the in-process time per
  file over as many calls (a total, as the folder's is) of the same checks
  (``verify_with_rows``: the engine with the instance's trust material and roles, the
  register read as the command reads it, the report; warmed, in this process), and of
  the engine alone (``verify_pdf``).

Both commands run from bytecode, as an installation leaves them: pip compiled pyHanko when
it installed it, and our packages are compiled here first (an editable install run with
PYTHONDONTWRITEBYTECODE set would otherwise compile every module of ours at every run,
about 100 ms that no installed copy pays).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parents[1]


def wall_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of the whole process, after one warm-up run."""
    return interleaved_ms([command], runs, env)[0]


def interleaved_ms(commands: list[list[str]], runs: int, env: dict[str, str]) -> list[float]:
    """Median wall time of each command, run in turn (one warm-up each): a machine that
    slows down or speeds up during the run weighs on every command alike."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for index, command in enumerate(commands):
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, check=False)
            if round_:
                times[index].append((time.perf_counter() - started) * 1000)
            if done.returncode != 0:
                raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]!r}")
    return [statistics.median(taken) for taken in times]


def in_process_ms(instance: Path, pdf: bytes, files: int) -> tuple[float, float]:
    """In this process, per file over ``files`` calls (a total, as the folder's is): every
    check the command makes (the register's included, the report as the command prints
    it), and the verification engine alone with the instance's trust material."""
    from registry.instance import open_instance
    from registry.services.verification.register_rows import driver_rows
    from registry.services.verification.trust_material import trust_material
    from registry.services.verification.verify_rows import instance_roles, verify_with_rows
    from signing.verify.engine import verify_pdf

    opened = open_instance(instance, lazy_database=True)
    material = trust_material(opened)
    with driver_rows(opened.database_url) as rows:
        assert rows is not None, "the demo's SQLite database is read with the driver"
        roles = instance_roles(rows, opened)

        def service() -> None:
            report = verify_with_rows(rows, opened, pdf)
            assert report.as_dict("vi")["indication"] == "TOTAL-PASSED", report.verdict

        def engine() -> None:
            report = verify_pdf(pdf, trust=material.store, roles=roles, crls=material.crls)
            assert report.verdict[0] == "TOTAL-PASSED", report.verdict

        return mean_ms(service, files), mean_ms(engine, files)


def mean_ms(job: Callable[[], object], runs: int) -> float:
    """Wall time of ``runs`` calls of ``job`` over ``runs``, after one warm-up call."""
    job()
    started = time.perf_counter()
    for _ in range(runs):
        job()
    return (time.perf_counter() - started) * 1000 / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--files", type=int, default=100)
    options = parser.parse_args()
    sovanban, pyhanko = str(BIN / "sovanban"), str(BIN / "pyhanko")
    env = {**os.environ, "SOVANBAN_LANG": "vi", "PYTHONWARNINGS": "ignore"}
    for package in ("basics", "certs", "signing", "registry"):
        compileall.compile_dir(PROJECT / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="sovanban-bench-") as scratch:
        folder = Path(scratch)
        instance, pdf = folder / "instance", folder / "issued.pdf"
        at = [sovanban, "--instance", str(instance)]
        subprocess.run([*at, "demo", "--no-serve"], env=env, capture_output=True, check=True)
        subprocess.run(
            [*at, "download", "1", "--revision", "issued", "-o", str(pdf)],
            env=env,
            capture_output=True,
            check=True,
        )
        ours, theirs = interleaved_ms(
            [
                [sovanban, "--instance", str(instance), "verify", str(pdf)],
                [pyhanko, "sign", "validate", "--trust", str(instance / "pki" / "root-ca.pem"),
                 "--trust-replace", "--no-revocation-check", "--pretty-print", str(pdf)],
            ],
            options.runs,
            env,
        )  # fmt: skip
        many = folder / "many"
        many.mkdir()
        for index in range(options.files):
            shutil.copyfile(pdf, many / f"{index:04d}.pdf")
        command = [sovanban, "--instance", str(instance), "verify", str(many)]
        per_file = wall_ms(command, 3, env) / options.files
        in_process, engine_alone = in_process_ms(instance, pdf.read_bytes(), options.files)
    print(f"{'operation':<52} {'ms':>9} {'ratio':>7}")
    print(f"{'pyhanko sign validate FILE (whole process)':<52} {theirs:>9.0f} {1.0:>7.2f}")
    print(f"{'sovanban verify FILE (whole process)':<52} {ours:>9.0f} {ours / theirs:>7.2f}")
    print(f"{'verify_pdf (the engine alone) in process, per file':<52} {engine_alone:>9.1f}")
    print(f"{'verify_with_rows in process, per file':<52} {in_process:>9.1f} {1.0:>7.2f}")
    label = f"sovanban verify FOLDER of {options.files}, per file"
    print(f"{label:<52} {per_file:>9.1f} {per_file / in_process:>7.2f}")


if __name__ == "__main__":
    main()
