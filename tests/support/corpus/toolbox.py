"""The signing tools the corpus is made with, none of them ours: each run as its users run it.

iText 5 and PDFBox 2 (Debian's jars, driven by two small job runners in tools/), @signpdf
from the npm registry, endesive in a virtual environment of its own, pyHanko's CLI,
poppler's pdfsig on an NSS database, and qpdf. A tool that is missing is reported with
the way to install it; the cases that need it are skipped (a failure under CI).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["TOOLS", "CorpusError", "Toolbox"]

TOOLS = Path(__file__).parent / "tools"
_JARS = Path("/usr/share/java")
_ITEXT = ("itext5.jar", "bcprov.jar", "bcpkix.jar", "bcutil.jar")
_PDFBOX = ("pdfbox2.jar", "fontbox2.jar", "commons-logging.jar", "bcprov.jar", "bcpkix.jar")
_DEBIAN = "apt-get install default-jdk-headless libitext5-java libpdfbox2-java libbcpkix-java"
_INSTALL = "tests/support/corpus/tools/install"
_TIMEOUT = 300


class CorpusError(Exception):
    """A tool failed while making a corpus file."""


def _classpath(jars: Sequence[str], extra: Path) -> str:
    return ":".join([*(str(_JARS / jar) for jar in jars), str(extra)])


class Toolbox:
    def __init__(self, work: Path) -> None:
        self.work = work
        self._classes = work / "java-classes"
        self._jobs = 0

    def missing(self, tool: str) -> str | None:
        """Why ``tool`` cannot run here (how to install it), or None."""
        java = shutil.which("java") and shutil.which("javac")
        checks: dict[str, tuple[bool, str]] = {
            "itext": (bool(java) and all((_JARS / j).is_file() for j in _ITEXT), _DEBIAN),
            "pdfbox": (bool(java) and all((_JARS / j).is_file() for j in _PDFBOX), _DEBIAN),
            "signpdf": (
                bool(shutil.which("node"))
                and (TOOLS / "node_modules" / "@signpdf" / "signpdf").is_dir(),
                f"Node.js, then {_INSTALL}",
            ),
            "endesive": ((TOOLS / ".endesive" / "bin" / "python").is_file(), _INSTALL),
            "pyhanko": (self._pyhanko() is not None, "pip install pyhanko-cli"),
            "pdfsig": (
                all(shutil.which(t) for t in ("pdfsig", "certutil", "pk12util")),
                "apt-get install poppler-utils libnss3-tools",
            ),
            "qpdf": (bool(shutil.which("qpdf")), "apt-get install qpdf"),
            "python": (True, ""),
        }
        available, how = checks[tool]
        return None if available else f"{tool} is not installed ({how})"

    def _pyhanko(self) -> str | None:
        beside = Path(sys.executable).with_name("pyhanko")
        return str(beside) if beside.is_file() else shutil.which("pyhanko")

    def _run(self, command: Sequence[str], *, stdin: bytes = b"") -> None:
        try:
            subprocess.run(
                list(command), input=stdin, capture_output=True, check=True, timeout=_TIMEOUT
            )
        except subprocess.CalledProcessError as exc:
            tail = (exc.stderr or exc.stdout or b"").decode("utf-8", "replace")[-600:]
            raise CorpusError(f"{Path(command[0]).name} failed: {tail}") from exc

    def _job_file(self, jobs: Sequence[Mapping[str, str]]) -> Path:
        self._jobs += 1
        path = self.work / f"jobs-{self._jobs}.txt"
        lines = ("\t".join(f"{k}={v}" for k, v in job.items()) for job in jobs)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _compiled(self, source: str, jars: Sequence[str]) -> None:
        if (self._classes / source.replace(".java", ".class")).is_file():
            return
        self._classes.mkdir(exist_ok=True)
        self._run(
            [
                "javac",
                "-nowarn",
                "-d",
                str(self._classes),
                "-cp",
                _classpath(jars, self._classes),
                str(TOOLS / source),
            ]
        )

    def itext(self, jobs: Sequence[Mapping[str, str]]) -> None:
        """One JVM signs every job in order (a job may take the previous one's output)."""
        self._compiled("ITextSigner.java", _ITEXT)
        classpath = _classpath(_ITEXT, self._classes)
        self._run(["java", "-cp", classpath, "ITextSigner", str(self._job_file(jobs))])

    def pdfbox(self, jobs: Sequence[Mapping[str, str]]) -> None:
        self._compiled("PdfBoxSigner.java", _PDFBOX)
        classpath = _classpath(_PDFBOX, self._classes)
        self._run(["java", "-cp", classpath, "PdfBoxSigner", str(self._job_file(jobs))])

    def signpdf(self, jobs: Sequence[Mapping[str, str]]) -> None:
        self._run(["node", str(TOOLS / "signpdf.mjs"), str(self._job_file(jobs))])

    def endesive(self, job: Mapping[str, str]) -> None:
        self._jobs += 1
        path = self.work / f"endesive-{self._jobs}.json"
        path.write_text(json.dumps(dict(job)), encoding="utf-8")
        python = TOOLS / ".endesive" / "bin" / "python"
        self._run([str(python), str(TOOLS / "endesive_sign.py"), str(path)])

    def pyhanko(self, arguments: Sequence[str], *, stdin: bytes = b"") -> None:
        command = self._pyhanko()
        assert command is not None
        self._run([command, *arguments], stdin=stdin)

    def pdfsig(self, arguments: Sequence[str]) -> None:
        self._run(["pdfsig", *arguments])

    def nss(self, folder: Path, p12s: Mapping[str, tuple[Path, bytes]]) -> None:
        """An NSS database holding the given keys under their PKCS#12 friendly names."""
        folder.mkdir(parents=True, exist_ok=True)
        self._run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"])
        for path, passphrase in p12s.values():
            database = f"sql:{folder}"
            self._run(
                ["pk12util", "-i", str(path), "-d", database, "-W", passphrase.decode(), "-K", ""]
            )

    def qpdf(self, arguments: Sequence[str]) -> None:
        try:
            subprocess.run(["qpdf", *arguments], capture_output=True, check=True, timeout=_TIMEOUT)
        except subprocess.CalledProcessError as exc:
            if exc.returncode != 3:  # 3: done, with warnings
                tail = exc.stderr.decode("utf-8", "replace")[-600:]
                raise CorpusError(f"qpdf failed: {tail}") from exc
