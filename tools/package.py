#!/usr/bin/env python3
"""Pack a release of the buildpack that works offline (`make package`).

The tarball holds bin/, lib/, requirements/, buildpack.toml, README.md and the
filled vendor/ (the buildpack's own packages and the pinned pip wheel), so a
build needs no package index for the buildpack itself.
"""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from python_buildpack.runtime import vendoring  # noqa: E402

INCLUDE = ("bin", "lib", "requirements", "vendor", "buildpack.toml", "README.md")


def _keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if "__pycache__" in info.name.split("/") or info.name.endswith(".pyc"):
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    out_dir = Path(args[1]) if len(args) == 2 and args[0] == "--out" else ROOT / "dist"
    pins = vendoring.read_pins(ROOT, "vendor.txt")
    if not vendoring.vendor_is_complete(ROOT / "vendor", pins):
        print("vendor/ is incomplete: run 'make vendor' first", file=sys.stderr)
        return 1
    for pin in vendoring.read_pins(ROOT, "pip.txt"):
        if vendoring.find_wheel(pin, ROOT / "vendor" / "wheels") is None:
            print(f"vendor/wheels/ lacks {pin}: run 'make vendor' first", file=sys.stderr)
            return 1
    toml = (ROOT / "buildpack.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', toml, re.MULTILINE)
    if version is None:
        print("buildpack.toml has no version", file=sys.stderr)
        return 1
    out = out_dir / f"python-buildpack-{version[1]}.tgz"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz") as tar:
        for name in INCLUDE:
            tar.add(ROOT / name, arcname=name, filter=_keep)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
