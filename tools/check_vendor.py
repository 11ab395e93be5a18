#!/usr/bin/env python3
"""Fail when the committed vendor/ is not exactly what `make vendor` makes from the
hashed pins (requirements/vendor.txt, requirements/pip.txt).

vendor/ is committed so that a buildpack used by its git URL downloads nothing for
itself. This regenerates it into a temporary directory with tools/vendor.py's own
code (fetching the pinned wheels, each checked against its sha256) and compares
the two trees file by file: names and sha256 of contents. Bytecode is ignored (the
stack's python3 writes it next to the sources; git ignores it). Exit 0 when they
match, 1 with the differences otherwise. Used by `make test` (so CI runs it).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "lib"))

import vendor as make_vendor  # noqa: E402  (tools/vendor.py)
from python_buildpack import config  # noqa: E402


def tree_digest(root: Path) -> dict[str, str]:
    """relpath -> sha256 of every file below root, bytecode left out."""
    found: dict[str, str] = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if name.endswith(".pyc"):
                continue
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            found[rel] = "link:" + os.readlink(path) if path.is_symlink() else _sha256(path)
    return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """In words, what the committed tree (actual) has that a fresh one (expected) has not."""
    lines = [f"missing: {rel}" for rel in sorted(expected.keys() - actual.keys())]
    extra = sorted(actual.keys() - expected.keys())
    lines += [f"not made by 'make vendor': {rel}" for rel in extra]
    lines += [
        f"differs: {rel}"
        for rel in sorted(expected.keys() & actual.keys())
        if expected[rel] != actual[rel]
    ]
    return lines


def main() -> int:
    committed = ROOT / "vendor"
    with tempfile.TemporaryDirectory(prefix="check-vendor-") as tmp:
        fresh = Path(tmp) / "vendor"
        make_vendor.fill(fresh, config.host_settings(os.environ), quiet=True)
        problems = differences(tree_digest(fresh), tree_digest(committed))
    if problems:
        print("vendor/ is not what 'make vendor' makes from requirements/*.txt:")
        for line in problems:
            print(f"  {line}")
        print("Regenerate it (rm -rf vendor && make vendor) and commit the result.")
        return 1
    print("vendor/ matches the pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
