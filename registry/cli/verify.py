"""``sovanban verify FILE|DIR``: the verification report, with the exit status scripts rely on.

0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, 3 unusable input (one line on stderr).
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from basics.collector import tidy_after
from basics.said import said
from signing.errors import UnusablePdfError
from signing.verify.engine import MAX_PDF_BYTES

from ..services.verification.register_rows import RegisterRows, driver_rows
from ..services.verification.verify_rows import verify_with_rows
from .context import CommandContext, echo_json, pass_app
from .language import in_terminal_language

__all__ = ["verify_command"]

EXIT = {"TOTAL-PASSED": 0, "TOTAL-FAILED": 1, "INDETERMINATE": 2}
UNUSABLE = 3
VERDICT = {
    "vi": {
        "TOTAL-PASSED": "HỢP LỆ",
        "TOTAL-FAILED": "KHÔNG HỢP LỆ",
        "INDETERMINATE": "CHƯA KẾT LUẬN",
    },
    "en": {"TOTAL-PASSED": "PASSED", "TOTAL-FAILED": "FAILED", "INDETERMINATE": "INDETERMINATE"},
}


def _read(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise UnusablePdfError("no such file" if not path.exists() else "not a regular file")
        if path.stat().st_size > MAX_PDF_BYTES:
            raise UnusablePdfError(
                said("larger than {value} MB", value=MAX_PDF_BYTES // (1024 * 1024))
            )
        return path.read_bytes()
    except OSError as exc:
        raise UnusablePdfError(said("cannot read ({strerror})", strerror=exc.strerror)) from exc


@click.command("verify")
@click.argument("target", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object (array for a folder).")
@click.option("--xml", "as_xml", is_flag=True, help="An ETSI TS 119 102-2 report (one file).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--online", is_flag=True, help="Fetch OCSP answers and CRLs over the network.")
@pass_app
def verify_command(
    app: CommandContext, target: str, as_json: bool, as_xml: bool, lang: str, online: bool
) -> None:
    """Verify a signed PDF (or every PDF in a folder): signatures, changes, register."""
    path = Path(target)
    if not path.exists():
        click.echo(f"sovanban: {target}: no such file", err=True)
        sys.exit(UNUSABLE)
    if as_xml and (as_json or path.is_dir()):
        raise click.UsageError("--xml reports on one file and cannot be combined with --json")
    xml: bytes = b""
    files = sorted(path.glob("*.pdf")) if path.is_dir() else [path]
    results: list[dict[str, Any]] = []
    worst = 0
    # What is loaded by now lives as long as the command: left out of the collector's full
    # passes while the files are verified, which their many ASN.1 objects trigger (~5 %).
    gc.freeze()
    instance = app.instance(require_schema=False)
    try:
        with (
            _register(app) as rows,
            click.progressbar(
                files, label="verifying", file=sys.stderr, hidden=not path.is_dir()
            ) as bar,
        ):
            for file in bar:
                try:
                    report = verify_with_rows(rows, instance, _read(file), online=online)
                except UnusablePdfError as exc:
                    if not path.is_dir():
                        click.echo(f"sovanban: {file}: {in_terminal_language(exc.said)}", err=True)
                        sys.exit(UNUSABLE)
                    results.append({"path": str(file), "indication": None, "error": exc.message})
                    worst = max(worst, UNUSABLE)
                    continue
                finally:
                    if len(files) > 1:  # a file follows: free this one's garbage first
                        tidy_after("verify")
                data = report.as_dict(lang)
                results.append({"path": str(file), **data})
                if as_xml:
                    from signing.verify.etsi_xml import to_etsi_xml  # lxml: only when asked

                    xml = to_etsi_xml(report, lang)
                worst = max(worst, EXIT[str(data["indication"])])
    finally:
        gc.unfreeze()
    if as_xml:
        sys.stdout.buffer.write(xml)
        sys.stdout.flush()
    elif as_json:
        echo_json(results if path.is_dir() else results[0])
    elif path.is_dir():
        for row in results:
            verdict = VERDICT[lang].get(str(row["indication"]), "—")
            click.echo(f"{verdict:<16} {row['path']}")
        counts = Counter(VERDICT[lang].get(str(row["indication"]), "—") for row in results)
        click.echo("-" * 40)
        for verdict, count in sorted(counts.items()):
            click.echo(f"{verdict:<16} {count:>5}")
        click.echo(f"{'∑':<16} {len(results):>5}")
    else:
        _human(results[0], lang)
    sys.exit(worst)


@contextmanager
def _register(app: CommandContext) -> Iterator[RegisterRows]:
    """The register read with the database driver alone where the URL allows (no ORM to
    load: a third of a one-file run), else in a session; the operator sees all of it."""
    instance = app.instance(require_schema=False)
    with driver_rows(instance.database_url) as rows:  # the schema checked on opening
        if rows is not None:
            yield rows
            return
    from ..services.verification.register_rows import SessionRows

    with app.unit_of_work() as session:
        yield SessionRows(session)


def _human(result: dict[str, Any], lang: str) -> None:
    verdict = VERDICT[lang][str(result["indication"])]
    click.echo(f"{result['path']}: {verdict}")
    registry = result.get("registry") or {}
    if isinstance(registry, dict) and registry.get("status"):
        click.echo(f"  sổ văn bản / register: {registry['status']} {registry.get('number') or ''}")
        if registry.get("number_agrees") is False:
            click.echo(
                "  số trong tệp khác số trong sổ / the number in the file is not the register's"
            )
    for signature in result["signatures"]:
        signer = signature["signer"] or {}
        click.echo(
            f"  [{VERDICT[lang][signature['indication']]}] {signature['field']} "
            f"({signature['role']}) {signer.get('name', '')} <{signer.get('email', '')}> "
            f"{signature['signing_time'] or ''} {signature['level']}"
        )
        for message in signature["messages"]:
            click.echo(f"      {message}")
    for message in result.get("messages", []):
        click.echo(f"  {message}")
