"""Helpers for the cache tests: build twice on one CACHE_DIR, compare with a clean
build, read the log's explanation and bin/report, run a build that gets killed."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_buildpack.cache import CacheStore
from support.buildpack import BIN, App, Result, run_bin

DISCARDING = "Discarding cache since:"
UPDATING = "Updating the cached environment since:"
RESTORING = re.compile(
    r"^-----> Restoring cache \(nothing changed in (\d+) requirement files?, (\d+) packages\)$",
    re.MULTILINE,
)


def build_ok(app: App, cache: Path, **kwargs: Any) -> tuple[Path, Result]:
    build_dir, result = app.build(cache, **kwargs)
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.output, str(result)
    return build_dir, result


def report(build_dir: Path, cache: Path, env: dict[str, str]) -> dict[str, Any]:
    result = run_bin("report", build_dir, cache, env=env)
    assert result.returncode == 0, str(result)
    data: dict[str, Any] = json.loads(result.output)
    return data


def reasons(output: str, header: str) -> list[str]:
    """The `- reason` lines under `-----> <header>` (without the `- `)."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line == f"-----> {header}"]
    assert starts, f"no '-----> {header}' in the log:\n{output}"
    found = []
    for line in lines[starts[0] + 1 :]:
        if not line.startswith("       - "):
            break
        found.append(line[len("       - ") :])
    return found


def python_tree_state(build_dir: Path) -> dict[str, str]:
    """Every file and directory of the whole .heroku/python prefix (site-packages,
    bin/, share/, include/, etc/ and the rest) -> what it is but its content: size
    and mode for a file (a .pyc only by its presence and mode: it records its
    source's mtime, so two clean builds differ there too), the target for a
    symlink, `dir` and mode for a directory, so that an empty directory left behind
    by an uninstall is a difference. `prefix_differences` compares the content."""
    root = build_dir / ".heroku" / "python"
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                state[rel] = "link:" + os.readlink(path)
            elif name in dirnames:
                state[rel + "/"] = f"dir {st.st_mode:o}"
            elif path.suffix == ".pyc":
                state[rel] = f"pyc {st.st_mode:o}"
            else:
                state[rel] = f"file {st.st_size} {st.st_mode:o}"
    return state


def prefix_differences(build_dir: Path, other_dir: Path) -> list[str]:
    """The paths in .heroku/python where two builds differ: present in one only, of
    another kind, size or mode (python_tree_state), or of other bytes."""
    states = python_tree_state(build_dir), python_tree_state(other_dir)
    every = states[0].keys() | states[1].keys()
    differ = {k for k in every if states[0].get(k) != states[1].get(k)}
    roots = build_dir / ".heroku" / "python", other_dir / ".heroku" / "python"
    for rel in every - differ:
        if states[0][rel].startswith("file ") and (
            (roots[0] / rel).read_bytes() != (roots[1] / rel).read_bytes()
        ):
            differ.add(rel)
    return sorted(differ)


def _peek(build_dir: Path, rel: str) -> str:
    path = build_dir / ".heroku" / "python" / rel
    if path.is_dir() and not path.is_symlink():
        return f"directory, mode {path.stat().st_mode:o}: {sorted(os.listdir(path))[:5]}"
    if not path.is_file():
        return "(absent)"
    head = path.read_bytes()[:200].decode("utf-8", "replace")
    return f"mode {path.stat().st_mode:o}: {head}"


def assert_equals_clean(app: App, cached_build: Path) -> Path:
    """Build the same inputs with an empty cache; the cached build must match it:
    the same distributions, the same files in site-packages and bin/, and (stronger)
    the same files anywhere in .heroku/python."""
    clean_dir, clean = app.clean_build()
    assert clean.returncode == 0, str(clean)
    assert_same_prefix(cached_build, clean_dir)
    return clean_dir


def assert_same_prefix(cached_build: Path, clean_dir: Path) -> None:
    """The whole .heroku/python of a cached build equals that of a clean build (so
    its distributions and the files of site-packages and bin/ do too)."""
    differ = prefix_differences(cached_build, clean_dir)
    shown = {k: (_peek(cached_build, k), _peek(clean_dir, k)) for k in differ[:3]}
    assert differ == [], f"files of .heroku/python that differ from a clean build: {shown}"


def assert_cache_whole(cache: Path) -> None:
    """Never a half cache: a manifest is readable and describes env/ exactly, or
    there is no manifest at all."""
    store = CacheStore(cache / "python")
    if not store.manifest_path.exists():
        return
    manifest, why = store.load_manifest()
    assert manifest is not None, f"a manifest that cannot be used: {why}"
    assert store.check_env(manifest) == [], "the manifest does not describe env/"


@contextlib.contextmanager
def holding_cache_lock(cache: Path) -> Iterator[None]:
    """Hold CACHE_DIR/python/lock as a running build does."""
    root = cache / "python"
    root.mkdir(parents=True, exist_ok=True)
    with (root / "lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append(path: Path, text: str) -> None:
    """Write at the end of an existing file, in place (the same inode)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


# --- a build that runs in the background -------------------------------------------


@dataclass
class RunningBuild:
    build_dir: Path
    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait(self, timeout: float = 300) -> Result:
        self.proc.wait(timeout=timeout)
        if self.reader is not None:
            self.reader.join(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return Result(self.proc.returncode, self.output)

    def kill(self) -> None:
        """SIGKILL to the whole process group: the buildpack and pip alike."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.wait()

    def kill_when(self, condition: Callable[[], bool], timeout: float = 300) -> bool:
        """Kill as soon as `condition()` holds; False if the build ended first."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if condition():
                self.kill()
                return True
            time.sleep(0.001)
        self.wait()
        return False

    def assert_killed(self) -> None:
        """The buildpack died of the SIGKILL, not of its own accord: a build that had
        already finished (exit 0) or failed is no test of a kill."""
        assert self.proc.returncode == -signal.SIGKILL, (
            f"the build was not killed (exit {self.proc.returncode}):\n{self.output}"
        )


def status_after_kill(cache: Path, *, inputs_changed: bool) -> tuple[str, list[str]]:
    """The cache status (and discard reasons) the next build must report, read from
    what the killed build left in CACHE_DIR: the old manifest (the environment is
    reused or updated), the environment without a manifest (killed while saving:
    discarded), or nothing of either (empty)."""
    root = cache / "python"
    if (root / "manifest.json").is_file():
        return ("updated" if inputs_changed else "reused"), []
    if (root / "env").exists():
        return "discarded", ["the previous build stopped before it finished saving the cache"]
    return "empty", []


def start_build(
    app: App, cache: Path, *, extra_env: dict[str, str] | None = None
) -> RunningBuild:
    """Like App.build, but returns at once, with the build in its own session."""
    app.builds += 1
    build_dir = app.workdir / f"build-{app.builds}"
    shutil.copytree(app.source, build_dir, symlinks=True, dirs_exist_ok=True)
    env = {**app.base_env, **(extra_env or {})}
    proc = subprocess.Popen(
        [str(BIN / "compile"), str(build_dir), str(cache), str(app.env_dir())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    running = RunningBuild(build_dir, proc)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            running.lines.append(line)

    running.reader = threading.Thread(target=read, daemon=True)
    running.reader.start()
    return running


def tamper_keeping_size_and_mtime(path: Path) -> None:
    """Change the first byte in place: the same inode, size, mode and mtime (set back)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[0:1] = b"#" if data[0:1] != b"#" else b" "
    with path.open("r+b") as handle:
        handle.write(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        st.st_ino, st.st_size, st.st_mtime_ns
    )
