"""The buildpack's own dependencies, pinned by hash.

`requirements/vendor.txt` lists pure-Python wheels that the buildpack imports
(packaging, pip-requirements-parser); `requirements/pip.txt` the pip it installs
into apps. `make vendor` puts them in `vendor/`; a checkout without them fetches
them into CACHE_DIR at compile time. Only the standard library is used here: this
runs before anything else is importable, with the stack's bare python3.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.parse
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache.files import file_sha256
from ..errors import VendoredDependencyUnavailable

if TYPE_CHECKING:
    from .download import Client

# PEP 691: the JSON form of the simple index, which mirrors serve too.
SIMPLE_INDEX_URL = "https://pypi.org/simple"
_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)\s+--hash=sha256:(?P<sha>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class PinnedWheel:
    name: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def parse_pins(text: str) -> list[PinnedWheel]:
    pins = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _PIN.match(line)
        if not match:
            raise ValueError(f"line {number}: expected 'name==version --hash=sha256:...': {line}")
        pins.append(PinnedWheel(match["name"], match["version"], match["sha"]))
    return pins


def read_pins(buildpack_dir: Path, name: str) -> list[PinnedWheel]:
    return parse_pins((buildpack_dir / "requirements" / name).read_text(encoding="utf-8"))


def _wheel_url(pin: PinnedWheel, client: Client) -> str:
    """Find the file with the pinned hash in the index's PEP 691 JSON page."""
    page = f"{SIMPLE_INDEX_URL}/{pin.name}/"
    accept = "application/vnd.pypi.simple.v1+json"
    project = json.loads(client.read(page, limit=64 << 20, accept=accept))
    for file in project.get("files", []):
        if file.get("hashes", {}).get("sha256") == pin.sha256:
            return urllib.parse.urljoin(page, str(file["url"]))
    raise VendoredDependencyUnavailable(str(pin), "no file on the index has the pinned hash")


def fetch_wheel(pin: PinnedWheel, dest_dir: Path, trust_env: Mapping[str, str]) -> Path:
    """The pinned wheel in dest_dir, downloaded and checked if not there yet."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    existing = [
        p for p in dest_dir.glob(f"{_wheel_prefix(pin)}-*.whl") if file_sha256(p) == pin.sha256
    ]
    if existing:
        return existing[0]

    def verify(actual: str) -> None:
        if actual != pin.sha256:
            reason = "the downloaded file does not match its hash"
            raise VendoredDependencyUnavailable(str(pin), reason)

    from .download import Client, DownloadError  # every build reads the pins; few download

    client = Client(trust_env)
    try:
        url = _wheel_url(pin, client)
        filename = urllib.parse.unquote(url.rsplit("/", 1)[-1].split("#", 1)[0])
        target = dest_dir / Path(filename).name  # a '%2F' in it must not leave dest_dir
        client.download(url, target, verify=verify)
    except DownloadError as error:
        raise VendoredDependencyUnavailable(str(pin), str(error)) from None
    except ValueError as error:  # not the JSON page we asked for
        raise VendoredDependencyUnavailable(str(pin), str(error)) from error
    return target


def _wheel_prefix(pin: PinnedWheel) -> str:
    return re.sub(r"[-_.]+", "_", pin.name).lower() + f"-{pin.version}"


def find_wheel(pin: PinnedWheel, *dirs: Path) -> Path | None:
    for directory in dirs:
        for path in sorted(directory.glob("*.whl")) if directory.is_dir() else []:
            if path.name.lower().startswith(_wheel_prefix(pin)) and file_sha256(path) == pin.sha256:
                return path
    return None


def _marker(pins: list[PinnedWheel]) -> str:
    return "\n".join(f"{p} {p.sha256}" for p in pins) + "\n"


def install_vendor(pins: list[PinnedWheel], target: Path, trust_env: Mapping[str, str]) -> Path:
    """Unpack the pinned pure-Python wheels into target (complete, or not at all)."""
    stamp = target / ".pins"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == _marker(pins):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".vendor-"))
    try:
        wheels = staging / "wheels"
        for pin in pins:
            with zipfile.ZipFile(fetch_wheel(pin, wheels, trust_env)) as wheel:
                wheel.extractall(staging)
        shutil.rmtree(wheels)
        (staging / ".pins").write_text(_marker(pins), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def vendor_is_complete(vendor_dir: Path, pins: list[PinnedWheel]) -> bool:
    stamp = vendor_dir / ".pins"
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == _marker(pins)
