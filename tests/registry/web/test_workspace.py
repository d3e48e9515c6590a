"""The staff's shared pages: the advanced search lists the office's own types once."""

from __future__ import annotations

import re

from flask import Flask

from tests.support.web import logged_in


def test_the_search_lists_each_type_of_the_offices_scheme_once(app: Flask) -> None:
    page = logged_in(app, "auditor").get("/ho-so/tim-kiem").get_data(as_text=True)
    names = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    types = [label for value, label in names if re.fullmatch(r"[A-ZĐa-zđ]{1,5}", value or "-")]
    assert types and len(types) == len(set(types))
    assert any("Thông báo" in label for label in types)
    assert not any("(QyĐ)" in label for label in types)  # the State table's Quy định
