"""The session every app of one run shares: a private copy of the buildpack, a runtime
mirror (with the simulated next patch version), a pristine runtime and a baseline
runtime with the buildpack's pip, and the work directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.runtime import packed_runtime

from . import ROOT
from .measure import BenchError, clean_env

# The parts of the tree a build runs; copied once per session (see snapshot_buildpack).
BUILDPACK_PARTS = ("bin", "lib", "vendor", "requirements")
STACK = "heroku-24"


@dataclass
class Session:
    workdir: Path
    logs: Path
    mirror: Path
    version: str
    next_patch: str
    runtime: Path  # the pristine runtime, as the archive unpacks
    template: Path  # the pristine runtime + the buildpack's pinned pip, for the baselines
    app_dir: Path
    bin: Path  # bin/ of the session's copy of the buildpack
    source: dict[str, Any]
    counter: int = 0

    def fresh(self, kind: str) -> Path:
        self.counter += 1
        path = self.workdir / "tmp" / f"{kind}-{self.counter}"
        if path.exists():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def buildpack_env(self) -> dict[str, str]:
        return {
            **clean_env(),
            "HOME": str(self.workdir / "home"),
            "STACK": STACK,
            "BUILDPACK_APP_DIR": str(self.app_dir),
            "PYTHON_RUNTIME_BASE_URL": self.mirror.as_uri(),
        }


def next_patch_version(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def source_state() -> dict[str, Any]:
    """Which buildpack was measured: the commit, and lib/ files changed since (read-only git)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_in_lib": git("status", "--porcelain", "--", "lib", "bin").splitlines(),
    }


def snapshot_buildpack(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """A private copy of the buildpack, so that edits made to the tree while the benchmark
    runs (others work in it) cannot mix two versions into one set of results."""
    source = source_state()
    copy = workdir / "buildpack"
    if copy.exists():
        shutil.rmtree(copy)
    for part in BUILDPACK_PARTS:
        if (ROOT / part).exists():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / part, copy / part, symlinks=True, ignore=ignore)
    return copy, source


def _unpack(archive: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir()
    with subprocess.Popen(["zstd", "-dc", str(archive)], stdout=subprocess.PIPE) as unzstd:
        assert unzstd.stdout is not None
        with tarfile.open(fileobj=unzstd.stdout, mode="r|") as tar:
            tar.extractall(dest, filter="tar")
    if unzstd.returncode != 0:
        raise BenchError("could not decompress the runtime archive")


def _with_pip(runtime: Path, template: Path, version: str) -> None:
    """`template`: a copy of `runtime` with the buildpack's pinned pip installed."""
    if template.exists():
        shutil.rmtree(template)
    shutil.copytree(runtime, template, symlinks=True)
    xy = ".".join(version.split(".")[:2])
    pip_wheels = sorted((ROOT / "vendor" / "wheels").glob("pip-*.whl"))
    if not pip_wheels:
        raise BenchError("vendor/wheels has no pip wheel: run `make vendor`")
    pip_wheel = pip_wheels[-1]
    (bundled,) = sorted((template / "lib" / f"python{xy}" / "ensurepip" / "_bundled").glob("pip-*"))
    argv = [str(template / "bin" / "python3"), f"{bundled}/pip", "install", "--no-index"]
    argv += ["--no-deps", "--no-cache-dir", "--quiet", str(pip_wheel)]
    env = {**clean_env(), "PIP_CONFIG_FILE": os.devnull}
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"installing pip into the baseline runtime failed:\n{proc.stderr}")


def setup_session(workdir: Path, stamp: str) -> Session:
    archive_dir, version = packed_runtime(ROOT / ".cache", stack=STACK)
    (archive,) = sorted(archive_dir.glob("*.tar.zst"))
    mirror = workdir / "mirror"
    if mirror.exists():
        shutil.rmtree(mirror)
    mirror.mkdir(parents=True)
    shutil.copy2(archive, mirror / archive.name)
    shutil.copy2(archive.with_name(archive.name + ".sha256"), mirror / (archive.name + ".sha256"))
    # SIMULATION: the same archive under the next patch version's name, in this private
    # mirror only. The digest is that of the same bytes, so no sidecar is needed.
    next_patch = next_patch_version(version)
    os.link(mirror / archive.name, mirror / archive.name.replace(f"-{version}-", f"-{next_patch}-"))
    runtime = workdir / "runtime-pristine"
    _unpack(archive, runtime)
    template = workdir / "runtime-template"
    _with_pip(runtime, template, version)
    for sub in ("home", "tmp"):
        path = workdir / sub
        if path.exists():
            shutil.rmtree(path)
        path.mkdir()
    buildpack, source = snapshot_buildpack(workdir)
    return Session(
        workdir=workdir,
        logs=workdir / "logs" / stamp,
        mirror=mirror,
        version=version,
        next_patch=next_patch,
        runtime=runtime,
        template=template,
        app_dir=workdir / "app",
        bin=buildpack / "bin",
        source=source,
    )
