"""Requirements on private servers, as pip installs them (issue 9, item 5):
`pkg @ https://user:${TOKEN}@host/pkg.whl` with the token in a config var. The
build checks what such a URL (no hash) points to on every build, with the same
credentials pip uses, and never prints them."""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import App, distributions
from support.cache_checks import build_ok, report
from support.wheels import build_wheel

pytestmark = pytest.mark.slow

TOKEN = "glpat-s3cr3t-t0ken"


@dataclass
class Server:
    port: int = 0
    authorized: list[bool] = field(default_factory=list)  # per request: were they right?


@contextlib.contextmanager
def private_server(directory: Path, user: str, password: str) -> Iterator[Server]:
    """Serves `directory` on 127.0.0.1 only to Basic auth as `user`."""
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    state = Server()
    authorized = state.authorized

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            authorized.append(self.headers.get("Authorization") == expected)
            if not authorized[-1]:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="artifacts"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    state.port = server.server_address[1]
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def served(tmp_path: Path) -> Path:
    build_wheel(tmp_path / "served", "privpkg", "1.0", files={"privpkg/__init__.py": "X = 1\n"})
    return tmp_path / "served"


def requirement(port: int) -> str:
    return f"privpkg @ http://deploy:${{TOKEN}}@127.0.0.1:{port}/privpkg-1.0-py3-none-any.whl\n"


def test_private_wheel_url_with_a_token_from_a_config_var_is_installed(
    app: App, served: Path, tmp_path: Path
) -> None:
    with private_server(served, "deploy", TOKEN) as server:
        app.write({"requirements.txt": requirement(server.port)})
        app.config["TOKEN"] = TOKEN
        build_dir, result = build_ok(app, tmp_path / "cache")
    assert distributions(build_dir).get("privpkg") == "1.0"
    # The reference check and pip both sent them.
    assert len(server.authorized) >= 2 and all(server.authorized)
    assert TOKEN not in result.output


def test_wrong_token_fails_naming_the_line_without_showing_it_and_keeps_the_cache(
    app: App, served: Path, tmp_path: Path
) -> None:
    """A token rotated on the server but not in the config var: the check of the URL
    fails before anything is installed, and the last good build's cache stays."""
    wrong = "glpat-wr0ng-" + TOKEN
    cache = tmp_path / "cache"
    with private_server(served, "deploy", TOKEN) as server:
        app.write(
            {
                "requirements.txt": "-r requirements/private.txt\n",
                "requirements/private.txt": "# from the artifact server\n"
                + requirement(server.port),
            }
        )
        app.config["TOKEN"] = TOKEN
        build_ok(app, cache)
        manifest = (cache / "python" / "manifest.json").read_bytes()
        app.config["TOKEN"] = wrong
        build_dir, result = app.build(cache)
    assert_user_error(result, "Unable to check a requirement that can change behind its line.")
    message = error_block(result)
    line = requirement(server.port).strip()  # as written: `${TOKEN}`, not its value
    assert f"requirements/private.txt:2: {line}\n" in message
    checked = line.replace("privpkg @ ", "").replace("${TOKEN}", "****")
    assert f"{checked} failed:" in message
    assert "HTTP 401" in message
    assert wrong not in result.output and TOKEN not in result.output
    assert "The build failed; the cache of the last good build is kept" in result.output
    assert (cache / "python" / "manifest.json").read_bytes() == manifest
    data = report(build_dir, cache, app.base_env)
    assert (data["cache_status"], data["failure_reason"]) == ("kept", "moving_reference")
