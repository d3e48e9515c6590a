"""The WSGI application for a process manager such as gunicorn::

    SOVANBAN_INSTANCE=/srv/sovanban gunicorn -w 4 -b 127.0.0.1:8080 'registry.web.wsgi:app'

Every worker opens the same instance; with PostgreSQL they share the register safely
(numbers are drawn under a row lock), and the session key is the instance's, so a login
made on one worker holds on the others.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..db import require_current_schema
from ..instance import open_instance
from ..services.setup.pki import pki_folder, pki_services
from . import create_app
from .access_log import configure_logging

__all__ = ["app"]

_config = os.environ.get("SOVANBAN_CONFIG")
instance = open_instance(
    Path(os.environ.get("SOVANBAN_INSTANCE", "instance")), Path(_config) if _config else None
)
require_current_schema(instance.engine)
configure_logging(instance.config.web.log_format)
_passphrase = os.environ.get(instance.config.pki.passphrase_env)
_pki = (
    pki_services(instance, _passphrase.encode())
    if _passphrase and (pki_folder(instance) / "pki.json").is_file()
    else None
)
app = create_app(instance, pki=_pki)
