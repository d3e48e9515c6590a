"""How edXML packages leave: dropped in an outbox folder, or POSTed to an endpoint."""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from basics.files import write_atomically
from basics.said import Said, said

from ...config import DistributionConfig
from ...errors import RegistryError
from ...instance import Instance, resolve_path

__all__ = ["DirectoryTransport", "HttpTransport", "Transport", "TransportError", "transport_for"]


class TransportError(RegistryError):
    """A package could not be delivered (after the configured retries). ``worth_retrying``
    is false when the endpoint refused the package itself: later attempts would not help."""

    def __init__(self, message: str | Said, *, worth_retrying: bool = True) -> None:
        super().__init__(message)
        self.worth_retrying = worth_retrying


class Transport(Protocol):
    def deliver(self, name: str, package: bytes) -> str:
        """Send ``package``; where it went (a path or a URL with the answer)."""
        ...


class DirectoryTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, name: str, package: bytes) -> str:
        safe = re.sub(r"[^0-9A-Za-z._-]+", "_", name).strip("._") or "package"
        target = self.folder / f"{safe}.edxml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, package)  # a connector never sees half a package
        except OSError as exc:
            raise TransportError(
                said("cannot write {target}: {value}", target=target, value=exc.strerror or exc)
            ) from exc
        return str(target)


class HttpTransport:
    def __init__(
        self,
        url: str,
        *,
        token: str = "",
        retries: int = 3,
        timeout: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url, self.token, self.retries, self.timeout, self.sleep = (
            url,
            token,
            retries,
            timeout,
            sleep,
        )

    def deliver(self, name: str, package: bytes) -> str:
        headers = {"Content-Type": "application/xml; charset=utf-8", "X-Package-Name": name}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last, refused = "", False
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(min(30.0, 2.0**attempt))  # back off: 2, 4, 8 … seconds
            request = urllib.request.Request(self.url, data=package, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return f"{self.url} ({response.status})"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code} {exc.reason}"
                exc.close()
                if 400 <= exc.code < 500 and exc.code not in (408, 429):
                    refused = True  # the endpoint refuses this package: sending again won't help
                    break
            except (urllib.error.URLError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
        raise TransportError(
            said("{url} did not take {name}: {last}", url=self.url, name=name, last=last),
            worth_retrying=not refused,
        )


def transport_for(instance: Instance, config: DistributionConfig | None = None) -> Transport:
    settings = config or instance.config.distribution
    if settings.transport == "http":
        if not settings.url:
            raise TransportError(said('[distribution] transport = "http" needs a url'))
        token = os.environ.get(settings.token_env, "") if settings.token_env else ""
        return HttpTransport(
            settings.url,
            token=token,
            retries=settings.retries,
            timeout=float(settings.timeout_seconds),
        )
    return DirectoryTransport(resolve_path(instance.folder, settings.outbox))
