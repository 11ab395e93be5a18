"""The two ways the buildpack runs a program: streamed into the log, or captured.

Argv lists only, never a shell; the environment is always an explicit dict. The
runner is an object so unit tests can hand the code a fake one.
"""

from __future__ import annotations

import collections
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .output import Output
from .redaction import Redactor


@dataclass(frozen=True)
class StreamResult:
    returncode: int
    tail: tuple[str, ...]  # the last lines of output, for error messages


@dataclass(frozen=True)
class CaptureResult:
    returncode: int
    stdout: str
    stderr: str


class CommandRunner(Protocol):
    def stream(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        output: Output,
    ) -> StreamResult: ...

    def capture(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        stdin: str | None = None,
    ) -> CaptureResult: ...


class SubprocessRunner:
    """The real runner. Counts the processes it starts, for the build report.

    `started` is stored in CACHE_DIR and printed by bin/report, and an argv may
    hold a secret (`git ls-remote https://TOKEN@host/repo.git`): commands are
    recorded through the build's Redactor. What a command captures is returned
    as it is (callers parse it); it is hidden where it is shown, in Output.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        self.started: list[str] = []
        self._redact = redactor or Redactor()

    def stream(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        output: Output,
    ) -> StreamResult:
        self.started.append(self._redact(display(argv)))
        tail: collections.deque[str] = collections.deque(maxlen=30)
        with subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                output.stream_line(line)
                tail.append(self._redact(line.rstrip()))
        return StreamResult(proc.returncode, tuple(tail))

    def capture(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        stdin: str | None = None,
    ) -> CaptureResult:
        self.started.append(self._redact(display(argv)))
        proc = subprocess.run(
            list(argv),
            env=dict(env),
            cwd=cwd,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
        return CaptureResult(proc.returncode, proc.stdout, proc.stderr)


def display(argv: Sequence[str]) -> str:
    """The command as a user would type it."""
    return shlex.join(argv)
