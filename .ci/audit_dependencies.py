"""Known vulnerabilities in the installed dependencies: pip-audit's answer, completed.

    python .ci/audit_dependencies.py REQUIREMENTS PIP_AUDIT_JSON

pip-audit asks PyPI about each pinned version. Where it could not (an index that serves
only project pages answers "not found" for a version), PyPI's project page is read: its
``vulnerabilities`` list concerns the latest release, so it settles a dependency pinned at
that release; any other is reported as not audited. Exit status 1 when any dependency has
a known vulnerability.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def pinned(requirements: Path) -> dict[str, str]:
    versions = {}
    for line in requirements.read_text("utf-8").splitlines():
        name, separator, version = line.partition("==")
        if separator:
            versions[normalised(name)] = version.strip()
    return versions


def project_page(name: str) -> Any:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as answer:
        return json.load(answer)


def main() -> int:
    versions = pinned(Path(sys.argv[1]))
    report = json.loads(Path(sys.argv[2]).read_text("utf-8"))
    vulnerable: list[str] = []
    by_pip_audit = by_project_page = 0
    not_audited: list[str] = []
    for dependency in report["dependencies"]:
        name = normalised(dependency["name"])
        for vulnerability in dependency.get("vulns", []):
            vulnerable.append(f"{name} {dependency.get('version')}: {vulnerability['id']}")
        if "skip_reason" not in dependency:
            by_pip_audit += 1
            continue
        version = versions.get(name, "?")
        try:
            page = project_page(name)
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            not_audited.append(f"{name} {version} ({exc})")
            continue
        latest = str(page["info"].get("version", ""))
        if latest != version:
            not_audited.append(f"{name} {version} (latest is {latest})")
            continue
        by_project_page += 1
        for vulnerability in page.get("vulnerabilities") or []:
            vulnerable.append(f"{name} {version}: {vulnerability['id']}")
    print(
        f"dependencies: {by_pip_audit} audited by pip-audit, {by_project_page} by PyPI's "
        f"project page (latest release), {len(not_audited)} not audited"
    )
    for line in not_audited:
        print(f"  not audited: {line}")
    for line in vulnerable:
        print(f"  VULNERABLE: {line}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
