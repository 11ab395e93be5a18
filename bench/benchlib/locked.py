"""The apps of the lockfile managers (`uv`, `poetry`, `pipenv`): N generated packages
(generate.py) and the tool's own pinned wheels on a local index (127.0.0.1), the
lockfile written by the pinned tool itself (tests/support: uv_apps, lockfile_apps),
the base app and the changed one (the last package moved from 1.0 to 1.1, relocked).
The builds install the tool from that index (PYTHON_TOOLS_INDEX_URL).

Per run: cold (the tool installed into CACHE_DIR too), unchanged, floor (a), changed,
then `fresh`: the changed app once more with its cached environment thrown away (the
tool and its download cache kept), what a build costs when the cache is thrown away
on every lockfile change, as the classic buildpack does. For uv, baseline (b) too:
`uv sync --locked` of the changed app into a fresh copy of the pristine runtime, with
uv's cache warm.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from support.index_server import serve_index
from support.lockfile_apps import LOCKFILES, pipfile, poetry_project
from support.lockfile_apps import lock as lock_with_tool
from support.pinned_tools import pinned_wheels
from support.uv_apps import uv_for_locking, uv_wheels

from .generate import GENERATOR_VERSION, build_package, package_name
from .harness import Baseline, Build, Floor, Harness, Step
from .measure import BenchError, Sample, clean_env, measure
from .session import Session

MANAGERS = ("uv", "poetry", "pipenv")
DEFAULT_SIZE = 30


def drop_environment(cache: Path) -> None:
    """The cached environment thrown away; the tool and its download cache kept."""
    shutil.rmtree(cache / "python" / "env", ignore_errors=True)
    (cache / "python" / "manifest.json").unlink(missing_ok=True)


def project_files(manager: str, index_url: str, pins: dict[str, str]) -> dict[str, str]:
    if manager == "uv":
        listed = ",\n    ".join(f'"{name}=={version}"' for name, version in pins.items())
        return {
            "pyproject.toml": '[project]\nname = "bench-uv-app"\nversion = "0"\n'
            f'requires-python = ">=3.10"\ndependencies = [\n    {listed},\n]\n\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n'
        }
    if manager == "poetry":
        deps = {name: f'"{version}"' for name, version in pins.items()}
        return {"pyproject.toml": poetry_project(index_url, deps)}
    return {"Pipfile": pipfile(index_url, {name: f'"=={v}"' for name, v in pins.items()})}


def lock(manager: str, app: Path, index_url: str, home: Path) -> None:
    if manager != "uv":
        lock_with_tool(manager, app, index_url)
        return
    env = {
        **clean_env(),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(home / "uv-cache"),
    }
    logfile = home / "uv-lock.log"
    if measure(
        [str(uv_for_locking()), "lock", "--quiet"], env=env, cwd=app, log_path=logfile
    ).returncode:
        raise BenchError(f"uv lock failed; log {logfile}")


def _serve(directory: Path, log: Path, conn: Connection) -> None:
    with log.open("a") as sys.stderr, serve_index(directory) as index:
        conn.send(index.url)
        conn.recv()


@contextlib.contextmanager
def index_process(directory: Path, log: Path) -> Iterator[str]:
    """The local index in a process of its own. It reads every file it serves whole,
    uv's 20 MB wheel too, and a build started by a grown benchmark would count that
    memory as its own: Linux keeps a process's peak RSS across exec, so the peak the
    buildpack reports starts at its parent's size when it was started."""
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(directory, log, theirs), daemon=True)
    process.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()


class LockedApp:
    def __init__(self, manager: str, workdir: Path, n: int) -> None:
        self.manager, self.n = manager, n
        self.label = self.kind = manager
        self.work = workdir / f"locked-{manager}"
        self.sources: dict[str, Path] = {}
        self.index_url = ""

    def pins(self, variant: str) -> dict[str, str]:
        pins = {package_name(i): "1.0" for i in range(self.n)}
        if variant == "changed":
            pins[package_name(self.n - 1)] = "1.1"
        return pins

    def index_dir(self) -> Path:
        wheels = self.work / "index"
        wheels.mkdir(parents=True)
        store = self.work.parent / f"wheel-store-v{GENERATOR_VERSION}"
        store.mkdir(parents=True, exist_ok=True)
        for i in range(self.n):
            shutil.copy(build_package(store, i, "1.0"), wheels)
        shutil.copy(build_package(store, self.n - 1, "1.1"), wheels)
        tools = uv_wheels() if self.manager == "uv" else pinned_wheels(self.manager).glob("*.whl")
        for wheel in tools:
            (wheels / wheel.name).symlink_to(wheel)
        return wheels

    @contextlib.contextmanager
    def serving(self, session: Session) -> Iterator[None]:
        shutil.rmtree(self.work, ignore_errors=True)
        log = session.logs / self.label / "index.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with index_process(self.index_dir(), log) as self.index_url:
            for variant in ("base", "changed"):
                app = self.sources[variant] = self.work / f"app-{variant}"
                app.mkdir()
                files = project_files(self.manager, self.index_url, self.pins(variant))
                for name, text in files.items():
                    (app / name).write_text(text, encoding="utf-8")
                (app / ".python-version").write_text(f"{session.version}\n", encoding="utf-8")
                lock(self.manager, app, self.index_url, self.work / "lock-home")
            yield

    def config(self) -> dict[str, str]:
        return {}

    def process_env(self) -> dict[str, str]:
        return {"PYTHON_TOOLS_INDEX_URL": self.index_url}

    def write(self, dest: Path, variant: str, python_version: str) -> None:
        shutil.copytree(self.sources[variant], dest)
        (dest / ".python-version").write_text(f"{python_version}\n", encoding="utf-8")

    def observed(self, sample: Sample) -> None:
        pass

    def info(self) -> dict[str, Any]:
        lockfile = "uv.lock" if self.manager == "uv" else LOCKFILES[self.manager]
        return {
            "summary": f"{self.n} packages, {lockfile} written by the pinned {self.manager}",
            "packages": self.n,
            "pins": self.pins("base"),
            "changed": [package_name(self.n - 1), "1.1"],
            "notes": [],
        }

    def steps(self, run: int) -> list[Step]:
        steps: list[Step] = [Build("cold", "empty"), Build("unchanged", "reused"), Floor()]
        steps.append(Build("changed", "updated", "changed"))
        if self.manager == "uv":
            steps.append(Baseline("baseline_b"))
        return [*steps, Build("fresh", "empty", "changed", keep=drop_environment)]

    def baseline(self, name: str, harness: Harness, run: int) -> Sample:
        """uv's baseline (b): `uv sync --locked` into a fresh runtime, uv's cache warm."""
        cache = harness.caches["run"]
        runtime = harness.session.fresh("fresh-runtime") / ".heroku" / "python"
        shutil.copytree(harness.session.runtime, runtime, symlinks=True)  # untimed
        (tool,) = (cache / "python" / "tools").glob("uv-*/bin/uv")
        env = {
            **harness.session.buildpack_env(),
            "UV_PROJECT_ENVIRONMENT": str(runtime),
            "UV_PYTHON": str(runtime / "bin" / "python3"),
            "UV_CACHE_DIR": str(cache / "python" / "uv"),
            "UV_LINK_MODE": "copy",
            "UV_PYTHON_DOWNLOADS": "never",
        }
        argv = [str(tool), "sync", "--locked", "--no-default-groups", "--compile-bytecode"]
        logfile = harness.logfile(run, name)
        measured = measure(argv, env=env, cwd=self.sources["changed"], log_path=logfile)
        shutil.rmtree(runtime.parent.parent)
        if measured.returncode:
            raise BenchError(f"uv: baseline (b) failed; log {logfile}")
        return Sample(measured.seconds, round(measured.tree_max_rss_mb, 1))
