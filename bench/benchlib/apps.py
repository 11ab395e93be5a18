"""The pip apps with every package pinned: N generated packages (`synthetic`), and a
real Django app (`real`) whose wheels are downloaded once. `requirements.txt` is
`-r requirements/base.txt`; base.txt pins every package (dependencies too) with `==`;
pip finds them in the app's wheelhouse (PIP_NO_INDEX, PIP_FIND_LINKS).

Per run: cold, unchanged, floor (a), then changed, added and removed (each followed by
an untimed build of the base app, to bring the cache back), python_patch, and the
baselines (b) a fresh `pip install -r` and (c) `pip install -r` over a complete
environment."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import ROOT
from .generate import (
    EXTRA_PACKAGE,
    GENERATOR_VERSION,
    build_package,
    link_or_copy,
    package_deps,
    package_name,
)
from .harness import Baseline, Build, Floor, Harness, Step
from .measure import BenchError, Measured, Sample, clean_env, measure, tail
from .session import Session

REAL_WHEELHOUSE = ROOT / ".cache" / "bench-wheelhouse-real"


def write_requirements(dest: Path, lines: Sequence[str], python_version: str) -> None:
    (dest / "requirements").mkdir(parents=True)
    (dest / ".python-version").write_text(f"{python_version}\n")
    (dest / "requirements.txt").write_text("-r requirements/base.txt\n")
    (dest / "requirements" / "base.txt").write_text("".join(f"{line}\n" for line in lines))
    (dest / "Procfile").write_text("web: python -m http.server $PORT\n")


class PipApp:
    """What every pip app shares: its source, its config vars, the baselines."""

    label = ""
    kind = ""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.source = Path()
        self.pip_cache = Path()
        self.installed_env: Path | None = None  # baseline (c)'s complete environment

    def lines(self, variant: str) -> list[str]:
        raise NotImplementedError

    def config(self) -> dict[str, str]:
        raise NotImplementedError

    def process_env(self) -> dict[str, str]:
        return {}

    def write(self, dest: Path, variant: str, python_version: str) -> None:
        write_requirements(dest, self.lines(variant), python_version)

    def observed(self, sample: Sample) -> None:
        pass

    def info(self) -> dict[str, Any]:
        return {}

    @contextlib.contextmanager
    def serving(self, session: Session) -> Iterator[None]:
        self.session = session
        self.source = session.fresh(f"src-{self.label}")
        self.write(self.source, "base", session.version)
        self.pip_cache = session.fresh(f"pip-cache-{self.label}")
        # Untimed: pip's cache warmed, baseline (c)'s environment made.
        prep = session.logs / self.label / "run0-baseline-prep.log"
        self.installed_env, _ = self.fresh_env(prep)
        try:
            yield
        finally:
            if self.installed_env is not None:
                shutil.rmtree(self.installed_env, ignore_errors=True)

    def pip_env(self) -> dict[str, str]:
        assert self.session is not None
        return {
            **clean_env(),
            "HOME": str(self.session.workdir / "home"),
            **self.config(),
            "PIP_CACHE_DIR": str(self.pip_cache),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        }

    def pip_install(self, env_path: Path, logfile: Path) -> Measured:
        argv = [str(env_path / "bin" / "python3"), "-m", "pip", "install", "-r", "requirements.txt"]
        return measure(argv, env=self.pip_env(), cwd=self.source, log_path=logfile)

    def fresh_env(self, logfile: Path) -> tuple[Path, Measured]:
        """Baseline (b): a new environment by cp -al of the pristine runtime (with pip),
        then `pip install -r requirements.txt` from the app's directory."""
        assert self.session is not None
        env_path = self.session.fresh("venv")
        argv = ["cp", "-al", str(self.session.template), str(env_path)]
        copy = measure(argv, env=clean_env(), cwd=self.session.workdir, log_path=logfile)
        install = self.pip_install(env_path, logfile)
        if copy.returncode or install.returncode:
            raise BenchError(f"{self.label}: baseline (b) failed; log {logfile}:\n{tail(logfile)}")
        rss = max(copy.tree_max_rss_mb, install.tree_max_rss_mb)
        return env_path, Measured(copy.seconds + install.seconds, 0, rss)

    def baseline(self, name: str, harness: Harness, run: int) -> Sample:
        logfile = harness.logfile(run, name)
        assert self.installed_env is not None
        if name == "baseline_b":
            env_path, measured = self.fresh_env(logfile)
            shutil.rmtree(env_path)
        else:
            measured = self.pip_install(self.installed_env, logfile)
            if measured.returncode:
                raise BenchError(f"{self.label}: baseline (c) failed; log {logfile}")
        return Sample(measured.seconds, round(measured.tree_max_rss_mb, 1))


class PinnedApp(PipApp):
    def __init__(
        self,
        label: str,
        kind: str,
        wheelhouse: Path,
        pins: dict[str, str],
        changed: tuple[str, str],
        added: dict[str, str],
        removed: str,
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.label, self.kind, self.wheelhouse, self.pins = label, kind, wheelhouse, pins
        self.changed, self.added, self.removed, self.notes = changed, added, removed, list(notes)

    def lines(self, variant: str) -> list[str]:
        pins = dict(self.pins)
        if variant == "changed":
            pins[self.changed[0]] = self.changed[1]
        elif variant == "added":
            pins.update(self.added)
        elif variant == "removed":
            del pins[self.removed]
        return [f"{name}=={version}" for name, version in sorted(pins.items())]

    def config(self) -> dict[str, str]:
        return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(self.wheelhouse)}

    def info(self) -> dict[str, Any]:
        return {
            "summary": f"{len(self.pins)} packages, wheelhouse {self.wheelhouse}",
            "packages": len(self.pins),
            "pins": self.pins,
            "changed": list(self.changed),
            "added": self.added,
            "removed": self.removed,
            "notes": self.notes,
        }

    def steps(self, run: int) -> list[Step]:
        steps: list[Step] = [Build("cold", "empty"), Build("unchanged", "reused"), Floor()]
        for variant in ("changed", "added", "removed"):
            # Each followed by the base app's cache back, untimed.
            steps += [Build(variant, "updated", variant), Build("base", "updated", timed=False)]
        steps.append(Build("python_patch", "discarded", "python_patch"))
        return [*steps, Baseline("baseline_b"), Baseline("baseline_c")]


def synthetic_app(workdir: Path, n: int) -> PinnedApp:
    store = workdir / f"wheel-store-v{GENERATOR_VERSION}"
    store.mkdir(parents=True, exist_ok=True)
    wheelhouse = workdir / f"wheelhouse-{n}"
    depended = {d for i in range(n) for d in package_deps(i)}
    changed = n // 2
    removed = max(i for i in range(n) if i not in depended and i != changed)
    wheels = [build_package(store, i, "1.0.0") for i in range(n)]
    wheels.append(build_package(store, changed, "1.0.1"))
    wheels.append(build_package(store, EXTRA_PACKAGE, "1.0.0"))
    if wheelhouse.exists():
        shutil.rmtree(wheelhouse)
    wheelhouse.mkdir()
    for wheel in wheels:
        link_or_copy(wheel, wheelhouse / wheel.name)
    pins = {package_name(i): "1.0.0" for i in range(n)}
    changes = (package_name(changed), "1.0.1"), {EXTRA_PACKAGE: "1.0.0"}, package_name(removed)
    return PinnedApp(f"N={n}", "synthetic", wheelhouse, pins, *changes)


# --- the real app -------------------------------------------------------------------

REAL_REQUIREMENTS = ["django", "gunicorn", "whitenoise", "requests"]
REAL_CHANGED = "whitenoise"  # moved to its previous release
REAL_ADDED = "brotli"  # whitenoise's optional compression
REAL_REMOVED = "gunicorn"
_WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-.*\.whl$")


def _wheel_pins(directory: Path) -> dict[str, str]:
    pins = {}
    for wheel in sorted(directory.glob("*.whl")):
        if match := _WHEEL_NAME.match(wheel.name):
            pins[re.sub(r"[-_.]+", "-", match["name"]).lower()] = match["version"]
    return pins


def _pip_download(dest: Path, args: Sequence[str]) -> None:
    argv = [sys.executable, "-m", "pip", "download", "--isolated", "--only-binary=:all:"]
    argv += ["--disable-pip-version-check", "--quiet", "-d", str(dest), *args]
    env = {**clean_env(), "HOME": os.environ.get("HOME", "/tmp")}
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"pip download {' '.join(args)} failed:\n{proc.stderr[-2000:]}")


def _download_real() -> None:
    tmp = REAL_WHEELHOUSE.with_name(REAL_WHEELHOUSE.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "base").mkdir(parents=True)
    _pip_download(tmp / "base", REAL_REQUIREMENTS)
    pins = _wheel_pins(tmp / "base")
    (tmp / "extra").mkdir()
    _pip_download(tmp / "extra", [f"{REAL_CHANGED}<{pins[REAL_CHANGED]}", "--no-deps"])
    older = _wheel_pins(tmp / "extra")[REAL_CHANGED]
    (tmp / "added").mkdir()
    _pip_download(tmp / "added", [REAL_ADDED])
    added = {k: v for k, v in _wheel_pins(tmp / "added").items() if k not in pins}
    wheels = tmp / "wheels"
    wheels.mkdir()
    for sub in ("base", "extra", "added"):
        for wheel in (tmp / sub).glob("*.whl"):
            if not (wheels / wheel.name).exists():
                os.replace(wheel, wheels / wheel.name)
    data = {
        "pins": pins,
        "changed": [REAL_CHANGED, older],
        "added": added,
        "removed": REAL_REMOVED,
        "downloaded": time.strftime("%Y-%m-%d"),
    }
    (tmp / "bench-app.json").write_text(json.dumps(data, indent=2) + "\n")
    for sub in ("base", "extra", "added"):
        shutil.rmtree(tmp / sub)
    shutil.rmtree(REAL_WHEELHOUSE, ignore_errors=True)
    os.replace(tmp, REAL_WHEELHOUSE)


def real_app() -> PinnedApp:
    """Django, gunicorn, whitenoise, requests and their dependencies, downloaded from
    PyPI once into .cache/bench-wheelhouse-real/ (with the previous whitenoise and
    brotli, for the one-change scenarios). Raises if that is not possible."""
    stamp = REAL_WHEELHOUSE / "bench-app.json"
    if not stamp.is_file():
        _download_real()
    data = json.loads(stamp.read_text())
    downloaded = ", ".join(f"{k}=={v}" for k, v in sorted(data["pins"].items()))
    changed = (data["changed"][0], data["changed"][1])
    return PinnedApp(
        "real",
        "real",
        REAL_WHEELHOUSE / "wheels",
        data["pins"],
        changed,
        data["added"],
        data["removed"],
        [f"real app wheels downloaded {data['downloaded']}: {downloaded}"],
    )
