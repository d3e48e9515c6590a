"""Return, replace, comment and history by command."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import Sovanban, register_seed_draft


def test_returned_replaced_signed_issued_with_its_history(demo: Sovanban, tmp_path: Path) -> None:
    document = register_seed_draft(demo, tmp_path, "Thông báo cần sửa")
    demo.ok("prepare", document)
    demo.ok("return", document, "--comment", "Bổ sung đoạn kết luận.")
    refused = demo("sign", document)
    assert refused.code != 0 and "it is at “Returned”" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    revised = tmp_path / "du-thao-2.pdf"
    revised.write_bytes((tmp_path / "draft.pdf").read_bytes() + b"\n%sua lan 2\n")
    changed = demo.ok(
        "replace",
        document,
        str(revised),
        "--subject",
        "Thông báo đã sửa",
        "--note",
        "Đã bổ sung.",
        "--as",
        "vanthu",
    ).out.strip()
    assert changed == "subject, file"
    demo.ok("comment", document, "Xin đồng chí ký.", "--as", "vanthu")
    for step in ("prepare", "sign", "issue"):
        demo.ok(step, document)
    history = demo.ok("history", document, "--json").json()
    assert [entry["what"] for entry in history][:6] == [
        "đăng ký dự thảo",
        "chuẩn bị để ký",
        "trả lại dự thảo",
        f"ký không thành: Văn bản #{document} không thể ký: văn bản đang ở bước “Bị trả lại”, "
        "chỉ văn bản ở bước “Chờ ký” mới được ký",  # the attempt refused, recorded
        "thay dự thảo (trích yếu, tệp)",
        "ghi ý kiến",
    ]
    assert (
        history[2]["who"] == "Nguyễn Trọng Vân" and history[2]["said"] == "Bổ sung đoạn kết luận."
    )
    assert history[4]["said"] == "Đã bổ sung." and history[4]["at"].endswith("+07:00")
    assert any(entry["what"].startswith("ban hành, cấp số 02-TB/ĐUK") for entry in history)
    text = demo.ok("history", document, "--lang", "en").out
    assert "Nguyễn Trọng Vân: returned the draft — “Bổ sung đoạn kết luận.”" in text


def test_what_the_commands_refuse(demo: Sovanban, tmp_path: Path) -> None:
    document = register_seed_draft(demo, tmp_path, "Thông báo")
    nothing = demo("replace", document)
    assert nothing.code != 0 and "Nothing was changed" in nothing.err
    stranger = demo("return", document, "--comment", "Không", "--as", "vanthu")
    assert stranger.code != 0 and "is Nguyễn Trọng Vân's to sign, not" in stranger.err
    issued = demo("replace", "01-TB/ĐUK", "--subject", "Sửa sau khi ban hành")
    assert issued.code != 0 and "only a draft, a prepared or a returned document" in issued.err
    empty = demo("comment", document, "  ")
    assert empty.code != 0 and "write what it says" in empty.err
