"""The Vietnamese catalog: complete, in step with the source, and loud about a gap."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from basics.language import (
    MissingTranslationError,
    catalog,
    catalog_path,
    language_of,
    shown,
    translator,
)
from basics.language import (
    read_catalog as read_po_catalog,
)
from basics.said import said
from tests.support.catalog import extract, placeholders, read_catalog


def test_every_message_of_the_source_has_its_vietnamese() -> None:
    extracted = extract()
    assert not extracted.problems, extracted.problems
    words = catalog("vi")
    waiting = sorted(text for text in extracted.messages if not words.get(text))
    assert not waiting, f"untranslated (python -m tests.support.catalog): {waiting[:10]}"
    kept = {str(message.id) for message in read_catalog() if message.id}
    assert kept == set(extracted.messages), "the catalog is not in step with the source"


def test_translations_keep_the_values_of_their_message() -> None:
    for text, translation in catalog("vi").items():
        assert placeholders(translation) <= placeholders(text), text
        # Every value a message names is shown: none lost in translation.
        assert placeholders(text) <= placeholders(translation), text


def test_the_catalog_compiles_and_nothing_in_it_is_fuzzy() -> None:
    entries = read_catalog()
    assert not [message.id for message in entries if message.fuzzy and message.id]
    compiled = io.BytesIO()
    write_mo(compiled, entries)
    compiled.seek(0)
    assert len(read_mo(compiled)) == len([message for message in entries if message.id])


def test_vietnamese_is_the_default_and_english_the_source() -> None:
    message = said("{path}: wrong passphrase, or not a PKCS#12 file", path="signer.p12")
    assert shown(message, "vi") == "signer.p12: sai mật khẩu, hoặc không phải tệp PKCS#12"
    assert shown(message, "en") == "signer.p12: wrong passphrase, or not a PKCS#12 file"
    assert [language_of(v) for v in (None, "", "vi", "en", "en_GB.UTF-8", "fr")] == [
        "vi",
        "vi",
        "vi",
        "en",
        "en",
        "vi",
    ]


def test_a_missing_translation_is_loud_under_test_and_english_in_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unknown = "a message nobody translated"
    with pytest.raises(MissingTranslationError, match="nobody translated"):
        translator("vi")(unknown)
    monkeypatch.delenv("SOVANBAN_STRICT_CATALOG")
    assert translator("vi")(unknown) == unknown


def test_the_catalog_is_a_file_of_the_package() -> None:
    assert catalog_path("vi").is_file() and catalog_path("vi").parent.name == "locale"


_TRICKY_PO = r"""# a comment
msgid ""
msgstr ""
"Language: vi\n"

#: a.py
msgid "plain"
msgstr "thường"

msgid ""
"wrapped over "
"two lines"
msgstr ""
"gói "
"hai dòng"

#, fuzzy
msgid "a guess"
msgstr "đoán"

msgid "untranslated"
msgstr ""

msgid "quote \" backslash \\ newline \n tab \t"
msgstr "ngoặc \" gạch \\ xuống \n tab \t"

#~ msgid "obsolete"
#~ msgstr "cũ"

#, python-brace-format
msgid "{count} files"
msgstr "{count} tệp"
"""


@pytest.mark.parametrize("source", ["catalog", "tricky"])
def test_the_catalog_is_read_as_babel_reads_it(source: str) -> None:
    """Read without Babel (which a one-shot command would wait 40 ms for): the same
    messages, fuzzy, empty and obsolete entries left out, escapes and wrapping undone."""
    text = catalog_path("vi").read_text(encoding="utf-8") if source == "catalog" else _TRICKY_PO
    ours = read_po_catalog(text)
    theirs = {
        str(m.id): str(m.string)
        for m in read_po(io.StringIO(text), locale="vi")
        if m.id and m.string and not m.fuzzy
    }
    assert ours == theirs
    if source == "tricky":
        assert ours["wrapped over two lines"] == "gói hai dòng"
        assert ours['quote " backslash \\ newline \n tab \t'] == 'ngoặc " gạch \\ xuống \n tab \t'
        assert set(ours) == {
            "plain", "wrapped over two lines", 'quote " backslash \\ newline \n tab \t',
            "{count} files",
        }  # fmt: skip
