"""Compose a notice PDF from its TOML file, with the instance's issuer and fonts."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ...composer import Notice, load_notice, notice_from_toml, render_notice
from ...config import Config
from ..setup.fonts import configured_fonts
from ..setup.reference_data import builtin_document_types

__all__ = [
    "SEED_NOTICE",
    "compose_data",
    "compose_file",
    "load_configured_notice",
    "seed_notice_path",
    "type_names",
]

SEED_NOTICE = "thong-bao-ket-luan-2023-04-11.toml"


def seed_notice_path() -> Path:
    """The reference notice of the product, shipped with the package."""
    return Path(str(resources.files("registry") / "data" / "samples" / SEED_NOTICE))


def type_names(config: Config) -> dict[str, str]:
    """Type code → name for the configured scheme (built-in table plus configured types)."""
    names = {row["code"]: row["name"] for row in builtin_document_types()[config.numbering.scheme]}
    names.update({override.code: override.name for override in config.numbering.types})
    return names


def _issuer_defaults(config: Config) -> dict[str, str]:
    issuer = config.issuer
    return {
        "superior_body": issuer.superior_body,
        "header_name": issuer.header_name,
        "abbreviation": issuer.abbreviation,
        "place": issuer.place,
    }


def load_configured_notice(config: Config, path: Path) -> Notice:
    return load_notice(
        path,
        scheme=config.numbering.scheme,
        issuer_defaults=_issuer_defaults(config),
        type_names=type_names(config),
    )


def compose_file(config: Config, base: Path, path: Path) -> tuple[Notice, bytes]:
    """The notice in ``path`` and its PDF."""
    notice = load_configured_notice(config, path)
    return notice, render_notice(notice, configured_fonts(config, base))


def compose_data(
    config: Config, base: Path, data: dict[str, Any], source: str
) -> tuple[Notice, bytes]:
    """A notice given as the TOML file's keys (from a web form) and its PDF."""
    notice = notice_from_toml(
        data,
        source=source,
        scheme=config.numbering.scheme,
        issuer_defaults=_issuer_defaults(config),
        type_names=type_names(config),
    )
    return notice, render_notice(notice, configured_fonts(config, base))
