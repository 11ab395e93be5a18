#!/usr/bin/env python3
"""Benchmark the buildpack's cache against the floors and baselines it must beat.

    .venv/bin/python bench/run.py                      # make bench
    .venv/bin/python bench/run.py --smoke              # make bench-smoke (CI)
    .venv/bin/python bench/run.py --sizes 10,50 --runs 5 --workdir /dev/shm/bench
    .venv/bin/python bench/run.py --apps unpinned --runs 3 --index-delay 50
    .venv/bin/python bench/run.py --apps uv,poetry,pipenv --runs 3
    .venv/bin/python bench/run.py --apps synthetic --sizes 30,200 --cache all
    .venv/bin/python bench/run.py --apps real-unpinned --runs 3   # the network

Two dimensions. `--apps`: which apps, each with the scenarios it has (bench/benchlib:
apps.py for the pinned pip apps, unpinned.py, locked.py for uv, Poetry and Pipenv,
real_index.py for the real package index). `--cache`: how CACHE_DIR is kept between
builds (caches.py: in place, a GNU tar or `cp -r` round trip, another filesystem, the
content check), each adding an unchanged rebuild to every run of every app.

Every build is `bin/compile` of a private copy of the buildpack, timed around the
process, its cache status checked with `bin/report`; in the same runs, with the same
packages and runtime, floor (a) (`cp -al` of the built .heroku/python + one start of
its interpreter) and the app's baselines (a fresh install). The table gives medians
and ratios to them; the JSON goes to bench/results/<timestamp>.json. A cache status
other than the expected one, or a failed build, makes the exit status non-zero;
missed targets are reported, not failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchlib import ROOT
from benchlib.apps import real_app, synthetic_app
from benchlib.caches import MODES, Keeping, parse_modes, same_filesystem
from benchlib.harness import App, run_app
from benchlib.locked import DEFAULT_SIZE, MANAGERS, LockedApp
from benchlib.measure import log
from benchlib.real_index import RealIndexApp
from benchlib.report import load_results, print_summary, to_json
from benchlib.session import setup_session
from benchlib.targets import targets
from benchlib.unpinned import DEFAULT_DELAY_MS, UnpinnedPipApp, make_app

RESULTS_DIR = ROOT / "bench" / "results"
APPS = ("synthetic", "real", "unpinned", *MANAGERS, "real-unpinned")
SMOKE_APPS = "synthetic,unpinned,uv,poetry,pipenv"
SMOKE_LOCKED_SIZE = 5


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add(
        "--apps",
        metavar="LIST",
        help=f"which apps, comma-separated, of: {', '.join(APPS)} "
        f"(default synthetic,real; with --smoke {SMOKE_APPS})",
    )
    add("--sizes", default="10,50,200", help="packages of the synthetic apps (default 10,50,200)")
    add(
        "--locked-size",
        type=int,
        help=f"packages of the uv, Poetry, Pipenv apps (default "
        f"{DEFAULT_SIZE}, with --smoke {SMOKE_LOCKED_SIZE})",
    )
    add(
        "--cache",
        metavar="LIST",
        help=f"ways of keeping CACHE_DIR, of: {', '.join(MODES)}, "
        "all (default in-place; with --smoke all, other-fs if --other is another filesystem)",
    )
    add(
        "--other",
        type=Path,
        default=Path("/dev/shm"),
        metavar="DIR",
        help="for --cache other-fs: a directory on another filesystem than --workdir",
    )
    add("--runs", type=int, default=5, help="runs per scenario (default 5)")
    add(
        "--workdir",
        type=Path,
        default=ROOT / ".cache" / "bench",
        help="where apps, caches and builds go (a tmpfs path is fine)",
    )
    add(
        "--index-delay",
        type=float,
        default=DEFAULT_DELAY_MS,
        metavar="MS",
        help=f"the unpinned app's index: ms before each answer (default {DEFAULT_DELAY_MS:g})",
    )
    add("--no-real", action="store_true", help="skip the real app from PyPI")
    add("--only-real", action="store_true", help="only the real app")
    add(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="print the table and targets of an earlier results file; run nothing",
    )
    add(
        "--smoke",
        action="store_true",
        help="CI: N=10, 1 run, small apps of every kind but "
        "the networked ones, every way of keeping the cache; still checks every status",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.runs, args.no_real = "10", 1, True
    apps = [
        a.strip()
        for a in (args.apps or (SMOKE_APPS if args.smoke else "synthetic,real")).split(",")
    ]
    if unknown := [a for a in apps if a and a not in APPS]:
        parser.error(f"--apps: unknown {', '.join(unknown)}")
    apps = (
        ["real"]
        if args.only_real
        else [a for a in apps if a and not (args.no_real and a == "real")]
    )
    args.app_list = apps
    args.size_list = [int(s) for s in args.sizes.split(",") if s] if "synthetic" in apps else []
    args.locked_size = args.locked_size or (SMOKE_LOCKED_SIZE if args.smoke else DEFAULT_SIZE)
    cache = args.cache or ("all" if args.smoke else "in-place")
    try:
        args.modes = parse_modes(",".join(MODES) if cache == "all" else cache)
    except ValueError as error:
        parser.error(f"--cache: {error}")
    if args.runs < 1 or args.locked_size < 2:
        parser.error("--runs must be at least 1, --locked-size at least 2")
    if args.index_delay < 0:
        parser.error("--index-delay must not be negative")
    return args


@contextlib.contextmanager
def _timer(what: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    log(f"({what}: {time.monotonic() - started:.1f} s)")


def make_apps(args: argparse.Namespace, workdir: Path, notes: list[str]) -> list[App]:
    """The apps asked for, in the order asked; their packages generated (untimed)."""
    apps: list[App] = []
    for name in args.app_list:
        if name == "synthetic":
            apps += [synthetic_app(workdir, n) for n in args.size_list]
        elif name == "unpinned":
            apps.append(UnpinnedPipApp(make_app(workdir, smoke=args.smoke), args.index_delay))
        elif name in MANAGERS:
            apps.append(LockedApp(name, workdir, args.locked_size))
        elif name == "real-unpinned":
            apps.append(RealIndexApp())
        elif name == "real":
            try:
                apps.append(real_app())
            except (RuntimeError, OSError, subprocess.SubprocessError, KeyError, ValueError) as e:
                note = f"real app skipped: {e}".strip()
                notes.append(note.splitlines()[0])
                log(note)
    return apps


def keeping(args: argparse.Namespace, workdir: Path, notes: list[str]) -> Keeping:
    modes = args.modes
    if any(mode.elsewhere for mode in modes) and (
        not args.other.is_dir() or same_filesystem(args.other, workdir)
    ):
        why = f"{args.other} is not a directory on another filesystem than {workdir}"
        if not args.smoke:
            raise SystemExit(f"--cache other-fs: {why}: choose another --workdir or --other")
        notes.append(f"--cache other-fs skipped: {why}")
        modes = [mode for mode in modes if not mode.elsewhere]
    return Keeping(modes, args.other)


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
    keep = keeping(args, workdir, notes)
    with _timer("setup: runtime mirror and baseline runtime"):
        session = setup_session(workdir, stamp)
    if {"synthetic", "real"} & set(args.app_list):  # the apps with a python_patch scenario
        notes.append(
            f"python_patch is SIMULATED: the {session.version} runtime archive "
            f"re-published as {session.next_patch} in the benchmark's private mirror"
        )
    with _timer("generating wheels"):
        apps = make_apps(args, workdir, notes)
    results = []
    with keep.place():
        for app in apps:
            with _timer(app.label):
                results.append(run_app(session, app, args.runs, keep.steps, keep.where))

    found = targets(results)
    meta: dict[str, Any] = {
        "created": stamp,
        "argv": list(argv),
        "runs": args.runs,
        "cache_modes": [mode.name for mode in keep.modes] or ["in-place"],
        "workdir": str(workdir),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "buildpack_python": "/usr/bin/python3 (via bin/compile)",
        },
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
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
