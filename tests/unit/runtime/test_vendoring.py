"""The buildpack's own dependencies, pinned by hash: reading the pins and finding
the pinned wheel on disk."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_buildpack.cache.files import file_sha256
from python_buildpack.errors import VendoredDependencyUnavailable
from python_buildpack.runtime import vendoring
from python_buildpack.runtime.vendoring import (
    PinnedWheel,
    fetch_wheel,
    find_wheel,
    parse_pins,
    read_pins,
    vendor_is_complete,
)
from support.wheels import build_wheel

ROOT = Path(__file__).resolve().parents[3]
SHA = "0123456789abcdef" * 4


def test_pins_are_read_with_comments_and_blank_lines_skipped() -> None:
    text = f"# vendored\n\npackaging==26.3 --hash=sha256:{SHA}  # parser\n"
    assert parse_pins(text) == [PinnedWheel("packaging", "26.3", SHA)]
    assert str(parse_pins(text)[0]) == "packaging==26.3"


@pytest.mark.parametrize(
    "line",
    [
        "packaging==26.3",
        "packaging>=26 --hash=sha256:" + SHA,
        "packaging==26.3 --hash=sha256:" + SHA.upper(),
        "packaging==26.3 --hash=md5:" + SHA[:32],
    ],
)
def test_pin_without_an_exact_version_and_sha256_is_refused_with_its_line(line: str) -> None:
    with pytest.raises(ValueError, match=r"^line 2: expected 'name==version --hash=sha256:\.\.\.'"):
        parse_pins(f"# header\n{line}\n")


def test_the_buildpacks_own_pin_files_parse() -> None:
    vendor = read_pins(ROOT, "vendor.txt")
    assert {pin.name for pin in vendor} >= {"packaging", "pip-requirements-parser"}
    assert [pin.name for pin in read_pins(ROOT, "pip.txt")] == ["pip"]


def pin_for(wheel: Path, name: str, version: str) -> PinnedWheel:
    return PinnedWheel(name, version, hashlib.sha256(wheel.read_bytes()).hexdigest())


def test_pinned_wheel_is_found_in_the_first_dir_that_has_it(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "cache", "pip-requirements-parser", "32.0.1")
    pin = pin_for(wheel, "pip-requirements-parser", "32.0.1")
    assert file_sha256(wheel) == pin.sha256
    assert find_wheel(pin, tmp_path / "vendor-missing", tmp_path / "cache") == wheel


def test_wheel_with_the_right_name_but_another_hash_is_not_used(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "a", "packaging", "26.3")
    pin = pin_for(wheel, "packaging", "26.3")
    build_wheel(tmp_path / "b", "packaging", "26.3", files={"packaging/__init__.py": "evil"})
    assert find_wheel(pin, tmp_path / "b") is None
    assert find_wheel(pin, tmp_path / "b", tmp_path / "a") == wheel


def test_wheel_with_the_pinned_hash_but_another_name_is_not_used(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "a", "packaging", "26.3", filename="other-26.3-py3-none-any.whl")
    assert find_wheel(pin_for(wheel, "packaging", "26.3"), tmp_path / "a") is None


def test_vendor_dir_is_complete_only_with_the_same_pins(tmp_path: Path) -> None:
    pins = [PinnedWheel("packaging", "26.3", SHA)]
    assert not vendor_is_complete(tmp_path, pins)
    (tmp_path / ".pins").write_text(f"packaging==26.3 {SHA}\n")
    assert vendor_is_complete(tmp_path, pins)
    assert not vendor_is_complete(tmp_path, [PinnedWheel("packaging", "26.4", SHA)])


# --- fetching a pinned wheel that is not on disk -------------------------------------


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """A PEP 691 index on 127.0.0.1; if `flaky`, every path answers 503 once."""
    state: dict[str, object] = {"files": {}, "requests": [], "flaky": False}
    files: dict[str, bytes] = state["files"]  # type: ignore[assignment]
    requests: list[str] = state["requests"]  # type: ignore[assignment]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            first = bool(state["flaky"]) and self.path not in requests
            requests.append(self.path)
            status, body = (503, b"busy") if first else (200, files.get(self.path, b""))
            self.send_response(status if self.path in files else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setattr(
        vendoring, "SIMPLE_INDEX_URL", f"http://127.0.0.1:{server.server_address[1]}/simple"
    )
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def publish(index: dict[str, object], wheel: Path, listed_sha256: str) -> None:
    files: dict[str, bytes] = index["files"]  # type: ignore[assignment]
    files[f"/files/{wheel.name}"] = wheel.read_bytes()
    page = {"files": [{"url": f"../../files/{wheel.name}", "hashes": {"sha256": listed_sha256}}]}
    files["/simple/packaging/"] = json.dumps(page).encode()


def test_pinned_wheel_missing_from_disk_is_fetched_through_a_busy_index(
    index: dict[str, object], tmp_path: Path
) -> None:
    wheel = build_wheel(tmp_path / "built", "packaging", "26.3")
    pin = pin_for(wheel, "packaging", "26.3")
    publish(index, wheel, pin.sha256)
    index["flaky"] = True
    fetched = fetch_wheel(pin, tmp_path / "cache", {})
    assert fetched == tmp_path / "cache" / wheel.name
    assert fetched.read_bytes() == wheel.read_bytes()
    # Each path answered 503 once: the download client tried again.
    assert index["requests"] == [
        "/simple/packaging/",
        "/simple/packaging/",
        f"/files/{wheel.name}",
        f"/files/{wheel.name}",
    ]


def test_fetched_wheel_that_does_not_match_its_pin_is_refused_and_not_kept(
    index: dict[str, object], tmp_path: Path
) -> None:
    wheel = build_wheel(tmp_path / "built", "packaging", "26.3")
    pin = PinnedWheel("packaging", "26.3", SHA)
    publish(index, wheel, SHA)  # the index lists the pinned hash, but serves another file
    with pytest.raises(VendoredDependencyUnavailable) as caught:
        fetch_wheel(pin, tmp_path / "cache", {})
    assert "does not match its hash" in caught.value.reason
    assert list((tmp_path / "cache").iterdir()) == []
