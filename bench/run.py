#!/usr/bin/env python3
"""Benchmark the buildpack's cache against the floors and baselines it must beat.

    .venv/bin/python bench/run.py                      # make bench
    .venv/bin/python bench/run.py --smoke              # make bench-smoke (CI): N=10, 1 run
    .venv/bin/python bench/run.py --sizes 10,50 --runs 5 --workdir /dev/shm/bench
    .venv/bin/python bench/run.py --apps unpinned --runs 3 --index-delay 50

For apps of N generated packages (and one real app from PyPI, downloaded once into
.cache/bench-wheelhouse-real/), it times `bin/compile` in these scenarios, each
prepared untimed and checked by the cache status bin/report gives:

    cold          empty cache                                          -> empty
    unchanged     the same app again                                   -> reused
    changed       one pin edited in requirements/base.txt (nested)     -> updated
    added         one package added to requirements/base.txt           -> updated
    removed       one package removed from requirements/base.txt       -> updated
    python_patch  .python-version moves to the next patch version      -> discarded
                  (SIMULATED: the same interpreter re-published under the next patch
                  version's name in the benchmark's private runtime mirror; the
                  buildpack only sees the version string change)

and, in the same runs, with the same wheels and runtime:

    floor (a)     `cp -al` of the built .heroku/python + one start of its interpreter
    baseline (b)  a fresh `pip install -r` into a new environment (pristine runtime +
                  pip, copied by `cp -al`), pip's cache warm: rebuild-every-time
    baseline (c)  the same `pip install -r` over an environment that already has it
                  all: the classic buildpack's cached path

The unpinned app (bench/unpinned.py: 15 ranges, 45 unpinned dependencies, on a local
index with --index-delay ms per request) has its own scenarios: cold, unchanged (as the
buildpack does it), unchanged_dry_run (the same with PYTHON_BUILDPACK_INDEX_CHECK=off in
ENV_DIR: pip's dry run, the path before issue 10), floor (a) and baseline (b), a fresh
`pip install -r` from the index; the table adds the ratio to the dry-run path.

Wall time is measured around the process; memory is the buildpack's own peak RSS
(`peak_memory_mb` from bin/report) and, for the whole process tree, the largest
max RSS of any single process in it (wait4's rusage, which covers the descendants
each process waited for). Medians of --runs runs; the table gives ratios to the
floor (a), to the baseline (b) and to the cold build; the JSON goes to
bench/results/<timestamp>.json. Everything is offline except the real app's
one-time download; a cache status other than the expected one makes the exit
status non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import unpinned  # noqa: E402  (bench/unpinned.py)

from support.runtime import packed_runtime  # noqa: E402
from support.wheels import build_wheel, dist_name  # noqa: E402

# The parts of the tree a build runs; copied once per session (see snapshot_buildpack).
BUILDPACK_PARTS = ("bin", "lib", "vendor", "requirements")
RESULTS_DIR = ROOT / "bench" / "results"
REAL_WHEELHOUSE = ROOT / ".cache" / "bench-wheelhouse-real"
# Bump when the generated packages change, so old wheel stores are not reused.
GENERATOR_VERSION = 2
STACK = "heroku-24"
TARGET_N = 50


def log(message: str = "") -> None:
    print(message, flush=True)


# --- generated packages -----------------------------------------------------------

_SYLLABLES = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "do", "fi", "gu",
    "ha", "je", "ly", "mo", "nu", "po", "ri", "su", "ta", "ve", "wi", "xo", "yu", "be",
]
_WORDS = [
    "alpha", "buffer", "cache", "delta", "engine", "frame", "graph", "handler", "index",
    "join", "kernel", "layer", "matrix", "node", "offset", "parser", "query", "record",
    "stream", "token", "unit", "vector", "window", "yield", "zone", "account", "batch",
    "column", "domain", "event", "field", "group", "header", "item", "key", "limit",
    "metric", "number", "order", "policy", "range", "schema", "table", "user", "value",
]


class _Source:
    """Deterministic, pseudo-random but plausible Python source."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def ident(self) -> str:
        rng = self.rng
        return rng.choice(_WORDS) + "_" + "".join(rng.choice(_SYLLABLES) for _ in range(2))

    def sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(_WORDS) for _ in range(rng.randint(5, 14))]
        return (" ".join(words) + ".").capitalize()

    def function(self, indent: str = "") -> str:
        rng = self.rng
        name, a, b, acc = self.ident(), self.ident(), self.ident(), self.ident()
        lines = [
            f"def {name}({a}, {b}={rng.randint(1, 999)}):",
            f'    """{self.sentence()}',
            "",
            f"    {self.sentence()}",
            '    """',
            f"    {acc} = {a} * {rng.randint(2, 97)} + {b}",
        ]
        for _ in range(rng.randint(1, 4)):
            i = self.ident()
            lines += [
                f"    for {i} in range({rng.randint(3, 300)}):",
                f"        {acc} = ({acc} ^ {i}) % {rng.randint(1000, 99999)}",
                f"        if {acc} > {rng.randint(100, 9999)}:",
                f"            {acc} -= {b} * {rng.randint(1, 9)}",
            ]
        if rng.random() < 0.5:
            key = self.ident()
            items = ", ".join(f"{rng.choice(_WORDS)!r}: {rng.randint(0, 999)}"
                              for _ in range(rng.randint(2, 6)))
            lines += [
                f"    {key} = {{{items}}}",
                f"    {acc} += sum({key}.values())",
            ]
        lines.append(f"    return {acc}")
        return "\n".join(indent + line if line else line for line in lines) + "\n"

    def klass(self) -> str:
        rng = self.rng
        name = "".join(part.capitalize() for part in self.ident().split("_"))
        attrs = [self.ident() for _ in range(rng.randint(2, 5))]
        lines = [
            f"class {name}:",
            f'    """{self.sentence()}"""',
            "",
            f"    __slots__ = ({', '.join(repr(a) for a in attrs)},)",
            "",
            f"    def __init__(self, {', '.join(attrs)}):",
            *(f"        self.{a} = {a}" for a in attrs),
            "",
            "    def __repr__(self):",
            f'        return f"{name}({", ".join("{self." + a + "!r}" for a in attrs)})"',
            "",
        ]
        text = "\n".join(lines) + "\n"
        for _ in range(rng.randint(1, 3)):
            method = self.function("    ").replace("(", "(self, ", 1)
            text += method + "\n"
        return text

    def table(self) -> str:
        rng = self.rng
        name = self.ident().upper()
        rows = [
            f"    ({rng.randint(0, 10**6)}, {rng.choice(_WORDS)!r}, {rng.random() * 1000:.3f}, "
            f"{self.ident()!r}),"
            for _ in range(rng.randint(20, 160))
        ]
        return f"{name} = (\n" + "\n".join(rows) + "\n)\n"

    def module(self, target_size: int, title: str) -> str:
        rng = self.rng
        parts = [f'"""{title}: {self.sentence()}"""\n', "import math\nimport os\n"]
        size = sum(map(len, parts))
        while size < target_size:
            pick = rng.random()
            part = self.function() if pick < 0.5 else self.klass() if pick < 0.75 else self.table()
            parts.append(part)
            size += len(part) + 2
        return "\n\n".join(parts)

    def data(self, target_size: int) -> str:
        rng = self.rng
        rows = []
        size = 0
        while size < target_size:
            row = {"id": rng.randint(0, 10**6), "name": self.ident(), "note": self.sentence()}
            text = json.dumps(row)
            rows.append(text)
            size += len(text) + 2
        return "[\n" + ",\n".join(rows) + "\n]\n"


def package_name(index: int) -> str:
    return f"bench-pkg-{index:03d}"


EXTRA_PACKAGE = "bench-extra"


def package_deps(index: int) -> list[int]:
    """About 40% of packages depend on 1-3 earlier ones (so no cycles, and the first
    N packages are closed under dependencies)."""
    rng = random.Random(f"deps-{index}")  # noqa: S311
    if index == 0 or rng.random() >= 0.4:
        return []
    return sorted(rng.sample(range(index), rng.randint(1, min(3, index))))


def package_files(name: str, version: str) -> dict[str, str]:
    """Several modules, a few hundred KB in all, some in nested packages, a data file."""
    src = _Source(f"files-{name}")  # the same modules for every version...
    top = dist_name(name)
    total = src.rng.randint(150_000, 450_000)
    modules = ["core", "models", "utils/__init__", "utils/text", "_impl/__init__",
               "_impl/engine", "_impl/codecs", "contrib/extras"]
    chosen = modules[: src.rng.randint(4, len(modules))]
    files: dict[str, str] = {
        f"{top}/__init__.py": f'"""{name}."""\n\nfrom .version import __version__\n',
        f"{top}/data/records.json": src.data(total // 10),
    }
    share = (total - total // 10) // len(chosen)
    for module in chosen:
        files[f"{top}/{module}.py"] = src.module(int(share * src.rng.uniform(0.5, 1.5)), module)
    # ...but what a release changes: its version, and a bit of code.
    release = _Source(f"release-{name}-{version}")
    files[f"{top}/version.py"] = f'__version__ = "{version}"\n\n' + release.function()
    return files


def build_package(store: Path, index_or_name: int | str, version: str) -> Path:
    if isinstance(index_or_name, int):
        name = package_name(index_or_name)
        requires = [f"{package_name(d)}>=1.0" for d in package_deps(index_or_name)]
    else:
        name = index_or_name
        requires = [f"{package_name(0)}>=1.0", f"{package_name(1)}>=1.0"]
    path = store / f"{dist_name(name)}-{version}-py3-none-any.whl"
    if not path.is_file():
        os.replace(build_generated(store / ".tmp", name, version, requires), path)
    return path


def build_generated(tmp: Path, name: str, version: str, requires: Sequence[str]) -> Path:
    """A generated package (package_files) as a deflated wheel in `tmp`."""
    built = build_wheel(tmp, name, version, files=package_files(name, version),
                        requires=requires)
    _deflate(built, tmp / "deflated.whl")
    os.replace(tmp / "deflated.whl", built)
    return built


def _deflate(src: Path, dst: Path) -> None:
    """support.wheels stores its members uncompressed (ZipInfo's default); real wheels
    are deflated. Same members, same order, same dates."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, data)


@dataclass
class AppSpec:
    """An app: its base pins, and the one-package variants of them."""

    label: str
    n: int | None
    wheelhouse: Path
    pins: dict[str, str]  # name -> version, every package pinned (dependencies too)
    changed: tuple[str, str]  # name, new version
    added: dict[str, str]
    removed: str
    notes: list[str] = field(default_factory=list)
    # The unpinned app: the lines of requirements/base.txt (pins: what a clean install
    # picks), served by a local index with this delay per request.
    requirements: list[str] | None = None
    index_delay_ms: float | None = None

    def lines(self, scenario: str) -> list[str]:
        """requirements/base.txt for a scenario."""
        if self.requirements is not None:
            return list(self.requirements)
        return [f"{name}=={version}" for name, version in sorted(self.variant(scenario).items())]

    def variant(self, scenario: str) -> dict[str, str]:
        pins = dict(self.pins)
        if scenario == "changed":
            pins[self.changed[0]] = self.changed[1]
        elif scenario == "added":
            pins.update(self.added)
        elif scenario == "removed":
            del pins[self.removed]
        return pins


def synthetic_app(workdir: Path, n: int) -> AppSpec:
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
        _link_or_copy(wheel, wheelhouse / wheel.name)
    return AppSpec(
        label=f"N={n}",
        n=n,
        wheelhouse=wheelhouse,
        pins={package_name(i): "1.0.0" for i in range(n)},
        changed=(package_name(changed), "1.0.1"),
        added={EXTRA_PACKAGE: "1.0.0"},
        removed=package_name(removed),
    )


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# --- the real app -------------------------------------------------------------------

REAL_REQUIREMENTS = ["django", "gunicorn", "whitenoise", "requests"]
REAL_CHANGED = "whitenoise"  # moved to its previous release
REAL_ADDED = "brotli"  # whitenoise's optional compression
REAL_REMOVED = "gunicorn"
_WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-.*\.whl$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_pins(directory: Path) -> dict[str, str]:
    pins = {}
    for wheel in sorted(directory.glob("*.whl")):
        match = _WHEEL_NAME.match(wheel.name)
        if match:
            pins[_canonical(match["name"])] = match["version"]
    return pins


def _pip_download(dest: Path, args: Sequence[str]) -> None:
    argv = [sys.executable, "-m", "pip", "download", "--isolated", "--only-binary=:all:",
            "--disable-pip-version-check", "--quiet", "-d", str(dest), *args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False,
                          env={**_clean_env(), "HOME": os.environ.get("HOME", "/tmp")})
    if proc.returncode != 0:
        raise RuntimeError(f"pip download {' '.join(args)} failed:\n{proc.stderr[-2000:]}")


def real_app() -> AppSpec:
    """Django, gunicorn, whitenoise, requests and their dependencies, downloaded from
    PyPI once into .cache/bench-wheelhouse-real/ (with the previous whitenoise and
    brotli, for the one-change scenarios). Raises if that is not possible."""
    stamp = REAL_WHEELHOUSE / "bench-app.json"
    if not stamp.is_file():
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
        data = {"pins": pins, "changed": [REAL_CHANGED, older], "added": added,
                "removed": REAL_REMOVED, "downloaded": time.strftime("%Y-%m-%d")}
        (tmp / "bench-app.json").write_text(json.dumps(data, indent=2) + "\n")
        for sub in ("base", "extra", "added"):
            shutil.rmtree(tmp / sub)
        shutil.rmtree(REAL_WHEELHOUSE, ignore_errors=True)
        os.replace(tmp, REAL_WHEELHOUSE)
    data = json.loads(stamp.read_text())
    return AppSpec(
        label="real",
        n=len(data["pins"]),
        wheelhouse=REAL_WHEELHOUSE / "wheels",
        pins=data["pins"],
        changed=(data["changed"][0], data["changed"][1]),
        added=data["added"],
        removed=data["removed"],
        notes=[f"real app wheels downloaded {data['downloaded']}: "
               + ", ".join(f"{k}=={v}" for k, v in sorted(data["pins"].items()))],
    )


# --- processes ----------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """No PIP_* or PYTHON* of this machine; a plain PATH."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


@dataclass
class Measured:
    seconds: float
    returncode: int
    tree_max_rss_mb: float


def measure(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_path: Path) -> Measured:
    """Wall time of one process, and the largest max RSS of it and the descendants it
    waited for (Linux's wait4 reports max(own, children's) for ru_maxrss)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        out.write(f"$ {' '.join(map(str, argv))}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(elapsed, proc.returncode, usage.ru_maxrss / 1024)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class BenchError(Exception):
    pass


# --- the session: runtime, mirror, directories ----------------------------------------


@dataclass
class Session:
    workdir: Path
    logs: Path
    mirror: Path
    version: str
    next_patch: str
    template: Path  # pristine runtime + the buildpack's pinned pip, for the baselines
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
            **_clean_env(),
            "HOME": str(self.workdir / "home"),
            "STACK": STACK,
            "BUILDPACK_APP_DIR": str(self.app_dir),
            "PYTHON_RUNTIME_BASE_URL": self.mirror.as_uri(),
        }


def next_patch_version(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def snapshot_buildpack(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """A private copy of the buildpack, so that edits made to the tree while the benchmark
    runs (others work in it) cannot mix two versions into one set of results."""
    source = _source_state()
    copy = workdir / "buildpack"
    if copy.exists():
        shutil.rmtree(copy)
    for part in BUILDPACK_PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, copy / part, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy, source


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

    template = workdir / "runtime-template"
    if template.exists():
        shutil.rmtree(template)
    template.mkdir()
    with subprocess.Popen(["zstd", "-dc", str(archive)], stdout=subprocess.PIPE) as unzstd:
        assert unzstd.stdout is not None
        with tarfile.open(fileobj=unzstd.stdout, mode="r|") as tar:
            tar.extractall(template, filter="tar")
    if unzstd.returncode != 0:
        raise BenchError("could not decompress the runtime archive")
    xy = ".".join(version.split(".")[:2])
    (pip_wheel,) = sorted((ROOT / "vendor" / "wheels").glob("pip-*.whl")) or [None]
    if pip_wheel is None:
        raise BenchError("vendor/wheels has no pip wheel: run `make vendor`")
    (bundled,) = sorted((template / "lib" / f"python{xy}" / "ensurepip" / "_bundled").glob("pip-*"))
    proc = subprocess.run(
        [str(template / "bin" / "python3"), f"{bundled}/pip", "install", "--no-index",
         "--no-deps", "--no-cache-dir", "--quiet", str(pip_wheel)],
        env={**_clean_env(), "PIP_CONFIG_FILE": os.devnull}, capture_output=True, text=True,
        check=False)
    if proc.returncode != 0:
        raise BenchError(f"installing pip into the baseline runtime failed:\n{proc.stderr}")

    for sub in ("home", "tmp"):
        path = workdir / sub
        if path.exists():
            shutil.rmtree(path)
        path.mkdir()
    buildpack, source = snapshot_buildpack(workdir)
    return Session(workdir=workdir, logs=workdir / "logs" / stamp, mirror=mirror,
                   version=version, next_patch=next_patch, template=template,
                   app_dir=workdir / "app", bin=buildpack / "bin", source=source)


# --- scenarios ----------------------------------------------------------------------

SCENARIOS = ["cold", "unchanged", "unchanged_dry_run", "changed", "added", "removed",
             "python_patch"]
EXPECTED_STATUS = {"cold": "empty", "unchanged": "reused", "unchanged_dry_run": "reused",
                   "changed": "updated", "added": "updated", "removed": "updated",
                   "python_patch": "discarded"}
FLOORS = ["floor_a", "baseline_b", "baseline_c"]
DESCRIPTIONS = {
    "cold": "cold build (empty cache)",
    "unchanged": "unchanged rebuild",
    "unchanged_dry_run": "unchanged rebuild, index-page check off "
                         f"({unpinned.CHECK_SWITCH[0]}={unpinned.CHECK_SWITCH[1]}): pip's dry run",
    "changed": "one pin changed in requirements/base.txt",
    "added": "one package added",
    "removed": "one package removed",
    "python_patch": "Python patch version changed (simulated)",
    "floor_a": "floor (a): cp -al .heroku/python + start python (3 samples per run)",
    "baseline_b": "baseline (b): fresh pip install -r, warm pip cache",
    "baseline_c": "baseline (c): pip install -r, all installed",
}


def write_app(dest: Path, lines: Sequence[str], python_version: str) -> None:
    (dest / "requirements").mkdir(parents=True)
    (dest / ".python-version").write_text(f"{python_version}\n")
    (dest / "requirements.txt").write_text("-r requirements/base.txt\n")
    (dest / "requirements" / "base.txt").write_text("".join(f"{line}\n" for line in lines))
    (dest / "Procfile").write_text("web: python -m http.server $PORT\n")


@dataclass
class Sample:
    seconds: float
    tree_max_rss_mb: float
    peak_memory_mb: float | None = None
    status: str | None = None
    durations: dict[str, float] = field(default_factory=dict)
    commands: int | None = None
    index_requests: int | None = None  # the unpinned app: requests the index answered
    index_connections: int | None = None  # ... and the TCP connections it accepted


@dataclass
class AppResult:
    spec: AppSpec
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_commands: dict[str, list[str]] = field(default_factory=dict)
    files_in_env: int | None = None

    def add(self, scenario: str, sample: Sample) -> None:
        self.samples.setdefault(scenario, []).append(sample)

    def median(self, scenario: str) -> float | None:
        found = self.samples.get(scenario)
        return statistics.median(s.seconds for s in found) if found else None


class Bench:
    def __init__(self, session: Session, spec: AppSpec, result: AppResult) -> None:
        self.session = session
        self.spec = spec
        self.result = result
        self.env_dir = session.workdir / "tmp" / f"env-{spec.label}"
        if self.env_dir.exists():
            shutil.rmtree(self.env_dir)
        self.env_dir.mkdir(parents=True)
        for name, value in self.package_source().items():
            (self.env_dir / name).write_text(value)
        self.source = session.fresh(f"src-{spec.label}")
        write_app(self.source, spec.lines("base"), session.version)
        self.pip_cache = session.fresh(f"pip-cache-{spec.label}")

    def build(self, scenario: str, cache: Path, expected: str, *, timed: bool,
              run: int) -> tuple[Path, Sample]:
        session = self.session
        build_dir = session.fresh("build")
        version = session.next_patch if scenario == "python_patch" else session.version
        write_app(build_dir, self.spec.lines(scenario), version)
        suffix = "" if timed else "-prep"
        logfile = session.logs / self.spec.label / f"run{run}-{scenario}{suffix}.log"
        env = session.buildpack_env()
        argv = [str(session.bin / "compile"), str(build_dir), str(cache), str(self.env_dir)]
        measured = measure(argv, env=env, cwd=build_dir, log_path=logfile)
        report_proc = subprocess.run(
            [str(session.bin / "report"), str(build_dir), str(cache), str(self.env_dir)],
            env=env, capture_output=True, text=True, check=False)
        try:
            report: dict[str, Any] = json.loads(report_proc.stdout)
        except ValueError:
            report = {}
        status = report.get("cache_status")
        what = f"{self.spec.label} run {run} {scenario}{'' if timed else ' (preparation)'}"
        if measured.returncode != 0:
            raise BenchError(f"{what}: bin/compile exited {measured.returncode}; log {logfile}:\n"
                             + _tail(logfile))
        if status != expected:
            reasons = report.get("cache_discard_reasons")
            self.result.errors.append(
                f"{what}: cache_status {status!r}, expected {expected!r} (reasons: {reasons}; "
                f"log {logfile})")
            log(f"   !! {self.result.errors[-1]}")
        sample = Sample(
            seconds=measured.seconds,
            tree_max_rss_mb=round(measured.tree_max_rss_mb, 1),
            peak_memory_mb=report.get("peak_memory_mb"),
            status=status,
            durations=dict(report.get("durations") or {}),
            commands=len(report.get("commands") or []),
        )
        if timed:
            self.result.add(scenario, sample)
            self.result.last_commands[scenario] = list(report.get("commands") or [])
            log(f"   {scenario:<13} {measured.seconds:8.3f} s  status={status}  "
                f"buildpack {sample.peak_memory_mb} MB, tree {sample.tree_max_rss_mb} MB")
        return build_dir, sample

    def package_source(self) -> dict[str, str]:
        """The config vars that tell pip where packages are (for builds and baselines)."""
        return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(self.spec.wheelhouse)}

    def pip_env(self) -> dict[str, str]:
        return {
            **_clean_env(),
            "HOME": str(self.session.workdir / "home"),
            **self.package_source(),
            "PIP_CACHE_DIR": str(self.pip_cache),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        }

    def fresh_env(self, run: int, tag: str) -> tuple[Path, Measured]:
        """Baseline (b): a new environment by cp -al of the pristine runtime, then
        `pip install -r requirements.txt` from the app's directory."""
        env_path = self.session.fresh("venv")
        logfile = self.session.logs / self.spec.label / f"run{run}-{tag}.log"
        copy = measure(["cp", "-al", str(self.session.template), str(env_path)],
                       env=_clean_env(), cwd=self.session.workdir, log_path=logfile)
        install = measure([str(env_path / "bin" / "python3"), "-m", "pip", "install", "-r",
                           "requirements.txt"], env=self.pip_env(), cwd=self.source,
                          log_path=logfile)
        if copy.returncode or install.returncode:
            raise BenchError(f"{self.spec.label}: baseline (b) failed; log {logfile}:\n"
                             + _tail(logfile))
        return env_path, Measured(copy.seconds + install.seconds, 0,
                                  max(copy.tree_max_rss_mb, install.tree_max_rss_mb))

    def run(self, runs: int) -> None:
        spec, session = self.spec, self.session
        log(f"== {spec.label}: {len(spec.pins)} packages, wheelhouse {spec.wheelhouse}")
        # Untimed: pip's cache for baseline (b) warmed, the environment for (c) made.
        installed_env, _ = self.fresh_env(0, "baseline-prep")
        for run in range(1, runs + 1):
            log(f"-- {spec.label} run {run}/{runs}")
            cache = session.fresh("cache")
            previous: Path | None = None

            def done(build_dir: Path) -> None:
                nonlocal previous
                if previous is not None:
                    shutil.rmtree(previous)
                previous = build_dir

            build_dir, _ = self.build("cold", cache, "empty", timed=True, run=run)
            done(build_dir)
            build_dir, _ = self.build("unchanged", cache, "reused", timed=True, run=run)
            done(build_dir)
            self.floor_a(build_dir / ".heroku" / "python", run)
            for scenario in ("changed", "added", "removed"):
                build_dir, _ = self.build(scenario, cache, "updated", timed=True, run=run)
                done(build_dir)
                # Back to the base app's cache, untimed.
                build_dir, _ = self.build("base", cache, "updated", timed=False, run=run)
                done(build_dir)
            build_dir, _ = self.build("python_patch", cache, "discarded", timed=True, run=run)
            done(build_dir)
            shutil.rmtree(build_dir)
            shutil.rmtree(cache)

            env_path, measured = self.fresh_env(run, "baseline_b")
            self.result.add("baseline_b", Sample(measured.seconds,
                                                 round(measured.tree_max_rss_mb, 1)))
            log(f"   {'baseline_b':<13} {measured.seconds:8.3f} s")
            shutil.rmtree(env_path)

            logfile = session.logs / spec.label / f"run{run}-baseline_c.log"
            measured = measure([str(installed_env / "bin" / "python3"), "-m", "pip", "install",
                                "-r", "requirements.txt"], env=self.pip_env(), cwd=self.source,
                               log_path=logfile)
            if measured.returncode:
                raise BenchError(f"{spec.label}: baseline (c) failed; log {logfile}")
            self.result.add("baseline_c", Sample(measured.seconds,
                                                 round(measured.tree_max_rss_mb, 1)))
            log(f"   {'baseline_c':<13} {measured.seconds:8.3f} s")
        shutil.rmtree(installed_env)

    def floor_a(self, python_dir: Path, run: int, repeats: int = 3) -> None:
        """Floor (a): one hard-link copy of the built environment, one interpreter start.
        Cheap and so the most sensitive to noise: taken `repeats` times per run."""
        if self.result.files_in_env is None:
            self.result.files_in_env = sum(len(f) for _, _, f in os.walk(python_dir))
        logfile = self.session.logs / self.spec.label / f"run{run}-floor_a.log"
        # Untimed, a copy of its own: `cp -al` of a build dir would link the cache's
        # files and move their ctimes, and the next build would read them all again.
        source = self.session.fresh("floor-source")
        shutil.copytree(python_dir, source, symlinks=True)
        for _ in range(repeats):
            target = self.session.fresh("floor")
            copy = measure(["cp", "-al", str(source), str(target)], env=_clean_env(),
                           cwd=self.session.workdir, log_path=logfile)
            start = measure([str(target / "bin" / "python3"), "-c", "pass"], env=_clean_env(),
                            cwd=self.session.workdir, log_path=logfile)
            if copy.returncode or start.returncode:
                raise BenchError(f"{self.spec.label}: floor (a) failed; log {logfile}")
            seconds = copy.seconds + start.seconds
            self.result.add("floor_a", Sample(seconds, round(max(copy.tree_max_rss_mb,
                                                                  start.tree_max_rss_mb), 1)))
            log(f"   {'floor_a':<13} {seconds:8.3f} s  (cp -al {copy.seconds:.3f} s)")
            shutil.rmtree(target)
        shutil.rmtree(source)


class UnpinnedBench(Bench):
    """The unpinned app (bench/unpinned.py) against its local index. Per run: a cold
    build, then the unchanged rebuild twice on its cache, once as the buildpack does it
    and once with the index-page check switched off (pip's dry run, the path before
    issue 10), in alternating order; floor (a); baseline (b), a fresh `pip install -r`
    from the index into a copy of the pristine runtime."""

    def __init__(self, session: Session, spec: AppSpec, result: AppResult) -> None:
        self.index_url = ""  # known once the index listens (run)
        super().__init__(session, spec, result)

    def package_source(self) -> dict[str, str]:
        return {"PIP_INDEX_URL": self.index_url} if self.index_url else {}

    def run(self, runs: int) -> None:
        spec, session = self.spec, self.session
        assert spec.requirements is not None and spec.index_delay_ms is not None
        switch = self.env_dir / unpinned.CHECK_SWITCH[0]
        log(f"== {spec.label}: {len(spec.pins)} packages ({len(spec.requirements)} ranges, "
            f"the rest unpinned), index delay {spec.index_delay_ms:g} ms")
        with unpinned.served(unpinned_app_of(spec), spec.index_delay_ms) as index:
            self.index_url = index.url
            for name, value in self.package_source().items():
                (self.env_dir / name).write_text(value)
            env_path, _ = self.fresh_env(0, "baseline-prep")  # checks that pip can install it
            shutil.rmtree(env_path)
            for run in range(1, runs + 1):
                log(f"-- {spec.label} run {run}/{runs}")
                cache = session.fresh("cache")
                order = ["unchanged", "unchanged_dry_run"]
                steps = ["cold", *(order if run % 2 else order[::-1])]
                build_dir: Path | None = None
                for scenario in steps:
                    if scenario == "unchanged_dry_run":
                        switch.write_text(unpinned.CHECK_SWITCH[1])
                    index.requests.clear()
                    index.connections = 0
                    new_dir, sample = self.build(scenario, cache, EXPECTED_STATUS[scenario],
                                                 timed=True, run=run)
                    sample.index_requests = sum(index.requests.values())
                    sample.index_connections = index.connections
                    switch.unlink(missing_ok=True)
                    if build_dir is not None:
                        shutil.rmtree(build_dir)
                    build_dir = new_dir
                assert build_dir is not None
                self.floor_a(build_dir / ".heroku" / "python", run)
                shutil.rmtree(build_dir)
                shutil.rmtree(cache)
                index.requests.clear()
                index.connections = 0
                env_path, measured = self.fresh_env(run, "baseline_b")
                self.result.add("baseline_b", Sample(measured.seconds,
                                                     round(measured.tree_max_rss_mb, 1),
                                                     index_requests=sum(index.requests.values()),
                                                     index_connections=index.connections))
                log(f"   {'baseline_b':<13} {measured.seconds:8.3f} s")
                shutil.rmtree(env_path)


_UNPINNED_APPS: dict[str, unpinned.UnpinnedApp] = {}


def unpinned_app_of(spec: AppSpec) -> unpinned.UnpinnedApp:
    return _UNPINNED_APPS[spec.label]


def unpinned_spec(workdir: Path, delay_ms: float, *, smoke: bool) -> AppSpec:
    app = unpinned.make_app(workdir, build_generated, smoke=smoke)
    label = "unpinned"
    _UNPINNED_APPS[label] = app
    return AppSpec(label=label, n=len(app.installed), wheelhouse=app.wheels,
                   pins=dict(app.installed), changed=("", ""), added={}, removed="",
                   requirements=app.requirements, index_delay_ms=delay_ms,
                   notes=[f"unpinned app: {len(app.requirements)} ranges, "
                          f"{len(app.installed) - len(app.requirements)} unpinned dependencies, "
                          f"local index with {delay_ms:g} ms per request"])


# --- report -------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def table(results: Sequence[AppResult]) -> str:
    header = (f"{'app':<8} {'scenario':<17} {'status':<10} {'median s':>9} {'min-max s':>15} "
              f"{'x floor a':>9} {'x base b':>9} {'x cold':>7} {'x dry':>6} {'bp MB':>6} "
              f"{'tree MB':>7} {'procs':>5} {'reqs':>5} {'conns':>5}")
    lines = [header, "-" * len(header)]
    for result in results:
        floor = result.median("floor_a")
        base = result.median("baseline_b")
        cold = result.median("cold")
        dry = result.median("unchanged_dry_run")
        for scenario in SCENARIOS + FLOORS:
            samples = result.samples.get(scenario)
            if not samples:
                continue
            med = statistics.median(s.seconds for s in samples)
            statuses = sorted({s.status for s in samples if s.status})
            peaks = [s.peak_memory_mb for s in samples if s.peak_memory_mb is not None]
            procs = [s.commands for s in samples if s.commands is not None]
            reqs = [s.index_requests for s in samples if s.index_requests is not None]
            conns = [s.index_connections for s in samples if s.index_connections is not None]
            lo, hi = min(s.seconds for s in samples), max(s.seconds for s in samples)
            lines.append(
                f"{result.spec.label:<8} {scenario:<17} {','.join(statuses) or '':<10} "
                f"{med:9.3f} {f'{lo:.2f}-{hi:.2f}':>15} "
                f"{_fmt(_ratio(med, floor), '.1f', 'x'):>9} "
                f"{_fmt(_ratio(med, base), '.3f', 'x'):>9} "
                f"{_fmt(_ratio(med, cold), '.2f', 'x') if scenario not in FLOORS else '':>7} "
                f"{_fmt(_ratio(med, dry), '.2f', 'x') if dry else '':>6} "
                f"{_fmt(max(peaks) if peaks else None, '.0f'):>6} "
                f"{max(s.tree_max_rss_mb for s in samples):7.0f} "
                f"{_fmt(statistics.median(procs) if procs else None, '.0f'):>5} "
                f"{_fmt(statistics.median(reqs) if reqs else None, '.0f'):>5} "
                f"{_fmt(statistics.median(conns) if conns else None, '.0f'):>5}")
        lines.append("")
    return "\n".join(lines)


@dataclass
class Target:
    name: str
    holds: bool | None
    detail: str


def _ran_pip(commands: Sequence[str] | None) -> bool | None:
    if commands is None:
        return None
    return any(re.search(r"\bpip\b", command) for command in commands)


def unpinned_targets(r: AppResult) -> list[Target]:
    """Issue 10: the unchanged rebuild of the unpinned app under 1 s and at least 5x
    faster than the dry-run path, measured in one run."""
    unchanged, dry = r.median("unchanged"), r.median("unchanged_dry_run")
    found = [
        Target("unpinned: unchanged < 1 s", None if unchanged is None else unchanged < 1,
               _fmt(unchanged, ".3f", " s")),
        Target("unpinned: unchanged >= 5 x faster than the dry-run path",
               None if unchanged is None or dry is None else dry / unchanged >= 5,
               f"{_fmt(_ratio(dry, unchanged), '.2f', 'x')} (dry run {_fmt(dry, '.3f', ' s')})"),
    ]
    dry_pip = _ran_pip(r.last_commands.get("unchanged_dry_run"))
    found.append(Target(
        f"unpinned: {'='.join(unpinned.CHECK_SWITCH)} runs pip's dry run (else the ratio "
        "above compares nothing)", dry_pip, "pip ran" if dry_pip else "no pip process"))
    own_pip = _ran_pip(r.last_commands.get("unchanged"))
    found.append(Target("unpinned: the unchanged rebuild starts no pip process",
                        None if own_pip is None else not own_pip,
                        "pip ran" if own_pip else "no pip process"))
    return found


def targets(results: Sequence[AppResult]) -> list[Target]:
    synthetic = {r.spec.n: r for r in results if r.spec.label.startswith("N=")}
    found: list[Target] = []
    for result in results:
        if result.spec.requirements is not None:
            found += unpinned_targets(result)
    if not synthetic:
        return found
    n = TARGET_N if TARGET_N in synthetic else min(synthetic, key=lambda k: abs(k - TARGET_N))
    at = f" (N={n}{'' if n == TARGET_N else f'; the targets are for N={TARGET_N}'})"
    r = synthetic[n]
    floor, base, cold = r.median("floor_a"), r.median("baseline_b"), r.median("cold")
    unchanged = r.median("unchanged")

    def check(name: str, value: float | None, limit: float, *, at_most: bool, unit: str) -> None:
        if value is None:
            found.append(Target(name + at, None, "not measured"))
            return
        holds = value <= limit if at_most else value >= limit
        found.append(Target(name + at, holds,
                            f"{value:.3f}{unit} ({'<=' if at_most else '>='} {limit:g}{unit})"))

    check("unchanged <= 1.5 x floor (a)", _ratio(unchanged, floor), 1.5, at_most=True, unit="x")
    check("unchanged >= 10 x faster than baseline (b)", _ratio(base, unchanged), 10,
          at_most=False, unit="x")
    for scenario in ("changed", "added", "removed"):
        med = r.median(scenario)
        check(f"{scenario} <= 25% of cold", _ratio(med, cold), 0.25, at_most=True, unit="x")
        check(f"{scenario} >= 4 x faster than baseline (b)", _ratio(base, med), 4,
              at_most=False, unit="x")
    peaks = [s.peak_memory_mb for k in SCENARIOS for s in r.samples.get(k, [])
             if s.peak_memory_mb is not None]
    check("buildpack's own peak memory < 150 MB", max(peaks) if peaks else None, 150,
          at_most=True, unit=" MB")
    # Growth from the smallest N to the largest: the time each package adds (the
    # slope) must not exceed what it adds to floor (a). The growth factors are shown too.
    if len(synthetic) >= 2:
        small, large = synthetic[min(synthetic)], synthetic[max(synthetic)]
        f_small, f_large = small.median("floor_a"), large.median("floor_a")
        span = max(synthetic) - min(synthetic)
        for scenario in ("unchanged", "changed", "added", "removed"):
            t_small, t_large = small.median(scenario), large.median(scenario)
            if t_small is None or t_large is None or not f_small or not f_large:
                continue
            slope = (t_large - t_small) / span * 1000
            f_slope = (f_large - f_small) / span * 1000
            found.append(Target(
                f"{scenario} grows no faster than floor (a), N={min(synthetic)}->{max(synthetic)}",
                slope <= f_slope,
                f"{slope:.2f} vs floor {f_slope:.2f} ms per added package; growth factor "
                f"x{t_large / t_small:.2f} vs floor x{f_large / f_small:.2f}"))
    else:
        found.append(Target("growth with N no faster than floor (a)", None,
                            "needs two sizes"))
    return found


def to_json(results: Sequence[AppResult], found: Sequence[Target], meta: dict[str, Any]) -> str:
    apps = []
    for result in results:
        scenarios = {}
        for scenario, samples in result.samples.items():
            scenarios[scenario] = {
                "description": DESCRIPTIONS.get(scenario, scenario),
                "expected_status": EXPECTED_STATUS.get(scenario),
                "median_s": statistics.median(s.seconds for s in samples),
                "ratio_to_floor_a": _ratio(result.median(scenario), result.median("floor_a")),
                "ratio_to_baseline_b": _ratio(result.median(scenario),
                                              result.median("baseline_b")),
                "ratio_to_cold": _ratio(result.median(scenario), result.median("cold")),
                "ratio_to_dry_run": _ratio(result.median(scenario),
                                           result.median("unchanged_dry_run")),
                "samples": [s.__dict__ for s in samples],
                "commands_last_run": result.last_commands.get(scenario),
            }
        apps.append({
            "label": result.spec.label,
            "packages": len(result.spec.pins),
            "pins": result.spec.pins,
            "changed": list(result.spec.changed),
            "added": result.spec.added,
            "removed": result.spec.removed,
            "requirements": result.spec.requirements,
            "index_delay_ms": result.spec.index_delay_ms,
            "files_in_built_python_dir": result.files_in_env,
            "notes": result.spec.notes,
            "errors": result.errors,
            "scenarios": scenarios,
        })
    data = {**meta, "apps": apps,
            "targets": [{"name": t.name, "holds": t.holds, "detail": t.detail} for t in found]}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# --- main ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,200",
                        help="numbers of generated packages, comma-separated (default 10,50,200)")
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench",
                        help="where apps, caches and builds go (a tmpfs path is fine)")
    parser.add_argument("--no-real", action="store_true", help="skip the real app from PyPI")
    parser.add_argument("--only-real", action="store_true", help="only the real app")
    parser.add_argument("--from-json", type=Path, metavar="FILE",
                        help="print the table and targets of an earlier results file; run nothing")
    parser.add_argument("--apps", metavar="LIST",
                        help="which apps, comma-separated, of: synthetic (the --sizes), real, "
                             "unpinned (default synthetic,real; with --smoke synthetic,unpinned)")
    parser.add_argument("--index-delay", type=float, default=unpinned.DEFAULT_DELAY_MS,
                        metavar="MS", help="the unpinned app's index: milliseconds before each "
                        f"answer (default {unpinned.DEFAULT_DELAY_MS:g})")
    parser.add_argument("--smoke", action="store_true",
                        help="CI: N=10, 1 run, no real app, a small unpinned app; still checks "
                             "every cache status")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.runs, args.no_real = "10", 1, True
    default = "synthetic,unpinned" if args.smoke else "synthetic,real"
    apps = {a.strip() for a in (args.apps or default).split(",") if a.strip()}
    if unknown := apps - {"synthetic", "real", "unpinned"}:
        parser.error(f"--apps: unknown {', '.join(sorted(unknown))}")
    if args.only_real:
        apps = {"real"}
    if args.no_real:
        apps.discard("real")
    args.app_set = apps
    args.size_list = [int(s) for s in args.sizes.split(",") if s] if "synthetic" in apps else []
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.index_delay < 0:
        parser.error("--index-delay must not be negative")
    return args


@contextlib.contextmanager
def _timer(what: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    log(f"({what}: {time.monotonic() - started:.1f} s)")


def _source_state() -> dict[str, Any]:
    """Which buildpack was measured: the commit, and lib/ files changed since (read-only git)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=False, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD"),
            "uncommitted_in_lib": git("status", "--porcelain", "--", "lib", "bin").splitlines()}


def load_results(path: Path) -> list[AppResult]:
    data = json.loads(path.read_text())
    results = []
    for app in data["apps"]:
        spec = AppSpec(label=app["label"], n=app["packages"], wheelhouse=Path(),
                       pins=app["pins"], changed=tuple(app["changed"]),  # type: ignore[arg-type]
                       added=app["added"], removed=app["removed"], notes=app["notes"],
                       requirements=app.get("requirements"),
                       index_delay_ms=app.get("index_delay_ms"))
        result = AppResult(spec, errors=app["errors"], files_in_env=app.get(
            "files_in_built_python_dir"))
        for scenario, info in app["scenarios"].items():
            result.samples[scenario] = [Sample(**sample) for sample in info["samples"]]
        results.append(result)
    return results


def print_summary(results: Sequence[AppResult], found: Sequence[Target], runs: int,
                  notes: Sequence[str]) -> None:
    log("")
    log(f"Medians of {runs} run(s); floor (a) = cp -al of .heroku/python + one interpreter "
        "start; baseline (b) = fresh pip install -r (warm pip cache); (c) = pip install -r over "
        "a complete environment. bp MB = the buildpack's own peak RSS; tree MB = largest "
        "single process (pip included); procs = subprocesses the buildpack started.")
    log(table(results))
    for note in notes:
        log(f"note: {note}")
    log("")
    log("Targets:")
    for target in found:
        mark = {True: "HOLDS ", False: "MISSED", None: "n/a   "}[target.holds]
        log(f"  {mark} {target.name}: {target.detail}")
    errors = [e for r in results for e in r.errors]
    if errors:
        log("")
        log("ERRORS (wrong cache status or failed build):")
        for error in errors:
            log(f"  - {error.splitlines()[0]}")


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text())
        results = load_results(args.from_json)
        print_summary(results, targets(results), data["runs"], data.get("notes", []))
        return 1 if any(r.errors for r in results) else 0
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    workdir = args.workdir.absolute()
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    notes: list[str] = []
    with _timer("setup: runtime mirror and baseline runtime"):
        session = setup_session(workdir, stamp)
    if args.app_set & {"synthetic", "real"}:  # the apps with a python_patch scenario
        notes.append(f"python_patch is SIMULATED: the {session.version} runtime archive "
                     f"re-published as {session.next_patch} in the benchmark's private mirror")
    specs: list[AppSpec] = []
    with _timer("generating wheels"):
        specs += [synthetic_app(workdir, n) for n in args.size_list]
        if "unpinned" in args.app_set:
            specs.append(unpinned_spec(workdir, args.index_delay, smoke=args.smoke))
    if "real" in args.app_set:
        try:
            specs.append(real_app())
        except (RuntimeError, OSError, subprocess.SubprocessError, KeyError, ValueError) as error:
            note = f"real app skipped: {error}".strip()
            notes.append(note.splitlines()[0])
            log(note)
    results = []
    failed = False
    for spec in specs:
        result = AppResult(spec)
        results.append(result)
        try:
            with _timer(spec.label):
                kind = UnpinnedBench if spec.requirements is not None else Bench
                kind(session, spec, result).run(args.runs)
        except BenchError as error:
            result.errors.append(str(error))
            log(f"!! {error}")
            failed = True
        failed = failed or bool(result.errors)

    found = targets(results)
    meta = {
        "created": stamp,
        "argv": list(argv),
        "runs": args.runs,
        "workdir": str(workdir),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "buildpack_python": "/usr/bin/python3 (via bin/compile)"},
        "python_version": session.version,
        "buildpack_source": session.source,
        "notes": notes,
        "total_seconds": round(time.monotonic() - started, 1),
        "memory_note": "peak_memory_mb: the buildpack's own process (bin/report); "
                       "tree_max_rss_mb: the largest single process in its tree (wait4)",
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{stamp}.json"
    out.write_text(to_json(results, found, meta))

    print_summary(results, found, args.runs, notes)
    log("")
    log(f"JSON: {out}")
    log(f"logs: {session.logs}")
    log(f"total: {time.monotonic() - started:.0f} s")
    shutil.rmtree(workdir / "tmp", ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
