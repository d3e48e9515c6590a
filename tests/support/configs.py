"""Configurations for tests: the example configuration with some keys replaced."""

from __future__ import annotations

import tomllib
from typing import Any

from registry.config import Config, example_config_path, parse_config


def example_data() -> dict[str, Any]:
    """The example configuration as a dict, to be changed by a test."""
    return tomllib.loads(example_config_path().read_text("utf-8"))


def make_config(**sections: dict[str, Any]) -> Config:
    """The example configuration with some sections' keys replaced."""
    data = example_data()
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return parse_config(data, source="test")


STATE_CONFIG: dict[str, dict[str, Any]] = {
    "issuer": {
        "name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "header_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "abbreviation": "UBND",
        "superior_body": "",
        "place": "Hà Tĩnh",
    },
    "numbering": {"scheme": "state", "register_book": "shared", "terms": []},
}
