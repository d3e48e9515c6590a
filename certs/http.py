"""The demo PKI's services over HTTP, as a WSGI application (werkzeug, no web framework).

POST {prefix}/tsa              application/timestamp-query → application/timestamp-reply
POST {prefix}/ocsp             application/ocsp-request    → application/ocsp-response
GET  {prefix}/ocsp/<base64>    the same, RFC 6960 appendix A GET form
GET  {prefix}/crl/<ca>.crl     application/pkix-crl
GET  {prefix}/certs/<ca>.crt   application/pkix-cert
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .errors import CertsError
from .services import PkiServices

__all__ = ["MAX_REQUEST_BYTES", "PkiApplication"]

MAX_REQUEST_BYTES = 64 * 1024  # a timestamp or OCSP request is a few hundred bytes


class PkiApplication:
    def __init__(self, services: PkiServices, prefix: str = "/pki") -> None:
        self.services = services
        self.routes = Map(
            [
                Rule(f"{prefix}/tsa", endpoint="tsa", methods=["POST"]),
                Rule(f"{prefix}/ocsp", endpoint="ocsp_post", methods=["POST"]),
                Rule(f"{prefix}/ocsp/<path:encoded>", endpoint="ocsp_get", methods=["GET"]),
                Rule(f"{prefix}/crl/<label>.crl", endpoint="crl", methods=["GET"]),
                Rule(f"{prefix}/certs/<label>.crt", endpoint="cert", methods=["GET"]),
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_REQUEST_BYTES
        try:
            endpoint, values = self.routes.bind_to_environ(environ).match()
            response = getattr(self, f"_{endpoint}")(request, **values)
        except (NotFound, MethodNotAllowed, RequestEntityTooLarge) as exc:
            response = exc.get_response(environ)
        except CertsError as exc:
            response = Response(exc.message, status=404, mimetype="text/plain")
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)  # type: ignore[no-any-return]

    def _tsa(self, request: Request) -> Response:
        body = request.get_data(cache=False)
        return Response(self.services.timestamp(body), mimetype="application/timestamp-reply")

    def _ocsp_post(self, request: Request) -> Response:
        body = request.get_data(cache=False)
        return Response(self.services.ocsp_response(body), mimetype="application/ocsp-response")

    def _ocsp_get(self, request: Request, encoded: str) -> Response:
        try:
            body = base64.b64decode(unquote(encoded), validate=False)
        except (binascii.Error, ValueError):
            body = b""  # answered as a malformed request
        response = Response(self.services.ocsp_response(body), mimetype="application/ocsp-response")
        response.cache_control.max_age = 60
        return response

    def _crl(self, request: Request, label: str) -> Response:
        return Response(self.services.crl(label), mimetype="application/pkix-crl")

    def _cert(self, request: Request, label: str) -> Response:
        return Response(self.services.ca_certificate(label), mimetype="application/pkix-cert")
