"""The one timing loop. An app says what each run does, as a list of steps (builds,
the floor, its baselines); the harness carries them out in order, times each build
around `bin/compile`, checks the cache status `bin/report` gives, and keeps the
samples. The ways of keeping CACHE_DIR (caches.py) add their own steps to every run.

Within one run the steps share caches by name: "run" is a new cache each run; any
other name (a way of keeping CACHE_DIR, an app that keeps one cache for all its runs)
is made on its first use and kept until the app is done."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .measure import BenchError, Sample, clean_env, log, measure, ran_pip, tail
from .session import Session

CHECKED = re.compile(r"-----> ((?:Checked|Could not check|Cannot check) .*)")


@dataclass(frozen=True)
class Build:
    """`bin/compile` of the app's `variant` on the cache named `cache`. Untimed builds
    prepare the next step (their status is still checked)."""

    scenario: str
    expected: str
    variant: str = "base"  # "python_patch": the base app with the next patch version
    timed: bool = True
    cache: str = "run"
    config: Mapping[str, str] = field(default_factory=dict)  # more config vars in ENV_DIR
    keep: Callable[[Path], None] | None = None  # done to an existing CACHE_DIR first
    seed: str | None = None  # a new `cache` starts as a copy of this one (`cp -a`)


@dataclass(frozen=True)
class Floor:
    """Floor (a): `cp -al` of the last build's .heroku/python on `cache` + one start of
    its interpreter."""

    cache: str = "run"


@dataclass(frozen=True)
class Baseline:
    """A cost without the buildpack's cache (the app's `baseline`), e.g. a fresh install."""

    name: str


Step = Build | Floor | Baseline


class App(Protocol):
    label: str
    kind: str

    def serving(self, session: Session) -> AbstractContextManager[None]:
        """Whatever the app needs while it is measured (a local index), set up untimed."""

    def config(self) -> dict[str, str]:
        """Its config vars (ENV_DIR)."""

    def process_env(self) -> dict[str, str]:
        """What its builds need in their environment besides the session's."""

    def write(self, dest: Path, variant: str, python_version: str) -> None: ...

    def steps(self, run: int) -> list[Step]: ...

    def baseline(self, name: str, harness: Harness, run: int) -> Sample: ...

    def observed(self, sample: Sample) -> None:
        """Add what the app saw during the step (its index's requests), and reset."""

    def info(self) -> dict[str, Any]:
        """What the app is, for the JSON and the report."""


@dataclass
class AppResult:
    label: str
    kind: str
    info: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_commands: dict[str, list[str]] = field(default_factory=dict)
    files_in_env: int | None = None

    def add(self, scenario: str, sample: Sample) -> None:
        self.samples.setdefault(scenario, []).append(sample)

    def median(self, scenario: str) -> float | None:
        found = self.samples.get(scenario)
        return statistics.median(s.seconds for s in found) if found else None


CacheLocation = Callable[[str], Path | None]  # cache name -> where it lives, None: anywhere
Expand = Callable[[list[Step], int], list[Step]]  # an app's steps of a run -> all of them


class Harness:
    def __init__(self, session: Session, app: App, result: AppResult) -> None:
        self.session, self.app, self.result = session, app, result
        self.caches: dict[str, Path] = {}
        self.last_build: dict[str, Path] = {}

    def logfile(self, run: int, tag: str) -> Path:
        return self.session.logs / self.app.label / f"run{run}-{tag}.log"

    def run(self, runs: int, expand: Expand, where: CacheLocation) -> None:
        """The timing loop: every step of every run, in order."""
        for run in range(1, runs + 1):
            log(f"-- {self.app.label} run {run}/{runs}")
            for step in expand(self.app.steps(run), run):
                if isinstance(step, Build):
                    self.build(step, run, where)
                elif isinstance(step, Floor):
                    self.floor_a(self.last_build[step.cache] / ".heroku" / "python", run)
                else:
                    sample = self.app.baseline(step.name, self, run)
                    self.app.observed(sample)
                    self.result.add(step.name, sample)
                    log(f"   {step.name:<13} {sample.seconds:8.3f} s")
            self.drop(["run"])
        self.drop(list(self.caches))

    def drop(self, names: list[str]) -> None:
        for name in names:
            for path in (self.last_build.pop(name, None), self.caches.pop(name, None)):
                if path is not None:
                    shutil.rmtree(path, ignore_errors=True)

    def cache(self, step: Build, where: CacheLocation) -> Path:
        if step.cache not in self.caches:
            place = where(step.cache)
            self.caches[step.cache] = self.session.fresh("cache") if place is None else place
            if step.seed is not None:
                seed = self.caches[step.seed]
                subprocess.run(["cp", "-a", str(seed), str(self.caches[step.cache])], check=True)
        return self.caches[step.cache]

    def build(self, step: Build, run: int, where: CacheLocation) -> Sample:
        session, app = self.session, self.app
        cache = self.cache(step, where)
        if step.keep is not None and cache.exists():
            step.keep(cache)
        if step.cache in self.last_build:
            shutil.rmtree(self.last_build.pop(step.cache))
        build_dir = session.fresh("build")
        patch = step.variant == "python_patch"
        app.write(
            build_dir,
            "base" if patch else step.variant,
            session.next_patch if patch else session.version,
        )
        env_dir = session.fresh("env")
        env_dir.mkdir()
        for name, value in {**app.config(), **step.config}.items():
            (env_dir / name).write_text(value)
        logfile = self.logfile(run, step.scenario + ("" if step.timed else "-prep"))
        env = {**session.buildpack_env(), **app.process_env()}
        args = [str(build_dir), str(cache), str(env_dir)]
        start = logfile.stat().st_size if logfile.exists() else 0
        measured = measure(
            [str(session.bin / "compile"), *args], env=env, cwd=build_dir, log_path=logfile
        )
        proc = subprocess.run(
            [str(session.bin / "report"), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            report: dict[str, Any] = json.loads(proc.stdout)
        except ValueError:
            report = {}
        self.last_build[step.cache] = build_dir
        shutil.rmtree(env_dir)
        status = report.get("cache_status")
        what = f"{app.label} run {run} {step.scenario}{'' if step.timed else ' (preparation)'}"
        if measured.returncode != 0:
            raise BenchError(
                f"{what}: bin/compile exited {measured.returncode}; log {logfile}:\n{tail(logfile)}"
            )
        if status != step.expected:
            reasons = report.get("cache_discard_reasons")
            self.result.errors.append(
                f"{what}: cache_status {status!r}, expected {step.expected!r} "
                f"(reasons: {reasons}; log {logfile})"
            )
            log(f"   !! {self.result.errors[-1]}")
        commands = [str(c) for c in report.get("commands") or []]
        with logfile.open("rb") as output:
            output.seek(start)
            found = CHECKED.search(output.read().decode(errors="replace"))
        sample = Sample(
            seconds=measured.seconds,
            tree_max_rss_mb=round(measured.tree_max_rss_mb, 1),
            peak_memory_mb=report.get("peak_memory_mb"),
            status=status,
            durations=dict(report.get("durations") or {}),
            commands=len(commands),
            ran_pip=ran_pip(commands),
            checked=found.group(1) if found else None,
        )
        app.observed(sample)
        if step.timed:
            self.result.add(step.scenario, sample)
            self.result.last_commands[step.scenario] = commands
            log(
                f"   {step.scenario:<13} {measured.seconds:8.3f} s  status={status}  "
                f"buildpack {sample.peak_memory_mb} MB, tree {sample.tree_max_rss_mb} MB"
            )
        return sample

    def floor_a(self, python_dir: Path, run: int, repeats: int = 3) -> None:
        """Floor (a): one hard-link copy of the built environment, one interpreter start.
        Cheap and so the most sensitive to noise: taken `repeats` times per run."""
        if self.result.files_in_env is None:
            self.result.files_in_env = sum(len(f) for _, _, f in os.walk(python_dir))
        logfile = self.logfile(run, "floor_a")
        # Untimed, a copy of its own: `cp -al` of a build dir would link the cache's
        # files and move their ctimes, and the next build would read them all again.
        source = self.session.fresh("floor-source")
        shutil.copytree(python_dir, source, symlinks=True)
        workdir = self.session.workdir
        for _ in range(repeats):
            target = self.session.fresh("floor")
            copy = measure(
                ["cp", "-al", str(source), str(target)],
                env=clean_env(),
                cwd=workdir,
                log_path=logfile,
            )
            start = measure(
                [str(target / "bin" / "python3"), "-c", "pass"],
                env=clean_env(),
                cwd=workdir,
                log_path=logfile,
            )
            if copy.returncode or start.returncode:
                raise BenchError(f"{self.app.label}: floor (a) failed; log {logfile}")
            seconds = copy.seconds + start.seconds
            rss = round(max(copy.tree_max_rss_mb, start.tree_max_rss_mb), 1)
            self.result.add("floor_a", Sample(seconds, rss))
            log(f"   {'floor_a':<13} {seconds:8.3f} s  (cp -al {copy.seconds:.3f} s)")
            shutil.rmtree(target)
        shutil.rmtree(source)


def run_app(
    session: Session, app: App, runs: int, expand: Expand, where: CacheLocation
) -> AppResult:
    """One app, all its runs; a failed build ends its results with the error."""
    result = AppResult(app.label, app.kind)
    started = time.monotonic()
    try:
        with app.serving(session):
            result.info = app.info()
            ready = f"ready in {time.monotonic() - started:.1f} s"
            log(f"== {app.label}: {result.info.get('summary', '')} ({ready})")
            Harness(session, app, result).run(runs, expand, where)
    except BenchError as error:
        result.errors.append(str(error))
        log(f"!! {error}")
    return result
