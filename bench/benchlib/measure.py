"""Processes of the benchmark: an environment free of this machine's pip settings, one
timed process, and a sample of what one build cost."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class BenchError(Exception):
    """A build or a baseline failed: the app's results stop there."""


def log(message: str = "") -> None:
    print(message, flush=True)


def clean_env() -> dict[str, str]:
    """No PIP_* or PYTHON* of this machine; a plain PATH."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


@dataclass
class Measured:
    seconds: float
    returncode: int
    tree_max_rss_mb: float


def measure(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_path: Path) -> Measured:
    """Wall time of one process, and the largest max RSS of it and the descendants it
    waited for (Linux's wait4 reports max(own, children's) for ru_maxrss)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        out.write(f"$ {' '.join(map(str, argv))}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(elapsed, proc.returncode, usage.ru_maxrss / 1024)


def ran_pip(commands: Sequence[str]) -> bool:
    """Whether a pip process is among a build's commands (bin/report's `commands`)."""
    return any(re.search(r"\bpip\b", command) for command in commands)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Sample:
    """One timed build (with what bin/report said) or one floor or baseline."""

    seconds: float
    tree_max_rss_mb: float
    peak_memory_mb: float | None = None
    status: str | None = None
    durations: dict[str, float] = field(default_factory=dict)
    commands: int | None = None
    ran_pip: bool | None = None  # a pip process among the build's commands
    checked: str | None = None  # the build's index-page check line, if any
    index_requests: int | None = None  # apps on a local index: requests it answered
    index_connections: int | None = None  # ... and the TCP connections it accepted
