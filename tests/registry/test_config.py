"""The configuration loader: the example is the default; every mistake names its key."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from registry.config import Config, load_config, parse_config
from registry.errors import ConfigError
from tests.support.configs import example_data


def test_the_example_is_the_built_in_default() -> None:
    config = load_config(None)
    assert isinstance(config, Config)
    assert config.issuer.abbreviation == "ĐUK"
    assert config.numbering.scheme == "party"
    assert config.numbering.terms[0].starts_on == date(2020, 7, 1)
    assert config.signing.time_offset_style == "+07:00"
    assert config.timestamping.timeout == 10.0


def test_omitted_sections_take_their_defaults() -> None:
    data = example_data()
    minimal = {"issuer": data["issuer"], "numbering": data["numbering"]}
    config = parse_config(minimal)
    assert config.web.port == 8080
    assert config.storage.path == "blobs"
    assert config.database.url == ""


def mutate(path: str, value: Any) -> dict[str, Any]:
    data = example_data()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("issuer.name", DELETE, "missing value 'issuer.name'"),
        ("issuer.colour", "red", "unknown key 'issuer.colour'"),
        ("web.port", "8080", "'web.port' must be an integer"),
        ("web.port", True, "'web.port' must be an integer"),
        ("timestamping.timeout", "soon", "'timestamping.timeout' must be a number"),
        ("numbering.scheme", "royal", "'numbering.scheme' must be one of 'party', 'state'"),
        ("numbering.terms.0.starts_on", "2020-07-01", "must be a date"),
        ("numbering.terms.0.label", DELETE, "missing value 'numbering.terms[0].label'"),
        ("numbering.terms", [], "'numbering.terms' must list the committee terms"),
        ("numbering.terms", "2020-2025", "'numbering.terms' must be a list"),
        ("trust.anchors", "root.pem", "'trust.anchors' must be a list"),
        ("signing.time_offset_style", "+7", "'signing.time_offset_style' must be one of"),
        ("issuer.organ_id", "H41", "13 characters"),
        ("issuer", "ĐUK", "issuer must be a table"),
    ],
)
def test_mistakes_are_refused_naming_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(mutate(path, value), source="config.toml")


def test_overlapping_or_reversed_terms_are_refused() -> None:
    data = example_data()
    data["numbering"]["terms"][1]["starts_on"] = date(2025, 6, 1)
    with pytest.raises(ConfigError, match="overlap"):
        parse_config(data)
    data = example_data()
    data["numbering"]["terms"][0]["ends_on"] = date(2019, 1, 1)
    with pytest.raises(ConfigError, match=r"ends .* before it starts"):
        parse_config(data)


def test_keys_need_their_source_settings() -> None:
    data = example_data()
    data["signing"]["keys"] = [{"name": "org", "role": "organisation", "kind": "pkcs12"}]
    with pytest.raises(ConfigError, match=r"'signing.keys\[0\].path' is required"):
        parse_config(data)
    data["signing"]["keys"] = [{"name": "v", "role": "personal", "kind": "pkcs11"}]
    with pytest.raises(ConfigError, match="needs module, token_label and key_label"):
        parse_config(data)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[issuer\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_config(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"name = 'H\xe0 T\xeenh'")  # a Windows-1258 file
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin)


def test_strings_are_nfc() -> None:
    data = example_data()
    data["issuer"]["place"] = "Ha\u0300 Ti\u0303nh"
    assert parse_config(data).issuer.place == "Hà Tĩnh"


def test_database_url_from_environment_file_or_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(None)
    monkeypatch.delenv("SOVANBAN_DATABASE_URL", raising=False)
    assert config.database_url(tmp_path) == f"sqlite:///{tmp_path / 'sovanban.sqlite3'}"
    monkeypatch.setenv("SOVANBAN_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert config.database_url(tmp_path) == "postgresql+psycopg://u@h/db"


def test_the_example_documents_every_setting() -> None:
    """Every key has a comment above it, or belongs to an array of tables whose header has one."""
    from registry.config import example_config_path

    lines = [line.strip() for line in example_config_path().read_text("utf-8").splitlines()]
    for index, line in enumerate(lines):
        if not line or line.startswith(("#", "[")) or "=" not in line:
            continue
        above = index - 1
        while lines[above] and not lines[above].startswith(("#", "[")):
            above -= 1  # a run of keys shares the comment above the run
        if lines[above].startswith("[") and lines[above - 1].startswith("#"):
            above -= 1  # a table whose keys the comment above its header explains
        assert lines[above].startswith("#"), f"undocumented: {line}"


def test_placement_boxes_are_checked() -> None:
    data = example_data()
    data["signing"]["placement"]["signer"] = [0, 10, 10, 20, 20]
    with pytest.raises(ConfigError, match=r"'signing.placement.signer' must be \[page"):
        parse_config(data)
    data["signing"]["placement"]["signer"] = [1, 10, 10, 20]
    with pytest.raises(ConfigError, match=r"signing\.placement\.signer"):
        parse_config(data)
    data["signing"]["placement"]["signer"] = [1, 350, 100, 500, 200]
    assert parse_config(data).signing.placement.signer == (1.0, 350.0, 100.0, 500.0, 200.0)
