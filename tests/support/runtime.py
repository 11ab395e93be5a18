"""A runtime archive packed from the interpreter running the tests, made once and reused.

The integration tests and the demo point PYTHON_RUNTIME_BASE_URL at the directory
this returns (as a file:// URL), so that no build needs the internet.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACK_TOOL = ROOT / "tools" / "pack_runtime.py"


def machine_arch() -> str:
    """The architecture as runtime archive names spell it."""
    machine = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def packed_runtime(cache_root: Path, *, stack: str = "heroku-24") -> tuple[Path, str]:
    """(directory holding the archive and its .sha256, the Python version it holds).

    Keyed on the interpreter's version and real location and on the packing tool's
    source, so a changed tool or interpreter packs anew. Safe when several pytest-xdist
    workers ask at once: one packs under a lock, into a temporary directory that is
    renamed into place when complete.
    """
    version = platform.python_version()
    base = os.path.realpath(sys.base_prefix)
    key = hashlib.sha256(
        "\0".join([version, base, stack, platform.machine()]).encode() + PACK_TOOL.read_bytes()
    ).hexdigest()[:16]
    directory = cache_root / f"runtime-{version}-{key}"
    if directory.is_dir():
        return directory, version
    cache_root.mkdir(parents=True, exist_ok=True)
    with open(cache_root / f".runtime-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not directory.is_dir():
            _pack_into(directory, stack)
    return directory, version


def _pack_into(directory: Path, stack: str) -> None:
    tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
        proc = subprocess.run(
            [
                sys.executable,
                str(PACK_TOOL),
                "--python",
                sys.executable,
                "--stack",
                stack,
                "--out",
                str(tmp),
            ],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8"},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"packing the test runtime failed:\n{proc.stdout}{proc.stderr}")
        tmp.rename(directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
