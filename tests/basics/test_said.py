"""Messages kept in English with their values and shown in the reader's language."""

from __future__ import annotations

import json
import re

from basics.said import Explained, Said, as_said, said


def _shouting(text: str) -> str:
    """A translation for the test: the words in capitals, the ``{places}`` as they are."""
    return re.sub(r"[^{}]+(?=\{|$)", lambda words: words.group(0).upper(), text)


def test_a_message_is_english_until_it_is_translated() -> None:
    message = said("{name}: the file is {size} MB", name="du-thao.pdf", size=3)
    assert str(message) == "du-thao.pdf: the file is 3 MB"
    # The text is translated, never the values (a file's name stays as it is).
    assert message.shown(_shouting) == "du-thao.pdf: THE FILE IS 3 MB"


def test_a_message_inside_a_message_is_translated_too() -> None:
    inner = said("the note")
    outer = said("{what}: longer than {most} characters", what=inner, most=2000)
    assert outer.shown(_shouting) == "THE NOTE: LONGER THAN 2000 CHARACTERS"


def test_text_that_is_no_message_is_shown_as_it_is() -> None:
    plain = as_said("pyhanko: {braces} and all")
    assert plain.shown(_shouting) == "pyhanko: {braces} and all"
    assert as_said(plain) is plain


def test_text_without_values_keeps_its_braces() -> None:
    assert str(said("no organisation key in [[signing.keys]] {role}")).endswith("{role}")


def test_a_message_kept_as_a_record_comes_back_whole() -> None:
    message = said("{what} could not be placed ({share})", what=said("the seal"), share="80%")
    record = json.loads(json.dumps(message.as_record()))
    assert Said.from_record(record) == message
    # A value JSON cannot keep is kept as its text; an old plain reason comes back as text.
    assert said("at {when}", when=object).as_record()["values"]["when"] == str(object)
    assert str(Said.from_record("con dấu in nhỏ hơn")) == "con dấu in nhỏ hơn"


def test_an_explained_error_carries_the_message_and_its_english() -> None:
    error = Explained(said("{path}: wrong passphrase", path="signer.p12"))
    assert error.message == str(error) == "signer.p12: wrong passphrase"
    assert error.said.shown(_shouting) == "signer.p12: WRONG PASSPHRASE"
    assert Explained("plain words").said.shown(_shouting) == "plain words"
