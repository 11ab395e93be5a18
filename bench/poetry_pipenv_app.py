#!/usr/bin/env python3
"""Timings of a Poetry or a Pipenv app of 30 generated packages, offline.

    .venv/bin/python bench/poetry_pipenv_app.py --manager poetry [--runs 3]

As bench/uv_app.py: the packages (run.py's generator) and the tool's pinned wheels
are served by a local index (tests/support/index_server.py); the lockfile is written
by the pinned tool itself (tests/integration/lockfile_apps.py). Each scenario is
`bin/compile` on a fresh copy of the app, timed around the process, checked by
bin/report's cache status:

    cold        empty CACHE_DIR (installs the tool into CACHE_DIR too)  -> empty
    unchanged   the same app again                                     -> reused
    changed     one pin moved (bench-pkg-029 1.0 -> 1.1), relocked     -> updated
    fresh       the changed app once more, its cached environment
                thrown away (tool and download cache kept)             -> empty

`fresh` is what a build costs when the cache is thrown away on every lockfile change,
as classic does: a fresh runtime and the tool's full install of the same lockfile,
with its download cache warm. Medians of --runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the package generator)
from lockfile_apps import LOCKFILES, lock, pipfile, poetry_project  # noqa: E402

from support.index_server import serve_index  # noqa: E402
from support.pinned_tools import pinned_wheels  # noqa: E402
from support.runtime import packed_runtime  # noqa: E402

N = 30
CHANGED = run.package_name(N - 1)


def project_files(manager: str, index_url: str, changed_version: str) -> dict[str, str]:
    pins = {run.package_name(i): "1.0" for i in range(N - 1)}
    pins[CHANGED] = changed_version
    if manager == "poetry":
        deps = {name: f'"{version}"' for name, version in pins.items()}
        return {"pyproject.toml": poetry_project(index_url, deps)}
    packages = {name: f'"=={version}"' for name, version in pins.items()}
    return {"Pipfile": pipfile(index_url, packages)}


def timed(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> float:
    with log.open("ab") as out:
        started = time.perf_counter()
        proc = subprocess.run(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: see {log}")
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manager", choices=("poetry", "pipenv"), required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    manager: str = args.manager
    work: Path = (args.workdir or ROOT / ".cache" / f"bench-{manager}").absolute()
    shutil.rmtree(work, ignore_errors=True)
    wheels = work / "index"
    wheels.mkdir(parents=True)
    store = ROOT / ".cache" / f"bench-wheels-v{run.GENERATOR_VERSION}"
    store.mkdir(parents=True, exist_ok=True)
    for i in range(N):
        shutil.copy(run.build_package(store, i, "1.0"), wheels)
    shutil.copy(run.build_package(store, N - 1, "1.1"), wheels)
    for wheel in pinned_wheels(manager).glob("*.whl"):
        (wheels / wheel.name).symlink_to(wheel)
    mirror, version = packed_runtime(ROOT / ".cache")
    log = work / "log.txt"
    samples: dict[str, list[float]] = {}

    with serve_index(wheels) as index:
        apps = {}
        for tag, pin in (("a", "1.0"), ("b", "1.1")):
            app = work / f"app-{tag}"
            app.mkdir()
            for name, text in project_files(manager, index.url, pin).items():
                (app / name).write_text(text, encoding="utf-8")
            (app / ".python-version").write_text(f"{version}\n", encoding="utf-8")
            lock(manager, app, index.url)
            apps[tag] = app
        env = {
            **run._clean_env(),
            "HOME": str(work),
            "PYTHON_RUNTIME_BASE_URL": mirror.as_uri(),
            "PYTHON_TOOLS_INDEX_URL": index.url,
            "BUILDPACK_APP_DIR": str(work / "slug"),
            **{k: v for k, v in os.environ.items() if k.startswith(("SSL_", "REQUESTS_CA"))},
        }
        builds = 0

        def compile_app(tag: str, cache: Path, expected: str) -> float:
            nonlocal builds
            builds += 1
            build = work / f"build-{builds}"
            shutil.copytree(apps[tag], build)
            env_dir = work / "env"
            env_dir.mkdir(exist_ok=True)
            compile_argv = [str(ROOT / "bin" / "compile"), str(build), str(cache), str(env_dir)]
            seconds = timed(compile_argv, env, build, log)
            report = subprocess.run(
                [str(ROOT / "bin" / "report"), str(build), str(cache), str(env_dir)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            status = json.loads(report.stdout)["cache_status"]
            if status != expected:
                raise SystemExit(f"build {builds}: cache status {status}, expected {expected}")
            shutil.rmtree(build)
            return seconds

        for i in range(args.runs):
            cache = work / f"cache-{i}"
            samples.setdefault("cold", []).append(compile_app("a", cache, "empty"))
            samples.setdefault("unchanged", []).append(compile_app("a", cache, "reused"))
            samples.setdefault("changed", []).append(compile_app("b", cache, "updated"))
            # Classic's cost on a lockfile change: the environment thrown away, the
            # tool and its download cache kept.
            shutil.rmtree(cache / "python" / "env", ignore_errors=True)
            (cache / "python" / "manifest.json").unlink(missing_ok=True)
            samples.setdefault("fresh", []).append(compile_app("b", cache, "empty"))

    lockfile = LOCKFILES[manager]
    print(f"{manager} app ({lockfile}), {N} packages, Python {version}, {args.runs} runs:")
    print("median seconds (each run)")
    for name in ("cold", "unchanged", "changed", "fresh"):
        values = samples[name]
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<10} {statistics.median(values):6.2f}   ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
