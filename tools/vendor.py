#!/usr/bin/env python3
"""Fill vendor/ with the buildpack's pinned dependencies (`make vendor`).

vendor/ gets the pure-Python packages the buildpack imports (requirements/vendor.txt)
and vendor/wheels/ the pip wheel it installs into apps (requirements/pip.txt), each
checked against its pinned sha256. Downloads come from PyPI with the standard
library only, honouring SSL_CERT_FILE and the proxy variables. vendor/ is committed;
tools/check_vendor.py checks that it is what this makes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from python_buildpack import config  # noqa: E402
from python_buildpack.runtime import vendoring  # noqa: E402


def fill(vendor: Path, trust: Mapping[str, str], *, quiet: bool = False) -> None:
    """Make `vendor` hold the pinned packages and wheels (a no-op when it does)."""
    say = (lambda _: None) if quiet else print
    pins = vendoring.read_pins(ROOT, "vendor.txt")
    if vendoring.vendor_is_complete(vendor, pins):
        say(f"vendor/ is up to date ({', '.join(map(str, pins))})")
    else:
        # The wheels dir survives a re-vendor of the packages: keep it aside.
        wheels = vendor / "wheels"
        keep = {p.name: p.read_bytes() for p in wheels.glob("*.whl")} if wheels.is_dir() else {}
        vendoring.install_vendor(pins, vendor, trust)
        wheels.mkdir(exist_ok=True)
        for name, data in keep.items():
            (wheels / name).write_bytes(data)
        say(f"vendor/: installed {', '.join(map(str, pins))}")
    for pin in vendoring.read_pins(ROOT, "pip.txt"):
        path = vendoring.fetch_wheel(pin, vendor / "wheels", trust)
        say(f"vendor/wheels/: {path.name}")


def main() -> int:
    fill(ROOT / "vendor", config.host_settings(os.environ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
