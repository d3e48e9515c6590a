"""``sovanban verify``: the JSON contract, exit statuses, the register cross-check, folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.registry.cli.conftest import Sovanban


@pytest.fixture
def issued(sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    target = tmp_path / "01-TB-DUK.pdf"
    sovanban.ok("download", "1", "--revision", "issued", "-o", str(target))
    return target


def test_the_issued_notice_is_registered_and_passes(sovanban: Sovanban, issued: Path) -> None:
    result = sovanban("verify", str(issued), "--json", "--lang", "en")
    assert result.code == 0, result.err
    report = result.json()
    assert report["indication"] == "TOTAL-PASSED" and report["sub_indication"] is None
    assert report["registry"]["status"] == "registered"
    assert report["registry"]["number"] == "01-TB/ĐUK"
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
    from tests.pdfs import self_signed_pdf

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
