#!/usr/bin/env python3
"""Timings of a uv app of 30 generated packages (run.py's generator), offline.

    .venv/bin/python bench/uv_app.py [--runs 3] [--workdir .cache/bench-uv]

The packages (bench-pkg-000..029, a few hundred KB each, with dependencies) and uv's
own pinned wheel are served by a local index (tests/support/index_server.py); the
app's uv.lock is written by uv itself. Each scenario is `bin/compile` on a fresh copy
of the app, timed around the process, checked by bin/report's cache status:

    cold        empty CACHE_DIR (installs uv into CACHE_DIR too)   -> empty
    cold_tool   empty cache but uv already in CACHE_DIR/python/tools -> empty
    unchanged   the same app again                                 -> reused
    changed     one pin moved (bench-pkg-029 1.0 -> 1.1), relocked  -> updated

and, in the same run, what a build costs when the cache is thrown away on every
lockfile change (classic): `fresh_sync`, `uv sync --locked` of the changed lockfile
into a fresh copy of the pristine runtime, uv's cache warm. Medians of --runs.
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the package generator)

from python_buildpack.runtime import extract_archive  # noqa: E402
from support.index_server import serve_index  # noqa: E402
from support.runtime import packed_runtime  # noqa: E402

N = 30
CHANGED = run.package_name(N - 1)


def uv_command() -> Path:
    from support.uv_apps import uv_for_locking

    return uv_for_locking()


def uv_wheels() -> list[Path]:
    from support.uv_apps import uv_wheels as wheels

    return wheels()


def pyproject(index_url: str, changed_version: str) -> str:
    deps = [f"{run.package_name(i)}==1.0" for i in range(N - 1)]
    deps.append(f"{CHANGED}=={changed_version}")
    listed = ",\n    ".join(f'"{d}"' for d in deps)
    return (
        '[project]\nname = "bench-uv-app"\nversion = "0"\nrequires-python = ">=3.10"\n'
        f"dependencies = [\n    {listed},\n]\n\n"
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n'
    )


def lock(uv: Path, app: Path, home: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(home / "uv-cache"),
    }
    subprocess.run([str(uv), "lock", "--quiet"], cwd=app, env=env, check=True, timeout=600)


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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench-uv")
    args = parser.parse_args(argv)
    work: Path = args.workdir.absolute()
    shutil.rmtree(work, ignore_errors=True)
    wheels = work / "index"
    wheels.mkdir(parents=True)
    store = ROOT / ".cache" / f"bench-wheels-v{run.GENERATOR_VERSION}"
    store.mkdir(parents=True, exist_ok=True)
    for i in range(N):
        shutil.copy(run.build_package(store, i, "1.0"), wheels)
    shutil.copy(run.build_package(store, N - 1, "1.1"), wheels)
    for wheel in uv_wheels():
        (wheels / wheel.name).symlink_to(wheel)
    mirror, version = packed_runtime(ROOT / ".cache")
    uv = uv_command()
    log = work / "log.txt"
    samples: dict[str, list[float]] = {}

    with serve_index(wheels) as index:
        apps = {}
        for tag, pin in (("a", "1.0"), ("b", "1.1")):
            app = work / f"app-{tag}"
            app.mkdir()
            (app / "pyproject.toml").write_text(pyproject(index.url, pin), encoding="utf-8")
            (app / ".python-version").write_text(f"{version}\n", encoding="utf-8")
            lock(uv, app, work / "uv-home")
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
            seconds = timed([str(ROOT / "bin" / "compile"), str(build), str(cache), str(env_dir)],
                            env, build, log)
            report = subprocess.run([str(ROOT / "bin" / "report"), str(build), str(cache),
                                     str(env_dir)], env=env, capture_output=True, text=True)
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
            # The same cache with the environment thrown away: a cold build, uv cached.
            shutil.rmtree(cache / "python" / "env", ignore_errors=True)
            (cache / "python" / "manifest.json").unlink(missing_ok=True)
            samples.setdefault("cold_tool", []).append(compile_app("a", cache, "empty"))
            # Classic's cost on a lockfile change: a fresh runtime, then uv sync.
            runtime = work / f"fresh-{i}" / ".heroku" / "python"
            archive = next(mirror.glob("python-*.tar.zst"))
            extract_archive(archive, runtime)
            tool = next((cache / "python" / "tools").glob("uv-*/bin/uv"))
            sync_env = {
                **env,
                "UV_PROJECT_ENVIRONMENT": str(runtime),
                "UV_PYTHON": str(runtime / "bin" / "python3"),
                "UV_CACHE_DIR": str(cache / "python" / "uv"),
                "UV_LINK_MODE": "copy",
                "UV_PYTHON_DOWNLOADS": "never",
            }
            argv = [str(tool), "sync", "--locked", "--no-default-groups", "--compile-bytecode"]
            samples.setdefault("fresh_sync", []).append(timed(argv, sync_env, apps["b"], log))

    print(f"uv app, {N} packages, Python {version}, {args.runs} runs (median, seconds):")
    for name in ("cold", "cold_tool", "unchanged", "changed", "fresh_sync"):
        values = samples[name]
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<10} {statistics.median(values):6.2f}   ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
