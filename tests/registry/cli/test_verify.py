"""``sovanban verify``: the JSON contract, exit statuses, the register cross-check, folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Sovanban


def test_the_issued_notice_is_registered_and_passes(sovanban: Sovanban, issued: Path) -> None:
    result = sovanban("verify", str(issued), "--json", "--lang", "en")
    assert result.code == 0, result.err
    report = result.json()
    assert report["indication"] == "TOTAL-PASSED" and report["sub_indication"] is None
    assert report["registry"]["status"] == "registered"
    assert report["registry"]["number"] == "01-TB/ĐUK"
    assert report["registry"]["number_agrees"] is True
    assert [s["role"] for s in report["signatures"]] == ["personal", "organisation"]
    assert set(report["signatures"][0]) >= {
        "field",
        "role",
        "signer",
        "indication",
        "sub_indication",
        "intact",
        "valid",
        "trusted",
        "revocation",
        "signing_time",
        "timestamp",
        "coverage",
        "modifications",
        "level",
        "messages",
    }
    human = sovanban("verify", str(issued))
    assert human.code == 0 and "HỢP LỆ" in human.out and "Nguyễn Trọng Vân" in human.out


def test_a_database_url_with_driver_options_is_read_through_sqlalchemy(
    sovanban: Sovanban, issued: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Options in the URL only SQLAlchemy knows how to pass on: the register is read in a
    session instead of by the driver alone, with the same answer."""
    database = sovanban.instance / "sovanban.sqlite3"
    monkeypatch.setenv("SOVANBAN_DATABASE_URL", f"sqlite:///{database}?timeout=5")
    result = sovanban("verify", str(issued), "--json")
    assert result.code == 0, result.err
    assert result.json()["registry"]["status"] == "registered"


def test_an_extended_copy_differs_and_garbage_fails(
    sovanban: Sovanban, issued: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(issued.read_bytes() + b"\n% appended\n")
    result = sovanban("verify", str(tampered), "--json")
    assert result.code == 1
    report = result.json()
    assert report["indication"] == "TOTAL-FAILED" and report["sub_indication"] == "FORMAT_FAILURE"
    assert report["registry"]["status"] == "differs"
    assert report["registry"]["added_bytes"] == len(b"\n% appended\n")


def test_exit_statuses_for_unusable_and_unknown_files(
    sovanban: Sovanban, issued: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"PK\x03\x04 not a pdf")
    result = sovanban("verify", str(junk))
    assert result.code == 3 and result.err.count("\n") == 1 and "not a PDF" in result.err
    from tests.support.pdfs import self_signed_pdf

    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(self_signed_pdf())
    result = sovanban("verify", str(stranger), "--json")
    assert result.code == 2
    assert result.json()["registry"]["status"] == "not_registered"


def test_a_folder_gives_one_row_per_file(sovanban: Sovanban, issued: Path, tmp_path: Path) -> None:
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(issued.read_bytes())
    (folder / "b.pdf").write_bytes(b"not a pdf")
    result = sovanban("verify", str(folder), "--json")
    assert result.code == 3
    rows = {Path(row["path"]).name: row for row in result.json()}
    table = sovanban("verify", str(folder), "--lang", "en").out.splitlines()
    summary = [" ".join(line.split()) for line in table[table.index("-" * 40) + 1 :]]
    assert summary == ["PASSED 1", "— 1", "∑ 2"]
    assert rows["a.pdf"]["indication"] == "TOTAL-PASSED"
    assert rows["b.pdf"]["indication"] is None and "not a PDF" in rows["b.pdf"]["error"]


def test_the_etsi_xml_report(sovanban: Sovanban, issued: Path) -> None:
    from lxml import etree

    result = sovanban("verify", str(issued), "--xml", "--lang", "en")
    assert result.code == 0, result.err
    root = etree.fromstring(result.out.encode())
    ns = {"vr": "http://uri.etsi.org/19102/v1.2.1#"}
    assert root.tag == "{http://uri.etsi.org/19102/v1.2.1#}ValidationReport"
    indications = root.xpath(
        "//vr:SignatureValidationReport/vr:SignatureValidationStatus/vr:MainIndication/text()",
        namespaces=ns,
    )
    assert indications == ["urn:etsi:019102:mainindication:total-passed"] * 3
    assert root.xpath("//vr:Signer/text()", namespaces=ns)[0] == "Nguyễn Trọng Vân"
    fields = root.xpath("//vr:DAIdentifier/text()", namespaces=ns)
    assert fields == ["chu_ky_lanh_dao", "chu_ky_co_quan"]
    both = sovanban("verify", str(issued), "--xml", "--json")
    assert both.code == 2 and "--xml" in both.err


def signed_by_other_tools(pki: Path, tmp_path: Path) -> dict[str, Path]:
    """The same blank page signed by pyHanko's own command line and by poppler's pdfsig (NSS)."""
    import shutil
    import subprocess
    import sys

    from tests.support.components import require
    from tests.support.pdfs import blank_pdf

    blank = tmp_path / "blank.pdf"
    blank.write_bytes(blank_pdf())
    (tmp_path / "pass.txt").write_text("mat-khau-demo")
    pyhanko_cli = Path(sys.executable).with_name("pyhanko")
    require("pyhanko-cli", pyhanko_cli.exists(), "install the test extra")
    by_pyhanko = tmp_path / "by-pyhanko.pdf"
    subprocess.run(
        [
            str(pyhanko_cli),
            "sign",
            "addsig",
            "--field",
            "Sig1",
            "--use-pades",
            "pkcs12",
            "--passfile",
            str(tmp_path / "pass.txt"),
            str(blank),
            str(by_pyhanko),
            str(pki / "signer.p12"),
        ],
        check=True,
        capture_output=True,
    )
    for tool in ("pdfsig", "pk12util", "certutil"):
        require(tool, shutil.which(tool) is not None, "install poppler-utils and libnss3-tools")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        ["pk12util", "-i", str(pki / "signer.p12"), "-d", f"sql:{nss}", "-W", "mat-khau-demo"],
        check=True,
        capture_output=True,
    )
    by_pdfsig = tmp_path / "by-pdfsig.pdf"
    subprocess.run(
        [
            "pdfsig",
            "-add-signature",
            "-nssdir",
            f"sql:{nss}",
            "-nick",
            "signer",
            str(blank),
            str(by_pdfsig),
        ],
        check=True,
        capture_output=True,
    )
    return {"pyhanko": by_pyhanko, "pdfsig": by_pdfsig}


def test_signatures_made_by_other_tools_get_the_same_verdicts(
    sovanban: Sovanban, issued: Path, tmp_path: Path
) -> None:
    for tool, path in signed_by_other_tools(sovanban.instance / "pki", tmp_path).items():
        result = sovanban("verify", str(path), "--json", "--lang", "en")
        report = result.json()
        assert result.code == 0, (tool, report)
        assert report["registry"]["status"] == "not_registered"
        (signature,) = report["signatures"]
        assert signature["signer"]["name"] == "Nguyễn Trọng Vân" and signature["role"] == "personal"
        assert signature["level"] == "PAdES-B-B"
        tampered = path.read_bytes() + b"\n% tail\n"
        (tmp_path / f"{tool}-tampered.pdf").write_bytes(tampered)
        assert sovanban("verify", str(tmp_path / f"{tool}-tampered.pdf")).code == 1


def test_a_missing_file_is_unusable_input(sovanban: Sovanban, tmp_path: Path) -> None:
    result = sovanban("verify", str(tmp_path / "missing.pdf"))
    assert result.code == 3
    assert result.err == f"sovanban: {tmp_path / 'missing.pdf'}: no such file\n"


def test_a_foreign_signature_prints_its_verdict_and_no_library_traceback(tmp_path: Path) -> None:
    """Run as people run it (a process of its own): pyHanko logs a traceback for every chain
    it cannot build, which must not reach the terminal."""
    import subprocess
    import sys

    from tests.support.pdfs import self_signed_pdf

    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(self_signed_pdf())
    command = [sys.executable, "-c", "from registry.cli import main; main()"]
    command += ["--instance", str(tmp_path / "instance")]
    subprocess.run([*command, "init"], check=True, capture_output=True)
    result = subprocess.run([*command, "verify", str(stranger)], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr == ""
    assert "CHƯA KẾT LUẬN" in result.stdout


def test_a_damaged_database_is_one_line_and_the_file_untouched(
    sovanban: Sovanban, issued: Path
) -> None:
    database = sovanban.instance / "sovanban.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    result = sovanban("verify", str(issued))
    assert result.code == 1 and result.out == ""
    assert result.err == "sovanban: database error: file is not a database\n"
    assert database.read_bytes() == b"this is not a database" * 100
