"""Small helpers shared by the integration tests: reading the build log, booting a
built slug as a dyno would, serving a directory over HTTP, apps for module-scoped
fixtures."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import platform
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from support.buildpack import App, Result

ERROR_MARK = " !     Error: "


def machine_arch() -> str:
    """The architecture as runtime archive names spell it."""
    machine = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def error_title(result: Result) -> str:
    """The first line of the buildpack's error message (after ` !     Error: `)."""
    for line in result.output.splitlines():
        if line.startswith(ERROR_MARK):
            return line[len(ERROR_MARK) :]
    raise AssertionError(f"no error message in the output:\n{result}")


def error_block(result: Result) -> str:
    """The error message, with the ` !     ` marks removed."""
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(ERROR_MARK))
    block = []
    for line in lines[start:]:
        if not line.startswith(" !"):
            break
        block.append(line[7:])
    return "\n".join(block)


def assert_user_error(result: Result, title: str) -> None:
    """Exit 1, the given first line, no traceback, no 'Internal error'."""
    assert result.returncode == 1, str(result)
    assert error_title(result) == title, str(result)
    assert "Traceback" not in result.output, str(result)
    assert "Internal error" not in result.output, str(result)


def new_app(workdir: Path, runtime_mirror: tuple[Path, str]) -> tuple[App, Path]:
    """Like the `app` fixture (and `base_env`, `wheelhouse`), for any directory: for
    module-scoped fixtures that build once and answer several tests."""
    mirror, version = runtime_mirror
    env = dict(os.environ)
    env.pop("STACK", None)
    env["BUILDPACK_APP_DIR"] = str(workdir / "app")
    env["PYTHON_RUNTIME_BASE_URL"] = mirror.as_uri()
    source = workdir / "src"
    source.mkdir(parents=True)
    wheelhouse = workdir / "wheelhouse"
    wheelhouse.mkdir()
    app = App(source=source, workdir=workdir, base_env=env)
    app.write({".python-version": f"{version}\n", "requirements.txt": ""})
    app.config.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)})
    return app, wheelhouse


def move_slug_to_app_dir(build_dir: Path, app_dir: Path) -> Path:
    """As the platform does: the built BUILD_DIR becomes the app dir of the dyno.

    During compile, `app_dir/.heroku/python` is a symlink to the build's Python; it
    goes, and the whole build directory takes its place. The build path no longer
    exists afterwards, so anything still pointing into it breaks."""
    if app_dir.is_symlink() or app_dir.is_file():
        app_dir.unlink()
    elif app_dir.exists():
        shutil.rmtree(app_dir)
    build_dir.rename(app_dir)
    return app_dir


def boot(app_dir: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` in bash as a dyno would: HOME is the app dir, `.profile.d`
    sourced, nothing of the test's environment but a basic PATH."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(app_dir), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", "-c", f'cd "$HOME" && . .profile.d/python.sh && {script}'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args: object) -> None:
        self.requested.append(self.path)


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """(base URL, paths requested so far) of an HTTP server on 127.0.0.1."""
    requested: list[str] = []
    handler = functools.partial(
        type("Handler", (_QuietHandler,), {"requested": requested}), directory=str(directory)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
