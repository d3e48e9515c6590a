"""``sovanban`` run as its own process, as an office runs a server: started in a session of
its own, so that every process it starts can be found again when it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COMMAND = [sys.executable, "-c", "from registry.cli import main; main()"]


@contextmanager
def serving(
    arguments: list[str], port: int, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """The command running and listening on ``port``; whatever is left is killed after."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*COMMAND, *arguments],
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_listening(process, port, log)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in in_session(process.pid):
            os.kill(pid, signal.SIGKILL)


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 180  # the demo issues its notice first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{log.read_text('utf-8')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"not listening on {port} after 180 s:\n{log.read_text('utf-8')}")


def in_session(session: int) -> list[int]:
    """The live processes of ``session`` (zombies waiting for a reaper are not running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        state, session_id = fields[0], int(fields[3])
        if session_id == session and state != "Z":
            found.append(int(entry.name))
    return found


def stop_with_sigterm(process: subprocess.Popen[bytes], within: float) -> list[int]:
    """Send SIGTERM, wait up to ``within`` seconds for the command and every process it
    started to end; the processes still running then."""
    process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + within
    try:
        process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        return [process.pid, *in_session(process.pid)]
    while (left := in_session(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
