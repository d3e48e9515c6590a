"""Make the corpus: every case's steps, tool by tool, in rounds (one JVM per round for all
the iText jobs of that round, not one per file)."""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from certs.demo import ISSUING, ROOT, DemoPki
from certs.services import PkiServices

from .cases import CASES, Case, Step
from .documents import OWNER_PASSWORD, make_document, seal_image
from .keys import CorpusKeys, make_keys
from .manipulate import MANIPULATIONS
from .toolbox import CorpusError, Toolbox

__all__ = ["Corpus", "build_corpus"]

_BATCHED = ("itext", "pdfbox", "signpdf")


@dataclass
class Corpus:
    folder: Path
    keys: CorpusKeys
    files: dict[str, Path] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # case → why it was not made


@dataclass
class _Progress:
    case: Case
    current: Path | None = None
    done: int = 0


def build_corpus(
    folder: Path,
    pki: DemoPki,
    services: PkiServices,
    passphrase: bytes,
    cases: Iterable[Case] = CASES,
) -> Corpus:
    folder.mkdir(parents=True, exist_ok=True)
    tools = Toolbox(folder)
    corpus = Corpus(folder, make_keys(folder / "keys", pki, services, passphrase))
    maker = _Maker(folder, tools, corpus.keys, pki.urls.tsa)
    pending: dict[str, _Progress] = {}
    for case in cases:
        reason = next(filter(None, (tools.missing(tool) for tool in sorted(case.tools))), None)
        if reason:
            corpus.missing[case.name] = reason
        else:
            pending[case.name] = _Progress(case)
    while pending:
        ready = [p for p in pending.values() if _start(p, corpus, maker)]
        if not ready:
            for name, progress in list(pending.items()):
                source = progress.case.source.removeprefix("case:")
                corpus.missing[name] = corpus.missing.get(source, f"{source} was not made")
                del pending[name]
            break
        by_tool: dict[str, list[_Progress]] = defaultdict(list)
        for progress in ready:
            if progress.done == len(progress.case.steps):
                final = folder / f"{progress.case.name}.pdf"
                assert progress.current is not None
                shutil.copyfile(progress.current, final)
                corpus.files[progress.case.name] = final
                del pending[progress.case.name]
            else:
                by_tool[progress.case.steps[progress.done].tool].append(progress)
        for tool, group in by_tool.items():
            maker.run(tool, group)
    return corpus


def _start(progress: _Progress, corpus: Corpus, maker: _Maker) -> bool:
    """Give the case its input when it can have it: True when it is ready for a step."""
    if progress.current is not None:
        return True
    source = progress.case.source
    if source.startswith("case:"):
        origin = corpus.files.get(source.removeprefix("case:"))
        if origin is None:
            return False
        progress.current = origin
    else:
        progress.current = maker.document(source)
    return True


class _Maker:
    def __init__(self, folder: Path, tools: Toolbox, keys: CorpusKeys, tsa: str) -> None:
        self.folder = folder
        self.tools = tools
        self.keys = keys
        self.tsa = tsa
        self._documents: dict[str, Path] = {}
        self._nss: Path | None = None
        self._passfile = folder / "passphrase.txt"
        self._passfile.write_bytes(keys.passphrase)

    def document(self, name: str) -> Path:
        if name not in self._documents:
            work = self.folder / "documents"
            work.mkdir(exist_ok=True)
            path = work / f"{name}-base.pdf"
            path.write_bytes(make_document(name, work, self.tools))
            self._documents[name] = path
        return self._documents[name]

    def run(self, tool: str, group: list[_Progress]) -> None:
        steps = [(p, p.case.steps[p.done], self._target(p)) for p in group]
        if tool in _BATCHED:
            getattr(self.tools, tool)([self._job(tool, p, s, out) for p, s, out in steps])
        else:
            for progress, step, out in steps:
                getattr(self, f"_{tool}")(progress, step, out)
        for progress, _step, out in steps:
            if not out.is_file() or out.stat().st_size == 0:
                raise CorpusError(f"{progress.case.name}: {tool} made no file")
            progress.current, progress.done = out, progress.done + 1

    def _target(self, progress: _Progress) -> Path:
        return self.folder / f"{progress.case.name}.{progress.done + 1}.pdf"

    def _job(self, tool: str, progress: _Progress, step: Step, out: Path) -> dict[str, str]:
        options = step.options
        job = {
            "in": str(progress.current),
            "out": str(out),
            "p12": str(self.keys.p12(options["key"])),
            "pass": self.keys.passphrase.decode(),
        }
        for key in ("field", "page", "rect", "certify", "chain", "digest", "shift_hours"):
            if key in options:
                job[key] = options[key]
        if tool == "pdfbox":
            job["subfilter"] = options.get("subfilter", "pkcs7")
        if options.get("subfilter") == "cades":
            job["subfilter"] = "cades"
        if options.get("tsa") == "yes":
            job["tsa"] = self.tsa
        if options.get("image") == "seal":
            job["image"] = str(seal_image(self.folder))
        if options.get("crl") == "embed":
            job["crl"] = str(self.keys.issuing_crl_file())
        if options.get("owner_password") == "yes":
            job["owner_password"] = OWNER_PASSWORD
        return job

    def _endesive(self, progress: _Progress, step: Step, out: Path) -> None:
        job = self._job("endesive", progress, step, out)
        self.tools.endesive(job)

    def _pyhanko(self, progress: _Progress, step: Step, out: Path) -> None:
        options = step.options
        root = str(self.keys.pki.folder / f"{ROOT}.pem")
        issuing = str(self.keys.pki.folder / f"{ISSUING}.pem")
        trust = ["--trust", root, "--trust-replace", "--other-certs", issuing]
        source = str(progress.current)
        command = options["command"]
        if command == "addsig":
            arguments = ["sign", "addsig", "--field", options["field"], "--use-pades"]
            if options.get("tsa") == "yes":
                arguments += ["--timestamp-url", self.tsa]
            if options.get("lt") == "yes":
                arguments += ["--with-validation-info", *trust]
            if options.get("certify") == "yes":
                arguments.append("--certify")
            arguments += ["pkcs12", "--passfile", str(self._passfile), source, str(out)]
            arguments.append(str(self.keys.p12(options["key"])))
            # An encrypted input asks for its (empty) user password on standard input.
            self.tools.pyhanko(arguments, stdin=b"\n")
        elif command == "timestamp":
            self.tools.pyhanko(
                ["sign", "timestamp", "--timestamp-url", self.tsa, *trust, source, str(out)]
            )
        elif command == "ltvfix":
            shutil.copyfile(source, out)
            self.tools.pyhanko(["sign", "ltvfix", "--field", options["field"], *trust, str(out)])
        else:
            raise CorpusError(f"unknown pyhanko command {command}")

    def _pdfsig(self, progress: _Progress, step: Step, out: Path) -> None:
        if self._nss is None:
            self._nss = self.folder / "nss"
            self.tools.nss(
                self._nss,
                {
                    key: (self.keys.p12(key), self.keys.passphrase)
                    for key in ("signer", "organisation")
                },
            )
        options = step.options
        arguments = ["-add-signature", "-nssdir", f"sql:{self._nss}", "-nick", options["key"]]
        arguments += ["-new-signature-field-name", options["field"]]
        self.tools.pdfsig([*arguments, str(progress.current), str(out)])

    def _qpdf(self, progress: _Progress, step: Step, out: Path) -> None:
        if step.options.get("do") != "rewrite":
            raise CorpusError(f"unknown qpdf step {step.options}")
        self.tools.qpdf([str(progress.current), str(out)])

    def _python(self, progress: _Progress, step: Step, out: Path) -> None:
        assert progress.current is not None
        action = step.options["do"]
        if action == "revoke":
            time.sleep(1.1)  # revocation times are whole seconds: after the signing, surely
            self.keys.revoke(step.options["key"])
            shutil.copyfile(progress.current, out)
            return
        out.write_bytes(MANIPULATIONS[action](progress.current.read_bytes(), step.options))
