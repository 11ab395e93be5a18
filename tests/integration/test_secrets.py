"""Secrets, looked for the way an attacker would look for them.

An app's private packages come with credentials: a token in a requirement URL
through `${VAR}` (`https://${GITHUB_TOKEN}@host/...`, `https://user:${PASSWORD}@...`),
an index with credentials in PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, a token in an
index URL's path. After a build that succeeds and after builds that fail (a branch
that cannot be resolved, a 401, a missing package), the secret must be nowhere the
build prints or stores: not in the build log, not in `bin/report` or `bin/release`,
not in any file under CACHE_DIR (binary files too) — neither as written, nor
percent-encoded, nor in base64 (as an `Authorization: Basic` header would carry it).

The private index is a local HTTP server on 127.0.0.1 that answers 401 unless the
request carries the expected credentials.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

import pytest

from support.buildpack import App, Result, distributions, run_bin
from support.wheels import build_wheel

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

# A token as GitHub issues them (user part of a URL, no password), and a password
# that must be percent-encoded in a URL: the config var holds it encoded, pip sends
# it decoded.
TOKEN = "ghp_7Xq2Lm9Rt4Vw8Yz1Ab3Cd5Ef6Gh0Jk2Mn4Pq"
PASSWORD = "s3cr3t/Pa+ss=w0rd!Zx"
PASSWORD_IN_URL = quote(PASSWORD, safe="")
PATH_TOKEN = "fury_9Hs2Kd8Lq1Wm3Nz7Xc5Vb4"


# --- the private index ------------------------------------------------------------


@dataclass
class PrivateIndex:
    """Serves `directory` as a simple index at `{root}{prefix}/simple/` and its files at
    `{root}{prefix}/files/`; every request needs Basic credentials `user:password`."""

    directory: Path
    user: str
    password: str
    prefix: str = ""
    port: int = 0
    answered_401: int = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def file_url(self, filename: str) -> str:
        """Path part of a file's URL, for `scheme://userinfo@host` + this."""
        return f"{self.prefix}/files/{filename}"

    def authorized(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"

    def page(self, project: str) -> bytes | None:
        links = []
        for wheel in sorted(self.directory.glob("*.whl")):
            if wheel.name.split("-")[0].replace("_", "-").lower() == project:
                digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
                href = html.escape(f"{self.file_url(wheel.name)}#sha256={digest}")
                links.append(f'<a href="{href}">{html.escape(wheel.name)}</a><br>')
        if not links:
            return None
        return f"<!DOCTYPE html><html><body>{''.join(links)}</body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    index: PrivateIndex

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="private"')
        elif status == 200:
            # As PyPI and private indexes answer: pip keeps pages and files in its
            # HTTP cache, which lives in CACHE_DIR.
            self.send_header("Cache-Control", "max-age=600, public")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        index = self.index
        if not index.authorized(self.headers.get("Authorization")):
            index.answered_401 += 1
            self._send(401, b"401 Unauthorized")
            return
        path = self.path.split("?", 1)[0]
        if not path.startswith(index.prefix + "/"):
            self._send(404, b"not found")
            return
        rest = path[len(index.prefix) :]
        if rest.startswith("/simple/"):
            page = index.page(rest[len("/simple/") :].strip("/"))
            if page is None:
                self._send(404, b"not found")
            else:
                self._send(200, page)
        elif rest.startswith("/files/") and (index.directory / rest[len("/files/") :]).is_file():
            self._send(200, (index.directory / rest[len("/files/") :]).read_bytes(), "binary/octet")
        else:
            self._send(404, b"not found")


def _wheel_dir(root: Path) -> Path:
    """The index's one wheel, built for each test: a passing test's tmp_path is
    removed (pyproject.toml), so a later test can get the same path back, empty (a
    cache of this function by path served that test an index with no wheel)."""
    build_wheel(root, "secretpkg", "1.0")
    return root


def serve(index: PrivateIndex) -> Iterator[PrivateIndex]:
    handler = type("Handler", (_Handler,), {"index": index})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    index.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _index(tmp_path: Path, user: str, password: str, prefix: str = "") -> Iterator[PrivateIndex]:
    yield from serve(PrivateIndex(_wheel_dir(tmp_path / "private"), user, password, prefix))


@pytest.fixture
def token_index(tmp_path: Path) -> Iterator[PrivateIndex]:
    """Credentials as a GitHub token in the user part: Basic `TOKEN:`."""
    yield from _index(tmp_path, TOKEN, "")


@pytest.fixture
def password_index(tmp_path: Path) -> Iterator[PrivateIndex]:
    yield from _index(tmp_path, "deploy", PASSWORD)


@pytest.fixture
def path_token_index(tmp_path: Path) -> Iterator[PrivateIndex]:
    """A token in the index URL's path (as Gemfury offers), and a password."""
    yield from _index(tmp_path, "deploy", PASSWORD, prefix=f"/{PATH_TOKEN}")


# --- looking for the secret --------------------------------------------------------


def forms_of(secret: str, *, basic_auth: str | None = None) -> dict[str, bytes]:
    """How a secret can be written down: as is, percent-encoded (as in a URL, both
    ways round), in base64 (alone, and as the credentials of a Basic header)."""
    forms = {
        "plain": secret,
        "percent-encoded": quote(secret, safe=""),
        "percent-encoded (safe /)": quote(secret),
        "form-encoded": quote_plus(secret),
        "percent-decoded": unquote(secret),
        "base64": base64.b64encode(secret.encode()).decode(),
        "urlsafe base64": base64.urlsafe_b64encode(secret.encode()).decode(),
    }
    if basic_auth is not None:
        forms["Basic credentials"] = base64.b64encode(basic_auth.encode()).decode()
    unique: dict[str, bytes] = {}
    for name, text in forms.items():
        needle = text.rstrip("=").encode()
        if needle not in unique.values():
            unique[name] = needle
    return unique


def everything_stored(cache: Path) -> dict[str, bytes]:
    """Every file under CACHE_DIR, by path: walked, never followed out of it."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(cache):
        for name in [*filenames, *dirnames]:
            path = Path(dirpath) / name
            if path.is_symlink():
                found[str(path)] = os.readlink(path).encode()
            elif path.is_file():
                found[str(path)] = path.read_bytes()
    return found


def where_it_leaks(
    secrets: Sequence[str], build: Result, build_dir: Path, cache: Path, env: Mapping[str, str],
    *, basic_auth: str | None = None,
) -> list[str]:  # fmt: skip
    """Each place where a form of a secret is found, as `'<secret>' <form> in <place>`."""
    report = run_bin("report", build_dir, cache, env=env)
    release = run_bin("release", build_dir, env=env)
    places = {
        "the build log": build.output.encode(),
        "bin/report": report.output.encode(),
        "bin/release": release.output.encode(),
        **everything_stored(cache),
    }
    return [
        f"{secret!r} {form} in {place}"
        for secret in secrets
        for form, needle in forms_of(secret, basic_auth=basic_auth).items()
        for place, data in places.items()
        if needle in data
    ]


def assert_never_leaks(
    secrets: Sequence[str], build: Result, build_dir: Path, cache: Path, env: Mapping[str, str],
    *, basic_auth: str | None = None,
) -> None:  # fmt: skip
    leaks = where_it_leaks(secrets, build, build_dir, cache, env, basic_auth=basic_auth)
    assert not leaks, "\n".join(leaks)


def build(app: App, cache: Path) -> tuple[Path, Result, dict[str, str]]:
    env = {**app.base_env, **NO_PROXY}
    build_dir, result = app.build(cache, extra_env=NO_PROXY)
    return build_dir, result, env


def private_requirement(index: PrivateIndex, userinfo: str) -> str:
    wheel = next(index.directory.glob("secretpkg-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return (
        f"secretpkg @ http://{userinfo}@{index.host}{index.file_url(wheel.name)}#sha256={digest}\n"
    )


# --- builds that succeed ------------------------------------------------------------


@pytest.mark.slow
def test_github_token_in_a_requirement_url_is_never_shown_or_stored(
    app: App, token_index: PrivateIndex
) -> None:
    app.write({"requirements.txt": private_requirement(token_index, "${GITHUB_TOKEN}")})
    app.config["GITHUB_TOKEN"] = TOKEN
    cache = app.workdir / "cache"
    for _ in range(2):  # the first build, and a rebuild from the cache
        build_dir, result, env = build(app, cache)
        assert result.returncode == 0, str(result)
        assert distributions(build_dir)["secretpkg"] == "1.0"
        assert_never_leaks([TOKEN], result, build_dir, cache, env, basic_auth=f"{TOKEN}:")


@pytest.mark.slow
def test_password_in_a_requirement_url_is_never_shown_or_stored(
    app: App, password_index: PrivateIndex
) -> None:
    requirement = private_requirement(password_index, "deploy:${INDEX_PASSWORD}")
    app.write({"requirements.txt": requirement})
    app.config["INDEX_PASSWORD"] = PASSWORD_IN_URL
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    assert distributions(build_dir)["secretpkg"] == "1.0"
    secrets = [PASSWORD, PASSWORD_IN_URL]
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)


@pytest.mark.slow
@pytest.mark.parametrize("var", ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"])
def test_index_credentials_in_pip_config_vars_are_never_shown_or_stored(
    app: App, password_index: PrivateIndex, var: str
) -> None:
    app.write({"requirements.txt": "secretpkg==1.0\n"})
    del app.config["PIP_NO_INDEX"]
    private = f"http://deploy:{PASSWORD_IN_URL}@{password_index.host}/simple/"
    if var == "PIP_EXTRA_INDEX_URL":
        # The main index is a public one (the same host, no credentials: 401).
        app.config["PIP_INDEX_URL"] = f"http://{password_index.host}/public/simple/"
    app.config[var] = private
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    assert distributions(build_dir)["secretpkg"] == "1.0"
    secrets = [PASSWORD, PASSWORD_IN_URL]
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)


@pytest.mark.slow
def test_config_vars_in_an_index_line_are_never_shown_or_stored(
    app: App, path_token_index: PrivateIndex
) -> None:
    """`--extra-index-url` in requirements.txt with a token in the URL's path, where no
    URL rule can see it, and the password from another config var."""
    index = path_token_index
    app.write(
        {
            "requirements.txt": (
                f"--extra-index-url http://deploy:${{INDEX_PASSWORD}}@{index.host}"
                "/${FURY_TOKEN}/simple/\n"
                "secretpkg==1.0\n"
            )
        }
    )
    app.config.update({"FURY_TOKEN": PATH_TOKEN, "INDEX_PASSWORD": PASSWORD_IN_URL})
    cache = app.workdir / "cache"
    del app.config["PIP_NO_INDEX"]
    app.config["PIP_INDEX_URL"] = f"http://{index.host}/public/simple/"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    assert distributions(build_dir)["secretpkg"] == "1.0"
    secrets = [PATH_TOKEN, PASSWORD, PASSWORD_IN_URL]
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)


@pytest.mark.slow
def test_a_rotated_token_is_hidden_old_and_new(app: App, path_token_index: PrivateIndex) -> None:
    """The token changes between two builds with one cache: the reason the cache is
    discarded must not quote either value."""
    index = path_token_index
    app.write(
        {
            "requirements.txt": (
                f"--index-url http://deploy:${{INDEX_PASSWORD}}@{index.host}/${{FURY_TOKEN}}/simple/\n"
                "secretpkg==1.0\n"
            )
        }
    )
    old_token = "fury_0ldT0kenAbCdEfGh1234"
    app.config.update({"FURY_TOKEN": old_token, "INDEX_PASSWORD": PASSWORD_IN_URL})
    del app.config["PIP_NO_INDEX"]
    cache = app.workdir / "cache"
    index.prefix = f"/{old_token}"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks([old_token], result, build_dir, cache, env, basic_auth=basic)
    index.prefix = f"/{PATH_TOKEN}"
    app.config["FURY_TOKEN"] = PATH_TOKEN
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    secrets = [old_token, PATH_TOKEN, PASSWORD, PASSWORD_IN_URL]
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)


@pytest.mark.slow
def test_token_in_a_direct_url_path_is_never_shown_or_stored(
    app: App, path_token_index: PrivateIndex
) -> None:
    """`pkg @ https://host/${TOKEN}/pkg.whl`: no URL rule can see a token in a path."""
    index = path_token_index
    wheel = next(index.directory.glob("secretpkg-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    url = f"http://deploy:${{INDEX_PASSWORD}}@{index.host}/${{FURY_TOKEN}}/files/{wheel.name}"
    app.write({"requirements.txt": f"secretpkg @ {url}#sha256={digest}\n"})
    app.config.update({"FURY_TOKEN": PATH_TOKEN, "INDEX_PASSWORD": PASSWORD_IN_URL})
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 0, str(result)
    assert distributions(build_dir)["secretpkg"] == "1.0"
    secrets = [PATH_TOKEN, PASSWORD, PASSWORD_IN_URL]
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)


# --- builds that fail ---------------------------------------------------------------


@pytest.mark.slow
def test_token_for_a_branch_that_cannot_be_resolved_is_never_shown_or_stored(app: App) -> None:
    app.write({"requirements.txt": "git+https://${GITHUB_TOKEN}@127.0.0.1:9/org/repo.git@main\n"})
    app.config["GITHUB_TOKEN"] = TOKEN
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 1, str(result)
    assert "Traceback" not in result.output, str(result)
    assert "127.0.0.1:9/org/repo.git" in result.output  # the message still names the repo
    assert_never_leaks([TOKEN], result, build_dir, cache, env, basic_auth=f"{TOKEN}:")


@pytest.mark.slow
def test_wrong_token_answered_401_is_never_shown_or_stored(
    app: App, token_index: PrivateIndex
) -> None:
    wrong = "ghp_Wr0ngT0kenWr0ngT0kenWr0ngT0ken12345"
    app.write({"requirements.txt": private_requirement(token_index, "${GITHUB_TOKEN}")})
    app.config["GITHUB_TOKEN"] = wrong
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 1, str(result)
    assert token_index.answered_401 > 0
    assert_never_leaks([wrong], result, build_dir, cache, env, basic_auth=f"{wrong}:")


@pytest.mark.slow
def test_index_credentials_when_a_package_is_missing_are_never_shown_or_stored(
    app: App, path_token_index: PrivateIndex
) -> None:
    index = path_token_index
    app.write(
        {
            "requirements.txt": (
                f"--index-url http://deploy:${{INDEX_PASSWORD}}@{index.host}/${{FURY_TOKEN}}/simple/\n"
                "nosuchpkg==1.0\n"
            )
        }
    )
    app.config.update({"FURY_TOKEN": PATH_TOKEN, "INDEX_PASSWORD": PASSWORD_IN_URL})
    del app.config["PIP_NO_INDEX"]
    cache = app.workdir / "cache"
    build_dir, result, env = build(app, cache)
    assert result.returncode == 1, str(result)
    assert "nosuchpkg" in result.output
    secrets = [PATH_TOKEN, PASSWORD, PASSWORD_IN_URL]
    basic = f"deploy:{PASSWORD}"
    assert_never_leaks(secrets, result, build_dir, cache, env, basic_auth=basic)
